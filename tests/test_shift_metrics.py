"""Shift instances: which single shift staff minutes and tasks belong to.

Tiny deterministic wards (fixed durations, clock-time tasks, one bed, no absence unless
said) whose every shift can be worked out by hand. The rules are in the docstring of
:mod:`sim.measure.shifts`; the plumbing test checks that ``run_replications`` returns the
same frames with one worker and with two.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import SHIFTS, base_dict

from sim.engine import simulate
from sim.experiment import run_one, run_replications
from sim.inputs import draw_inputs
from sim.io.scenario import from_dict
from sim.measure.shifts import (
    STAFF_COLUMNS,
    TASK_COLUMNS,
    shift_of_clock,
    shift_staff,
    shift_tasks,
    task_shift,
)
from sim.measure.tidy import tidy_staff, tidy_tasks
from sim.model import WardModel, build_model
from sim.rng import Streams

NURSE = "sykepleier"
FRIDAY_NIGHT = {"day": {"start": "07:00", "end": "15:00"},
                "night": {"start": "22:00", "end": "07:30"}}


def _task(tid: str, at: str | list[str], minutes: float, group: str = NURSE,
          category: str = "pasientbehandling", **more: Any) -> dict[str, Any]:
    return {"id": tid, "category": category, "group": group, "per": "ward",
            "at": [at] if isinstance(at, str) else at, "minutes": minutes, **more}


def _ward(tasks: list[dict[str, Any]], roster: dict[str, Any], *, days: int = 3,
          start: str = "friday", shifts: dict | None = None,
          groups: list[dict[str, Any]] | None = None, **extra: Any) -> WardModel:
    raw = {
        "name": "shifts", "ward": {"beds": 1, "occupancy": 1.0},
        "calendar": {"days": days, "start": start},
        "groups": groups or [{"id": NURSE, "nurse": True}],
        "shifts": copy.deepcopy(FRIDAY_NIGHT if shifts is None else shifts),
        "roster": roster, "durations": {"distribution": "fixed"}, "tasks": tasks, **extra,
    }
    return build_model(from_dict(raw))


def _friday_ward() -> WardModel:
    """Friday to Sunday; one nurse on the day shift (07:00-15:00), one on nights (22:00-07:30).

    runde 01:00-02:00 and stell 07:10-07:20 are done by the night nurse (at 07:10 the night
    nurse has been idle longest); samtale 12:00-12:30 by the day nurse.
    """
    return _ward([_task("runde", "01:00", 60), _task("stell", "07:10", 10),
                  _task("samtale", "12:00", 30, category="parorende")],
                 {NURSE: {"day": 1, "night": 1}})


def _minutes(frame: pd.DataFrame) -> dict[tuple[str, int], tuple[str, float, float, float]]:
    return {(r.shift, r.shift_day): (r.day_type, r.on_duty_minutes, r.busy_minutes,
                                     r.absent_minutes) for r in frame.itertuples()}


# ---------------------------------------------------------------------------------------
# shift_staff


def test_a_friday_night_is_one_weekday_instance_after_midnight_too() -> None:
    model = _friday_ward()
    staff = shift_staff(simulate(model, draw_inputs(model, Streams(1, 0))), model)
    assert list(staff.columns) == STAFF_COLUMNS and set(staff["group"]) == {NURSE}
    assert _minutes(staff) == {
        ("day", 0): ("weekday", 480, 30, 0), ("day", 1): ("weekend", 480, 30, 0),
        ("day", 2): ("weekend", 480, 30, 0),
        # Friday 22:00 - Saturday 07:30; its Saturday minutes (runde, stell) stay Friday's
        ("night", 0): ("weekday", 570, 70, 0),
        ("night", 1): ("weekend", 570, 70, 0),
        ("night", 2): ("weekend", 120, 0, 0),   # cut at the horizon, Monday 00:00
    }                                           # Thursday's night (day -1) is left out


def test_instances_miss_exactly_the_night_that_started_before_day_0() -> None:
    model = _friday_ward()
    log = simulate(model, draw_inputs(model, Streams(1, 0)))
    staff, per_shift = tidy_staff(log, model), shift_staff(log, model)
    # Thursday's night: on duty 00:00-07:30 of Friday, busy with runde and stell
    assert staff["on_duty_minutes"].sum() - per_shift["on_duty_minutes"].sum() == 450
    assert staff["busy_minutes"].sum() - per_shift["busy_minutes"].sum() == 70


def test_warmup_leaves_out_instances_that_start_in_it() -> None:
    model = _friday_ward()
    staff = shift_staff(simulate(model, draw_inputs(model, Streams(1, 0))), model, warmup_days=1)
    assert set(_minutes(staff)) == {("day", 1), ("day", 2), ("night", 1), ("night", 2)}


def test_overtime_past_midnight_belongs_to_the_evening_shift() -> None:
    # the evening nurse (15:00-23:00) starts a 90-minute task at 22:45: leaves at 00:15
    model = _ward([_task("samtale", "22:45", 90)], {NURSE: {"evening": 1}}, days=2,
                  start="monday", shifts={"evening": {"start": "15:00", "end": "23:00"}})
    assert _minutes(shift_staff(simulate(model, draw_inputs(model, Streams(1, 0))), model)) == {
        ("evening", 0): ("weekday", 555, 90, 0),
        ("evening", 1): ("weekday", 540, 75, 0),   # its task is cut at the horizon
    }


def test_absent_members_count_as_absent_minutes_of_their_shift() -> None:
    model = _ward([_task("samtale", "12:00", 30)], {NURSE: {"day": 3}}, days=2,
                  start="monday", absence={NURSE: 0.5})
    log = simulate(model, draw_inputs(model, Streams(3, 0)))
    staff = shift_staff(log, model)
    absent = {d: sum(x.absent for x in log.duties if x.day == d) for d in (0, 1)}
    assert 0 < sum(absent.values()) < 6  # the draw has both present and absent members
    for row in staff.itertuples():
        assert row.absent_minutes == 480 * absent[row.shift_day]
        assert row.on_duty_minutes == 480 * (3 - absent[row.shift_day])


def test_a_continuous_roster_has_one_instance_per_calendar_day() -> None:
    model = _ward([_task("natt", "23:30", 60)], {NURSE: 1}, days=2, start="monday",
                  shifts={})
    staff = shift_staff(simulate(model, draw_inputs(model, Streams(1, 0))), model)
    assert _minutes(staff) == {("continuous", 0): ("weekday", 1440, 30, 0),
                               ("continuous", 1): ("weekday", 1440, 60, 0)}
    shift, day = task_shift(model, 0, np.array([23.5 * 60, 1440 + 30.0]))
    assert shift.tolist() == ["continuous", "continuous"] and day.tolist() == [0, 1]


def test_instances_add_up_to_the_staff_frame() -> None:
    # day and evening shifts only, so no instance runs into the day before day 0
    raw = base_dict(calendar={"days": 6, "start": "thursday"},
                    shifts={"day": SHIFTS["day"], "evening": SHIFTS["evening"], "night": None},
                    roster={NURSE: {"day": 3, "evening": 2, "night": None},
                            "helsefagarbeider": {"day": {"weekday": 2, "weekend": 1},
                                                 "evening": 1, "night": None}},
                    absence={NURSE: 0.15, "helsefagarbeider": 0.1})
    model = build_model(from_dict(raw))
    for replication in range(2):
        log = simulate(model, draw_inputs(model, Streams(8, replication)))
        staff, per_shift = tidy_staff(log, model), shift_staff(log, model)
        assert per_shift["absent_minutes"].sum() > 0
        for column in ("on_duty_minutes", "busy_minutes", "absent_minutes"):
            by_staff = staff.groupby(["group", "shift"])[column].sum()
            by_shift = per_shift.groupby(["group", "shift"])[column].sum()
            pd.testing.assert_series_equal(by_shift, by_staff, rtol=0,
                                           atol=len(staff) * 5e-7)


# ---------------------------------------------------------------------------------------
# task_shift, shift_tasks, shift_of_clock


def _at(day: int, clock: str) -> float:
    h, m = clock.split(":")
    return day * 1440 + int(h) * 60 + int(m)


def test_the_latest_started_covering_shift_owns_a_task() -> None:
    model = _friday_ward()
    times = np.array([_at(1, "07:10"), _at(1, "07:29"), _at(1, "03:00"), _at(0, "22:30"),
                      _at(0, "06:59"), _at(0, "15:30"), _at(2, "21:59")])
    shift, day = task_shift(model, 0, times)
    assert list(zip(shift.tolist(), day.tolist(), strict=True)) == [
        ("day", 1), ("day", 1),       # 07:10: the day shift (07:00), not the night to 07:30
        ("night", 0), ("night", 0),   # Saturday 03:00 is Friday's night
        ("night", -1),                # Friday 06:59: Thursday's night
        ("day", 0), ("day", 2),       # no shift covers 15:00-22:00: the latest started
    ]


def test_shift_tasks_by_hand() -> None:
    model = _friday_ward()
    tasks = tidy_tasks(simulate(model, draw_inputs(model, Streams(1, 0))), model)
    frame = shift_tasks(tasks, model)
    assert list(frame.columns) == TASK_COLUMNS
    got = {(r.task_id, r.shift, r.shift_day): (r.day_type, r.performed_by, r.arrived)
           for r in frame.itertuples()}
    assert got == {
        ("runde", "night", -1): ("weekday", NURSE, 1),   # Friday 01:00: Thursday night
        ("runde", "night", 0): ("weekday", NURSE, 1),    # Saturday 01:00: Friday night
        ("runde", "night", 1): ("weekend", NURSE, 1),
        ("stell", "day", 0): ("weekday", NURSE, 1), ("stell", "day", 1): ("weekend", NURSE, 1),
        ("stell", "day", 2): ("weekend", NURSE, 1),
        ("samtale", "day", 0): ("weekday", NURSE, 1), ("samtale", "day", 1): ("weekend", NURSE, 1),
        ("samtale", "day", 2): ("weekend", NURSE, 1),
    }
    assert frame["arrived"].sum() == len(tasks) and frame["late"].sum() == 0


def _office_ward(**extra: Any) -> WardModel:
    """Nurses on day/evening/night; a secretary on weekday office hours 08:00-16:00.

    brev (secretary) at 10:00 and 17:00 every day; strict dispatch, so a letter nobody of
    the secretary's group is there for waits, and with drop_after 60 it is missed.
    """
    shifts = {**copy.deepcopy(SHIFTS), "office": {"start": "08:00", "end": "16:00"}}
    groups = [{"id": NURSE, "nurse": True}, {"id": "sekretar"}]
    roster = {NURSE: {"day": 1, "evening": 1, "night": 1},
              "sekretar": {"office": {"weekday": 1, "weekend": 0}}}
    tasks = [_task("brev", ["10:00", "17:00"], 20, group="sekretar", category="administrativt",
                   drop_after=60, max_wait=30),
             _task("runde", "08:00", 15)]
    return _ward(tasks, roster, days=2, start="friday", shifts=shifts, groups=groups,
                 dispatch={"policy": "strict"}, **extra)


def test_a_task_with_no_shift_of_its_group_falls_in_the_nurses_ward_period() -> None:
    model = _office_ward()
    tasks = tidy_tasks(simulate(model, draw_inputs(model, Streams(1, 0))), model)
    frame = shift_tasks(tasks, model).set_index(["task_id", "shift", "shift_day"])
    letters = frame.loc["brev"]
    assert letters.index.tolist() == [("day", 1), ("evening", 0), ("evening", 1), ("office", 0)]
    # Friday 10:00 office; Friday 17:00 and Saturday 17:00 the nurses' evening; Saturday
    # 10:00 (no secretary on weekends) the nurses' day shift
    assert letters["group"].tolist() == ["sekretar"] * 4
    assert letters["day_type"].tolist() == ["weekend", "weekday", "weekend", "weekday"]
    assert letters["performed_by"].tolist() == ["", "", "", "sekretar"]
    assert letters["missed"].tolist() == [1, 1, 1, 0]
    assert letters["late"].tolist() == [1, 1, 1, 0]


def test_without_nurse_groups_the_ward_period_is_every_groups_shift() -> None:
    model = _ward([_task("brev", "17:00", 20, group="sekretar", category="administrativt")],
                  {"helsefagarbeider": {"evening": 1}, "sekretar": {"office": 1}},
                  days=1, start="monday",
                  shifts={"evening": SHIFTS["evening"],
                          "office": {"start": "08:00", "end": "16:00"}},
                  groups=[{"id": "helsefagarbeider"}, {"id": "sekretar"}])
    shift, day = task_shift(model, 1, np.array([_at(0, "17:00"), _at(0, "10:00")]))
    assert shift.tolist() == ["evening", "office"] and day.tolist() == [0, 0]


def test_shift_tasks_leave_warmup_out_by_arrival_day() -> None:
    model = _friday_ward()
    tasks = tidy_tasks(simulate(model, draw_inputs(model, Streams(1, 0))), model, warmup_days=1)
    frame = shift_tasks(tasks, model)
    assert frame["arrived"].sum() == int((~tasks["warmup"]).sum()) == 6
    assert set(zip(frame["task_id"], frame["shift_day"], strict=True)) == {
        ("runde", 0), ("runde", 1), ("stell", 1), ("stell", 2), ("samtale", 1), ("samtale", 2)}


def test_shift_of_clock_on_a_day_of_each_type() -> None:
    model = _office_ward()
    nurse = shift_of_clock(model, 0, "weekday")
    assert nurse.shape == (1440,)
    expected = np.array(["night"] * 420 + ["day"] * 480 + ["evening"] * 480 + ["night"] * 60)
    assert (nurse == expected).all()
    office = shift_of_clock(model, 1, "weekday")
    assert (office[480:960] == "office").all()
    assert (office[:480] == expected[:480]).all() and (office[960:] == expected[960:]).all()
    assert (shift_of_clock(model, 1, "weekend") == expected).all()  # no secretary at weekends


def test_overlapping_shifts_the_later_start_wins() -> None:
    model = _friday_ward()
    clock = shift_of_clock(model, 0, "weekday")
    assert clock[7 * 60 + 10] == "day" and clock[7 * 60 - 1] == "night"
    assert clock[22 * 60] == "night" and clock[15 * 60] == "day"  # 15:00-22:00: latest started


# ---------------------------------------------------------------------------------------
# plumbing


def test_run_one_returns_the_shift_frames_only_when_asked() -> None:
    model = _friday_ward()
    plain = run_one(model, seed=1, replication=2)
    assert plain.shift_staff is None and plain.shift_tasks is None
    assert set(plain.waits["replication"]) == {2}
    rep = run_one(model, seed=1, replication=2, by_shift=True)
    assert set(rep.shift_staff["replication"]) == {2} == set(rep.shift_tasks["replication"])
    assert list(rep.shift_staff.columns) == ["replication", *STAFF_COLUMNS]
    pd.testing.assert_frame_equal(rep.kpis, plain.kpis)


@pytest.fixture(scope="module")
def busy_model() -> WardModel:
    return build_model(from_dict(base_dict(calendar={"days": 4}, absence={NURSE: 0.1})))


def test_results_are_the_same_with_one_and_two_workers(busy_model: WardModel) -> None:
    one = run_replications(busy_model, 4, seed=9, warmup_days=1, by_shift=True, workers=1)
    two = run_replications(busy_model, 4, seed=9, warmup_days=1, by_shift=True, workers=2)
    for name in ("kpis", "summary", "waits", "shift_staff", "shift_tasks"):
        frame = getattr(one, name)
        assert len(frame) and sorted(set(frame.get("replication", [0]))) in ([0], [0, 1, 2, 3])
        pd.testing.assert_frame_equal(frame, getattr(two, name))
    assert one.shift_tasks["arrived"].sum() == one.waits.query("by == 'priority'")["count"].sum()
    plain = run_replications(busy_model, 2, seed=9, warmup_days=1)
    assert plain.shift_staff is None and plain.shift_tasks is None and len(plain.waits)
