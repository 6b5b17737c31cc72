"""Every bad workbook gives one line: file, sheet and cell, what is there, what is allowed.

Exit code 2, no traceback, no results folder.

Also: files that are not workbooks (a CSV renamed, a damaged zip, a password-protected or an
old .xls file), formulas with and without a stored value, hidden rows and columns, and
workbooks typed with Swedish and English headers.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from workbook_case import save, support_sheets

from sim.cli import main
from sim.io.errors import ScenarioError
from sim.io.scenario import from_dict, load
from sim.io.workbook import read_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "hnt_medisin.xlsx"
TASKS = [["Oppgaven", "Sykepleier sengepost", "Tid", "Behov: Opplæring", "Helsefagarbeider",
          "Tid", "Forslag", "Antall", "Prioritet"],
         ["kl. 07:00 – 09:00"], ["Blodprøver:"],
         ["• Blodprøver", "x", 6, None, None, 8, None, 0.5, "høy"],
         ["• Andre prøver", "x", 4, None, None, None, None, 0.2, None]]


def small(tmp_path: Path, tasks: list[list[Any]] | None = None, **sheets: Any) -> Path:
    return save(tmp_path / "mapping.xlsx", {"Oppgaver": tasks or TASKS,
                                            **{**support_sheets(), **sheets}})


def edited(tmp_path: Path, change: Any) -> Path:
    """Return the example workbook after ``change(book)``, saved by openpyxl as Excel would."""
    book = openpyxl.load_workbook(EXAMPLE)
    change(book)
    path = tmp_path / "mapping.xlsx"
    book.save(path)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ScenarioError) as err:
        read_workbook(path)
    return str(err.value)


def assert_cli_error(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                     pattern: str) -> str:
    out = tmp_path / "results"
    assert main(["run", str(path), "-n", "1", "--days", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"wardsim: error: {path}: "), err
    assert re.search(pattern, err), err
    assert not out.exists()
    return err


def test_a_word_where_a_number_belongs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [list(r) for r in TASKS]
    rows[3][2] = "seks"
    assert_cli_error(small(tmp_path, rows), tmp_path, capsys,
                     r"Oppgaver!C4: 'seks' is not a time in minutes; give a number")


@pytest.mark.parametrize(("cell", "value", "pattern"), [
    ("I4", "hoy", r"Oppgaver!I4: 'hoy' is not a priority; allowed: akutt, høy, normal, lav; "
                  r"did you mean 'høy'\?"),
    ("H4", -1, r"Oppgaver!H4: '-1' is not allowed; a count per interval must be 0 or more"),
    ("G4", "Assistentt", r"Oppgaver!G4: 'Assistentt' is not a staff group; allowed: .*"),
    ("A2", "kl. 07:00 – 10:00", r"Oppgaver!A2: 'kl. 07:00 – 10:00' is not an interval .*kl\. "
                                r"07:00 – 09:00"),
    ("A3", "Blodprøverr:", r"Oppgaver!A3: 'Blodprøverr:' is not a task category.*did you mean "
                           r"'Blodprøver'\?"),
    ("E4", "x", r"Oppgaver!E4: a second group is marked \(Oppgaver!B4 is marked too\); a task "
                r"is placed on exactly one group"),
    ("B4", None, r"Oppgaver!A4: no group is marked for 'Blodprøver'"),
    ("B4", "6", r"Oppgaver!B4: '6' is not a mark"),
])
def test_a_bad_task_cell_is_named(cell: str, value: Any, pattern: str, tmp_path: Path) -> None:
    path = small(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Oppgaver"][cell] = value
    book.save(path)
    assert re.search(pattern, error_of(path)), error_of(path)


@pytest.mark.parametrize(("sheet", "cell", "value", "pattern"), [
    ("Post", "B3", 0, r"Post!B3: '0' is not allowed; a whole number must be 1 or more"),
    ("Post", "B4", 1.2, r"Post!B4: '1.2' is not a share between 0 and 1"),
    ("Post", "A5", "Dagerr", r"Post!A5: unknown setting 'Dagerr'.*did you mean 'Dager'\?"),
    ("Bemanning", "B2", "dagg", r"Bemanning!B2: 'dagg' is not a shift; did you mean 'dag'\?"),
    ("Bemanning", "C2", "to", r"Bemanning!C2: 'to' is not a head count; give a number"),
    ("Vakter", "B2", "25:00", r"Vakter!B2: '25:00' is not a clock time"),
    ("Grupper", "C2", "kanskje", r"Grupper!C2: 'kanskje' is not yes or no; allowed: ja, nei"),
])
def test_a_bad_cell_on_another_sheet_is_named(sheet: str, cell: str, value: Any, pattern: str,
                                              tmp_path: Path) -> None:
    path = small(tmp_path)
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    book.save(path)
    assert re.search(pattern, error_of(path)), error_of(path)


def test_an_unknown_sheet_lists_the_sheets_with_a_hint(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = edited(tmp_path, lambda b: setattr(b["Oppgaver"], "title", "Oppgavr"))
    assert_cli_error(path, tmp_path, capsys,
                     r"Oppgavr: unknown sheet 'Oppgavr'; allowed: Oppgaver, Post, Grupper, "
                     r"Vakter, Bemanning, Sertifisering, Fravær; did you mean 'Oppgaver'\?")


def test_an_unknown_header_lists_the_headers_with_a_hint(tmp_path: Path) -> None:
    def rename(book: openpyxl.Workbook) -> None:
        sheet = book["Oppgaver"]
        col = next(c for c in sheet[1] if c.value == "Prioritet")
        col.value = "Prioritett"
    message = error_of(edited(tmp_path, rename))
    assert re.search(r"Oppgaver!Z1: unknown column 'Prioritett'; allowed: Oppgaven, Forslag, "
                     r".*Sykepleier medisinsk overvåkning.*; did you mean 'Prioritet'\?", message)


def test_an_empty_extra_sheet_is_ignored_and_a_missing_one_is_named(tmp_path: Path) -> None:
    path = edited(tmp_path, lambda b: b.create_sheet("Ark1"))
    assert from_dict(read_workbook(path).baseline) == load(ROOT / "scenarios" /
                                                           "hnt_medisin_baseline.yaml")
    path.unlink()
    message = error_of(edited(tmp_path, lambda b: b.remove(b["Grupper"])))
    assert "no sheet 'Grupper'" in message


@pytest.mark.parametrize(("content", "pattern"), [
    (b"Oppgaven;Tid\nBlodprover;6\n", r"not an Excel workbook \(.xlsx\): a text file \(a CSV"),
    (b"PK\x03\x04 broken", r"the file is damaged"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64,
     r"password protected \(encrypted\)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, r"an old Excel 97-2003 \(.xls\) file"),
])
def test_a_file_that_is_not_a_workbook(content: bytes, pattern: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mapping.xlsx"
    path.write_bytes(content)
    assert_cli_error(path, tmp_path, capsys, pattern)


def test_a_zip_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "mapping.xlsx"
    shutil.make_archive(str(tmp_path / "notes"), "zip", ROOT / "scenarios")
    shutil.move(tmp_path / "notes.zip", path)
    assert "a zip archive without an Excel workbook in it" in error_of(path)


def test_a_formula_is_read_as_its_stored_value(tmp_path: Path) -> None:
    path = tmp_path / "mapping.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name, rows in {"Oppgaver": TASKS, **support_sheets()}.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.get_worksheet_by_name("Oppgaver").write_formula("C4", "=2*3", None, 6)
    book.close()
    assert from_dict(read_workbook(path).baseline).tasks[0].minutes == {
        "sykepleier": 6, "helsefagarbeider": 8}


def test_a_formula_without_a_stored_value_is_named(tmp_path: Path) -> None:
    path = small(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Oppgaver"]["H5"] = "=H4/2"  # openpyxl stores no computed value
    book.save(path)
    assert re.search(r"Oppgaver!H5: a formula with no computed value stored in the file",
                     error_of(path))


def test_hidden_rows_and_columns_are_read_like_any_other(tmp_path: Path) -> None:
    plain = read_workbook(small(tmp_path)).baseline
    path = tmp_path / "mapping.xlsx"
    book = openpyxl.load_workbook(path)
    book["Oppgaver"].row_dimensions[4].hidden = True
    book["Oppgaver"].column_dimensions["F"].hidden = True
    book["Post"].sheet_state = "hidden"
    book.save(path)
    assert read_workbook(path).baseline == plain


SWEDISH = {
    "Uppgifter": [["Uppgiften", "Sykepleier sengepost", "Tid", "Behov: Utbildning",
                   "Helsefagarbeider", "Tid", "Förslag", "Antal", "Antal helg", "Per",
                   "Prioritet", "Max väntetid"],
                  ["kl. 07.00–09.00"], ["Provtagning:"],
                  ["• Blodprov", "x", 6, "venprov", None, 8, "Helsefagarbeider", 0.5, 0.2,
                   "patient", "hög", 45],
                  ["Uppgifter utan tidpunkt, utförs hela dygnet hela veckan"],
                  ["Beställningar:"], ["• Beställa varor", None, None, None, "x", 10, None, 2,
                                       None, "avdelning", "låg", None]],
    "Avdelning": [["Fält", "Värde", "Förslag"], ["Namn", "Avdelning 7"], ["Vårdplatser", 20],
                  ["Beläggning vardag", 0.9], ["Uppgiftsglidning", "nej"]],
    "Yrkesgrupper": [["ID", "Namn", "Sjuksköterska"], ["sykepleier", "Sykepleier sengepost", "ja"],
                     ["helsefagarbeider", "Helsefagarbeider", "nej"]],
    "Pass": [["Pass", "Start", "Slut"], ["dag", "07:00", "15:00"], ["natt", "15:00", "07:00"]],
    "Bemanningsplan": [["Grupp", "Pass", "Vardag", "Helg", "Förslag vardag"],
                       ["sykepleier", "dag", 3, 2, None], ["sykepleier", "natt", 2, None, None],
                       ["helsefagarbeider", "dag", 2, None, 3],
                       ["helsefagarbeider", "natt", 1, None, None]],
    "Certifiering": [["Certifiering", "Grupp", "Vem har den", "Förslag"],
                     ["venprov", "sykepleier", "alla", None],
                     ["venprov", "helsefagarbeider", 0, "alla"]],
    "Frånvaro": [["Grupp", "Frånvaro"], ["sykepleier", 0.05]],
}
ENGLISH_TASKS = [["Task", "Sykepleier sengepost", "Time", "Needs: Training", "Helsefagarbeider",
                  "Time", "Proposal", "Interval", "Category", "Count", "Per", "Priority"],
                 ["Blood samples", "x", 6, "venprov", None, 8, "helsefagarbeider",
                  "07:00 – 09:00", "Blood and other samples", 0.5, "patient", "high"],
                 ["Order supplies", None, None, None, "x", 10, None,
                  "Tasks with no fixed time, done around the clock all week", "Ordering", 2,
                  "ward", "low"]]


def _english(sheets: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    names = {"Uppgifter": "Tasks", "Avdelning": "Ward", "Yrkesgrupper": "Groups",
             "Pass": "Shifts", "Bemanningsplan": "Staffing", "Certifiering": "Certification",
             "Frånvaro": "Absence"}
    headers = {"Fält": "Field", "Värde": "Value", "Förslag": "Proposal", "Namn": "Name",
               "Vårdplatser": "Beds", "Beläggning vardag": "Occupancy weekday",
               "Uppgiftsglidning": "Task gliding", "nej": "no", "ja": "yes",
               "Sjuksköterska": "Nurse", "Pass": "Shift", "Slut": "End", "Grupp": "Group",
               "Vardag": "Weekday", "Helg": "Weekend", "Förslag vardag": "Proposal weekday",
               "Certifiering": "Certification", "Vem har den": "Who holds it", "alla": "all",
               "Frånvaro": "Absence"}
    out = {names[k]: [[headers.get(c, c) if isinstance(c, str) else c for c in row]
                      for row in rows] for k, rows in sheets.items() if k != "Uppgifter"}
    return {"Tasks": ENGLISH_TASKS, **out}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_swedish_and_english_headers_are_read(lang: str, tmp_path: Path) -> None:
    sheets = SWEDISH if lang == "sv" else _english(SWEDISH)
    book = read_workbook(save(tmp_path / "w.xlsx", sheets))
    assert book.lang == lang
    today, proposal = from_dict(book.baseline), from_dict(book.proposal)
    blood, order = today.tasks
    assert (blood.category, blood.group, blood.requires, blood.priority) == (
        "blodprover", "sykepleier", "venprov", "high")
    assert list(blood.when) == ["07-09"] and blood.when["07-09"].of("weekday") == 0.5
    assert (order.category, order.per, order.priority, list(order.when)) == (
        "bestillinger", "ward", "low", ["anytime"])
    assert today.dispatch.policy == "strict" and today.ward.beds == 20
    assert today.certifications["venprov"] == {"sykepleier": "all", "helsefagarbeider": 0}
    assert proposal.tasks[0].group == "helsefagarbeider"
    assert proposal.certifications["venprov"]["helsefagarbeider"] == "all"
    if lang == "sv":
        assert proposal.roster["helsefagarbeider"]["dag"].of("weekday") == 3
        assert today.absence == {"sykepleier": 0.05}


def test_holidays_as_dates_need_the_start_date(tmp_path: Path) -> None:
    import datetime as dt

    post = support_sheets()["Post"] + [["Helligdager", "2024-05-17"]]
    assert "give the Startdato" in error_of(small(tmp_path, Post=post))
    (tmp_path / "mapping.xlsx").unlink()
    post += [["Startdato", dt.date(2024, 5, 13)]]
    raw = read_workbook(small(tmp_path, Post=post)).baseline
    assert raw["calendar"]["holidays"] == [4] and raw["calendar"]["start"] == "monday"


def test_a_required_setting_left_empty_is_told_at_its_cell(tmp_path: Path) -> None:
    post = [row for row in support_sheets()["Post"] if row[0] != "Senger"] + [["Senger", None]]
    assert re.search(r"Post!B5: is required but missing \(ward\.beds\)",
                     error_of(small(tmp_path, Post=post)))


def test_a_share_typed_as_a_percentage_is_read(tmp_path: Path) -> None:
    sheets = {"Fravær": [["Gruppe", "Fravær"], ["sykepleier", "6 %"]]}
    assert read_workbook(small(tmp_path, **sheets)).baseline["absence"] == {"sykepleier": 0.06}


def test_export_refuses_a_proposal_the_workbook_cannot_hold(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    base = ROOT / "scenarios" / "hnt_medisin_baseline.yaml"
    variant = tmp_path / "slower.yaml"
    variant.write_text(f"name: slower\nextends: {base}\ntasks:\n  - {{id: vekt, minutes: 9}}\n",
                       encoding="utf-8")
    out = tmp_path / "w.xlsx"
    assert main(["workbook", "export", str(base), "--proposal", str(variant), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot hold proposal: tasks.vekt.minutes" in err and err.count("\n") == 1
    assert not out.exists() and not list(tmp_path.glob(".*"))


def test_every_header_and_word_means_one_thing_in_every_language() -> None:
    from sim.i18n import LANGUAGES, catalogue
    from sim.io.workbook.vocab import norm

    for table in ("sheet", "col", "heading", "word", "field"):
        meaning: dict[str, str] = {}
        for lang in LANGUAGES:
            for name, text in catalogue(lang).items():
                if name.startswith(f"workbook.{table}."):
                    key = name.rsplit(".", 1)[1]
                    assert meaning.setdefault(norm(text), key) == key, (table, lang, text)
