"""Compare scenarios replication by replication, and say in plain words what changes.

With common random numbers (the default: every scenario is run with the same seed, and
every random source has its own named stream) replication r of each scenario sees the
same patients, arrivals, inherent durations and absences, so the difference to the
baseline is estimated from paired differences, whose variance is far smaller. Scenarios
that do not share their task list or bed count (two pilot sections, say) cannot be
paired; their difference gets a Welch interval and the table says ``paired = False``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.experiment import Results
from sim.measure.tidy import ALL, KPI_KEYS, t_interval
from sim.model import WardModel

COMPARISON_COLUMNS = [
    "scenario", *KPI_KEYS, "mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high",
    "paired", "replications",
]


def can_pair(base: WardModel, other: WardModel) -> bool:
    """Whether replication r of ``other`` can be paired with replication r of ``base``."""
    return base.beds == other.beds and {t.id for t in base.tasks} == {t.id for t in other.tasks}


def welch_interval(a: np.ndarray, b: np.ndarray,
                   confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``a`` minus mean of ``b`` with a Welch (unequal variance) t interval."""
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size == 0 or b.size == 0:
        return np.nan, np.nan, np.nan
    diff = float(a.mean() - b.mean())
    if a.size < 2 or b.size < 2:
        return diff, np.nan, np.nan
    if a.var() == 0 and b.var() == 0:
        return diff, diff, diff
    with warnings.catch_warnings():  # a constant sample (e.g. a count of clock-time tasks) is fine
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(confidence)
    return diff, float(ci.low), float(ci.high)


def compare(results: Sequence[Results], models: Sequence[WardModel], labels: Sequence[str],
            confidence: float = 0.95) -> pd.DataFrame:
    """Every KPI of every scenario with its CI, and its difference to the first (baseline)."""
    base = results[0].kpis[[*KPI_KEYS, "replication", "value"]]
    base_values = {key: g["value"].to_numpy(float) for key, g in base.groupby(KPI_KEYS, sort=False)}
    rows = []
    for res, model, label in zip(results, models, labels, strict=True):
        paired = can_pair(models[0], model)
        merged = res.kpis[[*KPI_KEYS, "replication", "value"]].merge(
            base, on=[*KPI_KEYS, "replication"], how="left", suffixes=("", "_base"))
        for key, g in merged.groupby(KPI_KEYS, sort=False):
            value, before = g["value"].to_numpy(float), g["value_base"].to_numpy(float)
            mean, low, high = t_interval(value, confidence)
            if paired:
                d = value - before
                diff = t_interval(d[~np.isnan(d)], confidence)
            else:
                diff = welch_interval(value, base_values.get(key, np.empty(0)), confidence)
            rows.append((label, *key, mean, low, high, *diff, paired,
                         int(np.sum(~np.isnan(value)))))
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def freed_nurse_hours(comparison: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Nurse hours per week freed (baseline minus scenario), by shift and day type.

    The KPI's rows per task category (where nurse time goes) are left out here.
    """
    rows = comparison[(comparison["kpi"] == "nurse_busy_hours_per_week")
                      & comparison["category"].fillna("").eq("")
                      & (comparison["scenario"] != baseline)]
    return pd.DataFrame({
        "scenario": rows["scenario"], "shift": rows["shift"], "day_type": rows["day_type"],
        "freed_hours_per_week": -rows["diff"], "ci_low": -rows["diff_ci_high"],
        "ci_high": -rows["diff_ci_low"], "paired": rows["paired"],
    }).reset_index(drop=True)


def over_threshold(comparison: pd.DataFrame, max_utilisation: float) -> pd.DataFrame:
    """Group × interval × day type whose mean utilisation is above ``max_utilisation``."""
    util = comparison[(comparison["kpi"] == "utilisation") & (comparison["interval"] != ALL)
                      & (comparison["mean"] > max_utilisation)]
    out = util[["scenario", "group", "interval", "day_type", "mean", "ci_low", "ci_high"]]
    return out.rename(columns={"mean": "utilisation"}).reset_index(drop=True)


def worse_categories(comparison: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Task categories whose p90 wait or late share is worse than baseline beyond the CI."""
    rows = comparison[comparison["kpi"].isin(["wait_p90", "late_share"])
                      & ~comparison["category"].isin(["", ALL])
                      & (comparison["scenario"] != baseline) & (comparison["diff_ci_low"] > 0)]
    return rows[["scenario", "category", "kpi", "mean", "diff", "diff_ci_low", "diff_ci_high",
                 "paired"]].reset_index(drop=True)
