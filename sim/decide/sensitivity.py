"""Sensitivity measures for a sweep: which inputs move which KPI, with confidence intervals.

* ``lhs`` and ``grid``: standardised regression coefficients (SRC) of the point means on
  the inputs, with percentile bootstrap intervals (scipy.stats.bootstrap) over points.
* ``sobol``: first-order and total Sobol' indices with their intervals, from SALib.
* ``oat``: tornado ranges: KPI at HIGH minus KPI at LOW, one factor at a time, with a
  paired t interval over replications (every point shares the same random streams).

Factors are ranked within each KPI by the size of their measure (total index for Sobol').
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.decide.sweep import Factor, _problem
from sim.measure.tidy import t_interval

KEYS = ["kpi", "group", "category"]
COLUMNS = [*KEYS, "factor", "measure", "value", "ci_low", "ci_high", "rank"]


def point_table(kpis: pd.DataFrame, factors: list[Factor], values: np.ndarray) -> pd.DataFrame:
    """Tabulate inputs × KPIs per design point: mean over replications with a 95% t interval."""
    rows = []
    for (point, *key), g in kpis.groupby(["point", *KEYS], sort=True):
        mean, low, high = t_interval(g["value"].to_numpy(float))
        rows.append((point, *values[point], *key, mean, low, high, len(g)))
    return pd.DataFrame(rows, columns=["point", *[f.path for f in factors], *KEYS, "mean",
                                       "ci_low", "ci_high", "replications"])


def _src(x: np.ndarray, y: np.ndarray, seed: int) -> list[tuple[float, float, float]]:
    """SRC per factor with a bootstrap 95% interval; zeros when y does not vary."""
    d = x.shape[1]
    if y.size < d + 2 or np.ptp(y) == 0:
        return [(0.0, 0.0, 0.0)] * d if np.ptp(y) == 0 else [(np.nan,) * 3] * d

    def coefficients(index: np.ndarray) -> np.ndarray:
        xs, ys = x[index], y[index]
        sx, sy = xs.std(axis=0), ys.std()
        if sy == 0 or np.any(sx == 0):
            return np.zeros(d)
        z = (xs - xs.mean(axis=0)) / sx
        return np.linalg.lstsq(z, (ys - ys.mean()) / sy, rcond=None)[0]

    index = np.arange(y.size)
    point = coefficients(index)
    boot = stats.bootstrap((index,), coefficients, vectorized=False, n_resamples=999,
                           method="percentile", random_state=seed)
    low, high = boot.confidence_interval
    return [(float(point[j]), float(low[j]), float(high[j])) for j in range(d)]


def measures(kind: str, kpis: pd.DataFrame, factors: list[Factor], values: np.ndarray,
             seed: int) -> pd.DataFrame:
    """Return the sensitivity of every headline KPI to every factor, ranked."""
    rows = []
    means = kpis.groupby(["point", *KEYS], sort=True)["value"].mean().reset_index()
    for key, g in means.groupby(KEYS, sort=False):
        g = g.dropna(subset=["value"])
        y, points = g["value"].to_numpy(float), g["point"].to_numpy(int)
        if kind == "sobol":
            found = _sobol(y, points, values, factors, seed)
        elif kind == "oat":
            found = _tornado(kpis, key, factors, values)
        else:
            found = [(f.path, "src", *v)
                     for f, v in zip(factors, _src(values[points], y, seed), strict=True)]
        ranked = _rank(found, kind)
        rows += [(*key, *r) for r in ranked]
    return pd.DataFrame(rows, columns=COLUMNS)


def _sobol(y: np.ndarray, points: np.ndarray, values: np.ndarray, factors: list[Factor],
           seed: int) -> list[tuple]:
    from SALib.analyze import sobol

    names = [f.path for f in factors]
    if points.size != values.shape[0]:  # a point without this KPI: Saltelli needs them all
        return [(n, m, np.nan, np.nan, np.nan) for n in names for m in ("S1", "ST")]
    if np.ptp(y) == 0:
        return [(n, m, 0.0, 0.0, 0.0) for n in names for m in ("S1", "ST")]
    result = sobol.analyze(_problem(factors), y, calc_second_order=False, seed=seed)
    out = []
    for j, name in enumerate(names):
        for m in ("S1", "ST"):
            v, c = float(result[m][j]), float(result[f"{m}_conf"][j])
            out.append((name, m, v, v - c, v + c))
    return out


def _tornado(kpis: pd.DataFrame, key: tuple, factors: list[Factor],
             values: np.ndarray) -> list[tuple]:
    sel = kpis
    for column, value in zip(KEYS, key, strict=True):
        sel = sel[sel[column] == value]
    by_point = {p: g.set_index("replication")["value"] for p, g in sel.groupby("point")}
    out = []
    levels = (values.shape[0] - 1) // len(factors)
    for j, f in enumerate(factors):
        low_point, high_point = 1 + j * levels, j * levels + levels
        lo, hi = by_point.get(low_point), by_point.get(high_point)
        if lo is None or hi is None:
            out.append((f.path, "tornado", np.nan, np.nan, np.nan))
            continue
        d = (hi - lo).dropna().to_numpy(float)
        out.append((f.path, "tornado", *t_interval(d)))
    return out


def _rank(found: list[tuple], kind: str) -> list[tuple]:
    """Attach a rank (1 = most influential) by |value|; Sobol' ranks by the total index.

    Ties share the lowest place (rank ``max``), so factors that move a KPI no more than
    the others are never reported ahead of them; an unknown (NaN) measure ranks last.
    """
    order_by = "ST" if kind == "sobol" else None
    size = {name: (-1.0 if np.isnan(value) else abs(value))
            for name, measure, value, *_ in found if order_by is None or measure == order_by}
    ranks = pd.Series(size).rank(ascending=False, method="max").astype(int)
    return [(*r, int(ranks[r[0]])) for r in found]
