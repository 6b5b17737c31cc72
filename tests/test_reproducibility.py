"""Reproducibility and common random numbers.

The same seed gives identical tidy frames; a different seed gives different ones; one
worker or two give identical KPI tables. Every stochastic source has its own stream, so a
variant that changes only the roster, or moves a task to another group, sees exactly the
same task arrivals with the same inherent durations as the baseline (and the same
absences for the positions both rosters have): only who does the work differs.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import base_dict

from sim.engine import simulate
from sim.engine.eventlog import EventLog
from sim.experiment import run_one, run_replications
from sim.inputs import draw_absence, draw_inputs
from sim.io.scenario import from_dict, merge
from sim.model import WardModel, build_model
from sim.rng import Streams

SEED = 20240611


def _ward(**changes: Any) -> dict[str, Any]:
    """Build a busy little ward with every kind of randomness: rates, jitter, absence."""
    raw = base_dict(
        ward={"beds": 12, "occupancy": {"weekday": 1.0, "weekend": 0.75}},
        calendar={"days": 4, "start": "friday"},
        certifications={"blod": {"sykepleier": "all", "helsefagarbeider": 1}},
        absence={"sykepleier": 0.15, "helsefagarbeider": 0.15},
        durations={"distribution": "lognormal", "cv": 0.6},
    )
    raw["tasks"][0]["when"] = {"anytime": 2.0, "07-09": 0.5}
    raw["tasks"][1]["jitter"] = 20
    raw["tasks"].append({"id": "blodprove", "category": "blodprover", "group": "sykepleier",
                         "requires": "blod", "when": {"07-09": 0.6, "12-15": 0.2}, "minutes": 6,
                         "priority": "high", "drop_after": 90})
    raw["tasks"].append({"id": "rydde", "category": "renhold", "group": "helsefagarbeider",
                         "per": "ward", "when": {"09-12": 3, "18-22": 2}, "minutes": 15,
                         "priority": "low", "duration": {"distribution": "gamma", "cv": 0.8}})
    return merge(raw, changes)


def _model(raw: dict[str, Any]) -> WardModel:
    return build_model(from_dict(raw))


@pytest.fixture(scope="module")
def baseline() -> WardModel:
    """Give the little ward as it is."""
    return _model(_ward())


def _arrivals(log: EventLog, model: WardModel) -> Counter:
    """Multiset of (task id, arrival time) over started and unstarted tasks."""
    rows = [(model.tasks[r[1]].id, r[3]) for r in log.started]
    rows += [(model.tasks[r[1]].id, r[3]) for r in log.unstarted]
    return Counter(rows)


def _durations(log: EventLog, model: WardModel) -> dict[tuple[str, float], float]:
    """Inherent duration (end - start) of every started task, keyed by (task id, arrival)."""
    return {(model.tasks[r[1]].id, r[3]): r[5] - r[4] for r in log.started}


def _assert_same_work(a: tuple[EventLog, WardModel], b: tuple[EventLog, WardModel]) -> None:
    arrivals_a, arrivals_b = _arrivals(*a), _arrivals(*b)
    assert sum(arrivals_a.values()) > 100  # enough tasks for the check to mean something
    assert arrivals_a == arrivals_b
    dur_a, dur_b = _durations(*a), _durations(*b)
    shared = dur_a.keys() & dur_b.keys()
    assert len(shared) > 0.8 * len(dur_a)
    for key in shared:
        assert dur_a[key] == pytest.approx(dur_b[key], rel=1e-12, abs=1e-9), key


# ---------------------------------------------------------------------------------------
# Same seed, different seed, workers


def test_same_seed_gives_identical_frames(baseline: WardModel) -> None:
    first, second = run_one(baseline, SEED, 3), run_one(baseline, SEED, 3)
    assert len(first.tasks) > 100
    pd.testing.assert_frame_equal(first.tasks, second.tasks)
    pd.testing.assert_frame_equal(first.staff, second.staff)
    pd.testing.assert_frame_equal(first.kpis, second.kpis)


def test_a_fresh_model_from_the_same_file_gives_identical_frames(baseline: WardModel) -> None:
    again = _model(_ward())
    pd.testing.assert_frame_equal(run_one(baseline, SEED, 0).tasks, run_one(again, SEED, 0).tasks)


def test_different_seed_or_replication_differs(baseline: WardModel) -> None:
    reference = run_one(baseline, SEED, 0)
    for other in (run_one(baseline, SEED + 1, 0), run_one(baseline, SEED, 1)):
        # rate tasks only: their times are random, clock-time tasks only jittered
        clock = reference.tasks["task_id"] != "medisin"
        assert not np.array_equal(reference.tasks.loc[clock, "arrival"],
                                  other.tasks.loc[other.tasks["task_id"] != "medisin", "arrival"])
        with pytest.raises(AssertionError):
            pd.testing.assert_frame_equal(reference.kpis, other.kpis)
        with pytest.raises(AssertionError):
            pd.testing.assert_frame_equal(reference.staff, other.staff)


def test_one_or_two_workers_give_identical_tables(baseline: WardModel) -> None:
    one = run_replications(baseline, 4, SEED, warmup_days=1, workers=1)
    two = run_replications(baseline, 4, SEED, warmup_days=1, workers=2)
    assert sorted(one.kpis["replication"].unique()) == [0, 1, 2, 3]
    pd.testing.assert_frame_equal(one.kpis, two.kpis)
    pd.testing.assert_frame_equal(one.summary, two.summary)


def test_replications_do_not_depend_on_what_else_runs(baseline: WardModel) -> None:
    alone = run_one(baseline, SEED, 2).kpis
    together = run_replications(baseline, 3, SEED, workers=1).kpis
    third = together[together["replication"] == 2].reset_index(drop=True)
    pd.testing.assert_frame_equal(third, alone)


# ---------------------------------------------------------------------------------------
# Common random numbers between a baseline and its variants


@pytest.mark.parametrize("replication", [0, 1])
def test_roster_change_keeps_arrivals_and_durations(baseline: WardModel, replication: int) -> None:
    variant = _model(_ward(roster={"sykepleier": {"day": 4, "evening": 1, "night": 2},
                                   "helsefagarbeider": {"day": 2, "night": 0}}))
    streams = Streams(SEED, replication)
    base_log = simulate(baseline, draw_inputs(baseline, streams))
    variant_log = simulate(variant, draw_inputs(variant, streams))
    _assert_same_work((base_log, baseline), (variant_log, variant))
    # ... while who does the work does change
    assert [r[4] for r in base_log.started] != [r[4] for r in variant_log.started]


def test_roster_change_keeps_the_absences_of_shared_positions(baseline: WardModel) -> None:
    variant = _model(_ward(roster={"sykepleier": {"day": 4, "night": 2}}))
    streams = Streams(SEED, 0)
    absent, other = ({(d.staff_id, d.day): d.absent for d in model.staffing.duties(
        model.calendar, draw_absence(model.staffing, model.calendar, streams))}
        for model in (baseline, variant))
    shared = absent.keys() & other.keys()
    assert any(absent.values())
    assert len(shared) == len(absent)  # the variant only adds positions
    assert {k: absent[k] for k in shared} == {k: other[k] for k in shared}


def test_moving_a_task_keeps_arrivals_and_durations(baseline: WardModel) -> None:
    moved = _ward()
    next(t for t in moved["tasks"] if t["id"] == "stell")["group"] = "sykepleier"
    next(t for t in moved["tasks"] if t["id"] == "rydde")["group"] = "sykepleier"
    variant = _model(moved)
    streams = Streams(SEED, 0)
    base_log = simulate(baseline, draw_inputs(baseline, streams))
    variant_log = simulate(variant, draw_inputs(variant, streams))
    _assert_same_work((base_log, baseline), (variant_log, variant))
    performed = {variant_log.duties[r[6][0]].group for r in variant_log.started
                 if variant.tasks[r[1]].id == "stell"}
    assert performed == {variant.group_ids.index("sykepleier")}


def test_adding_a_task_does_not_shift_the_others(baseline: WardModel) -> None:
    more = _ward()
    more["tasks"].insert(0, {"id": "ekstra", "category": "dokumentasjon", "group": "sykepleier",
                             "when": {"anytime": 1.0}, "minutes": 5})
    variant = _model(more)  # first in the list: every other task's index shifts by one
    streams = Streams(SEED, 0)
    base_log = simulate(baseline, draw_inputs(baseline, streams))
    variant_log = simulate(variant, draw_inputs(variant, streams))
    extra = Counter({k: n for k, n in _arrivals(variant_log, variant).items() if k[0] != "ekstra"})
    assert extra == _arrivals(base_log, baseline)
