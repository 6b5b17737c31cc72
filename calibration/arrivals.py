"""Arrival rates from timestamped task events and the census, with exact Poisson CIs.

A task's rate in a scenario is the expected number per occurrence of a clock interval, per
patient present (``per: patient``) or per ward (``per: ward``), by day type. Over the days
of the census, the observed rate of interval I on day type D is

    rate = events in I on days of type D / exposure,

where the exposure is the sum of the patients present on those days (per patient) or their
number (per ward). Its 95 % interval is Garwood's exact Poisson interval,
``chi2.ppf(0.025, 2k) / 2`` to ``chi2.ppf(0.975, 2k + 2) / 2`` divided by the exposure.

The Poisson model says the daily counts vary as much as their mean. The dispersion check
compares them with it: Pearson's X² = Σ (count − expected)² / expected over the days
(expected = rate × that day's patients), with days − 1 degrees of freedom. Its ratio to the
degrees of freedom (the index of dispersion) is about 1 for Poisson counts; a small
p-value (``chi2.sf``) says the counts vary much more than Poisson allows, and then the
interval above is too narrow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.calendar import ANYTIME, DAY_TYPES, MINUTES_PER_DAY, WEEKDAY_DAYTIME, Calendar, span_pieces
from sim.io.schema import Scenario
from sim.io.schema_tasks import Task

#: A dispersion p-value below this warns that counts vary more than Poisson allows.
OVERDISPERSED_P = 0.01


@dataclass
class Rate:
    """The observed rate of one task in one interval on one day type."""

    task_id: str
    interval: str
    day_type: str
    per: str
    days: int
    exposure: float
    count: int
    rate: float
    rate_ci_low: float
    rate_ci_high: float
    dispersion: float
    dispersion_pvalue: float
    estimate: float
    action: str  # fitted | overdispersed | none (0 observed, 0 mapped) | clock_task
    daily: np.ndarray

    @property
    def written(self) -> bool:
        """Whether this rate goes into the calibrated variant."""
        return self.action in ("fitted", "overdispersed") and bool(np.isfinite(self.rate))


def garwood(count: int, exposure: float, level: float = 0.95) -> tuple[float, float]:
    """Return the exact (Garwood) Poisson interval of a rate: ``count`` over ``exposure``."""
    if exposure <= 0:
        return float("nan"), float("nan")
    alpha = 1 - level
    low = 0.0 if count == 0 else stats.chi2.ppf(alpha / 2, 2 * count) / 2
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return float(low / exposure), float(high / exposure)


def dispersion(counts: np.ndarray, units: np.ndarray) -> tuple[float, float]:
    """Index of dispersion of daily ``counts`` and its chi-square p-value.

    ``units`` is each day's exposure (patients, or 1 per ward); both are NaN when there are
    fewer than two days or no events.
    """
    keep = units > 0
    counts, units = counts[keep], units[keep]
    if counts.size < 2 or counts.sum() == 0:
        return float("nan"), float("nan")
    expected = counts.sum() / units.sum() * units
    x2 = float(np.sum((counts - expected) ** 2 / expected))
    df = counts.size - 1
    return x2 / df, float(stats.chi2.sf(x2, df))


def _overlap(pieces_a: tuple[tuple[int, int], ...], pieces_b: tuple[tuple[int, int], ...]) -> int:
    return sum(max(0, min(b1, b2) - max(a1, a2)) for a1, b1 in pieces_a for a2, b2 in pieces_b)


def mapped_rate(task: Task, calendar: Calendar, interval: str, day_type: str) -> float:
    """Return the task's mapped rate in one clock interval on one day type, from its ``when``.

    An ``anytime`` rate spreads evenly over the 24 hours and a ``weekday_daytime`` one over
    its window on weekdays, as the engine does; the share inside ``interval`` is counted.
    """
    target = next(i for i in calendar.intervals if i.id == interval).pieces
    total = 0.0
    for key, per_type in (task.when or {}).items():
        rate = per_type.of(day_type)
        if key == ANYTIME:
            pieces: tuple[tuple[int, int], ...] = ((0, MINUTES_PER_DAY),)
        elif key == WEEKDAY_DAYTIME:
            pieces = span_pieces(*calendar.weekday_daytime) if day_type == "weekday" else ()
        else:
            pieces = next(i for i in calendar.intervals if i.id == key).pieces
        length = sum(b - a for a, b in pieces)
        if length:
            total += rate * _overlap(pieces, target) / length
    return total


def observed_rates(events: pd.DataFrame, census: pd.DataFrame, scenario: Scenario,
                   calendar: Calendar) -> list[Rate]:
    """One :class:`Rate` per observed task × clock interval × day type in the census."""
    tasks = {t.id: t for t in scenario.tasks}
    lookup = calendar.interval_lookup()
    ids = calendar.interval_ids()
    census = census.reset_index(drop=True)
    position = {day: i for i, day in enumerate(census["day"])}
    events = events.assign(pos=[position[d] for d in events["day"]],
                           interval=[ids[lookup[m]] for m in events["minute"]])
    out: list[Rate] = []
    for task_id in dict.fromkeys(events["task_id"]):
        task = tasks[task_id]
        mine = events[events["task_id"] == task_id]
        per_patient = task.per == "patient"
        for interval in ids:
            here = mine[mine["interval"] == interval]
            daily_all = np.bincount(here["pos"].to_numpy(int), minlength=len(census))
            for day_type in DAY_TYPES:
                days = (census["day_type"] == day_type).to_numpy()
                if not days.any():
                    continue
                daily = daily_all[days]
                units = census["patients"].to_numpy(float)[days] if per_patient \
                    else np.ones(int(days.sum()))
                count, exposure = int(daily.sum()), float(units.sum())
                low, high = garwood(count, exposure)
                index, p = dispersion(daily.astype(float), units)
                estimate = mapped_rate(task, calendar, interval, day_type) \
                    * scenario.arrivals.scale if task.when else float("nan")
                if task.at is not None:
                    action = "clock_task"
                elif count == 0 and estimate == 0:
                    action = "none"
                elif np.isfinite(p) and p < OVERDISPERSED_P and index > 1:
                    action = "overdispersed"
                else:
                    action = "fitted"
                out.append(Rate(task_id, interval, day_type, task.per, int(days.sum()), exposure,
                                count, count / exposure if exposure > 0 else float("nan"),
                                low, high, index, p, estimate, action, daily))
    return out
