"""Meal breaks and shift report (handover): hand-computable timelines.

Breaks (rules in :mod:`sim.breaks`): a member takes hers as soon as she is free inside
the window, before any waiting task; ``keep_on_floor`` staggers them; a break not started
by the window's close is missed and counted; utilisation is busy / (on duty - break).
Handover (rules in :mod:`sim.engine.dispatch`): a ``handover`` task's crew is one member of the
shift that leaves and one of the shift that comes.

Fixed durations and clock-time tasks throughout, in the style of
tests/test_engine_deterministic.py (whose helpers are used): times are ``"HH:MM"`` of day 0.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_engine_deterministic import (
    HFA,
    NURSE,
    SHIFTS,
    _clock,
    _duty_end,
    _model,
    _run,
    _t,
    _task,
    _timeline,
)

from sim.engine.eventlog import MISSED, EventLog
from sim.engine.ward import _BreakWard, _Ward
from sim.experiment import run_one
from sim.io.errors import ScenarioError
from sim.measure.hourly import tidy_hours
from sim.measure.kpis import replication_kpis
from sim.measure.shifts import shift_staff
from sim.measure.tidy import tidy_staff, tidy_tasks
from sim.model import WardModel

LUNCH = {"minutes": 30, "window": "11:00-12:00"}


def _breaks(log: EventLog) -> list[tuple[str, str, str]]:
    """Return breaks taken as (staff id, start, end), by start then staff id."""
    rows = sorted(log.breaks, key=lambda r: (r[1], log.duties[r[0]].staff_id))
    return [(log.duties[i].staff_id, _clock(a), _clock(b)) for i, a, b in rows]


def _missed(log: EventLog) -> list[tuple[str, str, float]]:
    return [(log.duties[i].staff_id, _clock(at), minutes) for i, at, minutes in log.missed_breaks]


def _lunch(keep: dict[str, int] | None = None, **spec: Any) -> dict[str, Any]:
    return {"day": {**LUNCH, **spec, **({"keep_on_floor": keep} if keep else {})}}


# -- when a break is taken ------------------------------------------------------------------


def test_a_free_member_takes_her_break_at_the_window_opening() -> None:
    model = _model([_task("a", "09:00", 30)], {NURSE: {"day": 1}}, breaks=_lunch())
    log = _run(model)
    assert _breaks(log) == [("sykepleier/day/0", "11:00", "11:30")]
    assert log.missed_breaks == []


def test_a_busy_member_takes_her_break_when_she_frees_and_tasks_wait_for_her_return() -> None:
    # busy 10:40-11:10 over the opening; b arrives 11:20 while she is on break
    model = _model([_task("a", "10:40", 30), _task("b", "11:20", 10)], {NURSE: {"day": 1}},
                   breaks=_lunch())
    log = _run(model)
    assert _breaks(log) == [("sykepleier/day/0", "11:10", "11:40")]
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "10:40", "11:10"),
        ("b", ("sykepleier/day/0",), "11:40", "11:50"),
    ]


def test_a_break_goes_before_a_task_waiting_at_the_same_instant() -> None:
    # the task arrives at the opening, when she is free: break first, the task after it
    model = _model([_task("a", "11:00", 10, priority="high")], {NURSE: {"day": 1}},
                   breaks=_lunch())
    log = _run(model)
    assert _breaks(log) == [("sykepleier/day/0", "11:00", "11:30")]
    assert _timeline(log, model) == [("a", ("sykepleier/day/0",), "11:30", "11:40")]


# -- staggering -------------------------------------------------------------------------------


def test_keep_on_floor_staggers_breaks_in_staff_order() -> None:
    # three nurses, two must stay on the floor: one at a time, 30 minutes each
    model = _model([_task("x", "08:00", 5)], {NURSE: {"day": 3}},
                   breaks=_lunch({NURSE: 2}, window="11:00-12:30"))
    log = _run(model)
    assert _breaks(log) == [("sykepleier/day/0", "11:00", "11:30"),
                            ("sykepleier/day/1", "11:30", "12:00"),
                            ("sykepleier/day/2", "12:00", "12:30")]
    assert log.missed_breaks == []


def test_a_busy_member_counts_as_on_the_floor() -> None:
    # nurse 0 busy 10:50-11:20: nurses 1 and 2 may both go at 11:00 (nurse 0 stays on the
    # floor); nurse 0 may not go at 11:20 (she alone is on the floor) and takes b; at 11:30
    # the others are back and she goes
    model = _model([_task("a", "10:50", 30), _task("b", "11:05", 10)], {NURSE: {"day": 3}},
                   breaks=_lunch({NURSE: 1}))
    log = _run(model)
    assert _breaks(log) == [("sykepleier/day/1", "11:00", "11:30"),
                            ("sykepleier/day/2", "11:00", "11:30"),
                            ("sykepleier/day/0", "11:30", "12:00")]
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "10:50", "11:20"),
        ("b", ("sykepleier/day/0",), "11:20", "11:30"),
    ]


def test_keep_on_floor_counts_each_group_apart() -> None:
    # one nurse and one healthcare worker, one of each must stay: neither ever goes; a
    # minimum for the nurses does not hold back the healthcare worker
    model = _model([_task("x", "08:00", 5)], {NURSE: {"day": 1}, HFA: {"day": 1}},
                   breaks=_lunch({NURSE: 1}))
    log = _run(model)
    assert _breaks(log) == [("helsefagarbeider/day/0", "11:00", "11:30")]
    assert _missed(log) == [("sykepleier/day/0", "12:00", 30.0)]


def test_a_colleague_coming_on_duty_lets_a_due_member_go() -> None:
    # a nurse on an overlapping shift from 11:15 is on the floor: the day nurse may then go
    shifts = {**copy.deepcopy(SHIFTS), "mid": {"start": "11:15", "end": "19:15"}}
    model = _model([_task("x", "08:00", 5)], {NURSE: {"day": 1, "mid": 1}}, shifts=shifts,
                   breaks=_lunch({NURSE: 1}))
    log = _run(model)
    assert _breaks(log) == [("sykepleier/day/0", "11:15", "11:45")]


# -- missed breaks ----------------------------------------------------------------------------


def test_a_break_not_started_by_the_close_is_missed_even_if_she_frees_then() -> None:
    # two nurses, one must stay: nurse 0 goes 11:00-11:30, nurse 1 11:30-12:00 would need
    # a later close; a third nurse is due at 12:00, the instant the window closes: missed
    model = _model([_task("x", "08:00", 5)], {NURSE: {"day": 3}},
                   breaks=_lunch({NURSE: 2}))
    log = _run(model)
    assert _breaks(log) == [("sykepleier/day/0", "11:00", "11:30"),
                            ("sykepleier/day/1", "11:30", "12:00")]
    assert _missed(log) == [("sykepleier/day/2", "12:00", 30.0)]


def test_a_task_in_hand_through_the_window_misses_the_break() -> None:
    model = _model([_task("long", "10:30", 120)], {NURSE: {"day": 1}}, breaks=_lunch())
    log = _run(model)
    assert log.breaks == []
    assert _missed(log) == [("sykepleier/day/0", "12:00", 30.0)]
    staff = tidy_staff(log, model)
    noon = staff[(staff["interval"] == "12-15")]
    assert noon["missed_breaks"].tolist() == [1.0]
    assert noon["missed_break_minutes"].tolist() == [30.0]
    assert staff["missed_breaks"].sum() == 1 and staff["break_minutes"].sum() == 0


def test_missed_breaks_are_counted_per_group_and_shift_in_the_kpis() -> None:
    # 7 days; one nurse alone who must stay on the floor misses every weekday break
    model = _model([_task("x", "08:00", 5)], {NURSE: {"day": {"weekday": 1, "weekend": 0}},
                                               HFA: {"day": 1}},
                   breaks=_lunch({NURSE: 1}), days=7)
    rep = run_one(model, 1, 0)
    k = rep.kpis.set_index(["kpi", "group", "shift", "day_type"])["value"]
    assert k[("missed_breaks_per_week", NURSE, "day", "weekday")] == 5
    assert k[("missed_breaks_per_week", NURSE, "day", "all")] == 5
    assert k[("missed_breaks_per_week", HFA, "day", "all")] == 0
    assert k[("missed_breaks_per_week", "all", "all", "all")] == 5
    assert k[("break_hours_per_week", HFA, "all", "all")] == 7 * 0.5
    assert k[("break_hours_per_week", NURSE, "all", "all")] == 0


def test_absent_members_have_no_break_and_miss_none() -> None:
    model = _model([_task("x", "08:00", 5)], {NURSE: {"day": 2}}, breaks=_lunch(),
                   absence={NURSE: 0.5}, days=10)
    log = _run(model)
    present = [d.staff_id for d in log.duties if not d.absent and d.shift == "day"]
    assert 0 < len(present) < 20
    assert len(log.breaks) == len(present) and log.missed_breaks == []
    assert all(not log.duties[i].absent for i, *_ in log.breaks)


def test_on_a_busy_ward_every_break_is_taken_or_missed_once_and_the_floor_holds() -> None:
    # random arrivals, a two-person task, absence: invariants of every replication
    tasks = [{"id": "t", "category": "pasientbehandling", "group": NURSE, "per": "ward",
              "when": {"anytime": 150}, "minutes": 8},
             {"id": "turn", "category": "pasientbehandling", "group": NURSE, "per": "ward",
              "when": {"anytime": 12}, "minutes": 10, "staff": 2}]
    keep = {"day": 2, "evening": 2, "night": 1}
    breaks = {"day": {"minutes": 30, "window": "10:00-13:00", "keep_on_floor": {NURSE: 2}},
              "evening": {"minutes": 30, "window": "17:00-20:00", "keep_on_floor": {NURSE: 2}},
              "night": {"minutes": 30, "window": "01:00-05:00", "keep_on_floor": {NURSE: 1}}}
    model = _model(tasks, {NURSE: {"day": 4, "evening": 3, "night": 2}}, breaks=breaks, days=7,
                   absence={NURSE: 0.15})
    log = _run(model)
    rested = [i for i, *_ in log.breaks] + [i for i, *_ in log.missed_breaks]
    due = [i for i, d in enumerate(log.duties) if not d.absent and d.shift in breaks
           and d.day >= 0 and d.end <= log.horizon]  # whole windows inside the run
    assert sorted(i for i in rested if i in due) == due and len(set(rested)) == len(rested)
    assert log.missed_breaks  # the absences leave some nurse alone on a night or a day
    spans = [(i, a, b) for i, a, b in log.breaks]
    for i, start, end in spans:
        duty = log.duties[i]
        on_floor = sum(1 for j, d in enumerate(log.duties)
                       if j != i and not d.absent and d.start <= start < d.end
                       and not any(k == j and a <= start < b for k, a, b in spans))
        assert on_floor >= keep[duty.shift], (duty.staff_id, _clock(start))
        for _, _, _, _, s, e, crew in log.started:  # never on a task during her break
            assert i not in crew or e <= start or s >= end


# -- utilisation ------------------------------------------------------------------------------


def test_utilisation_is_busy_over_on_duty_less_break_exactly() -> None:
    # one day nurse 07-15 (480 min), 120 minutes of tasks, busy over the opening until
    # 11:50, then a 30-minute break 11:50-12:20
    model = _model([_task("a", "08:00", 30), _task("b", "10:50", 60), _task("c", "13:00", 30)],
                   {NURSE: {"day": 1}}, breaks=_lunch(window="11:00-12:00"))
    log = _run(model)
    assert _breaks(log) == [("sykepleier/day/0", "11:50", "12:20")]
    staff = tidy_staff(log, model).set_index("interval")
    assert staff["break_minutes"].to_dict() == {"07-09": 0, "09-12": 10, "12-15": 20}
    assert staff.loc["07-09", "utilisation"] == 30 / 120
    assert staff.loc["09-12", "utilisation"] == 60 / (180 - 10)
    assert staff.loc["12-15", "utilisation"] == 30 / (180 - 20)
    kpis = replication_kpis(tidy_tasks(log, model), tidy_staff(log, model), model)
    util = kpis[(kpis["kpi"] == "utilisation") & (kpis["group"] == NURSE)
                & (kpis["shift"] == "day") & (kpis["day_type"] == "weekday")]
    assert util["value"].tolist() == [120 / (480 - 30)]
    hours = tidy_hours(log, model)
    assert hours.loc[hours["hour"] == 11, "break_minutes"].tolist() == [10]
    assert hours.loc[hours["hour"] == 12, "break_minutes"].tolist() == [20]
    per_shift = shift_staff(log, model)
    assert per_shift[["on_duty_minutes", "busy_minutes", "break_minutes"]].values.tolist() \
        == [[480, 120, 30]]


# -- crews and gliding ------------------------------------------------------------------------


def test_a_two_person_task_waits_for_a_colleague_on_break() -> None:
    # nurse 1 goes at 11:00; nurse 0 (busy until 11:10) may not go while nurse 1 is out
    # (one must stay) and waits for the crew; when nurse 1 is back at 11:30, nurse 0 goes on
    # break first (breaks before tasks), so the turn starts at 12:00 with both
    model = _model([_task("a", "10:50", 20), _task("turn", "11:15", 10, staff=2)],
                   {NURSE: {"day": 2}}, breaks=_lunch({NURSE: 1}))
    log = _run(model)
    assert _breaks(log) == [("sykepleier/day/1", "11:00", "11:30"),
                            ("sykepleier/day/0", "11:30", "12:00")]
    assert _timeline(log, model)[-1] == ("turn", ("sykepleier/day/1", "sykepleier/day/0"),
                                         "12:00", "12:10")


def test_a_broader_member_on_break_does_not_glide() -> None:
    # the nurse is on break 11:00-11:30; the healthcare worker is busy until 12:00, so her
    # task h from 11:00 may glide to the nurse from 11:10 but waits for her return. The
    # healthcare worker frees at the close and misses her break
    model = _model([_task("busy", "10:50", 70, group=HFA), _task("h", "11:00", 10, group=HFA)],
                   {NURSE: {"day": 1}, HFA: {"day": 1}}, glide_after=10, breaks=_lunch())
    log = _run(model)
    assert _breaks(log) == [("sykepleier/day/0", "11:00", "11:30")]
    assert _timeline(log, model) == [
        ("busy", ("helsefagarbeider/day/0",), "10:50", "12:00"),
        ("h", ("sykepleier/day/0",), "11:30", "11:40"),
    ]
    assert _missed(log) == [("helsefagarbeider/day/0", "12:00", 30.0)]


# -- a ward without breaks --------------------------------------------------------------------


def test_without_breaks_the_plain_engine_runs_and_no_break_kpi_appears(monkeypatch) -> None:
    model = _model([_task("a", "08:00", 30)], {NURSE: {"day": 1}})
    built = []
    for cls in (_Ward, _BreakWard):
        monkeypatch.setattr(cls, "start", (lambda f: lambda self: (built.append(type(self)),
                                                                   f(self))[1])(cls.start))
    rep = run_one(model, 1, 0)
    assert built == [_Ward]
    assert not rep.kpis["kpi"].isin(["missed_breaks_per_week", "break_hours_per_week"]).any()
    assert (rep.staff[["break_minutes", "missed_breaks", "missed_break_minutes"]] == 0).all().all()


def test_a_break_on_a_shift_nobody_works_changes_nothing() -> None:
    # the break engine with no break to give: every frame as the plain engine's
    tasks = [_task("a", "08:00", 30), _task("b", "08:10", 20, staff=2), _task("c", "14:50", 30),
             _task("d", "09:00", 10, group=HFA)]
    roster = {NURSE: {"day": 2, "evening": 1, "night": 1}, HFA: {"day": 1}}
    plain = _model(tasks, roster, days=2)
    with_break = _model(tasks, roster, days=2, shifts={**copy.deepcopy(SHIFTS),
                                                       "spare": {"start": "10:00", "end": "18:00"}},
                        breaks={"spare": LUNCH})
    a, b = run_one(plain, 1, 0), run_one(with_break, 1, 0)
    pd.testing.assert_frame_equal(a.tasks, b.tasks)
    pd.testing.assert_frame_equal(a.staff, b.staff)
    keep = ~b.kpis["kpi"].isin(["missed_breaks_per_week", "break_hours_per_week"])
    pd.testing.assert_frame_equal(a.kpis, b.kpis[keep].reset_index(drop=True))


# -- the format -------------------------------------------------------------------------------


@pytest.mark.parametrize(("breaks", "field", "words"), [
    ({"dag": LUNCH}, "breaks.dag", "not a shift; did you mean 'day'"),
    ({"day": {**LUNCH, "window": "06:00-07:30"}}, "breaks.day.window", "inside the shift"),
    ({"day": {**LUNCH, "window": "14:00-14:45"}}, "breaks.day.window", "30 minutes"),
    ({"day": {**LUNCH, "keep_on_floor": {"sykepleir": 1}}}, "breaks.day.keep_on_floor.sykepleir",
     "did you mean 'sykepleier'"),
    ({"day": {"minutes": 0, "window": "11:00-12:00"}}, "breaks.day.minutes", "greater than 0"),
    ({"day": {"minutes": 30}}, "breaks.day.window", ""),
])
def test_bad_breaks_are_one_clear_error(breaks: dict, field: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        _model([_task("x", "08:00", 5)], {NURSE: {"day": 1}}, breaks=breaks)
    assert err.value.field == field and words in str(err.value)


def test_handover_needs_a_crew_of_two() -> None:
    with pytest.raises(ScenarioError) as err:
        _model([_task("rapport", "07:00", 5, handover=True)], {NURSE: {"day": 1}})
    assert "staff: 2" in str(err.value)


# -- handover ---------------------------------------------------------------------------------

OVERLAP = {"night": {"start": "23:00", "end": "07:15"}, "day": {"start": "07:00", "end": "15:00"}}


def _report(at: str = "07:00", minutes: float = 10, **more: Any) -> dict[str, Any]:
    return _task("rapport", at, minutes, staff=2, handover=True, **more)


def test_a_report_is_given_by_the_outgoing_to_the_incoming_member() -> None:
    model = _model([_report()], {NURSE: {"night": 1, "day": 2}}, shifts=OVERLAP)
    log = _run(model)
    assert _timeline(log, model) == [
        ("rapport", ("sykepleier/night/0", "sykepleier/day/0"), "07:00", "07:10")]


def test_the_incoming_member_waits_for_her_report_and_a_late_one_keeps_the_outgoing() -> None:
    # two reports at 07:00 and one night nurse: the second waits for her and keeps day/1
    # waiting for it (not taking c at 07:05); at 07:10 the night nurse (leaving at 07:15)
    # gives it to day/1, idle longest, finishing at 07:20: five minutes of overtime
    model = _model([_report(at=["07:00", "07:00"]), _task("c", "07:05", 20)],
                   {NURSE: {"night": 1, "day": 2}}, shifts=OVERLAP)
    log = _run(model)
    assert _timeline(log, model) == [
        ("rapport", ("sykepleier/night/0", "sykepleier/day/0"), "07:00", "07:10"),
        ("rapport", ("sykepleier/night/0", "sykepleier/day/1"), "07:10", "07:20"),
        ("c", ("sykepleier/day/0",), "07:10", "07:30"),
    ]
    assert _duty_end(log, "sykepleier/night/0", day=-1) == _t("07:20")


def test_nobody_waits_for_a_report_no_other_shift_can_give() -> None:
    # a report at 10:00 when only the day shift is on: day/1 is not kept for it and takes c;
    # it waits for the evening (from 15:00) with a day nurse leaving at 15:00: no one, so it
    # is missed at its drop time
    model = _model([_task("a", "09:55", 30), _report(at="10:00", drop_after=60),
                    _task("c", "10:05", 20)], {NURSE: {"day": 2, "evening": 1}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "09:55", "10:25"),
        ("c", ("sykepleier/day/1",), "10:05", "10:25"),
    ]
    assert [r[4] for r in log.unstarted] == [MISSED]


def test_a_report_with_nobody_leaving_waits_and_is_missed_by_its_drop_time() -> None:
    # the night nurse is busy past her shift end: the report cannot form and is missed
    model = _model([_task("long", "06:50", 40), _report(drop_after=30)],
                   {NURSE: {"night": 1, "day": 2}}, shifts=OVERLAP)
    log = _run(model)
    assert [r[4] for r in log.unstarted] == [MISSED]
    assert [t[0] for t in _timeline(log, model)] == ["long"]


def test_a_report_waits_for_the_outgoing_member_though_two_incoming_are_free() -> None:
    # the night nurse is busy until 07:05; the two free day nurses would make a crew of two
    # at 07:00, but not a report: it waits for her
    model = _model([_task("n", "06:45", 20), _report()], {NURSE: {"night": 1, "day": 2}},
                   shifts=OVERLAP)
    log = _run(model)
    assert _timeline(log, model)[-1] == ("rapport", ("sykepleier/night/0", "sykepleier/day/0"),
                                         "07:05", "07:15")


def test_report_minutes_are_the_outgoing_members_groups() -> None:
    groups = ("spesialsykepleier", NURSE)
    model = _model([_report(group=NURSE, minutes={NURSE: 10, "spesialsykepleier": 4})],
                   {"spesialsykepleier": {"night": 1}, NURSE: {"day": 1}}, shifts=OVERLAP,
                   groups=groups, glide_after=0)
    log = _run(model)
    assert _timeline(log, model) == [
        ("rapport", ("spesialsykepleier/night/0", "sykepleier/day/0"), "07:00", "07:04")]


def test_handover_field_reaches_the_engine() -> None:
    model: WardModel = _model([_report()], {NURSE: {"night": 1, "day": 1}}, shifts=OVERLAP)
    assert model.tasks[0].handover and model.tasks[0].staff == 2
    assert np.isfinite(_run(model).duty_end).all()


# -- the workbook -----------------------------------------------------------------------------


def _with_breaks() -> Any:
    from conftest import base_dict

    from sim.io.scenario import from_dict

    raw = base_dict(
        breaks={"day": {"minutes": 30, "window": "11:00-13:00",
                        "keep_on_floor": {NURSE: 1, HFA: 0}},
                "night": {"minutes": 20, "window": "01:00-04:00", "keep_on_floor": {HFA: 1}}},
        roster={HFA: {"night": None}},  # a minimum on a shift the group has no roster row on
        tasks=[{"id": "rapport", "category": "dokumentasjon", "group": NURSE, "per": "patient",
                "at": ["07:00", "15:00"], "minutes": 3, "staff": 2, "handover": True}])
    return from_dict(raw)


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
@pytest.mark.parametrize("flat", [False, True])
def test_breaks_and_handover_round_trip_through_the_workbook(tmp_path, lang: str,
                                                             flat: bool) -> None:
    from sim.io.workbook import read_workbook, write_workbook
    from sim.io.workbook.roundtrip import first_difference

    scenario = _with_breaks()
    path = write_workbook(tmp_path / "w.xlsx", scenario, None, lang=lang, flat=flat)
    assert first_difference(path, scenario, None) is None
    raw = read_workbook(path).baseline
    assert raw["breaks"]["night"] == {"minutes": 20, "window": "01:00-04:00",
                                      "keep_on_floor": {HFA: 1}}
    assert [t.get("handover") for t in raw["tasks"]] == [None, None, True]


@pytest.mark.parametrize(("sheet", "rows", "words"), [
    ("Vakter", [["Vakt", "Start", "Slutt", "Pause (min)"], ["dag", "07:00", "15:00", 30]],
     "needs both"),
    ("Bemanning", [["Gruppe", "Vakt", "Hverdag", "Minst på post"], ["Sykepleier", "dag", 2, 1]],
     "needs a shift with a break"),
    ("Vakter", [["Vakt", "Start", "Slutt", "Pause (min)", "Pausevindu"],
                ["dag", "07:00", "15:00", 30, "14:00-15:00"]], "inside the shift"),
])
def test_a_bad_break_in_the_workbook_names_its_cell(tmp_path, sheet: str, rows: list,
                                                    words: str) -> None:
    from workbook_case import save, support_sheets

    from sim.io.workbook import read_workbook

    tasks = [["Oppgaven", "Sykepleier", "Tid", "Antall"], ["kl. 07:00 – 09:00"],
             ["Blodprøver:"], ["• Blodprøver", "x", 6, 0.5]]
    sheets = support_sheets()
    sheets["Grupper"] = [["ID", "Navn", "Sykepleier"], ["sykepleier", "Sykepleier", "ja"]]
    sheets["Vakter"] = [["Vakt", "Start", "Slutt"], ["dag", "07:00", "15:00"]]
    sheets["Bemanning"] = [["Gruppe", "Vakt", "Hverdag"], ["Sykepleier", "dag", 2]]
    sheets[sheet] = rows
    path = save(tmp_path / "w.xlsx", {"Oppgaver": tasks, **sheets})
    with pytest.raises(ScenarioError) as err:
        read_workbook(path)
    assert words in str(err.value) and sheet in str(err.value)


def test_a_proposal_that_changes_who_stays_on_the_floor_round_trips(tmp_path) -> None:
    from sim.io.scenario import from_dict, merge
    from sim.io.workbook import read_workbook, write_workbook
    from sim.io.workbook.roundtrip import first_difference

    scenario = _with_breaks()
    raw = merge(scenario.model_dump(mode="python", exclude_unset=True),
                {"name": "proposal", "breaks": {"day": {"keep_on_floor": {NURSE: 0}},
                                                "night": {"keep_on_floor": {NURSE: 1}}}})
    proposal = from_dict(raw)
    path = write_workbook(tmp_path / "w.xlsx", scenario, proposal)
    assert first_difference(path, scenario, proposal) is None
    book = read_workbook(path)
    assert book.change["breaks"] == {"day": {"keep_on_floor": {NURSE: 0}},
                                     "night": {"keep_on_floor": {NURSE: 1}}}


def test_the_run_report_lists_missed_breaks_per_shift_and_group() -> None:
    from sim.measure.tidy import summarise
    from sim.report.text import run_report

    model = _model([_task("x", "08:00", 5)], {NURSE: {"day": 1}, HFA: {"day": 1}},
                   breaks=_lunch({NURSE: 1}), days=7)
    summary = summarise(run_one(model, 1, 0).kpis)
    text = run_report(summary, model, 1, 0, 1)
    table = text.split("Meal breaks missed per week")[1].splitlines()
    assert table[3].split()[:3] == ["day", "5.0", "0.0"]  # the nurse alone misses hers
    plain = _model([_task("x", "08:00", 5)], {NURSE: {"day": 1}}, days=7)
    assert "Meal breaks" not in run_report(summarise(run_one(plain, 1, 0).kpis), plain, 1, 0, 1)
