"""The workbook carries every ``fte:`` setting both ways.

- the full-time week, the night week, holiday weeks, public holidays and the mean post size
  are rows of the Post sheet; a post size per group is the Grupper sheet's column (an empty
  cell takes the Post sheet's mean post size): ``import(export(s)) == s`` for each, in all
  three languages, and a proposal changing them round trips as the Forslag column;
- a bad post size or holiday count is one line naming its cell, exit 2;
- the rows and the column are read under their Swedish and English labels;
- Excel's data validation keeps each of these cells to the numbers the format allows.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from workbook_case import GROUPS, save, support_sheets

from sim.cli import main
from sim.io.errors import ScenarioError
from sim.io.scenario import from_dict, load_raw
from sim.io.workbook import read_workbook, write_workbook

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "hnt_medisin_baseline.yaml"
EVERY = {"weekly_hours": 37.5, "night_weekly_hours": 34.33, "holiday_weeks": 5.4,
         "public_holidays": 9, "post_size": 0.8}
TASKS = [["Oppgaven", "Sykepleier sengepost", "Tid", "Helsefagarbeider", "Tid", "Antall"],
         ["kl. 07:00 – 09:00"], ["Blodprøver:"], ["• Blodprøver", "x", 6, None, 8, 0.5]]


def _with_fte(**fte: Any) -> dict[str, Any]:
    raw = load_raw(BASELINE)
    raw["fte"] = fte
    return raw


def _round_trip(raw: dict[str, Any], tmp_path: Path, lang: str = "nb",
                proposal: dict[str, Any] | None = None) -> tuple[Any, Any, Any, Any]:
    scenario = from_dict(raw)
    variant = from_dict(proposal) if proposal is not None else None
    path = write_workbook(tmp_path / f"w_{lang}.xlsx", scenario, variant, lang=lang)
    book = read_workbook(path)
    again = from_dict(book.proposal) if book.proposal is not None else None
    return from_dict(book.baseline), scenario, again, variant


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_every_fte_setting_round_trips(lang: str, tmp_path: Path) -> None:
    got, want, *_ = _round_trip(_with_fte(**EVERY), tmp_path, lang)
    assert got == want and got.fte.night_weekly_hours == 34.33 and got.fte.post_size == 0.8


@pytest.mark.parametrize("sizes", [{"sykepleier": 0.9}, {"assistent": 0.45, "sykepleier": 1},
                                   "every group"])
def test_a_post_size_per_group_round_trips_on_the_group_sheet(sizes: Any, tmp_path: Path) -> None:
    raw = _with_fte(holiday_weeks=6)
    groups = [g["id"] for g in raw["groups"]]
    raw["fte"]["post_size"] = {g: 0.5 + i / 10 for i, g in enumerate(groups)} \
        if sizes == "every group" else sizes
    got, want, *_ = _round_trip(raw, tmp_path, "sv")
    assert got == want and got.fte.post_size == raw["fte"]["post_size"]
    sheet = openpyxl.load_workbook(tmp_path / "w_sv.xlsx")["Yrkesgrupper"]
    column = [c.value for c in sheet["F"]]
    assert column[0] == "Tjänstgöringsgrad"
    assert column[1:len(groups) + 1] == [raw["fte"]["post_size"].get(g) for g in groups]


def test_a_proposal_changing_the_fte_settings_is_the_forslag_column(tmp_path: Path) -> None:
    base = _with_fte(**EVERY)
    proposal = copy.deepcopy(base)
    proposal["name"] = "heltid"
    proposal["fte"] = {**EVERY, "post_size": 1, "holiday_weeks": 6, "night_weekly_hours": 33}
    got, want, got_proposal, want_proposal = _round_trip(base, tmp_path, "en", proposal)
    assert got == want
    assert got_proposal.fte == want_proposal.fte and got_proposal.fte.post_size == 1


def test_an_empty_group_cell_takes_the_post_sheets_mean_post_size(tmp_path: Path) -> None:
    sheets = support_sheets()
    sheets["Post"] += [["Gjennomsnittlig stillingsstørrelse", "80 %"], ["Ferieuker per år", 6]]
    sheets["Grupper"][0].append("Stillingsstørrelse")
    sheets["Grupper"][2].append(0.9)
    raw = read_workbook(save(tmp_path / "w.xlsx", {"Oppgaver": TASKS, **sheets})).baseline
    ids = [g for g, _, _ in GROUPS]
    assert raw["fte"] == {"holiday_weeks": 6,
                          "post_size": {g: 0.9 if g == ids[1] else 0.8 for g in ids}}
    assert from_dict(raw).fte.post_size_of(ids[1]) == 0.9


def test_without_a_mean_post_size_the_other_groups_stay_full_time(tmp_path: Path) -> None:
    sheets = support_sheets()
    sheets["Grupper"][0].append("Stillingsstørrelse")
    sheets["Grupper"][3].append(0.6)
    raw = read_workbook(save(tmp_path / "w.xlsx", {"Oppgaver": TASKS, **sheets})).baseline
    assert raw["fte"] == {"post_size": {GROUPS[2][0]: 0.6}}
    assert from_dict(raw).fte.post_size_of(GROUPS[0][0]) == 1.0


@pytest.mark.parametrize(("value", "pattern"), [
    (1.5, r"Grupper!E3: '1.5' is not a post size between 0 and 1$"),
    (80, r"Grupper!E3: '80' is not a post size between 0 and 1 \(80 % is 0.8\)"),
    (0, r"Grupper!E3: '0' is not allowed; a post size must be above 0"),
    ("mye", r"Grupper!E3: 'mye' is not a post size; give a number"),
])
def test_a_bad_post_size_names_its_cell(value: Any, pattern: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    sheets = support_sheets()
    sheets["Grupper"][0].append("Stillingsstørrelse")
    sheets["Grupper"][2].append(value)
    path = save(tmp_path / "w.xlsx", {"Oppgaver": TASKS, **sheets})
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"wardsim: error: {path}: "), err
    assert re.search(pattern, err.strip()), err


@pytest.mark.parametrize(("label", "value", "pattern"), [
    ("Ferieuker per år", 25, r"Post!B6: .*fte\.holiday_weeks"),
    ("Gjennomsnittlig stillingsstørrelse", 1.2, r"Post!B6: '1.2' is not a post size between"),
    ("Timer per uke i full stilling på natt", 0, r"Post!B6: '0' is not allowed; a number must "
                                                 r"be above 0"),
])
def test_a_bad_fte_setting_names_its_cell(label: str, value: Any, pattern: str,
                                          tmp_path: Path) -> None:
    sheets = support_sheets()
    sheets["Post"].append([label, value])
    with pytest.raises(ScenarioError) as err:
        read_workbook(save(tmp_path / "w.xlsx", {"Oppgaver": TASKS, **sheets}))
    assert re.search(pattern, str(err.value)), str(err.value)
    assert str(err.value).startswith(str(tmp_path / "w.xlsx"))


@pytest.mark.parametrize(("lang", "rows", "column"), [
    ("sv", [["Timmar per vecka på heltid", 38.25], ["Timmar per vecka på heltid på natten", 34],
            ["Semesterveckor per år", 5], ["Helgdagar på vardagar per år", 11],
            ["Genomsnittlig tjänstgöringsgrad", 0.85]], "Tjänstgöringsgrad"),
    ("en", [["Full-time hours per week", 38.25], ["Full-time hours per week on nights", 34],
            ["Holiday weeks per year", 5], ["Public holidays on weekdays per year", 11],
            ["Mean post size", 0.85]], "Post size"),
])
def test_swedish_and_english_labels_are_read(lang: str, rows: list[list[Any]], column: str,
                                             tmp_path: Path) -> None:
    sheets = support_sheets()
    sheets["Post"] += rows
    sheets["Grupper"][0].append(column)
    sheets["Grupper"][1].append(0.75)
    fte = from_dict(read_workbook(save(tmp_path / "w.xlsx",
                                       {"Oppgaver": TASKS, **sheets})).baseline).fte
    assert (fte.weekly_hours, fte.night_weekly_hours, fte.holiday_weeks,
            fte.public_holidays) == (38.25, 34, 5, 11)
    assert fte.post_size == {g: 0.75 if i == 0 else 0.85 for i, (g, _, _) in enumerate(GROUPS)}


def _rules(sheet: Any) -> dict[str, str]:
    """Cell range -> the custom formula of its data validation."""
    return {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation
            if dv.type == "custom"}


def test_excel_keeps_the_fte_cells_to_the_numbers_allowed(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "w.xlsx", from_dict(_with_fte(**EVERY)), lang="en")
    book = openpyxl.load_workbook(path)
    ward = book["Ward"]
    rows = {ward.cell(r, 1).value: r for r in range(2, ward.max_row + 1)}
    rules = _rules(ward)
    for label, formula in [("Mean post size", "AND(ISNUMBER(B{r}),B{r}>0,B{r}<=1)"),
                           ("Full-time hours per week on nights",
                            "AND(ISNUMBER(B{r}),B{r}>0,B{r}<=60)"),
                           ("Holiday weeks per year", "AND(ISNUMBER(B{r}),B{r}>=0,B{r}<=20)"),
                           ("Public holidays on weekdays per year",
                            "AND(ISNUMBER(B{r}),B{r}>=0,B{r}<=30)")]:
        r = rows[label]
        assert rules[f"B{r}:C{r}"] == formula.format(r=r), label
    assert ward.cell(rows["Mean post size"], 2).value == 0.8
    groups = _rules(book["Groups"])
    assert [f for r, f in groups.items() if r.startswith("F2:F")] == [
        "AND(ISNUMBER(F2),F2>0,F2<=1)"]
