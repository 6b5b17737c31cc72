"""The array shortcuts of the KPI reduction give exactly what the one-group-at-a-time code gives.

:func:`sim.experiment.reduce_log` is checked frame by frame against saved outputs elsewhere;
these tests pin the helpers on data made to hit their edges (empty and single-value
groups, ties, NaN, owners without spans, seq numbers with gaps).
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest

from sim.measure.grouping import first_seen, grouped, run_quantiles
from sim.measure.hourly import per_hour
from sim.measure.log_columns import log_columns
from sim.measure.staff_minutes import _covered, _covered_per
from sim.measure.text import text_column


@pytest.mark.parametrize("seed", range(40))
def test_run_quantiles_equal_np_quantile_of_each_group(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, size = int(rng.integers(1, 20)), int(rng.integers(0, 600))
    codes = rng.integers(0, n, size)
    values = rng.exponential(30, size) * rng.choice([1e-3, 1.0, 1e3], size)
    if seed % 3 == 0:
        values = np.round(values)  # ties
    values[rng.random(size) < 0.1] = np.nan
    q = (0.5, 0.9) if seed % 2 else (0.0, 0.1, 0.25, 0.5, 0.75, 0.99, 1.0)
    valid = ~np.isnan(values)
    got = run_quantiles(*grouped(values[valid], codes[valid], n), q)
    for g in range(n):
        w = values[valid & (codes == g)]
        want = np.quantile(w, list(q)) if w.size else np.full(len(q), np.nan)
        assert np.array_equal(got[g], want, equal_nan=True)


@pytest.mark.parametrize("seed", range(20))
def test_covered_per_equals_covered_owner_by_owner(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, size = int(rng.integers(1, 12)), int(rng.integers(0, 400))
    owner = rng.integers(0, n, size)
    starts = rng.uniform(0, 10_000, size)
    ends = starts + rng.exponential(40, size)
    points = np.sort(rng.choice(np.arange(0, 10_080, 60.0), 30))
    got = _covered_per(owner, n, starts, ends, points)
    for p in range(n):
        mine = owner == p
        want = _covered(starts[mine], ends[mine], points) if mine.any() else np.zeros(points.size)
        assert np.array_equal(got[p], want)


def test_per_hour_by_owner_equals_each_owner_alone() -> None:
    rng = np.random.default_rng(1)
    hours, size = 72, 300
    starts = rng.uniform(0, hours * 60 - 1, size)
    ends = np.minimum(starts + rng.exponential(200, size), hours * 60)
    owner = rng.integers(0, 4, size)
    got = per_hour(starts, ends, hours, owner, 5)
    for p in range(5):
        assert np.array_equal(got[p], per_hour(starts[owner == p], ends[owner == p], hours))


def test_first_seen_of_codes_equals_first_seen_of_labels() -> None:
    rng = np.random.default_rng(2)
    a = rng.choice(np.array(["sykepleier", "hfa", "sekretær"], dtype=object), 200)
    b = rng.choice(np.array(["dag", "kveld", "natt"], dtype=object), 200)
    c = rng.integers(0, 7, 200)
    want = first_seen(a, b, c)
    coded = [(pd.factorize(k)[0].astype(np.int64), len(pd.factorize(k)[1])) for k in (a, b)]
    got = first_seen(*coded, c)
    assert np.array_equal(got[0], want[0]) and got[1] == want[1]
    codes, n = pd.factorize(pd.Series(list(zip(a, b, c, strict=True))))
    assert np.array_equal(want[0], codes) and want[1] == len(n)


def test_text_column_is_what_pandas_infers() -> None:
    values = ["utilisation", "wait_p50", "", "all"] * 5
    want = pd.DataFrame({"x": values})
    got = pd.DataFrame({"x": text_column(values)})
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    pd.testing.assert_frame_equal(pd.DataFrame({"x": text_column([])}), pd.DataFrame({"x": []}))


def test_log_columns_with_gaps_in_seq(ward_log) -> None:
    log, model = ward_log
    gapped = copy.copy(log)
    gapped.started = [(r[0] * 2 + 7, *r[1:]) for r in log.started]
    gapped.unstarted = [(r[0] * 2 + 7, *r[1:]) for r in log.unstarted]
    dense = log_columns(log, model.nurse_groups).tasks
    other = log_columns(gapped, model.nurse_groups).tasks
    assert np.array_equal(other.seq, dense.seq * 2 + 7)
    for field in dataclasses.fields(dense):
        if field.name != "seq" and isinstance(getattr(dense, field.name), np.ndarray):
            x, y = getattr(dense, field.name), getattr(other, field.name)
            assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), field.name


@pytest.fixture
def ward_log():
    from conftest import base_dict

    from sim.engine import simulate
    from sim.inputs import draw_inputs
    from sim.io.scenario import from_dict
    from sim.model import build_model
    from sim.rng import Streams

    model = build_model(from_dict(base_dict()), days=3)
    log = simulate(model, draw_inputs(model, Streams(5, 0)))
    assert log.unstarted or log.started
    return log, model
