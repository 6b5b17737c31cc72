"""Times per staff group (issue 8): whoever does a task takes their own group's time.

A task's ``minutes`` may be a mapping group -> minutes (the seed's **Tid** per group), and
``duration_by_group`` gives a group its own spread. The engine gives an instance the time of
the group that does it – its own group, a broader group gliding in, the new group after a
move; a crew the time of its first member's group – falling back to the placed group's.
Every instance still draws one uniform from its task's stream, turned into each group's
duration by the inverse transform, so common random numbers hold across scenarios.

The timelines use fixed durations and clock-time tasks and can be worked out by hand; times
are clock strings of day 0.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.catalogue import group_columns, open_arrivals, open_arrivals_by_group
from sim.distributions import Duration, from_uniform_shared, triangular
from sim.engine import simulate
from sim.experiment import run_one, run_replications
from sim.inputs import draw_inputs
from sim.io.scenario import from_dict, merge
from sim.measure.tidy import ALL, tidy_tasks
from sim.model import WardModel, build_model
from sim.rng import Streams

NURSE, HFA = "sykepleier", "helsefagarbeider"
SHIFTS = {
    "day": {"start": "07:00", "end": "15:00"},
    "evening": {"start": "15:00", "end": "23:00"},
    "night": {"start": "23:00", "end": "07:00"},
}
#: Blood samples: 8 minutes for a healthcare worker, 6 for a nurse (the seed's Tid columns).
TIMES = {HFA: 8, NURSE: 6}


def _task(tid: str, at: str | list[str], minutes: Any, group: str = HFA,
          **more: Any) -> dict[str, Any]:
    """Return a per-ward clock-time task."""
    return {"id": tid, "category": "blodprover", "group": group, "per": "ward",
            "at": [at] if isinstance(at, str) else at, "minutes": minutes, **more}


def _raw(tasks: list[dict[str, Any]], roster: dict[str, Any], *, policy: str = "glide",
         glide_after: float = 10, days: int = 1, distribution: str = "fixed",
         **extra: Any) -> dict[str, Any]:
    """Return a nurse group and a healthcare-worker group (broadest first), no absence."""
    return {
        "name": "group times", "ward": {"beds": 1, "occupancy": 1.0},
        "calendar": {"days": days, "start": "monday"},
        "groups": [{"id": NURSE, "nurse": True}, {"id": HFA}],
        "shifts": copy.deepcopy(SHIFTS), "roster": roster,
        "dispatch": {"policy": policy, "glide_after": glide_after},
        "durations": {"distribution": distribution}, "tasks": tasks, **extra,
    }


def _model(raw: dict[str, Any]) -> WardModel:
    return build_model(from_dict(raw))


def _clock(t: float) -> str:
    assert t == int(t) and t < 1440, t
    return f"{int(t) // 60:02d}:{int(t) % 60:02d}"


def _timeline(model: WardModel) -> list[tuple[str, tuple[str, ...], str, str]]:
    """Return started tasks as (task id, staff ids, start, end), by start then arrival."""
    log = simulate(model, draw_inputs(model, Streams(7, 0)))
    rows = sorted(log.started, key=lambda r: (r[4], r[0]))
    return [(model.tasks[r[1]].id, tuple(log.duties[i].staff_id for i in r[6]),
             _clock(r[4]), _clock(r[5])) for r in rows]


# -- hand-computable timelines -----------------------------------------------------------------


def test_own_group_takes_its_time_and_a_gliding_nurse_takes_hers() -> None:
    # 08:00 the healthcare worker is free: 8 minutes. 09:00 she starts a 30-minute task, so
    # the 09:05 sample waits, glides at 09:15 to the nurse and takes the nurse's 6 minutes.
    model = _model(_raw([_task("blod", ["08:00", "09:05"], dict(TIMES)),
                         _task("lang", "09:00", 30)],
                        {NURSE: {"day": 1}, HFA: {"day": 1}}))
    assert _timeline(model) == [
        ("blod", ("helsefagarbeider/day/0",), "08:00", "08:08"),
        ("lang", ("helsefagarbeider/day/0",), "09:00", "09:30"),
        ("blod", ("sykepleier/day/0",), "09:15", "09:21"),
    ]


def test_a_group_without_its_own_time_takes_the_placed_groups() -> None:
    # only the healthcare worker's time is given: the gliding nurse takes it too
    model = _model(_raw([_task("blod", "09:05", {HFA: 8}), _task("lang", "09:00", 30)],
                        {NURSE: {"day": 1}, HFA: {"day": 1}}))
    assert _timeline(model)[-1] == ("blod", ("sykepleier/day/0",), "09:15", "09:23")


def test_a_group_spread_of_its_own_applies_to_that_group_only() -> None:
    # the scenario's spread is lognormal; the task is fixed for the nurse only
    model = _model(_raw([_task("blod", ["09:05"], {HFA: 8, NURSE: 6},
                               duration_by_group={NURSE: {"distribution": "fixed"}}),
                         _task("lang", "09:00", 30, duration={"distribution": "fixed"})],
                        {NURSE: {"day": 1}, HFA: {"day": 1}}, distribution="lognormal"))
    blod = model.tasks[0]
    assert blod.duration == Duration("lognormal", 8.0, 0.5)
    assert blod.group_durations == (Duration("fixed", 6.0, 0.5), None)
    assert _timeline(model)[-1] == ("blod", ("sykepleier/day/0",), "09:15", "09:21")


def test_a_crew_takes_the_time_of_its_first_member() -> None:
    # staff: 2 with one worker and one nurse: nobody is kept (her group alone cannot make
    # the crew), so it starts when it may glide, at 08:10, the worker first: her 8 minutes
    mixed = _model(_raw([_task("snu", "08:00", dict(TIMES), staff=2)],
                        {NURSE: {"day": 1}, HFA: {"day": 1}}))
    assert _timeline(mixed) == [
        ("snu", ("helsefagarbeider/day/0", "sykepleier/day/0"), "08:10", "08:18")]
    # two nurses and no worker on duty: the crew glides in at the nurses' 6 minutes
    nurses = _model(_raw([_task("snu", "08:00", dict(TIMES), staff=2)],
                         {NURSE: {"day": 2}, HFA: {"evening": 1}}))
    assert _timeline(nurses) == [
        ("snu", ("sykepleier/day/0", "sykepleier/day/1"), "08:10", "08:16")]


def test_a_task_moved_to_a_slower_group_takes_that_groups_time() -> None:
    # placed on the nurse (6 min), moved to the healthcare worker (8 min); a second sample
    # that glides back to the nurse takes her 6 minutes again
    raw = _raw([_task("blod", ["08:00", "09:05"], dict(TIMES), group=NURSE),
                _task("lang", "09:00", 30)], {NURSE: {"day": 1}, HFA: {"day": 1}})
    base = _model(raw)
    assert [r[2:] for r in _timeline(base) if r[0] == "blod"] == [("08:00", "08:06"),
                                                                  ("09:05", "09:11")]
    moved = _model(merge(raw, {"tasks": [{"id": "blod", "group": HFA}]}))
    assert _timeline(moved) == [
        ("blod", ("helsefagarbeider/day/0",), "08:00", "08:08"),
        ("lang", ("helsefagarbeider/day/0",), "09:00", "09:30"),
        ("blod", ("sykepleier/day/0",), "09:15", "09:21"),
    ]


def test_call_bells_take_the_time_of_whoever_answers() -> None:
    # every answered call takes 8 minutes by a healthcare worker and 6 by a nurse
    bell = {"id": "klokke", "category": "pasientbehandling", "group": HFA, "per": "patient",
            "when": {"anytime": 30}, "repeat": "after_done", "minutes": dict(TIMES)}
    raw = _raw([bell], {NURSE: 1, HFA: 1}, days=3)
    raw["ward"] = {"beds": 6, "occupancy": 1.0}
    tasks = run_one(_model(raw), 3, 0).tasks
    done = tasks[tasks["start"].notna()]
    minutes = (done["end"] - done["start"]).groupby(done["performed_by"]).agg(["min", "max"])
    assert set(minutes.index) == {HFA, NURSE}
    # (end - start at clock times that are not whole minutes: equal up to rounding)
    assert minutes.loc[HFA].tolist() == pytest.approx([8.0, 8.0], abs=1e-9)
    assert minutes.loc[NURSE].tolist() == pytest.approx([6.0, 6.0], abs=1e-9)


# -- a move with a slower group costs exactly the extra minutes -------------------------------


def _week(minutes: Any, group: str) -> dict[str, Any]:
    """Seven days, four samples a day, each group on duty around the clock; strict."""
    return _raw([_task("blod", ["08:00", "12:00", "16:00", "20:00"], minutes, group=group)],
                {NURSE: 1, HFA: 1}, policy="strict", days=7)


def _summary(raw: dict[str, Any]) -> pd.DataFrame:
    results = run_replications(_model(raw), replications=2, seed=11)
    return results.summary


def _mean(summary: pd.DataFrame, kpi: str, group: str) -> float:
    sel = ((summary["kpi"] == kpi) & (summary["group"] == group) & (summary["category"] == "")
           & (summary["shift"] == ALL) & (summary["day_type"] == ALL)
           & (summary["interval"] == ALL))
    (value,) = summary.loc[sel, "mean"]
    return float(value)


def test_moving_to_a_slower_group_costs_exactly_the_extra_minutes_in_the_summary() -> None:
    count = 4 * 7  # samples per week
    on_duty = 7 * 24.0  # hours per week one worker is on duty (round the clock)
    base, same, slower = (_summary(_week(dict(TIMES), NURSE)), _summary(_week(6, HFA)),
                          _summary(_week(dict(TIMES), HFA)))
    # today: the nurse spends count x 6 minutes a week on it, the worker nothing
    assert _mean(base, "nurse_busy_hours_per_week", "nurses") == pytest.approx(count * 6 / 60)
    assert _mean(base, "utilisation", HFA) == 0
    # moved with one time for everyone (minutes: 6) the worker spends what the nurse did;
    # moved with her own Tid she spends count x 8 minutes: count x 2 minutes more
    for summary, minutes in ((same, 6), (slower, 8)):
        busy = _mean(summary, "utilisation", HFA) * on_duty
        assert busy == pytest.approx(count * minutes / 60, rel=1e-12)
        assert _mean(summary, "nurse_busy_hours_per_week", "nurses") == 0
    extra = (_mean(slower, "utilisation", HFA) - _mean(same, "utilisation", HFA)) * on_duty
    assert extra == pytest.approx(count * (8 - 6) / 60, rel=1e-12)
    assert _mean(slower, "tasks_per_week", HFA) == _mean(base, "tasks_per_week", NURSE) == count


# -- common random numbers ---------------------------------------------------------------------


def _poisson_ward(times: dict[str, float], **task: Any) -> dict[str, Any]:
    """Lognormal blood samples (cv 0.5) and a nurse task, Poisson arrivals, nobody waits."""
    raw = _raw([{"id": "blod", "category": "blodprover", "group": HFA, "per": "ward",
                 "when": {"anytime": 60}, "minutes": dict(times), **task},
                {"id": "medisin", "category": "legemiddelhandtering", "group": NURSE,
                 "per": "ward", "when": {"anytime": 40}, "minutes": 5}],
               {NURSE: 20, HFA: 20}, policy="strict", days=4, distribution="lognormal")
    raw["durations"]["cv"] = 0.5
    return raw


def _frames(raw: dict[str, Any], seed: int = 5) -> pd.DataFrame:
    tasks = run_one(_model(raw), seed, 0).tasks
    assert tasks["start"].notna().all() and (tasks["wait"] == 0).all()
    return tasks


def test_changing_one_groups_time_keeps_the_arrivals_and_the_quantiles() -> None:
    base = _frames(_poisson_ward(TIMES))
    slower = _frames(_poisson_ward({**TIMES, HFA: 10}))
    pd.testing.assert_series_equal(base["arrival"], slower["arrival"], check_exact=True)
    pd.testing.assert_series_equal(base["task_id"], slower["task_id"])
    blod = (base["task_id"] == "blod").to_numpy()
    old = (base["end"] - base["start"]).to_numpy()
    new = (slower["end"] - slower["start"]).to_numpy()
    # the same uniform through a lognormal of the same cv: the ratio of the means
    np.testing.assert_allclose(new[blod] / old[blod], 10 / 8, rtol=1e-9)
    np.testing.assert_array_equal(new[~blod], old[~blod])  # other tasks untouched


def test_a_group_with_its_own_spread_takes_the_same_quantile() -> None:
    base = _frames(_poisson_ward(TIMES))
    spread = _frames(_poisson_ward(TIMES, duration_by_group={HFA: {"cv": 0.9}}))
    pd.testing.assert_series_equal(base["arrival"], spread["arrival"], check_exact=True)
    blod = base["task_id"] == "blod"
    old = (base["end"] - base["start"])[blod].to_numpy()
    new = (spread["end"] - spread["start"])[blod].to_numpy()
    q_old = Duration("lognormal", 8, 0.5).frozen().cdf(old)
    q_new = Duration("lognormal", 8, 0.9).frozen().cdf(new)
    np.testing.assert_allclose(q_new, q_old, rtol=1e-9, atol=1e-12)
    assert not np.allclose(new, old)


def test_every_group_turns_the_instances_own_uniform_into_its_duration() -> None:
    raw = _poisson_ward(TIMES, duration_by_group={NURSE: {"distribution": "gamma"}})
    raw["dispatch"]["policy"] = "glide"
    model = _model(raw)
    blod = model.tasks[0]
    nurse_duration = blod.group_durations[0]
    assert nurse_duration == Duration("gamma", 6.0, 0.5) and blod.group_durations[1] is None
    streams = Streams(5, 0)
    times, placed, columns = open_arrivals_by_group(blod, model.calendar, list(model.patients),
                                                    streams)
    assert columns is not None and columns[1] is None and columns[0].size == times.size > 0
    # the same arrivals and placed-group durations as open_arrivals draws
    t2, d2 = open_arrivals(blod, model.calendar, list(model.patients), streams)
    np.testing.assert_array_equal(times, t2)
    np.testing.assert_array_equal(placed, d2)
    u = Streams(5, 0).generator("durations", "blod").random(times.size)
    np.testing.assert_array_equal(placed, blod.duration.from_uniform(u))
    np.testing.assert_array_equal(columns[0], nurse_duration.from_uniform(u))
    assert group_columns(model.tasks[1], u) is None


# -- no per-group times: nothing changes -------------------------------------------------------


def test_a_mapping_with_only_the_placed_group_runs_exactly_as_a_number() -> None:
    number = _frames(_poisson_ward({HFA: 8}))
    raw = _poisson_ward({HFA: 8})
    raw["tasks"][0]["minutes"] = 8
    pd.testing.assert_frame_equal(number, _frames(raw), check_exact=True)


def test_times_nobody_else_may_use_are_left_out_of_the_model() -> None:
    # strict: only the placed group takes the task; a narrower group's time (kept for a
    # move) is never used either
    strict = _model(_poisson_ward(TIMES))
    assert strict.tasks[0].group_durations == ()
    raw = _poisson_ward(TIMES)
    raw["tasks"][1]["minutes"] = {NURSE: 5, HFA: 7}
    raw["dispatch"]["policy"] = "glide"
    glide = _model(raw)
    assert glide.tasks[0].group_durations != ()
    assert glide.tasks[1].group_durations == ()
    # the same time as the placed group's is no time of its own
    raw["tasks"][0]["minutes"] = {HFA: 8, NURSE: 8}
    assert _model(raw).tasks[0].group_durations == ()


def test_tidy_frames_name_who_did_it_and_for_how_long() -> None:
    model = _model(_raw([_task("blod", ["08:00", "09:05"], dict(TIMES)),
                         _task("lang", "09:00", 30)],
                        {NURSE: {"day": 1}, HFA: {"day": 1}}))
    tasks = tidy_tasks(simulate(model, draw_inputs(model, Streams(1, 0))), model)
    blod = tasks[tasks["task_id"] == "blod"]
    assert list(zip(blod["performed_by"], blod["end"] - blod["start"], strict=True)) == [
        (HFA, 8.0), (NURSE, 6.0)]


def test_shared_quantiles_are_the_same_to_the_bit_as_one_call_per_duration() -> None:
    u = np.random.default_rng(3).random(20_000)
    durations = [Duration("lognormal", 6, 0.5), None, Duration("lognormal", 8, 0.5),
                 Duration("lognormal", 8, 0.9), Duration("gamma", 7, 0.3),
                 Duration("gamma", 3, 0.3), Duration("exponential", 4),
                 Duration("exponential", 9), triangular(2, 5, 11), triangular(3, 6, 12),
                 Duration("fixed", 5, None), Duration("lognormal", 6, 0.5).scaled(1.3)]
    for duration, got in zip(durations, from_uniform_shared(durations, u), strict=True):
        if duration is None:
            assert got is None
        else:
            np.testing.assert_array_equal(got, duration.from_uniform(u))
