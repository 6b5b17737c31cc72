"""The censored likelihood and the vectorised bootstrap refit held to scipy (issue 9, part 1).

- :func:`calibration.likelihood.loglik` is scipy's censored likelihood: log density of the
  exact times, log survival function of the interrupted ones, log of ``sf(lo) - sf(hi)``
  above the median and ``cdf(hi) - cdf(lo)`` below it for the whole minutes (as
  ``rv_continuous.fit`` on ``CensoredData`` takes it), one parameter row per resample;
  deep in a tail, where those differences underflow, it keeps its digits in log space;
- :func:`calibration.likelihood.mle`, the speed device that refits every bootstrap
  resample at once, finds what ``scipy.stats.<family>.fit(CensoredData(...), floc=0)``
  finds on each resample, on exact, right-censored and interval-censored data of every
  family: the parameters of scipy's fit run to a tight tolerance (to 1e-5 relative; they
  agree within 1e-7), the same maximum (to 1e-6; within 1e-12), and never a lower one than
  scipy's fit with its default tolerance reaches.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import optimize, stats

from calibration.durations import Sample, censored_data, fit_family, sample_of
from calibration.likelihood import FAMILIES, N_PARAMS, SCIPY, from_moments, loglik, mle

KINDS = ("exact", "right", "interval")
N_RESAMPLES = 3


def _sample(family: str, kind: str, seed: int, n: int = 60) -> Sample:
    """Draw times of the family (mean 10, cv 0.6), interrupted and/or in whole minutes."""
    rng = np.random.default_rng(seed)
    theta = from_moments(family, 10.0, 0.6) if family != "exponential" else np.array([10.0])
    times = SCIPY[family].rvs(*theta[:-1], scale=theta[-1], size=n, random_state=rng)
    interrupted = np.zeros(n, bool)
    if kind != "exact":
        cut = rng.exponential(30.0, n)
        interrupted = cut < times
        times = np.minimum(times, cut)
    if kind == "interval":
        return sample_of(np.maximum(np.round(times), 1.0), interrupted, True)
    return sample_of(times, interrupted, False)


def _resamples(sample: Sample, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct observations and the counts of ``N_RESAMPLES`` bootstrap resamples of them."""
    unique, codes = np.unique(np.column_stack([sample.lo, sample.hi]), axis=0,
                              return_inverse=True)
    codes = np.asarray(codes).ravel()
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, sample.n, (N_RESAMPLES, sample.n))
    weights = np.stack([np.bincount(codes[p], minlength=unique.shape[0]) for p in picks])
    return unique[:, 0], unique[:, 1], weights.astype(float)


def _expanded(lo: np.ndarray, hi: np.ndarray, counts: np.ndarray) -> Sample:
    rep = np.repeat(np.arange(lo.size), counts.astype(int))
    return Sample(lo[rep], hi[rep], lo[rep], np.isinf(hi[rep]))


def _scipy_loglik(family: str, theta: np.ndarray, sample: Sample) -> float:
    """Take the censored log-likelihood from scipy's public methods, as its ``fit`` does."""
    dist = SCIPY[family](*theta[:-1], scale=theta[-1])
    exact, right = sample.lo == sample.hi, np.isinf(sample.hi)
    lo, hi = sample.lo[~exact & ~right], sample.hi[~exact & ~right]
    interval = np.where(dist.cdf(lo) > 0.5, dist.sf(lo) - dist.sf(hi), dist.cdf(hi) - dist.cdf(lo))
    return float(np.sum(dist.logpdf(sample.lo[exact])) + np.sum(dist.logsf(sample.lo[right]))
                 + np.sum(np.log(interval)))


def _tight(func, x0, args=(), disp=0):  # noqa: ANN001, ANN202 - scipy's optimizer protocol
    return optimize.fmin(func, x0, args=args, disp=disp, xtol=1e-12, ftol=1e-13,
                         maxiter=20_000, maxfun=40_000)


def _scipy_fit(family: str, data: stats.CensoredData, tight: bool) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = SCIPY[family].fit(data, floc=0, **({"optimizer": _tight} if tight else {}))
    return np.array([fitted[-1]] if N_PARAMS[family] == 1 else [fitted[0], fitted[-1]])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_loglik_is_scipys_censored_likelihood_one_row_per_resample(family: str, kind: str) -> None:
    sample = _sample(family, kind, seed=FAMILIES.index(family) * 10 + KINDS.index(kind))
    theta = fit_family(family, sample)[0]
    rows = theta * np.array([[1.0] * theta.size, [0.7] * theta.size, [1.3] * theta.size])
    rows[1, -1] *= 3.0  # a poor fit too: its terms reach further into the tails
    want = [_scipy_loglik(family, row, sample) for row in rows]
    assert loglik(family, rows, sample.lo, sample.hi) == pytest.approx(want, rel=1e-12)
    assert float(loglik(family, theta, sample.lo, sample.hi)) == pytest.approx(want[0], rel=1e-12)


def test_tail_probabilities_keep_their_digits_where_sf_and_cdf_underflow() -> None:
    """Lognormal times 40 and 41 standard deviations out: sf underflows, scipy's logsf not."""
    s, scale = 0.5, 1.0
    lo, hi = np.exp(40 * s), np.exp(41 * s)
    assert stats.lognorm.sf(lo, s, scale=scale) == 0.0
    interrupted = loglik("lognormal", np.array([s, scale]), np.array([lo]), np.array([np.inf]))
    assert float(interrupted) == pytest.approx(stats.norm.logsf(40.0), rel=1e-12)
    interval = loglik("lognormal", np.array([s, scale]), np.array([lo]), np.array([hi]))
    # scipy's Normal takes the log of an interval's probability in log space
    want = np.real(stats.Normal().logcdf(40.0, 41.0))
    assert float(interval) == pytest.approx(want, rel=1e-12) and want < np.log(1e-300)
    below = loglik("lognormal", np.array([s, scale]), np.exp(-np.array([41 * s])),
                   np.exp(-np.array([40 * s])))
    assert float(below) == pytest.approx(want, rel=1e-12)
    # an exact 0 is impossible, and parameters off the domain have no likelihood
    assert loglik("lognormal", np.array([s, scale]), np.zeros(1), np.zeros(1)) == -np.inf
    bad = loglik("gamma", np.array([[-1.0, 2.0], [2.0, np.inf], [2.0, 2.0]]),
                 np.array([1.0, 3.0]), np.array([2.0, np.inf]))
    assert bad[0] == bad[1] == -np.inf and np.isfinite(bad[2])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_the_vectorised_refit_finds_scipys_fit_on_every_resample(family: str, kind: str) -> None:
    seed = 100 + FAMILIES.index(family) * 10 + KINDS.index(kind)
    sample = _sample(family, kind, seed)
    if kind != "exact":
        assert sample.n_censored > 0
    theta = fit_family(family, sample)[0]
    lo, hi, weights = _resamples(sample, seed)
    refit = mle(family, lo, hi, weights, theta)
    refit_ll = loglik(family, refit, lo, hi, weights)
    for b in range(N_RESAMPLES):
        resample = _expanded(lo, hi, weights[b])
        tight, default = (_scipy_fit(family, censored_data(resample), t) for t in (True, False))
        tight_ll, default_ll = (_scipy_loglik(family, t, resample) for t in (tight, default))
        assert _scipy_loglik(family, refit[b], resample) == pytest.approx(refit_ll[b], rel=1e-12)
        assert refit[b] == pytest.approx(tight, rel=1e-5), (b, refit[b], tight)
        assert refit_ll[b] == pytest.approx(tight_ll, abs=1e-6), (b, refit_ll[b] - tight_ll)
        assert refit_ll[b] >= default_ll - 1e-9, (b, refit_ll[b] - default_ll)
