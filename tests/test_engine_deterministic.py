"""Deterministic timelines: fixed durations, clock-time arrivals, exact event logs.

In the style of Ciw's schedule tests and simmer's ``test-simulation``: every test builds a
tiny ward whose whole history can be worked out by hand, runs :func:`sim.engine.simulate`,
and compares who (``log.duties[i].staff_id``) started which task, when, and when it ended.

Rule for events at the same instant (the one in :mod:`sim.engine`'s docstring, pinned down
here): at a time ``t`` the engine first applies *every* state change of ``t`` - task
completions, shift ends, shift starts, arrivals, glide timers, drop deadlines - and only then
runs *one* dispatch that matches waiting tasks to the members then idle. Consequences:

* a member whose shift ends at ``t`` takes nothing new at ``t``, even if the task in hand
  finishes exactly at ``t`` or a task arrives exactly at ``t``; they leave at ``t`` with
  no overtime;
* a member whose shift starts at ``t`` can take a task that arrives at ``t`` (or that has
  been waiting), and a member who frees at ``t`` (and is not leaving) can take a task that
  arrives at ``t``;
* a task whose ``drop_after`` deadline is ``t`` is missed even if a member frees at ``t``;
* a task placed on a narrower group glides at exactly ``arrival + glide_after`` (never
  earlier, never under ``strict``), but if its own group frees at that same instant its
  own group takes it.

Times are written as clock strings ``"HH:MM"`` of day 0 (``"d1 HH:MM"`` for day 1).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd

from sim.engine import simulate
from sim.engine.eventlog import MISSED, WAITING, EventLog
from sim.inputs import draw_inputs
from sim.io.scenario import from_dict
from sim.measure.tidy import tidy_staff, tidy_tasks
from sim.model import WardModel, build_model
from sim.rng import Streams

SHIFTS = {
    "day": {"start": "07:00", "end": "15:00"},
    "evening": {"start": "15:00", "end": "23:00"},
    "night": {"start": "23:00", "end": "07:00"},
}
NURSE, HFA = "sykepleier", "helsefagarbeider"


def _task(tid: str, at: str | list[str], minutes: float, group: str = NURSE,
          **more: Any) -> dict[str, Any]:
    """Return a per-ward clock-time task with a fixed duration."""
    return {"id": tid, "category": "pasientbehandling", "group": group, "per": "ward",
            "at": [at] if isinstance(at, str) else at, "minutes": minutes, **more}


def _model(tasks: list[dict[str, Any]], roster: dict[str, Any], *, shifts: dict | None = None,
           policy: str = "glide", glide_after: float = 10, days: int = 1,
           groups: tuple[str, ...] = (NURSE, HFA), **extra: Any) -> WardModel:
    """Build a ward with fixed durations and no absence; groups broadest first."""
    raw = {
        "name": "timeline", "ward": {"beds": 1, "occupancy": 1.0},
        "calendar": {"days": days, "start": "monday"},
        "groups": [{"id": g} for g in groups],
        "shifts": copy.deepcopy(SHIFTS if shifts is None else shifts),
        "roster": roster,
        "dispatch": {"policy": policy, "glide_after": glide_after},
        "durations": {"distribution": "fixed"},
        "tasks": tasks, **extra,
    }
    return build_model(from_dict(raw))


def _run(model: WardModel) -> EventLog:
    return simulate(model, draw_inputs(model, Streams(7, 0)))


def _t(clock: str, day: int = 0) -> float:
    h, m = clock.split(":")
    return float(day * 1440 + int(h) * 60 + int(m))


def _clock(t: float) -> str:
    day, minute = divmod(t, 1440)
    assert minute == int(minute), f"{t} is not a whole minute"
    text = f"{int(minute) // 60:02d}:{int(minute) % 60:02d}"
    return text if day == 0 else f"d{int(day)} {text}"


def _timeline(log: EventLog, model: WardModel) -> list[tuple[str, tuple[str, ...], str, str]]:
    """List started tasks as (task id, staff ids, start, end), by start then arrival."""
    rows = sorted(log.started, key=lambda r: (r[4], r[0]))
    return [(model.tasks[r[1]].id, tuple(log.duties[i].staff_id for i in r[6]),
             _clock(r[4]), _clock(r[5])) for r in rows]


def _duty_end(log: EventLog, staff_id: str, day: int = 0) -> float:
    (i,) = [i for i, d in enumerate(log.duties) if d.staff_id == staff_id and d.day == day]
    return log.duty_end[i]


def _staff(log: EventLog, model: WardModel) -> pd.DataFrame:
    return tidy_staff(log, model)


def _minutes(staff: pd.DataFrame, column: str, group: str, shift: str) -> float:
    sel = (staff["group"] == group) & (staff["shift"] == shift)
    return float(staff.loc[sel, column].sum())


# -- queueing within a shift -------------------------------------------------------------------


def test_task_arriving_while_all_busy_waits_for_the_first_member_to_free() -> None:
    model = _model([_task("a", "08:00", 30), _task("b", "08:05", 50), _task("c", "08:10", 20),
                    _task("d", "08:20", 5)],
                   {NURSE: {"day": 2}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "08:00", "08:30"),
        ("b", ("sykepleier/day/1",), "08:05", "08:55"),
        ("c", ("sykepleier/day/0",), "08:30", "08:50"),
        ("d", ("sykepleier/day/0",), "08:50", "08:55"),
    ]
    assert log.unstarted == []


def test_member_freeing_at_t_takes_task_arriving_at_t() -> None:
    # nurse 0 frees at 08:30 exactly when b arrives; nurse 1 is busy until 09:00
    model = _model([_task("a", "08:00", 30), _task("long", "08:00", 60), _task("b", "08:30", 10)],
                   {NURSE: {"day": 2}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "08:00", "08:30"),
        ("long", ("sykepleier/day/1",), "08:00", "09:00"),
        ("b", ("sykepleier/day/0",), "08:30", "08:40"),
    ]


def test_acute_task_goes_before_earlier_normal_task() -> None:
    model = _model([_task("a", "08:00", 30), _task("normal", "08:05", 10),
                    _task("acute", "08:10", 10, priority="acute"),
                    _task("low", "08:01", 10, priority="low"),
                    _task("high", "08:20", 10, priority="high")],
                   {NURSE: {"day": 1}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "08:00", "08:30"),
        ("acute", ("sykepleier/day/0",), "08:30", "08:40"),
        ("high", ("sykepleier/day/0",), "08:40", "08:50"),
        ("normal", ("sykepleier/day/0",), "08:50", "09:00"),
        ("low", ("sykepleier/day/0",), "09:00", "09:10"),
    ]


def test_same_arrival_time_is_served_in_task_order() -> None:
    model = _model([_task("first", "08:00", 10), _task("second", "08:00", 10)], {NURSE: {"day": 1}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("first", ("sykepleier/day/0",), "08:00", "08:10"),
        ("second", ("sykepleier/day/0",), "08:10", "08:20"),
    ]


# -- shift change ------------------------------------------------------------------------------


def test_shift_change_overtime_carry_over_and_leaving_member_takes_nothing() -> None:
    model = _model([_task("a", "14:40", 40), _task("b", "14:50", 30), _task("c", "15:10", 5)],
                   {NURSE: {"day": 1, "evening": 1}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "14:40", "15:20"),      # finishes the task in hand
        ("b", ("sykepleier/evening/0",), "15:00", "15:30"),  # carried over to the evening
        ("c", ("sykepleier/evening/0",), "15:30", "15:35"),  # not the day nurse freeing at 15:20
    ]
    assert _duty_end(log, "sykepleier/day/0") == _t("15:20")
    staff = _staff(log, model)
    assert _minutes(staff, "overtime_minutes", NURSE, "day") == 20
    assert _minutes(staff, "overtime_minutes", NURSE, "evening") == 0
    day = staff[(staff["group"] == NURSE) & (staff["shift"] == "day")]
    assert day.loc[day["overtime_minutes"] > 0, "interval"].tolist() == ["15-18"]
    assert _minutes(staff, "on_duty_minutes", NURSE, "day") == 8 * 60 + 20
    assert _minutes(staff, "busy_minutes", NURSE, "day") == 40


def test_waiting_tasks_carry_over_in_priority_then_arrival_order() -> None:
    model = _model([_task("block", "13:00", 120), _task("n1", "13:30", 10),
                    _task("n2", "13:40", 10),
                    _task("hi", "14:50", 10, priority="high")],
                   {NURSE: {"day": 1, "evening": 2}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("block", ("sykepleier/day/0",), "13:00", "15:00"),
        ("n1", ("sykepleier/evening/1",), "15:00", "15:10"),
        ("hi", ("sykepleier/evening/0",), "15:00", "15:10"),  # high first, to evening/0
        ("n2", ("sykepleier/evening/0",), "15:10", "15:20"),
    ]
    assert _minutes(_staff(log, model), "overtime_minutes", NURSE, "day") == 0


def test_task_ending_exactly_at_shift_end_does_not_let_leaving_member_start_another() -> None:
    model = _model([_task("a", "14:30", 30), _task("w1", "14:40", 10), _task("w2", "14:45", 10)],
                   {NURSE: {"day": 1, "evening": 1}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "14:30", "15:00"),
        ("w1", ("sykepleier/evening/0",), "15:00", "15:10"),
        ("w2", ("sykepleier/evening/0",), "15:10", "15:20"),
    ]
    assert _duty_end(log, "sykepleier/day/0") == _t("15:00")
    assert _minutes(_staff(log, model), "overtime_minutes", NURSE, "day") == 0


def test_task_ending_at_shift_end_after_a_later_roster_change() -> None:
    # With the overlapping shifts (evening from 14:30) the roster's 15:00 event is
    # scheduled after the task's completion event; the completion then runs first.
    shifts = {"day": {"start": "07:00", "end": "15:00"},
              "evening": {"start": "14:30", "end": "22:30"}}
    model = _model([_task("a", "14:00", 60), _task("w", "14:10", 10), _task("e", "14:20", 50)],
                   {NURSE: {"day": 1, "evening": 1}}, shifts=shifts)
    log = _run(model)
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "14:00", "15:00"),
        ("w", ("sykepleier/evening/0",), "14:30", "14:40"),
        ("e", ("sykepleier/evening/0",), "14:40", "15:30"),
    ]
    assert _duty_end(log, "sykepleier/day/0") == _t("15:00")
    assert _minutes(_staff(log, model), "overtime_minutes", NURSE, "day") == 0


def test_idle_member_leaving_at_t_does_not_take_task_arriving_at_t() -> None:
    model = _model([_task("at_change", "15:00", 10), _task("b", "15:00", 10)],
                   {NURSE: {"day": 1, "evening": 1}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("at_change", ("sykepleier/evening/0",), "15:00", "15:10"),
        ("b", ("sykepleier/evening/0",), "15:10", "15:20"),
    ]
    assert _duty_end(log, "sykepleier/day/0") == _t("15:00")


def test_member_whose_shift_starts_at_t_takes_task_arriving_at_t() -> None:
    # nobody on duty before 15:00: only the arriving evening nurse can take it
    model = _model([_task("a", "15:00", 10)], {NURSE: {"evening": 1}})
    log = _run(model)
    assert _timeline(log, model) == [("a", ("sykepleier/evening/0",), "15:00", "15:10")]


def test_night_shift_from_the_day_before_covers_the_first_hours() -> None:
    model = _model([_task("a", "00:00", 10), _task("b", "06:55", 10), _task("c", "07:00", 10)],
                   {NURSE: {"day": 1, "night": 1}})
    log = _run(model)
    night = [(d.staff_id, d.day, d.start, d.end) for d in log.duties if d.shift == "night"]
    assert night == [("sykepleier/night/0", -1, 0.0, _t("07:00")),
                     ("sykepleier/night/0", 0, _t("23:00"), _t("07:00", day=1))]
    assert _timeline(log, model) == [
        ("a", ("sykepleier/night/0",), "00:00", "00:10"),
        ("b", ("sykepleier/night/0",), "06:55", "07:05"),
        ("c", ("sykepleier/day/0",), "07:00", "07:10"),
    ]
    started = {model.tasks[r[1]].id: log.duties[r[6][0]].day for r in log.started}
    assert started["a"] == -1 and started["b"] == -1
    assert _duty_end(log, "sykepleier/night/0", day=-1) == _t("07:05")
    staff = _staff(log, model)
    assert _minutes(staff, "overtime_minutes", NURSE, "night") == 5
    # the night nurse of day -1 is on duty 00:00-07:05 of day 0; the one of day 0 from 23:00
    assert _minutes(staff, "on_duty_minutes", NURSE, "night") == 7 * 60 + 5 + 60


# -- gliding -----------------------------------------------------------------------------------


def _glide_ward(policy: str, hfa_busy: int = 60) -> WardModel:
    # the healthcare worker is busy 08:00-09:00; h2 (theirs) arrives 08:05; the nurse is idle
    # apart from a one-minute task at 08:12 (a dispatch before the glide time)
    return _model([_task("h1", "08:00", hfa_busy, group=HFA), _task("h2", "08:05", 10, group=HFA),
                   _task("n", "08:12", 1)],
                  {NURSE: {"day": 1}, HFA: {"day": 1}}, policy=policy)


def test_glide_happens_exactly_at_arrival_plus_glide_after() -> None:
    model = _glide_ward("glide")
    log = _run(model)
    assert _timeline(log, model) == [
        ("h1", ("helsefagarbeider/day/0",), "08:00", "09:00"),
        ("n", ("sykepleier/day/0",), "08:12", "08:13"),
        ("h2", ("sykepleier/day/0",), "08:15", "08:25"),
    ]
    staff = _staff(log, model)
    assert _minutes(staff, "other_group_minutes", NURSE, "day") == 10
    assert _minutes(staff, "other_group_minutes", HFA, "day") == 0


def test_strict_never_glides() -> None:
    model = _glide_ward("strict")
    log = _run(model)
    assert _timeline(log, model) == [
        ("h1", ("helsefagarbeider/day/0",), "08:00", "09:00"),
        ("n", ("sykepleier/day/0",), "08:12", "08:13"),
        ("h2", ("helsefagarbeider/day/0",), "09:00", "09:10"),
    ]
    assert _minutes(_staff(log, model), "other_group_minutes", NURSE, "day") == 0


def test_own_group_freeing_at_the_glide_instant_keeps_the_task() -> None:
    model = _glide_ward("glide", hfa_busy=15)  # the worker frees at 08:15 = 08:05 + 10
    log = _run(model)
    assert _timeline(log, model) == [
        ("h1", ("helsefagarbeider/day/0",), "08:00", "08:15"),
        ("n", ("sykepleier/day/0",), "08:12", "08:13"),
        ("h2", ("helsefagarbeider/day/0",), "08:15", "08:25"),
    ]


def test_narrower_group_never_takes_a_broader_groups_task() -> None:
    model = _model([_task("n1", "08:00", 60), _task("n2", "08:05", 10)],
                   {NURSE: {"day": 1}, HFA: {"day": 1}}, glide_after=0)
    log = _run(model)
    assert _timeline(log, model) == [
        ("n1", ("sykepleier/day/0",), "08:00", "09:00"),
        ("n2", ("sykepleier/day/0",), "09:00", "09:10"),
    ]


def test_free_member_prefers_own_group_task_over_an_earlier_glided_one() -> None:
    tasks = [_task("h1", "08:00", 60, group=HFA), _task("n1", "08:00", 30),
             _task("h2", "08:05", 10, group=HFA), _task("n2", "08:10", 10)]
    model = _model(tasks, {NURSE: {"day": 1}, HFA: {"day": 1}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("h1", ("helsefagarbeider/day/0",), "08:00", "09:00"),
        ("n1", ("sykepleier/day/0",), "08:00", "08:30"),
        ("n2", ("sykepleier/day/0",), "08:30", "08:40"),
        ("h2", ("sykepleier/day/0",), "08:40", "08:50"),
    ]


def test_acute_task_of_narrower_group_glides_before_own_normal_task() -> None:
    tasks = [_task("h1", "08:00", 60, group=HFA), _task("n1", "08:00", 30),
             _task("h2", "08:05", 10, group=HFA, priority="acute"), _task("n2", "08:10", 10)]
    model = _model(tasks, {NURSE: {"day": 1}, HFA: {"day": 1}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("h1", ("helsefagarbeider/day/0",), "08:00", "09:00"),
        ("n1", ("sykepleier/day/0",), "08:00", "08:30"),
        ("h2", ("sykepleier/day/0",), "08:30", "08:40"),
        ("n2", ("sykepleier/day/0",), "08:40", "08:50"),
    ]


def test_own_group_member_is_preferred_to_an_idle_broader_one() -> None:
    model = _model([_task("h", "08:00", 10, group=HFA)], {NURSE: {"day": 1}, HFA: {"day": 1}},
                   glide_after=0)
    log = _run(model)
    assert _timeline(log, model) == [("h", ("helsefagarbeider/day/0",), "08:00", "08:10")]


def test_certification_is_required() -> None:
    # only the first nurse on the day shift holds `blod`; the second never takes the task
    model = _model([_task("x", "08:00", 30), _task("blood", "08:05", 10, requires="blod")],
                   {NURSE: {"day": 2}}, certifications={"blod": {NURSE: 1}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("x", ("sykepleier/day/0",), "08:00", "08:30"),
        ("blood", ("sykepleier/day/0",), "08:30", "08:40"),
    ]


# -- missed, waiting at the horizon, two-person tasks ------------------------------------------


def test_task_not_started_by_drop_after_is_missed_even_if_a_member_frees_then() -> None:
    model = _model([_task("a", "08:00", 20), _task("drop", "08:00", 10, drop_after=20),
                    _task("c", "08:20", 5)],
                   {NURSE: {"day": 1}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "08:00", "08:20"),
        ("c", ("sykepleier/day/0",), "08:20", "08:25"),
    ]
    (row,) = log.unstarted
    assert model.tasks[row[1]].id == "drop"
    assert (row[3], row[4], row[5]) == (_t("08:00"), MISSED, _t("08:20"))
    tasks = tidy_tasks(log, model).set_index("task_id")
    assert tasks.loc["drop", "status"] == "missed"
    assert bool(tasks.loc["drop", "missed"])
    assert np.isnan(tasks.loc["drop", "start"])
    assert tasks.loc["c", "status"] == "done"


def test_task_started_before_drop_after_is_not_missed() -> None:
    model = _model([_task("a", "08:00", 19), _task("late", "08:00", 10, drop_after=20)],
                   {NURSE: {"day": 1}})
    log = _run(model)
    assert _timeline(log, model)[-1] == ("late", ("sykepleier/day/0",), "08:19", "08:29")
    assert log.unstarted == []


def test_tasks_waiting_at_the_horizon_are_waiting_and_in_service_keep_their_end() -> None:
    # the only nurse is busy 21:00 - 00:20 of day 1, past the one-day horizon
    model = _model([_task("busy", "21:00", 200), _task("q", "22:00", 10), _task("q2", "23:30", 10)],
                   {NURSE: {"evening": 1}}, shifts={"evening": {"start": "20:00", "end": "04:00"}})
    log = _run(model)
    assert _timeline(log, model) == [("busy", ("sykepleier/evening/0",), "21:00", "d1 00:20")]
    assert sorted((model.tasks[r[1]].id, r[3], r[4], r[5]) for r in log.unstarted) == [
        ("q", _t("22:00"), WAITING, None), ("q2", _t("23:30"), WAITING, None)]
    assert _duty_end(log, "sykepleier/evening/0") == _t("04:00", day=1)
    tasks = tidy_tasks(log, model).set_index("task_id")
    assert tasks.loc["q", "status"] == "waiting" and not bool(tasks.loc["q", "missed"])
    assert tasks.loc["q2", "status"] == "waiting"
    assert tasks.loc["busy", "status"] == "done"


def test_two_person_task_waits_for_two_members_and_occupies_both() -> None:
    model = _model([_task("a", "08:00", 30), _task("turn", "08:10", 20, staff=2),
                    _task("c", "08:35", 5)],
                   {NURSE: {"day": 2}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "08:00", "08:30"),
        ("turn", ("sykepleier/day/1", "sykepleier/day/0"), "08:30", "08:50"),
        ("c", ("sykepleier/day/0",), "08:50", "08:55"),
    ]
    assert _minutes(_staff(log, model), "busy_minutes", NURSE, "day") == 30 + 2 * 20 + 5


def test_two_person_task_keeps_the_first_free_member_waiting_for_the_second() -> None:
    # Two nurses busy until 08:15 and 08:18; a turning task for two arrives at 08:05 and a
    # single task at 08:10. The nurse free at 08:15 waits for her colleague (a later single
    # task does not take her), the pair turns the patient 08:18-08:28, then the single task.
    model = _model([_task("a", "08:00", 15), _task("b", "08:03", 15),
                    _task("pair", "08:05", 10, staff=2), _task("c", "08:10", 15)],
                   {NURSE: {"day": 2}})
    assert _timeline(_run(model), model) == [
        ("a", ("sykepleier/day/0",), "08:00", "08:15"),
        ("b", ("sykepleier/day/1",), "08:03", "08:18"),
        ("pair", ("sykepleier/day/0", "sykepleier/day/1"), "08:18", "08:28"),
        ("c", ("sykepleier/day/0",), "08:28", "08:43"),
    ]


def test_two_person_task_does_not_hold_anyone_when_no_crew_can_form() -> None:
    # Only one nurse stays on duty after 15:00 (day shift has two): the pair task arriving
    # at 15:00 cannot start until the next day shift, so the evening nurse is not held and
    # does the single task at once.
    model = _model([_task("pair", "15:00", 10, staff=2), _task("c", "15:05", 15)],
                   {NURSE: {"day": 2, "evening": 1}}, days=2)
    timeline = _timeline(_run(model), model)
    assert timeline[0] == ("c", ("sykepleier/evening/0",), "15:05", "15:20")
    assert timeline[1][0] == "pair" and timeline[1][2] == "d1 07:00"


def test_member_kept_for_a_pair_task_is_free_again_when_that_task_is_missed() -> None:
    # Nurse 0 is busy 08:00-09:00. Nurse 1 is kept for the pair task (08:05, missed at
    # 08:25) and so leaves the single task c (08:10) waiting; when the pair task is missed
    # she takes c at that instant, not when nurse 0 frees.
    model = _model([_task("a", "08:00", 60), _task("pair", "08:05", 10, staff=2, drop_after=20),
                    _task("c", "08:10", 15)],
                   {NURSE: {"day": 2}})
    log = _run(model)
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "08:00", "09:00"),
        ("c", ("sykepleier/day/1",), "08:25", "08:40"),
    ]
    assert [(model.tasks[r[1]].id, r[4], r[5]) for r in log.unstarted] == [
        ("pair", MISSED, _t("08:25"))]


def test_member_kept_for_a_crew_is_free_again_when_a_needed_colleague_leaves() -> None:
    # A crew of three: day nurse 0 busy 11:00-13:00, day nurse 1 and the mid-shift nurse
    # (07:00-12:00) free and kept for it. At 12:00 the mid-shift nurse leaves, no crew of
    # three can form any more, so day nurse 1 takes the waiting single task at 12:00.
    shifts = {**SHIFTS, "mid": {"start": "07:00", "end": "12:00"}}
    model = _model([_task("a", "11:00", 120), _task("trio", "11:00", 10, staff=3),
                    _task("c", "11:05", 15)],
                   {NURSE: {"day": 2, "evening": 0, "night": 0, "mid": 1}}, shifts=shifts)
    log = _run(model)
    assert _timeline(log, model) == [
        ("a", ("sykepleier/day/0",), "11:00", "13:00"),
        ("c", ("sykepleier/day/1",), "12:00", "12:15"),
    ]
    assert [(model.tasks[r[1]].id, r[4]) for r in log.unstarted] == [("trio", WAITING)]
