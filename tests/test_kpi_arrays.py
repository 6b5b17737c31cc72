"""KPIs from arrays (issue 10): the same numbers as from the tidy frames, bit for bit.

A replication run without per-task rows computes its KPIs, wait histogram and per-shift
tallies from the event log's columns (:mod:`sim.measure.log_columns`) instead of a per-task frame;
the frame-based functions (:func:`~sim.measure.kpis.replication_kpis`,
:func:`~sim.measure.tidy.wait_histogram`, :func:`~sim.measure.shifts.shift_tasks`) must give
exactly the same frames. :mod:`sim.measure.grouping` must reproduce pandas' group order and its
sums exactly (pairwise per group, Kahan for ``groupby().sum()``), on data where plain
summation would differ in the last bits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import base_dict

import sim.measure.grouping
from sim.engine import simulate
from sim.experiment import run_one
from sim.inputs import draw_inputs
from sim.io.scenario import from_dict
from sim.measure.grouping import Groups, first_seen, kahan_sums
from sim.measure.hourly import tidy_hours
from sim.measure.kpis import (
    replication_kpis,
)
from sim.measure.shifts import shift_tasks
from sim.measure.tidy import tidy_staff, tidy_tasks, wait_histogram
from sim.model import WardModel, build_model
from sim.rng import Streams

SEED = 5


def _busy_ward() -> WardModel:
    """Absence, a break, gliding and a continuous group: every branch of the KPIs."""
    raw = base_dict(calendar={"days": 4}, absence={"sykepleier": 0.15},
                    breaks={"day": {"minutes": 30, "window": "11:00-12:00"}})
    raw["groups"].append({"id": "vakt", "cost_per_hour": 300})
    raw["roster"]["vakt"] = 1
    raw["tasks"].append({"id": "tilsyn", "category": "sjekkerutiner", "group": "vakt",
                         "per": "ward", "when": {"anytime": 20}, "minutes": 15})
    return build_model(from_dict(raw))


@pytest.fixture(scope="module")
def ward() -> WardModel:
    return _busy_ward()


@pytest.mark.parametrize("warmup_days", [0, 1])
def test_kpis_without_task_rows_equal_the_kpis_of_the_frames(ward: WardModel,
                                                             warmup_days: int) -> None:
    log = simulate(ward, draw_inputs(ward, Streams(SEED, 1)))
    tasks = tidy_tasks(log, ward, 1, warmup_days)
    want = replication_kpis(tasks, tidy_staff(log, ward, 1, warmup_days), ward, warmup_days,
                            tidy_hours(log, ward, warmup_days))
    rep = run_one(ward, SEED, 1, warmup_days, detail=False, by_shift=True)
    assert rep.tasks is None
    assert {"utilisation_hour", "missed_breaks_per_week", "nurse_time_share"} <= set(want["kpi"])
    got = rep.kpis.drop(columns=["replication", "scenario"])
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    hist = wait_histogram(tasks, warmup_days)
    pd.testing.assert_frame_equal(rep.waits.drop(columns="replication"), hist, check_exact=True)
    per_shift = shift_tasks(tasks, ward)
    pd.testing.assert_frame_equal(rep.shift_tasks.drop(columns="replication"), per_shift,
                                  check_exact=True)


def test_detail_only_adds_the_task_rows(ward: WardModel) -> None:
    plain = run_one(ward, SEED, 0, 1, detail=False, by_shift=True)
    full = run_one(ward, SEED, 0, 1, detail=True, by_shift=True)
    assert len(full.tasks) > 100
    for name in ("kpis", "staff", "waits", "shift_staff", "shift_tasks"):
        pd.testing.assert_frame_equal(getattr(plain, name), getattr(full, name), check_exact=True)


def _grouped(rng: np.random.Generator, n: int = 3000) -> pd.DataFrame:
    """Keys in a shuffled order and values whose sums depend on the order of addition."""
    return pd.DataFrame({
        "a": rng.choice(np.array(["x", "b", "m"], dtype=object), n),
        "b": rng.integers(0, 4, n),
        "v": rng.random(n) * 1e3 / 7,
        "w": rng.exponential(50, n) * rng.choice([1, -1, 1e-9], n),
    })


def test_groups_follow_pandas_order_and_sums_exactly() -> None:
    frame = _grouped(np.random.default_rng(1))
    g = Groups.of(frame["a"].to_numpy(), frame["b"].to_numpy())
    pandas = frame.groupby(["a", "b"], sort=False)
    keys = [(frame["a"].iloc[i], frame["b"].iloc[i]) for i in g.first()]
    assert keys == list(pandas.groups)
    sums = g.sums(frame["v"].to_numpy(), frame["w"].to_numpy())
    want = [(part["v"].sum(), part["w"].sum()) for _, part in pandas]
    assert list(zip(sums[0], sums[1], strict=True)) == want
    # the test data do tell pairwise from sequential summation apart
    sequential = [np.cumsum(frame["v"].to_numpy()[g.rows(i)])[-1] for i in range(g.n)]
    assert sequential != sums[0].tolist()


@pytest.mark.parametrize("compiled", [True, False])
def test_kahan_sums_equal_groupby_sum(monkeypatch: pytest.MonkeyPatch, compiled: bool) -> None:
    if not compiled:  # the public groupby path, used if pandas' compiled sum is not found
        monkeypatch.setattr(sim.measure.grouping, "_pandas_group_sum", lambda: None)
    frame = _grouped(np.random.default_rng(2))
    codes, n = first_seen(frame["a"].to_numpy())
    got = kahan_sums(codes, n + 2, frame["v"].to_numpy(), frame["w"].to_numpy())
    want = frame.groupby(codes)[["v", "w"]].sum().to_numpy().T
    assert (got[:, :n] == want).all() and (got[:, n:] == 0).all()
    plain = np.array([frame["v"].to_numpy()[codes == i].sum() for i in range(n)])
    assert (plain != want[0]).any()  # the data tell Kahan from pairwise summation apart


