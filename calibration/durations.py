"""Fitting task durations to observed times: four families by censored maximum likelihood.

For every task (and every staff group that did it, where the data allow) lognormal, gamma,
Weibull and exponential are fitted by maximum likelihood with ``scipy.stats.<family>.fit``
on ``scipy.stats.CensoredData`` (location fixed at 0), then polished by a few Newton steps
of :mod:`calibration.likelihood`. An interrupted observation is right-censored (the task
took longer than the time written); when every time in the file is a whole number of
minutes, each is interval-censored in ``[m - 0.5, m + 0.5)``. The family with the smallest
AIC is the best; the one written into the scenario is the best of those the scenario format
has (lognormal, gamma, exponential), so a Weibull win writes its runner-up and says so.

For the written family: a goodness-of-fit p-value (``scipy.stats.goodness_of_fit``,
Anderson–Darling, on the completed observations; whole minutes are spread uniformly within
their minute, seeded) and bootstrap 95 % confidence intervals of the mean and the cv
(``scipy.stats.bootstrap``, BCa, every resample refitted).
"""

from __future__ import annotations

import warnings
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from calibration.likelihood import FAMILIES, N_PARAMS, SCIPY, loglik, mle, moments
from sim.io.schema import Scenario

#: Families a scenario's ``duration.distribution`` can hold, in order of preference on a tie.
WRITABLE: tuple[str, ...] = ("lognormal", "gamma", "exponential")
N_RESAMPLES = 999
N_MC_SAMPLES = 999


@dataclass
class Sample:
    """Observed times of one task (or task and group) as intervals ``[lo, hi]`` of minutes."""

    lo: np.ndarray
    hi: np.ndarray
    minutes: np.ndarray
    interrupted: np.ndarray

    @property
    def n(self) -> int:
        """Number of observations."""
        return int(self.lo.size)

    @property
    def n_censored(self) -> int:
        """Number of interrupted (right-censored) observations."""
        return int(self.interrupted.sum())

    @property
    def completed(self) -> int:
        """Number of observations that were not interrupted."""
        return self.n - self.n_censored


def sample_of(minutes: np.ndarray, interrupted: np.ndarray, whole: bool) -> Sample:
    """Return the intervals of ``minutes``: exact, or ``[m - 0.5, m + 0.5)`` if ``whole``."""
    minutes = np.asarray(minutes, float)
    interrupted = np.asarray(interrupted, bool)
    lo = np.maximum(minutes - 0.5, 0.0) if whole else minutes.copy()
    hi = minutes + 0.5 if whole else minutes.copy()
    hi = np.where(interrupted, np.inf, hi)
    return Sample(lo, hi, minutes, interrupted)


def censored_data(sample: Sample) -> stats.CensoredData:
    """Return the sample as scipy's CensoredData (an interruption at 0 minutes tells nothing)."""
    exact = sample.lo == sample.hi
    right = np.isinf(sample.hi) & (sample.lo > 0)
    interval = ~exact & np.isfinite(sample.hi)
    return stats.CensoredData(uncensored=sample.lo[exact], right=sample.lo[right],
                              interval=np.column_stack([sample.lo[interval], sample.hi[interval]]))


def fit_family(family: str, sample: Sample) -> tuple[np.ndarray, float] | None:
    """Maximum-likelihood parameters (shape, scale) of one family and the log-likelihood."""
    data = censored_data(sample)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fitted = SCIPY[family].fit(data, floc=0)
        except (ValueError, RuntimeError, stats.FitError, FloatingPointError):
            return None
    theta = np.array([fitted[-1]] if N_PARAMS[family] == 1 else [fitted[0], fitted[-1]], float)
    if not np.all(np.isfinite(theta)) or np.any(theta <= 0):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        polished = mle(family, sample.lo, sample.hi, np.ones((1, sample.n)), theta)[0]
    ll, ll_polished = (float(loglik(family, t, sample.lo, sample.hi)) for t in (theta, polished))
    if ll_polished > ll:
        theta, ll = polished, ll_polished
    return (theta, ll) if np.isfinite(ll) else None


def bootstrap_ci(family: str, sample: Sample, theta: np.ndarray, rng: np.random.Generator,
                 n_resamples: int = N_RESAMPLES) -> tuple[float, float, float, float]:
    """BCa bootstrap 95 % CIs of the mean and the cv (low, high, low, high)."""
    pairs = np.column_stack([sample.lo, sample.hi])
    unique, codes = np.unique(pairs, axis=0, return_inverse=True)
    codes = np.asarray(codes).ravel()
    lo, hi = unique[:, 0], unique[:, 1]
    one = family == "exponential"

    def statistic(index: np.ndarray, axis: int = -1) -> np.ndarray:
        index = np.asarray(index)
        lead, n = index.shape[:-1], index.shape[-1]
        flat = index.reshape(-1, n)
        weights = np.zeros((flat.shape[0], lo.size))
        np.add.at(weights, (np.arange(flat.shape[0])[:, None], flat), 1.0)
        fitted = mle(family, lo, hi, weights, theta)
        mean, cv = moments(family, fitted)
        return mean.reshape(lead) if one else np.stack([mean.reshape(lead), cv.reshape(lead)])

    out = []
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = stats.bootstrap((codes,), statistic, vectorized=True, paired=False,
                                     n_resamples=n_resamples, batch=200, method=method,
                                     confidence_level=0.95, rng=rng)
        low, high = (np.atleast_1d(np.asarray(v, float)) for v in result.confidence_interval)
        out = [low[0], high[0], 1.0, 1.0] if one else [low[0], high[0], low[1], high[1]]
        if np.all(np.isfinite(out)):
            break
    return tuple(float(v) for v in out)  # type: ignore[return-value]


def gof_pvalue(family: str, sample: Sample, rng: np.random.Generator,
               n_mc_samples: int = N_MC_SAMPLES) -> float:
    """Anderson–Darling goodness-of-fit p-value of the family on the completed observations."""
    done = ~sample.interrupted
    lo, hi = sample.lo[done], sample.hi[done]
    if lo.size < 5:
        return float("nan")
    values = np.where(lo == hi, lo, lo + rng.random(lo.size) * (hi - lo))
    values = np.maximum(values, 1e-6)
    if np.ptp(values) == 0:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = stats.goodness_of_fit(SCIPY[family], values, known_params={"loc": 0},
                                           statistic="ad", n_mc_samples=n_mc_samples, rng=rng)
        except (ValueError, RuntimeError, stats.FitError):
            return float("nan")
    return float(result.pvalue)


@dataclass
class Fit:
    """The fit of one task, or of one staff group doing it (``group`` set)."""

    task_id: str
    group: str
    sample: Sample
    estimate: float | None
    action: str = "fitted"  # fitted | fitted_instead | too_few | kept | pooled
    family: str = ""
    best: str = ""
    params: dict[str, np.ndarray] = field(default_factory=dict)
    aic: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FAMILIES, float("nan")))
    mean: float = float("nan")
    mean_ci: tuple[float, float] = (float("nan"), float("nan"))
    cv: float = float("nan")
    cv_ci: tuple[float, float] = (float("nan"), float("nan"))
    gof_pvalue: float = float("nan")
    written: bool = False

    @property
    def n(self) -> int:
        """Number of observations."""
        return self.sample.n


def fit_sample(task_id: str, group: str, sample: Sample, estimate: float | None,
               min_observations: int, seed: int, n_resamples: int | None = None,
               n_mc_samples: int | None = None) -> Fit:
    """Fit every family to one sample, choose by AIC, and add the CIs and the GOF p-value.

    ``n_resamples`` (bootstrap) and ``n_mc_samples`` (goodness of fit) default to
    :data:`N_RESAMPLES` and :data:`N_MC_SAMPLES`.
    """
    out = Fit(task_id, group, sample, estimate)
    if sample.n < min_observations:
        out.action = "too_few"
        return out
    if sample.completed < 2:
        out.action = "kept"
        return out
    for family in FAMILIES:
        fitted = fit_family(family, sample)
        if fitted is not None:
            out.params[family] = fitted[0]
            out.aic[family] = 2 * N_PARAMS[family] - 2 * fitted[1]
    usable = [f for f in FAMILIES if f in out.params]
    writable = [f for f in WRITABLE if f in out.params]
    if not writable:
        out.action = "kept"
        return out
    out.best = min(usable, key=lambda f: out.aic[f])
    out.family = min(writable, key=lambda f: out.aic[f])
    out.action = "fitted" if out.best == out.family else "fitted_instead"
    theta = out.params[out.family]
    mean, cv = moments(out.family, theta)
    out.mean, out.cv = float(mean), float(cv)
    rng = np.random.default_rng([seed, zlib.crc32(task_id.encode()), zlib.crc32(group.encode())])
    low, high, cv_low, cv_high = bootstrap_ci(out.family, sample, theta, rng,
                                              n_resamples or N_RESAMPLES)
    out.mean_ci, out.cv_ci = (low, high), (cv_low, cv_high)
    out.gof_pvalue = gof_pvalue(out.family, sample, rng, n_mc_samples or N_MC_SAMPLES)
    return out


def fit_observations(obs: pd.DataFrame, whole: bool, scenario: Scenario,
                     min_observations: int = 10, seed: int = 12345,
                     n_resamples: int | None = None, n_mc_samples: int | None = None) -> list[Fit]:
    """Fits of every observed task, then of every group that did it where groups differ.

    A task whose observations all come from the group it is placed on gets one row, and
    that fit is written. Where other groups did it too, each group gets its own row (its
    fit is written for that group) and the task's row is the pooled fit, not written.
    """
    tasks = {t.id: t for t in scenario.tasks}
    fits: list[Fit] = []
    for task_id in dict.fromkeys(obs["task_id"]):
        task = tasks[task_id]
        rows = obs[obs["task_id"] == task_id]
        args: dict[str, Any] = {"min_observations": min_observations, "seed": seed,
                                "n_resamples": n_resamples, "n_mc_samples": n_mc_samples}
        whole_task = fit_sample(task_id, "", _sample(rows, whole), _estimate(task, task.group),
                                **args)
        groups = list(dict.fromkeys(rows["group"]))
        if groups == [task.group]:
            whole_task.written = whole_task.action in ("fitted", "fitted_instead")
            fits.append(whole_task)
            continue
        if whole_task.action in ("fitted", "fitted_instead"):
            whole_task.action = "pooled"
        fits.append(whole_task)
        order = {g.id: i for i, g in enumerate(scenario.groups)}
        for group in sorted(groups, key=order.__getitem__):
            fit = fit_sample(task_id, group, _sample(rows[rows["group"] == group], whole),
                             _estimate(task, group), **args)
            fit.written = fit.action in ("fitted", "fitted_instead")
            fits.append(fit)
    return fits


def _sample(rows: pd.DataFrame, whole: bool) -> Sample:
    return sample_of(rows["minutes"].to_numpy(float), rows["interrupted"].to_numpy(bool), whole)


def _estimate(task: Any, group: str) -> float | None:
    """Return the mapped minutes of ``group`` for a task (the placed group's if it has none)."""
    minutes = task.minutes
    if isinstance(minutes, dict):
        return minutes.get(group, minutes.get(task.group))
    return minutes
