"""Absence cover: who covers an absent person's shift, what it costs, common random numbers.

What is pinned down here:

* ``absence_cover`` and ``costs.premiums`` are validated (an unknown group or source, a
  share out of range, shares over 1, a negative premium: one error naming the field) and
  carried by a variant;
* a covered absence puts the covering person on duty: on a hand-made timeline the agency
  nurse does the absent nurse's task, but not a task that needs a certification she lacks,
  which an extra shift from the ward's own pool does;
* shares of 0 give exactly the run without ``absence_cover``; the absence tables are those
  drawn before cover existed;
* the same absences are covered the same way whatever another group's heads (CRN), and a
  larger share only adds covers;
* the simulated cover cost and agency share agree with :func:`cost_table` within a CI.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import base_dict

from sim.decide.costs import cost_per_week, cost_table
from sim.engine import simulate
from sim.engine.eventlog import EventLog
from sim.experiment import run_one
from sim.inputs import draw_absence, draw_inputs
from sim.io.errors import ScenarioError
from sim.io.scenario import from_dict, load
from sim.io.schema import COVER_SOURCES, DEFAULT_PREMIUMS
from sim.measure.cover import COVER_KPIS, cover_kpis
from sim.model import WardModel, build_model
from sim.rng import Streams
from sim.staff import COVER_SOURCES as STAFF_SOURCES
from sim.staff import DEFAULT_PREMIUMS as STAFF_PREMIUMS
from sim.staff import AbsenceDraws

NURSE = "sykepleier"


def _model(**changes: Any) -> WardModel:
    return build_model(from_dict(base_dict(**changes)))


def _error(**changes: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as err:
        from_dict(base_dict(**changes), "ward.yaml")
    return err.value


# ---------------------------------------------------------------------------------------
# The format


def test_sources_and_default_premiums_are_the_same_in_the_schema_and_the_staffing() -> None:
    assert COVER_SOURCES == STAFF_SOURCES
    assert tuple(DEFAULT_PREMIUMS[s] for s in COVER_SOURCES) == STAFF_PREMIUMS
    model = _model(absence={NURSE: 0.1}, absence_cover={NURSE: {"agency": 0.2}})
    assert model.staffing.premiums == STAFF_PREMIUMS
    assert model.staffing.cover_of(0) == (0.0, 0.0, 0.2)
    assert model.staffing.cover_of(1) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"absence_cover": {"sykepleir": {"agency": 0.1}}}, "absence_cover.sykepleir",
     "did you mean 'sykepleier'"),
    ({"absence_cover": {NURSE: {"agnecy": 0.1}}}, "absence_cover.sykepleier.agnecy",
     "did you mean 'agency'"),
    ({"absence_cover": {NURSE: {"overtime": 1.5}}}, "absence_cover.sykepleier.overtime",
     "between 0 and 1"),
    ({"absence_cover": {NURSE: {"overtime": -0.1}}}, "absence_cover.sykepleier.overtime",
     "between 0 and 1"),
    ({"absence_cover": {NURSE: {"extra_shift": 0.5, "overtime": 0.3, "agency": 0.3}}},
     "absence_cover.sykepleier", "add up to 1.1"),
    ({"absence_cover": {NURSE: 0.5}}, "absence_cover.sykepleier", "mapping"),
    ({"costs": {"premiums": {"agency": -1}}}, "costs.premiums.agency", "between 0 and 10"),
    ({"costs": {"premiums": {"hyr": 1}}}, "costs.premiums.hyr", "unknown key"),
])
def test_bad_cover_is_one_line_naming_the_field(changes: dict, field: str, words: str) -> None:
    err = _error(**changes)
    assert err.field == field
    text = str(err)
    assert "\n" not in text and words in text and "ward.yaml" in text


def test_a_bad_share_exits_2_from_the_command_line(tmp_path: Path, capsys) -> None:
    from sim.cli import main

    path = tmp_path / "ward.yaml"
    raw = base_dict(absence_cover={NURSE: {"agency": 2}})
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "absence_cover.sykepleier.agency" in err and len(err.splitlines()) == 1


def test_a_variant_carries_and_changes_the_cover(tmp_path: Path) -> None:
    base = base_dict(absence={NURSE: 0.1},
                     absence_cover={NURSE: {"extra_shift": 0.5, "agency": 0.2}},
                     costs={"premiums": {"agency": 1.5}})
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base), encoding="utf-8")
    (tmp_path / "v.yaml").write_text(
        "extends: base.yaml\nname: v\nabsence_cover: {sykepleier: {agency: 0.3}}\n"
        "costs: {premiums: {overtime: 1.0}}\n", encoding="utf-8")
    v = load(tmp_path / "v.yaml")
    assert v.absence_cover[NURSE].shares() == (0.5, 0.0, 0.3)
    assert v.costs.premiums.of() == (0.0, 1.0, 1.5)


# ---------------------------------------------------------------------------------------
# A hand-made timeline: one nurse, absent on day 0, covered


def _one_nurse(source: str, requires: bool) -> WardModel:
    task = {"id": "blodprove", "category": "blodprover", "group": NURSE, "at": ["08:00"],
            "minutes": 10}
    extra: dict[str, Any] = {}
    if requires:
        task["requires"] = "blod"
        extra["certifications"] = {"blod": {NURSE: "all"}}
    raw = {
        "name": "cover timeline", "ward": {"beds": 1, "occupancy": 1.0},
        "calendar": {"days": 1, "start": "monday"},
        "groups": [{"id": NURSE, "nurse": True, "cost_per_hour": 100}],
        "shifts": {"day": {"start": "07:00", "end": "15:00"}},
        "roster": {NURSE: {"day": 1}}, "absence": {NURSE: 0.1},
        "absence_cover": {NURSE: {source: 1.0}},
        "durations": {"distribution": "fixed"}, "tasks": [task], **extra,
    }
    return build_model(from_dict(raw))


def _absent_and_covered(model: WardModel) -> EventLog:
    """Run with the one nurse absent on every day and every absence covered (u = 0)."""
    inputs = draw_inputs(model, Streams(1, 0))
    zeros = {k: np.zeros_like(t) for k, t in inputs.absence.items()}
    return simulate(model, dataclasses.replace(inputs, absence=AbsenceDraws(zeros, zeros)))


def _who(log: EventLog) -> list[tuple[str, str, bool]]:
    return [(d.staff_id, d.cover, d.absent) for d in log.duties]


@pytest.mark.parametrize("source", COVER_SOURCES)
def test_the_covering_person_is_on_duty_and_does_the_task(source: str) -> None:
    log = _absent_and_covered(_one_nurse(source, requires=False))
    assert _who(log) == [("sykepleier/day/0", "", True),
                         (f"sykepleier/day/0:{source}", source, False)]
    cover = log.duties[1]
    assert (cover.start, cover.end) == (7 * 60, 15 * 60)
    assert not log.unstarted
    ((_, _, _, arrival, start, end, crew),) = log.started
    assert (arrival, start, end, crew) == (480, 480, 490, (1,))


def test_an_agency_nurse_lacks_the_wards_certification() -> None:
    log = _absent_and_covered(_one_nurse("agency", requires=True))
    assert log.duties[1].cover == "agency" and log.duties[1].certs == frozenset()
    assert not log.started and len(log.unstarted) == 1  # nobody present holds `blod`
    own = _absent_and_covered(_one_nurse("extra_shift", requires=True))
    assert own.duties[1].certs == frozenset({"blod"})
    assert [r[6] for r in own.started] == [(1,)]


def test_an_uncovered_absence_leaves_the_task_undone() -> None:
    model = _one_nurse("agency", requires=False)
    inputs = draw_inputs(model, Streams(1, 0))
    absent = {k: np.zeros_like(t) for k, t in inputs.absence.items()}
    past = {k: np.ones_like(t) for k, t in inputs.absence.items()}  # u = 1: past every share
    log = simulate(model, dataclasses.replace(inputs, absence=AbsenceDraws(absent, past)))
    assert _who(log) == [("sykepleier/day/0", "", True)]
    assert not log.started


# ---------------------------------------------------------------------------------------
# Nothing changes without cover; common random numbers


def _log_rows(log: EventLog) -> tuple:
    duties = [(d.staff_id, d.start, d.end, d.absent, d.cover) for d in log.duties]
    left = [None if math.isnan(t) else t for t in log.duty_end]  # NaN: absent
    return duties, left, log.started, log.unstarted


def _busy(**changes: Any) -> WardModel:
    return _model(calendar={"days": 14}, absence={NURSE: 0.2, "helsefagarbeider": 0.2},
                  **changes)


def test_shares_of_zero_are_the_run_without_absence_cover() -> None:
    plain = _busy()
    zero = _busy(absence_cover={NURSE: {"extra_shift": 0, "overtime": 0, "agency": 0}})
    assert zero.staffing.cover == ()
    for replication in range(3):
        a = simulate(plain, draw_inputs(plain, Streams(5, replication)))
        b = simulate(zero, draw_inputs(zero, Streams(5, replication)))
        assert _log_rows(a) == _log_rows(b)
        assert cover_kpis(b.duties, zero).empty
    assert cost_per_week(plain) == cost_per_week(zero)


def test_the_absence_tables_are_drawn_as_before_cover_existed() -> None:
    model = _busy(absence_cover={NURSE: {"agency": 0.5}})
    streams = Streams(3, 1)
    draws = draw_absence(model.staffing, model.calendar, streams)
    for (group, shift), table in draws.items():
        own = streams.generator("absence", model.group_ids[group], shift).random(table.shape)
        np.testing.assert_array_equal(table, own)
        cover = streams.generator("absence_cover", model.group_ids[group], shift)
        np.testing.assert_array_equal(draws.cover[(group, shift)], cover.random(table.shape))
        assert not np.array_equal(table, draws.cover[(group, shift)])


def _nurse_covers(model: WardModel, replication: int) -> set[tuple]:
    log = simulate(model, draw_inputs(model, Streams(9, replication)))
    return {(d.staff_id, d.day, d.cover) for d in log.duties if d.group == 0 and d.cover}


def test_the_same_absences_are_covered_the_same_way_whatever_another_groups_heads() -> None:
    cover = {NURSE: {"extra_shift": 0.3, "overtime": 0.2, "agency": 0.3}}
    few = _busy(absence_cover=cover)
    many = _busy(absence_cover=cover,
                 roster={"helsefagarbeider": {"day": 3, "evening": 2, "night": 2}})
    assert few.staffing.counts != many.staffing.counts
    for replication in range(3):
        covers = _nurse_covers(few, replication)
        assert {c for _, _, c in covers} == set(COVER_SOURCES)
        assert covers == _nurse_covers(many, replication)


def test_a_larger_share_only_adds_covers() -> None:
    some = _nurse_covers(_busy(absence_cover={NURSE: {"agency": 0.3}}), 0)
    more = _nurse_covers(_busy(absence_cover={NURSE: {"agency": 0.7}}), 0)
    assert some and some < more


# ---------------------------------------------------------------------------------------
# The cost: expected by hand, simulated within a CI


def _costed(**changes: Any) -> WardModel:
    """Two nurses on day shifts (8 h) every day for 4 weeks, absence 25 %, cost 100 per hour."""
    raw = {
        "name": "cost ward", "ward": {"beds": 4, "occupancy": 1.0},
        "calendar": {"days": 28, "start": "monday"},
        "groups": [{"id": NURSE, "nurse": True, "cost_per_hour": 100},
                   {"id": "helsefagarbeider", "cost_per_hour": 50}],
        "shifts": {"day": {"start": "07:00", "end": "15:00"}},
        "roster": {NURSE: {"day": 2}, "helsefagarbeider": 1},
        "absence": {NURSE: 0.25},
        "absence_cover": {NURSE: {"extra_shift": 0.2, "overtime": 0.3, "agency": 0.5}},
        "durations": {"distribution": "fixed"},
        "tasks": [{"id": "t", "category": "blodprover", "group": NURSE, "at": ["08:00"],
                   "minutes": 5}],
        **changes,
    }
    return build_model(from_dict(raw))


def test_the_cost_table_by_hand() -> None:
    table = cost_table(_costed()).set_index("group")
    # nurses: 2 x 8 h x 7 days = 112 h, absent 28 h: 5.6 h extra shift at 100, 8.4 h overtime
    # at 150, 14 h agency at 200; the healthcare worker round the clock is never absent
    assert table.loc[NURSE, ["rostered", *COVER_SOURCES]].tolist() == pytest.approx(
        [11_200, 560, 1260, 2800])
    assert table.loc["helsefagarbeider", "total"] == pytest.approx(168 * 50)
    assert table.loc[NURSE, "agency_share"] == pytest.approx(2800 / 15_820)
    assert table.loc["all", "total"] == pytest.approx(15_820 + 8400)
    assert table.loc["all", "agency_share"] == pytest.approx(2800 / 24_220)
    assert cost_per_week(_costed()) == pytest.approx(24_220)
    dear = _costed(costs={"premiums": {"agency": 2.0, "extra_shift": 0.5}})
    assert cost_table(dear).set_index("group").loc[NURSE, "agency"] == pytest.approx(4200)
    assert cost_table(dear).set_index("group").loc[NURSE, "extra_shift"] == pytest.approx(840)


def test_the_simulated_cover_cost_agrees_with_the_expectation() -> None:
    model = _costed()
    expected = cost_table(model).set_index("group")
    runs = []
    for replication in range(300):
        duties = model.staffing.duties(
            model.calendar, draw_absence(model.staffing, model.calendar, Streams(4, replication)))
        runs.append(cover_kpis(duties, model).set_index(["kpi", "group", "category"])["value"])
    for key, want in [
        (("cover_cost_per_week", NURSE, "agency"), expected.loc[NURSE, "agency"]),
        (("cover_cost_per_week", NURSE, "overtime"), expected.loc[NURSE, "overtime"]),
        (("cover_cost_per_week", "all", "all"), expected.loc[NURSE, list(COVER_SOURCES)].sum()),
        (("cover_hours_per_week", NURSE, "extra_shift"), 5.6),
        (("agency_cost_share", NURSE, "all"), expected.loc[NURSE, "agency_share"]),
        (("agency_cost_share", "all", "all"), expected.loc["all", "agency_share"]),
    ]:
        values = np.array([r[key] for r in runs])
        half = 3 * values.std(ddof=1) / np.sqrt(len(values))
        assert abs(values.mean() - want) < half, (key, values.mean(), want, half)
        assert half < 0.1 * want  # the interval is narrow enough to mean something


def test_the_engine_run_and_the_cover_kpis_count_the_same_duties() -> None:
    model = _costed()
    log = simulate(model, draw_inputs(model, Streams(2, 0)))
    kpis = cover_kpis(log.duties, model, warmup_days=7).set_index(["kpi", "group", "category"])
    hours = sum(8 for d in log.duties if d.cover == "agency" and d.day >= 7) / 3  # 3 weeks
    assert hours > 0
    assert kpis.loc[("cover_hours_per_week", NURSE, "agency"), "value"] == pytest.approx(hours)
    assert kpis.loc[("cover_cost_per_week", NURSE, "agency"), "value"] == pytest.approx(
        hours * 200)


def test_a_replications_kpis_hold_the_cover_rows_only_when_a_group_has_cover() -> None:
    model = _costed()
    rep = run_one(model, 2, 0, warmup_days=7, detail=False)
    log = simulate(model, draw_inputs(model, Streams(2, 0)))
    keys = ["kpi", "group", "category"]
    want = cover_kpis(log.duties, model, warmup_days=7).set_index(keys)["value"]
    got = rep.kpis[rep.kpis["kpi"].isin(COVER_KPIS)].set_index(keys)["value"]
    pd.testing.assert_series_equal(got, want)
    zero = _costed(absence_cover={})
    assert not zero.staffing.has_cover
    assert not run_one(zero, 2, 0, detail=False).kpis["kpi"].isin(COVER_KPIS).any()


# ---------------------------------------------------------------------------------------
# The workbook carries the cover both ways


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_the_workbook_holds_the_cover_and_a_proposal_of_less_agency(lang: str,
                                                                   tmp_path: Path) -> None:
    from sim.io.workbook import read_workbook, write_workbook

    today = from_dict(base_dict(absence={NURSE: 0.1},
                                absence_cover={NURSE: {"overtime": 0.1, "agency": 0.25},
                                               "helsefagarbeider": {"extra_shift": 0.5}},
                                costs={"premiums": {"agency": 1.5}}))
    less = from_dict(base_dict(absence={NURSE: 0.1}, name="less agency",
                               absence_cover={NURSE: {"extra_shift": 0.3, "overtime": 0.1,
                                                      "agency": 0.05},
                                              "helsefagarbeider": {"extra_shift": 0.5}},
                               costs={"premiums": {"agency": 1.2}}))
    path = write_workbook(tmp_path / "w.xlsx", today, less, lang=lang)
    book = read_workbook(path)
    assert from_dict(book.baseline) == today
    assert book.proposal is not None
    back = from_dict(book.proposal)
    assert (back.absence_cover, back.costs) == (less.absence_cover, less.costs)


def test_a_cover_share_out_of_range_in_the_workbook_names_its_cell(tmp_path: Path) -> None:
    import openpyxl

    from sim.io.workbook import read_workbook, write_workbook

    today = from_dict(base_dict(absence={NURSE: 0.1}, absence_cover={NURSE: {"agency": 0.6}}))
    path = write_workbook(tmp_path / "w.xlsx", today, lang="en")
    book = openpyxl.load_workbook(path)
    sheet = book["Absence"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Covered by overtime") + 1, value=0.6)
    book.save(path)
    with pytest.raises(ScenarioError) as err:
        read_workbook(path)
    assert "add up to 1.2" in str(err.value) and "Absence!E2" in str(err.value)


def test_the_terminal_table_of_cost_by_source(small_model: WardModel) -> None:
    from sim.decide.costs import cost_by_source
    from sim.i18n import Messages

    assert cost_by_source(small_model).empty  # no cover: the FTE lines carry the cost
    table = cost_by_source(_costed(), Messages("nb"))
    assert list(table.index) == [NURSE, "helsefagarbeider", "Alle grupper"]
    cells = [c.replace("\xa0", " ") for c in table.loc[NURSE]]  # Norwegian: no-break spaces
    assert cells == ["11 200", "560", "1 260", "2 800", "15 820", "17,7 %"]
    assert table.loc["Alle grupper", "Andel innleie"].replace("\xa0", " ") == "11,6 %"


def test_assess_prints_and_writes_the_cost_by_source(tmp_path: Path, capsys) -> None:
    from sim.cli import main

    raw = base_dict(absence={NURSE: 0.1}, absence_cover={NURSE: {"agency": 0.6}})
    source = tmp_path / "ward.yaml"
    source.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["assess", str(source), "-n", "2", "--workers", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Expected cost per week by staff group and source" in printed
    costs = pd.read_csv(out / "costs.csv")
    expected = cost_table(build_model(from_dict(raw)))
    assert list(costs["group"]) == list(expected["group"])
    assert costs["agency"].to_numpy() == pytest.approx(expected["agency"].to_numpy())
    assert costs.loc[costs["group"] == NURSE, "agency"].item() > 0
