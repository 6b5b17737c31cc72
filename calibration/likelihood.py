"""Censored log-likelihoods of the four duration families, and a fast vectorised MLE.

An observation is an interval ``[lo, hi]`` of minutes: ``lo == hi`` is an exact time,
``hi == inf`` a right-censored one (the observation was interrupted after ``lo`` minutes)
and ``lo < hi`` finite an interval-censored one (a time written in whole minutes). Every
family has its location fixed at 0 and is written with scipy.stats' parameters
(``lognorm(s, scale)``, ``gamma(a, scale)``, ``weibull_min(c, scale)``, ``expon(scale)``).
The densities, distribution and survival functions are scipy.stats' own (``logpdf``,
``sf``, ``cdf``, ``logsf``, ``logcdf``, broadcast over one parameter row per resample);
this module only sums them as scipy's censored ``fit`` does: an interval's probability is a
difference of survival functions above the median and of distribution functions below it,
and only where that difference underflows is it taken in log space, so that tiny
probabilities keep their digits.

The main fit is scipy's (:func:`calibration.durations.fit_family`); this module gives the
log-likelihood for AIC and refits the chosen family to every bootstrap resample at once.
That refit is only a speed device: scipy's ``fit`` on ``CensoredData`` takes about 20 ms
per resample, too slow for 999 resamples of many tasks, and ``scipy.optimize`` has no
vectorised multivariate optimiser (its ``elementwise`` solvers are one-dimensional, and
one ``minimize`` over all resamples' parameters together would share one line search and
one stopping rule among independent problems). So :func:`mle` is a damped Newton ascent
in log-parameters over all resamples together, started at the full sample's estimate,
with finite-difference derivatives of :func:`loglik`, each row stepping and stopping on
its own. ``tests/test_likelihood.py`` holds it to scipy: on exact, right-censored and
interval-censored resamples of every family its parameters agree with
``scipy.stats.<family>.fit(CensoredData(...), floc=0)`` run to a tight tolerance (to
1e-5 relative; they agree within 1e-7), its maximum with scipy's (to 1e-6; within 1e-12),
and it is never below the maximum scipy's fit reaches with its default tolerance.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

FAMILIES: tuple[str, ...] = ("lognormal", "gamma", "weibull", "exponential")
#: The scipy family of each name.
SCIPY = {"lognormal": stats.lognorm, "gamma": stats.gamma, "weibull": stats.weibull_min,
         "exponential": stats.expon}
#: Free parameters of each family (location fixed at 0).
N_PARAMS = {"lognormal": 2, "gamma": 2, "weibull": 2, "exponential": 1}
#: A censored observation's log probability where even log space loses it: the log of the
#: smallest positive double, which a probability lost to underflow is below.
_LOG_LOST = float(np.log(np.nextafter(0.0, 1.0)))
_LOG_HALF = float(np.log(0.5))


def _split(theta: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Shape parameters and scale of ``theta`` (last axis), each with a trailing axis of 1."""
    return tuple(theta[..., i:i + 1] for i in range(theta.shape[-1] - 1)), theta[..., -1:]


def _log1mexp(d: np.ndarray) -> np.ndarray:
    """``log(1 - exp(d))`` for ``d <= 0``, accurate near 0 and far below it."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d > _LOG_HALF, np.log(-np.expm1(d)), np.log1p(-np.exp(d)))


def _found(log_prob: np.ndarray) -> np.ndarray:
    """``log_prob`` where it is finite, else :data:`_LOG_LOST`."""
    return np.where(log_prob > -np.inf, log_prob, _LOG_LOST)


def _log_sf(dist: stats.rv_continuous, a: np.ndarray, shapes: tuple[np.ndarray, ...],
            scale: np.ndarray) -> np.ndarray:
    """``log P(X > a)``: the log of scipy's sf, or its logsf where sf underflows to 0."""
    sf = dist.sf(a, *shapes, scale=scale)
    out = np.log(sf)
    lost = ~(sf > 0)
    if lost.any():
        full = [np.broadcast_to(v, sf.shape)[lost] for v in (a, *shapes, scale)]
        out[lost] = dist.logsf(full[0], *full[1:-1], scale=full[-1])
    return out


def _log_interval(dist: stats.rv_continuous, a: np.ndarray, b: np.ndarray,
                  shapes: tuple[np.ndarray, ...], scale: np.ndarray) -> np.ndarray:
    """``log P(a < X < b)`` for finite ``a < b``, broadcast against the parameters.

    As scipy's censored likelihood takes it: ``sf(a) - sf(b)`` where ``a`` is above the
    median, else ``cdf(b) - cdf(a)``. Where that difference underflows to 0 (both ends deep
    in one tail) it is taken in log space from scipy's logsf / logcdf instead,
    ``log x + log(1 - y / x)``. Each tail's functions are evaluated only where that tail
    is used: the incomplete gamma function is dear, and scipy's generic logcdf / logsf
    find the median (an inverse incomplete gamma function) at every point.
    """
    full = np.broadcast_shapes(scale.shape, a.shape)
    a, b = np.broadcast_to(a, full), np.broadcast_to(b, full)
    args = [np.broadcast_to(v, full) for v in (*shapes, scale)]
    cdf_a = dist.cdf(a, *args[:-1], scale=args[-1])
    upper = cdf_a > 0.5
    prob = np.empty(full)
    for tail in (upper, ~upper):
        if not tail.any():
            continue
        sub = [v[tail] for v in args]
        if tail is upper:
            prob[tail] = (dist.sf(a[tail], *sub[:-1], scale=sub[-1])
                          - dist.sf(b[tail], *sub[:-1], scale=sub[-1]))
        else:
            prob[tail] = dist.cdf(b[tail], *sub[:-1], scale=sub[-1]) - cdf_a[tail]
    out = np.log(prob)
    lost = ~(prob > 0)
    if lost.any():
        sub = [v[lost] for v in args]
        la, lb = a[lost], b[lost]
        up = upper[lost]
        sf_a, sf_b = (dist.logsf(x, *sub[:-1], scale=sub[-1]) for x in (la, lb))
        cdf_la, cdf_lb = (dist.logcdf(x, *sub[:-1], scale=sub[-1]) for x in (la, lb))
        out[lost] = np.where(up, sf_a + _log1mexp(sf_b - sf_a),
                             cdf_lb + _log1mexp(cdf_la - cdf_lb))
    return out


def loglik(family: str, theta: np.ndarray, lo: np.ndarray, hi: np.ndarray,
           weights: np.ndarray | None = None) -> np.ndarray:
    """Log-likelihood of the observations ``(lo, hi)`` (1-d, length J).

    ``theta`` has shape ``(..., k)``: one parameter vector, or one per row; the result has
    shape ``theta.shape[:-1]``. ``weights`` (broadcast against ``(..., J)``) counts each
    observation, as a bootstrap resample does. Exact times contribute scipy's log density,
    right-censored ones the log of its survival function and interval-censored ones the log
    probability of their interval (see :func:`_log_interval`). A censored term lost even in
    log space (scipy's log of an underflowed incomplete gamma function) counts as the
    smallest positive double, very unlikely rather than impossible. Parameters outside the
    family's domain (not finite, or not positive) give ``-inf``.
    """
    dist = SCIPY[family]
    theta = np.asarray(theta, float)
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    shapes, scale = _split(theta)
    exact = lo == hi
    right = np.isposinf(hi) & ~exact
    interval = ~exact & ~right
    terms = np.empty(np.broadcast_shapes(scale.shape, lo.shape))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        terms[..., exact] = dist.logpdf(lo[exact], *shapes, scale=scale)
        if right.any():
            terms[..., right] = _found(_log_sf(dist, lo[right], shapes, scale))
        if interval.any():
            terms[..., interval] = _found(
                _log_interval(dist, lo[interval], hi[interval], shapes, scale))
        w = np.ones(1) if weights is None else np.asarray(weights, float)
        total = np.sum(np.where(w > 0, terms * w, 0.0), axis=-1)
    valid = np.all(np.isfinite(theta) & (theta > 0), axis=-1)
    return np.where(valid & np.isfinite(total), total, -np.inf)


def moments(family: str, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and coefficient of variation of the family at ``theta`` (last axis), by scipy."""
    theta = np.asarray(theta, float)
    shapes = tuple(theta[..., i] for i in range(theta.shape[-1] - 1))
    mean, var = SCIPY[family].stats(*shapes, scale=theta[..., -1], moments="mv")
    return mean, np.sqrt(np.maximum(var, 0.0)) / mean


def from_moments(family: str, mean: float, cv: float) -> np.ndarray:
    """Parameters of a family with this mean and cv (Weibull's shape solved numerically)."""
    if family == "exponential":
        return np.array([mean])
    if family == "lognormal":
        s = np.sqrt(np.log1p(cv**2))
        return np.array([s, mean * np.exp(-s**2 / 2)])
    if family == "gamma":
        a = 1 / cv**2
        return np.array([a, mean / a])
    if family == "weibull":
        from scipy.optimize import brentq

        c = brentq(lambda c: float(moments("weibull", np.array([c, 1.0]))[1]) - cv, 0.05, 200)
        return np.array([c, mean / float(stats.weibull_min.mean(c))])
    raise ValueError(f"unknown family {family!r}")


def mle(family: str, lo: np.ndarray, hi: np.ndarray, weights: np.ndarray, start: np.ndarray,
        iterations: int = 40, tol: float = 1e-8) -> np.ndarray:
    """Maximum-likelihood parameters for every row of ``weights`` (shape ``(B, J)``).

    ``lo`` and ``hi`` (length J) are the distinct observations and ``weights[b, j]`` how
    often row b holds observation j (a bootstrap resample). A Newton ascent in
    log-parameters from ``start``, all rows at once, the central-difference gradient and
    Hessian of every row from one :func:`loglik` call; where the Hessian is not negative
    definite the step is a gradient step, and every row's step is halved until its
    likelihood does not fall. A row stops when it moves less than ``tol`` (in
    log-parameters) or can no longer rise. Returns shape ``(B, k)``.
    """
    k = N_PARAMS[family]
    rows = weights.shape[0]
    phi = np.tile(np.log(np.asarray(start, float)), (rows, 1))
    current = loglik(family, np.exp(phi), lo, hi, weights)

    h = 1e-4
    eye = np.eye(k) * h
    # the finite-difference stencil, every point of it for every row in one evaluation
    stencil = np.concatenate([eye, -eye] + ([eye[:1] + eye[1:], -eye[:1] - eye[1:]]
                                            if k == 2 else []))
    active = np.isfinite(current)
    for _ in range(iterations):
        if not active.any():
            break
        p, f0 = phi[active], current[active]
        sub_w = weights[active]
        f = loglik(family, np.exp(p + stencil[:, None, :]), lo, hi, sub_w)
        plus, minus = f[:k].T, f[k:2 * k].T
        grad = (plus - minus) / (2 * h)
        hess = np.empty((p.shape[0], k, k))
        for i in range(k):
            hess[:, i, i] = (plus[:, i] - 2 * f0 + minus[:, i]) / h**2
        if k == 2:
            both_up, both_down = f[4], f[5]
            off = (both_up - plus[:, 0] - plus[:, 1] + 2 * f0 - minus[:, 0] - minus[:, 1]
                   + both_down) / (2 * h**2)
            hess[:, 0, 1] = hess[:, 1, 0] = off
        step = _ascent_step(grad, hess)
        # halve each row's step until its likelihood does not fall, evaluating only the
        # rows still searching
        new_p, new_f = p.copy(), f0.copy()
        accepted = np.zeros(p.shape[0], bool)
        pending = np.arange(p.shape[0])
        length = 1.0
        for _ in range(30):
            trial = p[pending] + length * step[pending]
            ft = loglik(family, np.exp(trial), lo, hi, sub_w[pending])
            ok = (ft >= f0[pending]) & np.isfinite(ft)
            new_p[pending[ok]], new_f[pending[ok]] = trial[ok], ft[ok]
            accepted[pending[ok]] = True
            pending = pending[~ok]
            if not pending.size:
                break
            length /= 2
        moved = np.max(np.abs(new_p - p), axis=-1)
        idx = np.flatnonzero(active)
        phi[idx], current[idx] = new_p, new_f
        done = (moved < tol) | ~accepted
        active[idx[done]] = False
    return np.exp(phi)


def _ascent_step(grad: np.ndarray, hess: np.ndarray) -> np.ndarray:
    """Newton steps where the Hessian is negative definite, else (scaled) gradient steps."""
    k = grad.shape[-1]
    step = grad / np.maximum(np.abs(np.diagonal(hess, axis1=1, axis2=2)), 1.0)
    if k == 1:
        ok = hess[:, 0, 0] < 0
        step[ok] = -grad[ok] / hess[ok, 0, 0][:, None]
        return step
    det = hess[:, 0, 0] * hess[:, 1, 1] - hess[:, 0, 1] ** 2
    ok = (hess[:, 0, 0] < 0) & (det > 0)
    if ok.any():
        step[ok] = -np.linalg.solve(hess[ok], grad[ok][..., None])[..., 0]
    return step
