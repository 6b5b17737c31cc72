"""Terminal text in three languages, from small hand-built frames.

- the run / compare / sweep tables take their labels from the catalogue and their numbers in
  the language's convention; English stays as before (``82.1% ±1.3``);
- a shift × day type on which a group has nobody rostered shows "–", never 0.0 %;
- every verdict reason renders in every language with its cell, its labels and its numbers;
- ``assess_report``: a line per scenario naming the cells that stop it, the verdict matrix,
  the reasons worst first, the training need.
"""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest

from sim.i18n import LANGUAGES, Messages, catalogue
from sim.model import WardModel
from sim.report.reasons import REASON_KEYS, reason_column, render
from sim.report.text import (
    cell,
    compare_report,
    headline_table,
    run_report,
    sweep_report,
    utilisation_table,
)
from sim.report.verdicts_text import assess_report, verdict_matrix

NBSP = "\u00a0"
NAN = math.nan


def _row(kpi: str, mean: float, low: float = NAN, high: float = NAN, group: str = "all",
         category: str = "", shift: str = "all", day_type: str = "all",
         interval: str = "all", **more: float) -> dict[str, object]:
    return dict(kpi=kpi, group=group, category=category, shift=shift, day_type=day_type,
                interval=interval, mean=mean, ci_low=low, ci_high=high, **more)


def _summary() -> pd.DataFrame:
    return pd.DataFrame([
        _row("utilisation", 0.821, 0.808, 0.834, group="sykepleier", shift="day",
             day_type="weekday"),
        _row("utilisation", 0.5, 0.45, 0.55, group="helsefagarbeider", shift="day",
             day_type="weekday"),
        # nobody of helsefagarbeider on weekend nights: no on-duty time, utilisation NaN
        _row("utilisation", NAN, NAN, NAN, group="helsefagarbeider", shift="night",
             day_type="weekend"),
        _row("utilisation", 0.612, 0.6, 0.624, group="sykepleier", shift="night",
             day_type="weekend"),
        _row("utilisation", 0.7, 0.69, 0.71, group="sykepleier"),
        _row("utilisation", 0.4, 0.39, 0.41, group="helsefagarbeider"),
        _row("tasks_per_week", 1234.4, 1200.0, 1268.8, group="sykepleier"),
        _row("wait_p90", 12.25, 11.0, 13.5, group="sykepleier"),
        _row("tasks_per_week", 80.0, 78.0, 82.0, group="", category="legemiddelhandtering"),
        _row("tasks_per_week", 1314.4, 1290.0, 1338.8, category="all"),
    ])


def test_cell_keeps_the_english_format_and_localises() -> None:
    assert cell(0.821, 0.808, 0.834, "{:.1f}", True) == "82.1% ±1.3"
    assert cell(0.821, 0.808, 0.834, "num1", True, msg=Messages("nb")) == f"82,1{NBSP}% ±1,3"
    assert cell(12345.0, NAN, NAN, "{:,.0f}") == "12,345"
    assert cell(12345.0, NAN, NAN, "num0", msg=Messages("sv")) == f"12{NBSP}345"
    assert cell(NAN, NAN, NAN, percent=True) == "–"


def test_utilisation_table_shows_a_dash_where_nobody_is_rostered(small_model: WardModel) -> None:
    table = utilisation_table(_summary(), small_model)
    assert table.loc["night weekend", "helsefagarbeider"] == "–"
    assert table.loc["night weekend", "sykepleier"] == "61.2% ±1.2"
    assert table.loc["day weekday", "sykepleier"] == "82.1% ±1.3"
    assert not re.search(r"(?<![\d.])0\.0%", table.to_string())
    nb = utilisation_table(_summary(), small_model, msg=Messages("nb"))
    assert nb.loc["natt helg", "helsefagarbeider"] == "–"
    assert nb.loc["dag hverdag", "sykepleier"] == f"82,1{NBSP}% ±1,3"
    assert nb.loc["alle vakter", "helsefagarbeider"] == f"40,0{NBSP}% ±1,0"


def test_run_report_in_english_and_norwegian(small_model: WardModel) -> None:
    en = run_report(_summary(), small_model, 20, 7, 42)
    assert en.startswith("test ward\n20 replications × 3 days")
    assert "Utilisation (share of time on duty" in en and "tasks/week" in en
    assert "Medication handling" in en and "1,234 ±34" in en
    nb = run_report(_summary(), small_model, 1000, 1, 42, msg=Messages("nb"))
    assert f"1{NBSP}000 kjøringer × 3 dager" in nb
    assert "Legemiddelhåndtering" in nb and "oppg./uke" in nb and f"1{NBSP}234 ±34" in nb
    assert "Utilisation" not in nb and "replications" not in nb


def _comparison() -> pd.DataFrame:
    rows = []
    for scenario, mean, diff in (("base", 0.80, NAN), ("moved", 0.759, -0.041)):
        rows.append(_row("utilisation", mean, mean - 0.01, mean + 0.01, group="nurses",
                         scenario=scenario, diff=diff, diff_ci_low=diff - 0.004,
                         diff_ci_high=diff + 0.004))
        rows.append(_row("staff_cost_per_week", 123456.0, 123000.0, 124000.0, scenario=scenario,
                         diff=0.0 if scenario == "moved" else NAN, diff_ci_low=NAN,
                         diff_ci_high=NAN))
    return pd.DataFrame(rows)


def test_headline_table_labels_and_differences() -> None:
    en = headline_table(_comparison(), ["base", "moved"], [])
    assert en.loc["Nurse utilisation", "moved vs base"] == "-4.1 pp ±0.4"
    assert en.loc["Staff cost per week", "base"] == "123,456 ±500"
    assert en.loc["Staff cost per week", "moved vs base"] == "+0"
    sv = headline_table(_comparison(), ["base", "moved"], [], msg=Messages("sv"))
    assert sv.loc["Sjuksköterskornas utnyttjandegrad", "moved mot base"] == "-4,1 p.e. ±0,4"
    assert sv.loc["Personalkostnad per vecka", "base"] == f"123{NBSP}456 ±500"


def test_compare_report_localises_the_small_tables() -> None:
    freed = pd.DataFrame({"scenario": ["moved", "moved"], "shift": ["night", "all"],
                          "day_type": ["weekend", "all"], "freed_hours_per_week": [2.5, 9.0],
                          "ci_low": [2.0, 8.0], "ci_high": [3.0, 10.0], "paired": [True, True]})
    busy = pd.DataFrame({"scenario": ["moved"], "group": ["helsefagarbeider"],
                         "interval": ["07-09"], "day_type": ["holiday"], "utilisation": [0.913],
                         "ci_low": [0.9], "ci_high": [0.93]})
    worse = pd.DataFrame({"scenario": ["moved"], "category": ["blodprover"],
                          "kpi": ["late_share"], "mean": [0.125], "diff": [0.05],
                          "diff_ci_low": [0.01], "diff_ci_high": [0.09], "paired": [True]})
    nb = compare_report(_comparison(), ["base", "moved"], [], freed, busy, worse, 0.85, "HEAD",
                        msg=Messages("nb"))
    assert nb.startswith("HEAD\n\nHovedtall")
    assert "natt    helg" in nb and "2,5 ±0,5" in nb
    assert f"over 85{NBSP}% utnyttelsesgrad" in nb and f"91{NBSP}%" in nb and "helligdag" in nb
    assert "Blodprøver" in nb and f"12,5{NBSP}%" in nb and "+5,0 %-poeng" in nb
    empty = busy.iloc[0:0]
    en = compare_report(_comparison(), ["base", "moved"], [], freed.iloc[0:0], empty,
                        worse.iloc[0:0], 0.85, "HEAD")
    assert "No group is above 85% utilisation in any interval." in en
    assert "No task category waits longer" in en


def test_sweep_report_intervals_do_not_clash_with_the_decimal_comma() -> None:
    sensitivity = pd.DataFrame({
        "kpi": ["utilisation"] * 2, "group": ["nurses"] * 2, "category": [""] * 2,
        "measure": ["ST"] * 2, "rank": [2, 1], "factor": ["beds", "occupancy"],
        "value": [0.1234, 0.5], "ci_low": [0.1, 0.4], "ci_high": [0.15, 0.61]})
    en = sweep_report(sensitivity, "sobol", "HEAD")
    assert "  1. occupancy: 0.500 [0.400, 0.610]" in en
    assert en.index("occupancy") < en.index("beds")
    nb = sweep_report(sensitivity, "sobol", "HEAD", msg=Messages("nb"))
    assert "  2. beds: 0,123 [0,100; 0,150]" in nb and "total Sobol'-indeks" in nb


#: Arguments that every reason key may need, chosen to show the number formats.
REASON_ARGS = {
    "group": "helsefagarbeider", "shift": "night", "day_type": "weekend", "task": "blodprove",
    "clock": "22:00–07:00", "certification": "venous_blood_sampling", "staff": 2, "heads": 1,
    "share": 0.375, "certified": 1, "absence": 0.07, "value": 0.875, "low": 0.8625,
    "high": 0.8875, "target": 0.85, "tail": 0.1, "priority": "acute", "from_group": "sykepleier",
}
CELL = {"en": "helsefagarbeider, night, weekend: ", "nb": "helsefagarbeider, natt, helg: ",
        "sv": "helsefagarbeider, natt, helg: "}


def test_every_reason_key_is_in_the_catalogue() -> None:
    reasons = {k.removeprefix("reason.") for k in catalogue("en") if k.startswith("reason.")}
    assert reasons - {"cell"} == set(REASON_KEYS)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", REASON_KEYS)
def test_every_reason_renders_in_every_language(lang: str, key: str) -> None:
    msg = Messages(lang)
    text = render(f"reason.{key}", REASON_ARGS, msg)
    assert text.startswith(CELL[lang]) and len(text) > len(CELL[lang]) + 5
    assert "{" not in text and "}" not in text
    body = render(key, REASON_ARGS, msg, with_cell=False)
    assert text.endswith(body) and not body.startswith("helsefagarbeider")
    wrong = "." if lang in ("nb", "sv") else ","
    assert not any(ch.isdigit() and after == wrong and nxt.isdigit()
                   for ch, after, nxt in zip(text, text[1:], text[2:], strict=False)), text


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "helsefagarbeider, night, weekend: no one holding venous_blood_sampling on duty in "
           "37.5% of shifts (1 certified per shift, absence 7%)"),
    ("nb", f"helsefagarbeider, natt, helg: ingen med venous_blood_sampling på vakt på "
           f"37,5{NBSP}% av vaktene (sertifiserte per vakt: 1, fravær 7{NBSP}%)"),
    ("sv", f"helsefagarbeider, natt, helg: ingen med venous_blood_sampling i tjänst under "
           f"37,5{NBSP}% av passen (certifierade per pass: 1, frånvaro 7{NBSP}%)")])
def test_coverage_reason_in_full(lang: str, expected: str) -> None:
    assert render("coverage", REASON_ARGS, Messages(lang)) == expected


def test_reason_labels_priority_and_reads_json_arguments() -> None:
    text = render("late_tail", json.dumps(REASON_ARGS), Messages("nb"))
    assert "prioritet akutt" in text and f"37,5{NBSP}%" in text
    assert render("", {"group": "g", "shift": "langvakt", "day_type": "holiday"}) == \
        "g, langvakt, holiday: target met"
    with pytest.raises(KeyError, match="certification"):
        render("coverage", {"group": "g", "shift": "day", "day_type": "weekday"})


def test_a_reason_without_a_confidence_interval_says_so() -> None:
    args = dict(REASON_ARGS, value=1.0, low=NAN, high=NAN, target=0.01)
    text = render("late_near", args, Messages("nb"))
    assert text == ("helsefagarbeider, natt, helg: 100,0\u00a0% av oppgavene med prioritet akutt "
                    "blir forsinket, mot et mål på 1\u00a0%: for lite data til et "
                    "konfidensintervall")
    assert "[" not in render("utilisation_above", args) and "–" not in render("missed_near", args)


def test_reason_column_keeps_the_index() -> None:
    frame = pd.DataFrame({"reason_key": ["reason.glide_back", ""],
                          "reason_args": [REASON_ARGS, REASON_ARGS]}, index=[5, 9])
    column = reason_column(frame, Messages("sv"))
    assert list(column.index) == [5, 9]
    assert "sykepleier utför fortfarande 37,5" in column[5]
    assert column[9].endswith("målet är uppfyllt")


def _assess_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    cells = []
    for scenario in ("base", "moved"):
        for group in ("sykepleier", "helsefagarbeider"):
            for shift in ("day", "night"):
                for day_type in ("weekday", "weekend", "holiday"):
                    if group == "helsefagarbeider" and shift == "night" and day_type == "weekday":
                        continue  # nobody rostered: not assessed
                    bad = scenario == "moved" and group == "helsefagarbeider" and shift == "night"
                    risky = scenario == "moved" and group == "sykepleier" and shift == "day" \
                        and day_type == "holiday"
                    verdict = "not_feasible" if bad else "at_risk" if risky else "feasible"
                    cells.append((scenario, group, shift, day_type, verdict, []))
    cells = pd.DataFrame(cells, columns=["scenario", "group", "shift", "day_type", "verdict",
                                         "reasons"])

    def check(group: str, shift: str, day_type: str, verdict: str, key: str,
              **args: object) -> dict[str, object]:
        return dict(scenario="moved", group=group, shift=shift, day_type=day_type,
                    verdict=verdict, check=key, reason_key=f"reason.{key}",
                    reason_args=dict(REASON_ARGS, group=group, shift=shift, day_type=day_type,
                                     **args))

    feasibility = pd.DataFrame([
        check("helsefagarbeider", "night", "weekend", "at_risk", "coverage"),
        check("helsefagarbeider", "night", "weekend", "not_feasible", "roster_nobody_certified"),
        check("helsefagarbeider", "night", "holiday", "not_feasible", "roster_nobody_certified"),
        check("sykepleier", "day", "holiday", "at_risk", "utilisation_near", value=0.843),
        {**check("sykepleier", "day", "weekday", "feasible", "utilisation"), "reason_key": ""},
    ])
    verdicts = pd.DataFrame({"scenario": ["base", "moved"],
                             "verdict": ["feasible", "not_feasible"],
                             "stopping": [[], [("helsefagarbeider", "night", "weekend"),
                                               ("helsefagarbeider", "night", "holiday")]]})
    training = pd.DataFrame({"scenario": ["moved"], "certification": ["venous_blood_sampling"],
                             "group": ["helsefagarbeider"], "shift": ["night"],
                             "day_type": ["weekend"], "certified_now": [0],
                             "certified_needed": [2], "persons_to_train": [4.75]})
    return verdicts, cells, feasibility, training


def test_assess_report_in_english() -> None:
    verdicts, cells, feasibility, training = _assess_frames()
    text = assess_report(verdicts, cells, feasibility, training, Messages("en"))
    lines = text.splitlines()
    assert "base: feasible on every shift and day type." in lines
    assert ("moved: not feasible – stopped by helsefagarbeider (night, weekend) and "
            "helsefagarbeider (night, holiday).") in " ".join(text.split())
    reasons = [line for line in lines if line.startswith("  ") and ": " in line]
    # worst first (what stops the split), then in the matrix's cell order
    assert [r.split()[0] for r in reasons] == ["NO", "NO", "risk", "risk"]
    assert reasons[2].startswith("  risk  sykepleier, day, holiday: utilisation 84.3%")
    assert "nobody on the roster then holds venous_blood_sampling" in " ".join(
        text.split())
    assert "target met" not in text  # feasible checks are not listed
    assert "people to train" in text and "4.75" in text
    assert text.index("base: every shift and day type meets every target.") < text.index(
        "moved – why:")


def test_assess_report_shows_at_most_fifteen_reasons_and_only_training_that_is_needed() -> None:
    verdicts, cells, feasibility, training = _assess_frames()
    many = pd.concat([feasibility[feasibility["verdict"] != "feasible"]] * 10, ignore_index=True)
    enough = training.assign(certified_now=2, certified_needed=2, persons_to_train=0.0)
    text = assess_report(verdicts, cells, many, enough, Messages("en"))
    assert "… and 25 more: every check is in feasibility.csv and report.html" in text
    assert "No training need" in text and "people to train" not in text


def test_assess_matrix_marks_unassessed_cells() -> None:
    _, cells, _, _ = _assess_frames()
    matrix = verdict_matrix(cells, "moved", Messages("nb"))
    assert list(matrix.index) == ["sykepleier", "helsefagarbeider"]
    assert matrix.loc["helsefagarbeider", ("natt", "helg")] == "NEI"
    assert matrix.loc["helsefagarbeider", ("natt", "hverdag")] == "–"
    assert matrix.loc["sykepleier", ("dag", "helligdag")] == "risiko"
    assert matrix.loc["sykepleier", ("dag", "hverdag")] == "ok"


@pytest.mark.parametrize("lang", ["nb", "sv"])
def test_assess_report_in_norwegian_and_swedish(lang: str) -> None:
    verdicts, cells, feasibility, training = _assess_frames()
    text = " ".join(assess_report(verdicts, cells, feasibility, training, Messages(lang)).split())
    words = {"nb": ("ikke gjennomførbart – stopper på", "helsefagarbeider (natt, helligdag)",
                    "Opplæringsbehov", "4,75", "84,3"),
             "sv": ("inte genomförbart – stoppas av", "helsefagarbeider (natt, helgdag)",
                    "Utbildningsbehov", "4,75", "84,3")}[lang]
    for word in words:
        assert word in text, word
    for english in ("feasible", "stopped", "Training", "weekend", "night"):
        assert english not in text


def test_assess_report_names_at_most_six_cells_and_says_when_nothing_needs_training() -> None:
    verdicts, cells, feasibility, training = _assess_frames()
    many = [("g", "night", f"d{i}") for i in range(9)]
    verdicts["stopping"] = [[], many]
    text = assess_report(verdicts, cells, feasibility, training.iloc[0:0], Messages("en"))
    first = " ".join(text.split("\n\n")[0].split())
    assert "g (night, d5) and 3 more." in first and "d6" not in first
    assert "No training need" in text


def test_a_split_is_stopped_only_by_its_not_feasible_cells() -> None:
    verdicts, cells, feasibility, training = _assess_frames()
    verdicts["stopping"] = [[], [("helsefagarbeider", "night", "weekend"),
                                 ("helsefagarbeider", "night", "holiday"),
                                 ("sykepleier", "day", "holiday")]]
    text = assess_report(verdicts, cells, feasibility, training, Messages("en"))
    first = " ".join(text.split("\n\n")[0].split())
    assert "stopped by helsefagarbeider (night, weekend) and helsefagarbeider (night, holiday)." \
        in first
