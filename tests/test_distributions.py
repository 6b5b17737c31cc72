"""Durations by inverse transform: the fast quantiles equal scipy's ppf to the bit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.distributions import _EPS, Duration, from_uniform_shared, triangular

FAMILIES = [
    Duration("lognormal", 12.0, 0.5),
    Duration("lognormal", 3.0, 1.7),
    Duration("gamma", 20.0, 0.4),
    Duration("gamma", 7.5, 2.0),
    Duration("exponential", 9.0),
    triangular(2.0, 5.0, 14.0),
    triangular(2.0, 2.0, 6.0),
    triangular(1.0, 6.0, 6.0),
]


def _uniforms() -> np.ndarray:
    u = np.random.default_rng(3).random(5000)
    return np.concatenate((u, [0.0, _EPS / 2, 0.5, 1 - _EPS, np.nextafter(1.0, 0.0)]))


@pytest.mark.parametrize("duration", FAMILIES, ids=lambda d: f"{d.family}-{d.cv}-{d.mode}")
def test_from_uniform_is_scipys_ppf_to_the_bit(duration: Duration) -> None:
    u = _uniforms()
    family, shapes, loc, scale = duration._scipy()
    want = family.ppf(np.clip(u, _EPS, 1 - _EPS), *shapes, loc=loc, scale=scale)
    np.testing.assert_array_equal(duration.from_uniform(u), want)
    assert duration.from_uniform(u[:0]).shape == (0,)


def test_shared_quantiles_are_each_durations_own() -> None:
    u = _uniforms()
    durations = [Duration("lognormal", 10.0, 0.6), Duration("lognormal", 4.0, 0.6), None,
                 Duration("fixed", 5.0)]
    got = from_uniform_shared(durations, u)
    assert got[2] is None
    for duration, column in zip(durations, got, strict=True):
        if duration is not None:
            np.testing.assert_array_equal(column, duration.from_uniform(u))
    np.testing.assert_array_equal(
        got[0], stats.lognorm.ppf(np.clip(u, _EPS, 1 - _EPS), np.sqrt(np.log1p(0.36)),
                                  scale=10.0 * np.exp(-np.log1p(0.36) / 2)))


def test_invalid_parameters_take_scipys_path() -> None:
    # a zero coefficient of variation is not a lognormal scipy accepts: NaN, as before
    assert np.isnan(Duration("lognormal", 10.0, 0.0).from_uniform(np.array([0.3]))).all()
