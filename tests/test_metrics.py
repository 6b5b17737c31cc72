"""Metrics: exact clipping of spans to interval windows, tidy frames, KPIs, confidence intervals.

The clipping tests use a hand-built :class:`~sim.engine.eventlog.EventLog` (so every expected minute
is written down) and one deterministic engine run (fixed durations, clock-time arrivals).
A minute belongs to the calendar day it falls on: a busy span from 23:30 to 00:30 is half
in day 0's ``22-07`` window and half in day 1's. Overtime is measured in the windows
after the planned shift end. The CI helper is checked at its edges (no data, one value,
zero variance) and against ``scipy.stats.t.interval``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import base_dict
from scipy import stats

from sim.engine import simulate
from sim.engine.eventlog import MISSED, WAITING, EventLog
from sim.experiment import run_one
from sim.inputs import draw_inputs
from sim.io.scenario import from_dict
from sim.io.schema_tasks import TIME_USE_CLASSES
from sim.measure.hourly import per_hour, tidy_hours
from sim.measure.kpis import replication_kpis
from sim.measure.tidy import (
    KPI_KEYS,
    WAIT_BINS,
    _covered,
    summarise,
    t_interval,
    tidy_staff,
    tidy_tasks,
    wait_histogram,
)
from sim.model import WardModel, build_model
from sim.rng import Streams
from sim.staff import Duty

NURSE, HFA = 0, 1           # group indices of base_dict: sykepleier, helsefagarbeider
STELL, MEDISIN = 0, 1       # task indices: stell is on helsefagarbeider, medisin on sykepleier
NONE: frozenset[str] = frozenset()


def _model(days: int, **changes: object) -> WardModel:
    return build_model(from_dict(base_dict(**changes)), days=days)


def _rows(staff: pd.DataFrame, group: str, shift: str) -> dict[tuple[int, str], dict[str, float]]:
    """(day, interval) -> the minute columns of one group and shift."""
    sel = staff[(staff["group"] == group) & (staff["shift"] == shift)]
    cols = ["on_duty_minutes", "busy_minutes", "other_group_minutes", "overtime_minutes",
            "absent_minutes"]
    return {(int(r.day), r.interval): {c: float(getattr(r, c)) for c in cols}
            for r in sel.itertuples()}


def _m(on: float = 0, busy: float = 0, other: float = 0, overtime: float = 0,
       absent: float = 0) -> dict:
    return {"on_duty_minutes": on, "busy_minutes": busy, "other_group_minutes": other,
            "overtime_minutes": overtime, "absent_minutes": absent}


# ---------------------------------------------------------------------------------------
# _covered


def test_covered_by_hand() -> None:
    starts, ends = np.array([5.0, 0.0]), np.array([20.0, 10.0])
    points = np.array([0.0, 5.0, 10.0, 15.0, 20.0, 25.0, -3.0])
    np.testing.assert_allclose(_covered(starts, ends, points), [0, 5, 15, 20, 25, 25, 0])


def test_covered_of_no_spans_is_zero() -> None:
    assert _covered(np.array([]), np.array([]), np.array([0.0, 100.0])).tolist() == [0.0, 0.0]


def test_covered_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    starts = rng.uniform(0, 1000, 200)
    ends = starts + rng.exponential(30, 200) * (rng.random(200) > 0.1)  # some zero-length spans
    points = np.concatenate((rng.uniform(-10, 1100, 300), starts[:20], ends[:20]))
    brute = np.clip(points[:, None] - starts[None, :], 0, (ends - starts)[None, :]).sum(axis=1)
    np.testing.assert_allclose(_covered(starts, ends, points), brute, rtol=1e-9, atol=1e-6)


# ---------------------------------------------------------------------------------------
# tidy_staff on a hand-built log


def _hand_log(model: WardModel) -> EventLog:
    """Three duties and three busy spans whose minutes per window are easy to count.

    - nurse on the day shift of day 0 (07:00-15:00), leaves at 15:30 (30 min overtime);
      medisin 08:00-09:20 (own group), stell 14:40-15:30 (a healthcare worker's task).
    - nurse on the night shift 23:00 day 0 - 07:00 day 1; stell 23:30-00:30.
    - healthcare worker on the day shift of day 0, absent.
    """
    duties = [
        Duty("sykepleier/day/0", NURSE, "day", 0, 420.0, 900.0, NONE, False),
        Duty("sykepleier/night/0", NURSE, "night", 0, 1380.0, 1860.0, NONE, False),
        Duty("helsefagarbeider/day/0", HFA, "day", 0, 420.0, 900.0, NONE, True),
    ]
    log = EventLog(model.calendar.horizon, duties, [930.0, 1860.0, math.nan])
    log.started += [
        (0, MEDISIN, -1, 470.0, 480.0, 560.0, (0,)),
        (1, STELL, -1, 860.0, 880.0, 930.0, (0,)),
        (2, STELL, -1, 1400.0, 1410.0, 1470.0, (1,)),
    ]
    return log


def test_busy_minutes_per_interval_by_hand() -> None:
    model = _model(days=2)
    staff = tidy_staff(_hand_log(model), model, replication=4)
    assert set(staff["replication"]) == {4} and set(staff["scenario"]) == {"test ward"}
    assert _rows(staff, "sykepleier", "day") == {
        (0, "07-09"): _m(on=120, busy=60),
        (0, "09-12"): _m(on=180, busy=20),                        # 08:00-09:20 split at 09:00
        (0, "12-15"): _m(on=180, busy=20, other=20),
        (0, "15-18"): _m(on=30, busy=30, other=30, overtime=30),  # overtime after the shift end
    }


def test_span_over_midnight_belongs_to_both_calendar_days() -> None:
    model = _model(days=2)
    staff = tidy_staff(_hand_log(model), model)
    assert _rows(staff, "sykepleier", "night") == {
        (0, "22-07"): _m(on=60, busy=30, other=30),    # 23:00-24:00 on duty, 23:30-24:00 busy
        (1, "22-07"): _m(on=420, busy=30, other=30),   # 00:00-07:00 on duty, 00:00-00:30 busy
    }


def test_absent_duty_counts_as_absent_not_on_duty() -> None:
    model = _model(days=2)
    staff = tidy_staff(_hand_log(model), model)
    rows = _rows(staff, "helsefagarbeider", "day")
    assert rows == {(0, "07-09"): _m(absent=120), (0, "09-12"): _m(absent=180),
                    (0, "12-15"): _m(absent=180)}
    assert staff.loc[staff["group"] == "helsefagarbeider", "utilisation"].isna().all()


def test_utilisation_is_busy_over_on_duty_and_day_types_follow_the_calendar() -> None:
    model = _model(days=2, calendar={"start": "friday"})
    staff = tidy_staff(_hand_log(model), model)
    on = staff["on_duty_minutes"] > 0
    np.testing.assert_allclose(staff.loc[on, "utilisation"],
                               staff.loc[on, "busy_minutes"] / staff.loc[on, "on_duty_minutes"])
    assert dict(zip(staff["day"], staff["day_type"], strict=True)) == {0: "weekday", 1: "weekend"}


def test_spans_past_the_horizon_are_cut() -> None:
    model = _model(days=1)
    duties = [Duty("sykepleier/night/0", NURSE, "night", 0, 1380.0, 1860.0, NONE, False)]
    log = EventLog(model.calendar.horizon, duties, [1860.0])
    log.started.append((0, MEDISIN, -1, 1420.0, 1430.0, 1450.0, (0,)))
    rows = _rows(tidy_staff(log, model), "sykepleier", "night")
    assert rows == {(0, "22-07"): _m(on=60, busy=10)}


def test_warmup_days_are_marked() -> None:
    model = _model(days=2)
    staff = tidy_staff(_hand_log(model), model, warmup_days=1)
    assert (staff["warmup"] == (staff["day"] < 1)).all() and staff["warmup"].any()


# ---------------------------------------------------------------------------------------
# tidy_staff from a deterministic engine run


def test_engine_run_with_overtime_after_shift_end() -> None:
    # One nurse per shift; a 60-minute task at 14:30 is taken by the day nurse (the evening
    # nurse starts at 15:00) and ends at 15:30: 30 minutes of overtime in 15-18.
    raw = base_dict(
        groups=None, roster=None, tasks=None,
        durations={"distribution": "fixed"},
    )
    raw.update(
        groups=[{"id": "sykepleier", "nurse": True}],
        roster={"sykepleier": {"day": 1, "evening": 1, "night": 1}},
        tasks=[{"id": "samtale", "category": "parorende", "group": "sykepleier", "per": "ward",
                "at": ["14:30"], "minutes": 60}],
    )
    model = build_model(from_dict(raw), days=2)
    rep = run_one(model, seed=1, replication=0)
    assert rep.tasks["start"].tolist() == [870.0, 870.0 + 1440]
    assert rep.tasks["staff_id"].tolist() == ["sykepleier/day/0"] * 2
    day = _rows(rep.staff, "sykepleier", "day")
    evening = _rows(rep.staff, "sykepleier", "evening")
    for d in (0, 1):
        assert day[(d, "12-15")] == _m(on=180, busy=30)
        assert day[(d, "15-18")] == _m(on=30, busy=30, overtime=30)
        assert (d, "18-22") not in day
        assert evening[(d, "15-18")] == _m(on=180)
    assert rep.staff["overtime_minutes"].sum() == 60


def test_engine_run_on_a_continuous_roster() -> None:
    raw = base_dict(groups=None, roster=None, tasks=None, shifts=None,
                    durations={"distribution": "fixed"})
    raw.update(
        groups=[{"id": "sykepleier"}],
        roster={"sykepleier": 1},
        tasks=[{"id": "runde", "category": "legemiddelhandtering", "group": "sykepleier",
                "per": "ward", "at": ["08:00", "21:30"], "minutes": 90}],
    )
    model = build_model(from_dict(raw), days=1)
    rows = _rows(run_one(model, seed=1, replication=0).staff, "sykepleier", "continuous")
    assert rows == {
        (0, "07-09"): _m(on=120, busy=60), (0, "09-12"): _m(on=180, busy=30),
        (0, "12-15"): _m(on=180), (0, "15-18"): _m(on=180),
        (0, "18-22"): _m(on=240, busy=30), (0, "22-07"): _m(on=540, busy=60),
    }


# ---------------------------------------------------------------------------------------
# tidy_tasks


def test_tidy_tasks_late_missed_and_waiting() -> None:
    model = _model(days=2)  # both tasks have normal priority: max_wait 60 minutes
    duties = [Duty("sykepleier/continuous/0", NURSE, "continuous", 0, 0.0, 2880.0, NONE, False)]
    log = EventLog(model.calendar.horizon, duties, [2880.0])
    log.started += [(0, STELL, 3, 100.0, 150.0, 160.0, (0,)),      # waited 50: on time
                    (1, MEDISIN, -1, 1400.0, 1470.0, 1480.0, (0,))]  # waited 70: late
    log.unstarted += [(2, STELL, 4, 200.0, MISSED, 250.0),          # missed after 50: not late
                      (3, STELL, 5, 300.0, MISSED, 400.0),          # missed after 100: late
                      (4, STELL, 6, 2850.0, WAITING, None),         # 30 at the end: not late
                      (5, STELL, 7, 2700.0, WAITING, None)]         # 180 at the end: late
    tasks = tidy_tasks(log, model, replication=2, warmup_days=1)
    assert tasks["seq"].tolist() == [0, 1, 2, 3, 4, 5]
    assert tasks["late"].tolist() == [False, True, False, True, False, True]
    assert tasks["missed"].tolist() == [False, False, True, True, False, False]
    assert tasks["status"].tolist() == ["done", "done", "missed", "missed", "waiting", "waiting"]
    assert tasks["wait"].iloc[:2].tolist() == [50.0, 70.0] and tasks["wait"].iloc[2:].isna().all()
    assert tasks["group"].tolist() == ["helsefagarbeider", "sykepleier"] + ["helsefagarbeider"] * 4
    assert tasks["performed_by"].iloc[0] == "sykepleier"
    assert tasks["performed_by"].iloc[2:].isna().all()
    assert tasks["staff_id"].iloc[1] == "sykepleier/continuous/0"
    assert tasks["day"].tolist() == [0, 0, 0, 0, 1, 1]
    assert tasks["interval"].tolist() == ["22-07", "22-07", "22-07", "22-07", "22-07", "18-22"]
    assert tasks["warmup"].tolist() == [True, True, True, True, False, False]
    assert set(tasks["replication"]) == {2}


# ---------------------------------------------------------------------------------------
# t_interval and summarise


def test_t_interval_of_nothing_is_nan() -> None:
    assert all(math.isnan(v) for v in t_interval(np.array([])))
    assert all(math.isnan(v) for v in t_interval(np.array([np.nan, np.nan])))


def test_t_interval_of_one_value_has_no_interval() -> None:
    mean, low, high = t_interval(np.array([3.5, np.nan]))
    assert mean == 3.5 and math.isnan(low) and math.isnan(high)


def test_t_interval_of_equal_values_is_a_point() -> None:
    assert t_interval(np.array([2.0, 2.0, 2.0, 2.0])) == (2.0, 2.0, 2.0)
    assert t_interval(np.zeros(5)) == (0.0, 0.0, 0.0)


def test_t_interval_of_equal_inexact_values_is_a_point() -> None:
    # 0.1 is not exact in binary: the mean of three 0.1s is 0.10000000000000002, so a
    # variance test on deviations from that mean sees a tiny non-zero spread.
    mean, low, high = t_interval(np.array([0.1, 0.1, 0.1]))
    assert low == mean == high
    assert mean == pytest.approx(0.1)


@pytest.mark.parametrize("values",
                         [[1.0, 2.0], [0.3, 0.9, 0.4, 0.7, 0.55], list(np.linspace(-5, 20, 30))])
@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_t_interval_equals_scipy(values: list[float], confidence: float) -> None:
    x = np.array(values)
    expected = stats.t.interval(confidence, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    mean, low, high = t_interval(x, confidence)
    assert mean == pytest.approx(x.mean())
    assert (low, high) == pytest.approx(expected, rel=1e-12)
    assert low < mean < high


def test_t_interval_ignores_nan() -> None:
    expected = t_interval(np.array([1.0, 3.0]))
    assert t_interval(np.array([1.0, np.nan, 3.0])) == pytest.approx(expected)


def _kpi(rep: int, kpi: str, value: float, group: str = "sykepleier") -> dict:
    return {"replication": rep, "scenario": "s", "kpi": kpi, "group": group, "category": "",
            "shift": "all", "day_type": "all", "interval": "all", "value": value}


def test_summarise_means_and_intervals_per_kpi() -> None:
    values = {"utilisation": [0.5, 0.6, 0.7], "wait_p90": [10.0, np.nan, 14.0],
              "late_share": [0.25, 0.25, 0.25]}
    kpis = pd.DataFrame([_kpi(r, k, v[r]) for k, v in values.items() for r in range(3)])
    summary = summarise(kpis)
    assert list(summary.columns) == [*KPI_KEYS, "mean", "ci_low", "ci_high", "replications"]
    assert summary["kpi"].tolist() == list(values)  # first-seen order kept
    for kpi, v in values.items():
        row = summary[summary["kpi"] == kpi].iloc[0]
        mean, low, high = t_interval(np.array(v))
        assert (row["mean"], row["ci_low"], row["ci_high"]) == pytest.approx((mean, low, high))
        assert row["replications"] == int(np.sum(~np.isnan(v)))
        assert row["group"] == "sykepleier" and row["category"] == ""


def test_summarise_keeps_groups_apart() -> None:
    kpis = pd.DataFrame([_kpi(r, "utilisation", v, g) for r in range(2)
                         for g, v in (("sykepleier", 0.8 + r / 10), ("helsefagarbeider", 0.4))])
    summary = summarise(kpis).set_index("group")
    assert summary.loc["sykepleier", "mean"] == pytest.approx(0.85)
    assert summary.loc["helsefagarbeider", "mean"] == pytest.approx(0.4)
    assert summary.loc["helsefagarbeider", "ci_low"] == summary.loc["helsefagarbeider", "ci_high"]


# ---------------------------------------------------------------------------------------
# replication_kpis


def _task_frame() -> pd.DataFrame:
    rows = [  # group, category, wait, late, missed, status, warmup
        ("helsefagarbeider", "pasientbehandling", 5.0, False, False, "done", False),
        ("helsefagarbeider", "pasientbehandling", 40.0, True, False, "done", False),
        ("helsefagarbeider", "pasientbehandling", np.nan, True, True, "missed", False),
        ("sykepleier", "legemiddelhandtering", 0.0, False, False, "done", False),
        ("sykepleier", "legemiddelhandtering", np.nan, True, False, "waiting", False),
        ("sykepleier", "legemiddelhandtering", 500.0, True, True, "done", True),      # warm-up
        ("helsefagarbeider", "pasientbehandling", np.nan, True, True, "missed", True),  # warm-up
    ]
    cols = ["group", "category", "wait", "late", "missed", "status", "warmup"]
    return pd.DataFrame(rows, columns=cols)


def _value(kpis: pd.DataFrame, kpi: str, group: str = "all", category: str = "",
           **keys: str) -> float:
    sel = (kpis["kpi"] == kpi) & (kpis["group"] == group) & (kpis["category"] == category)
    for key, value in keys.items():
        sel &= kpis[key] == value
    assert sel.sum() == 1, (kpi, group, category, keys)
    return float(kpis.loc[sel, "value"].iloc[0])


def test_task_kpis_leave_warmup_out() -> None:
    model = _model(days=9)  # 9 days, 2 of warm-up: exactly one week measured
    kpis = replication_kpis(_task_frame(), pd.DataFrame(), model, warmup_days=2)
    assert list(kpis.columns) == [*KPI_KEYS, "value"]
    hfa, nurse = "helsefagarbeider", "sykepleier"
    assert _value(kpis, "tasks_per_week", hfa) == 3
    assert _value(kpis, "late_share", hfa) == pytest.approx(2 / 3)
    assert _value(kpis, "missed_share", hfa) == pytest.approx(1 / 3)
    assert _value(kpis, "late_per_week", hfa) == 2 and _value(kpis, "missed_per_week", hfa) == 1
    assert _value(kpis, "wait_p50", hfa) == pytest.approx(22.5)
    assert _value(kpis, "wait_p90", hfa) == pytest.approx(36.5)
    assert _value(kpis, "late_share", nurse) == 0.5 and _value(kpis, "missed_share", nurse) == 0
    assert _value(kpis, "waiting_at_end", nurse) == 1 and _value(kpis, "wait_p90", nurse) == 0
    assert _value(kpis, "late_share", "", "pasientbehandling") == pytest.approx(2 / 3)
    assert _value(kpis, "missed_share", "", "legemiddelhandtering") == 0
    assert _value(kpis, "tasks_per_week", "all", "all") == 5
    assert _value(kpis, "late_share", "all", "all") == pytest.approx(3 / 5)
    assert _value(kpis, "missed_share", "all", "all") == pytest.approx(1 / 5)
    assert not (kpis["kpi"] == "utilisation").any()


def test_task_kpis_per_week_scale_with_the_measured_days() -> None:
    model = _model(days=16)  # 14 measured days: two weeks
    kpis = replication_kpis(_task_frame(), pd.DataFrame(), model, warmup_days=2)
    assert _value(kpis, "tasks_per_week", "all", "all") == 2.5
    assert _value(kpis, "late_share", "all", "all") == pytest.approx(3 / 5)


def _staff_frame() -> pd.DataFrame:
    rows = [  # group, shift, day, day_type, interval, on, busy, other, overtime, absent, warmup
        ("sykepleier", "day", 1, "weekday", "07-09", 100.0, 90.0, 10.0, 0.0, 0.0, False),
        ("sykepleier", "day", 1, "weekday", "09-12", 300.0, 30.0, 0.0, 120.0, 60.0, False),
        ("sykepleier", "day", 0, "weekday", "07-09", 100.0, 100.0, 100.0, 600.0, 0.0, True),
        ("helsefagarbeider", "night", 1, "weekday", "22-07", 420.0, 42.0, 0.0, 0.0, 0.0, False),
    ]
    cols = ["group", "shift", "day", "day_type", "interval", "on_duty_minutes", "busy_minutes",
            "other_group_minutes", "overtime_minutes", "absent_minutes", "warmup"]
    return pd.DataFrame(rows, columns=cols)


def test_staff_kpis_are_ratios_of_sums_and_leave_warmup_out() -> None:
    model = _model(days=8)  # 8 days, 1 of warm-up: one week measured
    kpis = replication_kpis(_task_frame().iloc[:0], _staff_frame(), model, warmup_days=1)
    nurse = "sykepleier"
    # (90 + 30) / (100 + 300), not the mean of 0.9 and 0.1; the warm-up row is left out
    assert _value(kpis, "utilisation", nurse, shift="day", day_type="weekday") == pytest.approx(0.3)
    assert _value(kpis, "utilisation", nurse, shift="all", interval="all") == pytest.approx(0.3)
    early = _value(kpis, "utilisation", nurse, interval="07-09", day_type="weekday")
    assert early == pytest.approx(0.9)
    hfa = _value(kpis, "utilisation", "helsefagarbeider", shift="all", interval="all")
    assert hfa == pytest.approx(0.1)
    assert _value(kpis, "utilisation", "nurses") == pytest.approx(0.3)
    assert _value(kpis, "overtime_hours_per_week", nurse) == pytest.approx(2.0)
    assert _value(kpis, "other_group_hours_per_week", nurse) == pytest.approx(10 / 60)
    assert _value(kpis, "absent_hours_per_week", nurse) == pytest.approx(1.0)
    assert _value(kpis, "overtime_hours_per_week", "all") == pytest.approx(2.0)
    # on-duty hours x cost per hour: sykepleier 400/60 h x 500, helsefagarbeider 7 h x 400
    assert _value(kpis, "staff_cost_per_week", "all") == pytest.approx(400 / 60 * 500 + 7 * 400)
    assert _value(kpis, "nurse_busy_hours_per_week", "nurses", shift="all") == pytest.approx(2.0)
    assert _value(kpis, "nurse_busy_hours_per_week", "nurses", shift="day") == pytest.approx(2.0)
    assert _value(kpis, "nurse_busy_hours_per_patient_week", "nurses") == pytest.approx(2.0 / 10)
    assert not (kpis["kpi"] == "tasks_per_week").any()


# ---------------------------------------------------------------------------------------
# issue 7: exact zeros, hourly utilisation, nurse hours by category, wait histogram


def test_a_window_nobody_is_on_duty_in_has_no_row_and_no_utilisation() -> None:
    # Friday to Sunday; the day shift is rostered on weekdays only. Three day nurses leave
    # Friday after overtime ending at fractional minutes: the cumulative sums then measure
    # Sunday's day-shift windows as about 1e-12 minutes unless the minutes are rounded.
    model = _model(days=3, calendar={"start": "friday"})
    duties = [Duty(f"sykepleier/day/{i}", NURSE, "day", 0, 420.0, 900.0, NONE, False)
              for i in range(3)]
    log = EventLog(model.calendar.horizon, duties, [900.7, 901.4, 902.1])
    staff = tidy_staff(log, model)
    assert set(staff["day"]) == {0}
    assert staff["on_duty_minutes"].tolist() == [360.0, 540.0, 540.0, 4.2]
    assert staff["interval"].tolist() == ["07-09", "09-12", "12-15", "15-18"]
    kpis = replication_kpis(pd.DataFrame(), staff, model)
    util = kpis[kpis["kpi"] == "utilisation"]
    assert set(util["day_type"]) == {"weekday", "all"}
    assert _value(kpis, "utilisation", "sykepleier", shift="day", day_type="weekday") == 0


def _one_nurse_ward(days: int = 2, **more: object) -> WardModel:
    """One nurse around the clock and a healthcare worker on weekday day shifts.

    Fixed durations: runde 08:00-09:30, samtale 21:45-22:15, natt 23:30-00:30 (next day).
    """
    raw = base_dict(groups=None, roster=None, tasks=None, durations={"distribution": "fixed"})
    raw.update(
        calendar={"days": days, "start": "monday"},
        groups=[{"id": "sykepleier", "nurse": True}, {"id": "helsefagarbeider"}],
        roster={"sykepleier": 1,
                "helsefagarbeider": {"day": {"weekday": 1, "weekend": 0}}},
        tasks=[{"id": "runde", "category": "legemiddelhandtering", "group": "sykepleier",
                "per": "ward", "at": ["08:00"], "minutes": 90},
               {"id": "samtale", "category": "parorende", "group": "sykepleier", "per": "ward",
                "at": ["21:45"], "minutes": 30},
               {"id": "natt", "category": "sjekkerutiner", "group": "sykepleier",
                "per": "ward", "at": ["23:30"], "minutes": 60}],
        **more,
    )
    return build_model(from_dict(raw))


def test_tidy_hours_by_hand() -> None:
    model = _one_nurse_ward(days=2)
    hours = tidy_hours(simulate(model, draw_inputs(model, Streams(1, 0))), model, warmup_days=1)
    assert list(hours.columns) == ["group", "day", "day_type", "hour", "on_duty_minutes",
                                   "busy_minutes", "warmup"]
    nurse = hours[hours["group"] == "sykepleier"].set_index(["day", "hour"])["busy_minutes"]
    assert len(nurse) == 48
    assert (hours.loc[hours["group"] == "sykepleier", "on_duty_minutes"] == 60).all()
    busy = {key: v for key, v in nurse.items() if v}
    assert busy == {(0, 8): 60, (0, 9): 30, (0, 21): 15, (0, 22): 15, (0, 23): 30,
                    (1, 0): 30, (1, 8): 60, (1, 9): 30, (1, 21): 15, (1, 22): 15, (1, 23): 30}
    hfa = hours[hours["group"] == "helsefagarbeider"]
    assert sorted(set(hfa["hour"])) == list(range(7, 15)) and len(hfa) == 16  # nobody else: no row
    assert hours["warmup"].tolist() == (hours["day"] < 1).tolist()


def test_utilisation_hour_kpi_is_exact_and_absent_where_nobody_is_on_duty() -> None:
    model = _one_nurse_ward(days=2)
    rep = run_one(model, seed=1, replication=0)
    kpis = rep.kpis
    hourly = kpis[kpis["kpi"] == "utilisation_hour"]
    assert set(hourly["shift"]) == {"all"} and set(hourly["category"]) == {""}
    assert set(hourly["group"]) == {"sykepleier", "helsefagarbeider", "nurses"}
    assert set(hourly["day_type"]) == {"weekday", "all"}
    expected = {"08": 1.0, "09": 0.5, "10": 0.0, "21": 0.25, "22": 0.25, "23": 0.5,
                "00": 0.25}  # 00: 30 busy minutes on day 1 of 120 on duty over both days
    for group in ("sykepleier", "nurses"):
        for day_type in ("weekday", "all"):
            for hour, value in expected.items():
                got = _value(kpis, "utilisation_hour", group, shift="all", day_type=day_type,
                             interval=hour)
                assert got == value, (group, day_type, hour)
    hfa = hourly[hourly["group"] == "helsefagarbeider"]
    assert sorted(set(hfa["interval"])) == [f"{h:02d}" for h in range(7, 15)]
    assert (hfa["value"] == 0).all()


def test_utilisation_hour_leaves_warmup_out() -> None:
    model = _one_nurse_ward(days=2)
    kpis = run_one(model, seed=1, replication=0, warmup_days=1).kpis
    for day_type in ("weekday", "all"):
        for hour, value in (("00", 0.5), ("09", 0.5), ("23", 0.5)):
            assert _value(kpis, "utilisation_hour", "sykepleier", shift="all",
                          day_type=day_type, interval=hour) == value


def test_hours_add_up_to_the_staff_frame() -> None:
    model = _model(days=4, absence={"sykepleier": 0.2})
    log = simulate(model, draw_inputs(model, Streams(5, 0)))
    staff, hours = tidy_staff(log, model), tidy_hours(log, model)
    for column in ("on_duty_minutes", "busy_minutes"):
        by_staff = staff.groupby("group")[column].sum()
        by_hour = hours.groupby("group")[column].sum()
        # both are rounded to 6 decimals per row, the staff frame in more rows
        pd.testing.assert_series_equal(by_hour, by_staff, rtol=0, atol=len(staff) * 5e-7)


def test_per_hour_matches_brute_force() -> None:
    rng = np.random.default_rng(3)
    starts = np.concatenate((rng.uniform(0, 2800, 300), [0.0, 60.0, 120.0, 2820.0]))
    ends = np.minimum(starts + rng.exponential(90, starts.size) * (rng.random(starts.size) > 0.1),
                      2880.0)
    ends[-4:] = [60.0, 120.0, 180.5, 2880.0]    # spans on and up to hour edges and the end
    edges = np.arange(49) * 60.0
    brute = np.clip(np.minimum(ends[:, None], edges[None, 1:])
                    - np.maximum(starts[:, None], edges[None, :-1]), 0, None).sum(axis=0)
    np.testing.assert_allclose(per_hour(starts, ends, 48), brute, rtol=1e-12, atol=1e-9)
    assert per_hour(np.array([]), np.array([]), 3).tolist() == [0.0, 0.0, 0.0]


def _nurse_week(*extra: dict) -> dict:
    """Two nurses and a healthcare worker round the clock for a week, strict, fixed times.

    Tasks once a day: medication 30 min, care 60 min by a two-nurse crew, the healthcare
    worker's tidying 45 min, and ``extra``.
    """
    raw = base_dict(groups=None, roster=None, tasks=None, durations={"distribution": "fixed"})
    raw.update(
        calendar={"days": 7, "start": "monday"},
        groups=[{"id": "sykepleier", "nurse": True}, {"id": "helsefagarbeider"}],
        roster={"sykepleier": 2, "helsefagarbeider": 1},
        dispatch={"policy": "strict"},
        tasks=[{"id": "medisin", "category": "legemiddelhandtering", "group": "sykepleier",
                "per": "ward", "at": ["08:00"], "minutes": 30},
               {"id": "stell", "category": "pasientbehandling", "group": "sykepleier",
                "per": "ward", "at": ["10:00"], "minutes": 60, "staff": 2},
               *extra,
               {"id": "rydde", "category": "renhold", "group": "helsefagarbeider",
                "per": "ward", "at": ["11:00"], "minutes": 45}],
    )
    return raw


def test_nurse_hours_by_category_by_hand() -> None:
    # one week; every nurse of a two-nurse crew counts: stell takes 2 x 60 nurse minutes a day
    raw = _nurse_week()
    model = build_model(from_dict(raw))
    kpis = run_one(model, seed=1, replication=0).kpis
    by_category = kpis[(kpis["kpi"] == "nurse_busy_hours_per_week") & (kpis["category"] != "")]
    assert set(by_category["group"]) == {"nurses"}
    assert set(by_category[["shift", "day_type", "interval"]].itertuples(index=False)) == \
        {("all", "all", "all")}
    values = dict(zip(by_category["category"], by_category["value"], strict=True))
    assert values == {"legemiddelhandtering": 3.5, "pasientbehandling": 14.0, "renhold": 0.0}
    # the rows without a category are the ones there were before: the nurses' total
    assert _value(kpis, "nurse_busy_hours_per_week", "nurses", shift="all") == 17.5


def test_nurse_time_share_by_time_use_class_by_hand() -> None:
    # two nurses round the clock for a week: 2 x 7 x 1440 = 20 160 minutes on duty; a class
    # comes from the task's `time_use`, else from its category (legemiddelhandtering ->
    # medication, pasientbehandling -> direct_care); the healthcare worker's task is not
    # nurse time, and every class has a row
    raw = _nurse_week({"id": "rapport", "category": "administrativt", "group": "sykepleier",
                       "time_use": "professional_communication", "per": "ward",
                       "at": ["07:30"], "minutes": 15})
    model = build_model(from_dict(raw))
    assert [t.time_use for t in model.tasks] == \
        ["medication", "direct_care", "professional_communication", "ward_related"]
    kpis = run_one(model, seed=1, replication=0).kpis
    rows = kpis[kpis["kpi"] == "nurse_time_share"]
    assert set(rows["group"]) == {"nurses"}
    assert set(rows[["shift", "day_type", "interval"]].itertuples(index=False)) == \
        {("all", "all", "all")}
    shares = dict(zip(rows["category"], rows["value"], strict=True))
    assert list(shares) == list(TIME_USE_CLASSES)
    on_duty = 2 * 7 * 1440
    assert shares["medication"] == pytest.approx(7 * 30 / on_duty)
    assert shares["direct_care"] == pytest.approx(7 * 120 / on_duty)
    assert shares["professional_communication"] == pytest.approx(7 * 15 / on_duty)
    assert sum(shares.values()) == pytest.approx(_value(kpis, "utilisation", "nurses",
                                                        shift="all", day_type="all"))


def test_nurse_hours_by_category_add_up_to_the_nurse_total() -> None:
    model = _model(days=5, absence={"sykepleier": 0.1})
    for replication in range(3):
        kpis = run_one(model, seed=2, replication=replication).kpis
        rows = kpis[kpis["kpi"] == "nurse_busy_hours_per_week"]
        total = _value(kpis, "nurse_busy_hours_per_week", "nurses", shift="all")
        assert total > 0
        parts = rows.loc[rows["category"] != "", "value"]
        assert sorted(rows.loc[rows["category"] != "", "category"]) == \
            ["legemiddelhandtering", "pasientbehandling"]
        # the total adds staff rows rounded to 6 decimals of a minute
        assert parts.sum() == pytest.approx(total, abs=1e-6)


def _waits_frame() -> pd.DataFrame:
    rows = [  # priority, category, wait, day
        ("normal", "pasientbehandling", 0.0, 1),
        ("normal", "pasientbehandling", 0.5, 1),
        ("normal", "pasientbehandling", 1.0, 2),
        ("high", "pasientbehandling", 1.0000001, 1),
        ("high", "renhold", 7.5, 1),
        ("acute", "renhold", 2000.0, 1),
        ("normal", "renhold", np.nan, 1),        # missed
        ("normal", "renhold", np.nan, 2),        # waiting at the end
        ("normal", "renhold", 3.0, 0),           # warm-up
    ]
    return pd.DataFrame(rows, columns=["priority", "category", "wait", "day"])


def test_wait_histogram_bins_by_hand() -> None:
    hist = wait_histogram(_waits_frame(), warmup_days=1)
    assert list(hist.columns) == ["by", "key", "upper", "count"]
    got = [(r.by, r.key, None if math.isnan(r.upper) else r.upper, r.count)
           for r in hist.itertuples()]
    assert got == [
        ("priority", "acute", math.inf, 1),
        ("priority", "high", 2.0, 1), ("priority", "high", 7.5, 1),
        ("priority", "normal", 0.0, 1), ("priority", "normal", 1.0, 2),
        ("priority", "normal", None, 2),
        ("category", "pasientbehandling", 0.0, 1), ("category", "pasientbehandling", 1.0, 2),
        ("category", "pasientbehandling", 2.0, 1),
        ("category", "renhold", 7.5, 1), ("category", "renhold", math.inf, 1),
        ("category", "renhold", None, 2),
    ]
    assert WAIT_BINS[0] == 0 and WAIT_BINS[-1] == math.inf
    assert set(hist["upper"].dropna()) <= set(WAIT_BINS)


def test_wait_histogram_counts_every_measured_task_once() -> None:
    model = _model(days=4)
    rep = run_one(model, seed=4, replication=1, warmup_days=1)
    tasks, hist = rep.tasks, rep.waits
    assert set(hist["replication"]) == {1}
    measured = int((~tasks["warmup"]).sum())
    assert measured > 50
    for by in ("priority", "category"):
        part = hist[hist["by"] == by]
        assert part["count"].sum() == measured
        assert dict(part.groupby("key")["count"].sum()) == \
            dict(tasks.loc[~tasks["warmup"], by].value_counts())
    started = tasks.loc[~tasks["warmup"], "wait"].dropna()
    at_zero = hist[(hist["by"] == "priority") & (hist["upper"] == 0)]["count"].sum()
    assert at_zero == int((started == 0).sum())
    never = int(tasks.loc[~tasks["warmup"], "wait"].isna().sum())
    assert hist.loc[hist["upper"].isna(), "count"].sum() == never
