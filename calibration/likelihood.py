"""Censored log-likelihoods of the four duration families, and a fast vectorised MLE.

An observation is an interval ``[lo, hi]`` of minutes: ``lo == hi`` is an exact time,
``hi == inf`` a right-censored one (the observation was interrupted after ``lo`` minutes)
and ``lo < hi`` finite an interval-censored one (a time written in whole minutes). Every
family has its location fixed at 0 and is written with scipy.stats' parameters
(``lognorm(s, scale)``, ``gamma(a, scale)``, ``weibull_min(c, scale)``, ``expon(scale)``).

The main fit is scipy's (:func:`calibration.durations.fit_family`); this module gives the
log-likelihood for AIC and refits the chosen family to every bootstrap resample at once: a
damped Newton ascent in log-parameters over all resamples together, started at the full
sample's estimate, with finite-difference derivatives.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

FAMILIES: tuple[str, ...] = ("lognormal", "gamma", "weibull", "exponential")
#: The scipy family of each name.
SCIPY = {"lognormal": stats.lognorm, "gamma": stats.gamma, "weibull": stats.weibull_min,
         "exponential": stats.expon}
#: Free parameters of each family (location fixed at 0).
N_PARAMS = {"lognormal": 2, "gamma": 2, "weibull": 2, "exponential": 1}
_TINY = 1e-300


def _logpdf(family: str, x: np.ndarray, shape: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Log density at ``x`` (arrays of the same shape)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if family == "exponential":
            return -np.log(scale) - x / scale
        if family == "lognormal":
            z = (np.log(x) - np.log(scale)) / shape
            return -np.log(x) - np.log(shape) - 0.5 * np.log(2 * np.pi) - 0.5 * z * z
        y = x / scale
        if family == "gamma":
            return (shape - 1) * np.log(y) - y - special.gammaln(shape) - np.log(scale)
        if family == "weibull":
            return np.log(shape) - np.log(scale) + (shape - 1) * np.log(y) - y**shape
    raise ValueError(f"unknown family {family!r}")


def _cdf_sf(family: str, x: np.ndarray, shape: np.ndarray, scale: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Distribution and survival function at ``x``: 0 and 1 at 0 or below, 1 and 0 at inf."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if family == "lognormal":
            z = (np.log(np.maximum(x, 0)) - np.log(scale)) / shape
            return special.ndtr(z), special.ndtr(-z)
        y = np.maximum(x, 0) / scale
        if family == "gamma":
            cdf = special.gammainc(shape, y)
            sf = 1 - cdf
            upper = cdf > 0.5
            sf[upper] = special.gammaincc(shape[upper], y[upper])
            return cdf, sf
        z = y if family == "exponential" else y**shape
        if family in ("exponential", "weibull"):
            return -np.expm1(-z), np.exp(-z)
    raise ValueError(f"unknown family {family!r}")


def loglik(family: str, theta: np.ndarray, lo: np.ndarray, hi: np.ndarray,
           weights: np.ndarray | None = None) -> np.ndarray:
    """Log-likelihood of observations ``(lo, hi)`` along their last axis.

    ``theta`` has shape ``(..., k)``: one parameter vector, or one per row. ``weights``
    (broadcast against ``lo``) counts each observation, as a bootstrap resample does.
    Exact times contribute the log density, censored ones the log probability of their
    interval.
    """
    theta = np.asarray(theta, float)
    w = np.ones(1) if weights is None else np.asarray(weights, float)
    shape_out = np.broadcast_shapes(np.shape(lo), np.shape(hi), theta[..., :1].shape, w.shape)
    lo, hi = (np.broadcast_to(np.asarray(v, float), shape_out) for v in (lo, hi))
    scale = np.broadcast_to(theta[..., -1:], shape_out)
    shape = np.broadcast_to(theta[..., :1], shape_out)
    w = np.broadcast_to(w, shape_out)
    exact = lo == hi
    terms = np.empty(shape_out)
    terms[exact] = _logpdf(family, lo[exact], shape[exact], scale[exact])
    cens = ~exact
    if cens.any():
        a, b, sh, sc = lo[cens], hi[cens], shape[cens], scale[cens]
        cdf_lo, sf_lo = _cdf_sf(family, a, sh, sc)
        cdf_hi, sf_hi = np.ones_like(a), np.zeros_like(a)
        finite = np.isfinite(b)
        cdf_hi[finite], sf_hi[finite] = _cdf_sf(family, b[finite], sh[finite], sc[finite])
        # the difference with the least cancellation: of sfs in the upper tail, of cdfs below
        prob = np.where(cdf_lo > 0.5, sf_lo - sf_hi, cdf_hi - cdf_lo)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms[cens] = np.log(np.maximum(prob, _TINY))
    with np.errstate(invalid="ignore"):
        total = np.sum(np.where(w > 0, terms * w, 0.0), axis=-1)
    return np.where(np.isfinite(total), total, -np.inf)


def moments(family: str, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and coefficient of variation of the family at ``theta`` (last axis)."""
    theta = np.asarray(theta, float)
    scale = theta[..., -1]
    if family == "exponential":
        return scale, np.ones_like(scale)
    shape = theta[..., 0]
    if family == "lognormal":
        return scale * np.exp(shape**2 / 2), np.sqrt(np.expm1(shape**2))
    if family == "gamma":
        return shape * scale, 1 / np.sqrt(shape)
    if family == "weibull":
        g1 = special.gamma(1 + 1 / shape)
        g2 = special.gamma(1 + 2 / shape)
        return scale * g1, np.sqrt(np.maximum(g2 / g1**2 - 1, 0.0))
    raise ValueError(f"unknown family {family!r}")


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
        return np.array([c, mean / special.gamma(1 + 1 / c)])
    raise ValueError(f"unknown family {family!r}")


def mle(family: str, lo: np.ndarray, hi: np.ndarray, weights: np.ndarray, start: np.ndarray,
        iterations: int = 40, tol: float = 1e-8) -> np.ndarray:
    """Maximum-likelihood parameters for every row of ``weights`` (shape ``(B, J)``).

    ``lo`` and ``hi`` (length J) are the distinct observations and ``weights[b, j]`` how
    often row b holds observation j (a bootstrap resample). A Newton ascent in
    log-parameters from ``start``, all rows at once; where the Hessian is not negative
    definite the step is a gradient step, and every step is halved until the likelihood
    does not fall. Returns shape ``(B, k)``.
    """
    k = N_PARAMS[family]
    rows = weights.shape[0]
    phi = np.tile(np.log(np.asarray(start, float)), (rows, 1))
    current = loglik(family, np.exp(phi), lo, hi, weights)

    h = 1e-4
    eye = np.eye(k) * h
    active = np.isfinite(current)
    for _ in range(iterations):
        if not active.any():
            break
        p, f0 = phi[active], current[active]
        sub_w = weights[active]

        def fa(q: np.ndarray, w: np.ndarray = sub_w) -> np.ndarray:
            return loglik(family, np.exp(q), lo, hi, w)

        plus = np.stack([fa(p + eye[i]) for i in range(k)], axis=-1)
        minus = np.stack([fa(p - eye[i]) for i in range(k)], axis=-1)
        grad = (plus - minus) / (2 * h)
        hess = np.empty((p.shape[0], k, k))
        for i in range(k):
            hess[:, i, i] = (plus[:, i] - 2 * f0 + minus[:, i]) / h**2
        if k == 2:
            both_up, both_down = fa(p + eye[0] + eye[1]), fa(p - eye[0] - eye[1])
            off = (both_up - plus[:, 0] - plus[:, 1] + 2 * f0 - minus[:, 0] - minus[:, 1]
                   + both_down) / (2 * h**2)
            hess[:, 0, 1] = hess[:, 1, 0] = off
        step = _ascent_step(grad, hess)
        new_p, new_f = p, f0
        scale = np.ones(p.shape[0])
        accepted = np.zeros(p.shape[0], bool)
        for _ in range(30):
            trial = p + scale[:, None] * step
            ft = fa(trial)
            ok = (ft >= f0) & np.isfinite(ft) & ~accepted
            new_p = np.where(ok[:, None], trial, new_p)
            new_f = np.where(ok, ft, new_f)
            accepted |= ok
            if accepted.all():
                break
            scale = np.where(accepted, scale, scale / 2)
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
