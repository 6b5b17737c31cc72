"""The model against what a pilot measured: simulated KPIs, intervals and a verdict per row.

Each replication runs the pilot's trace model (:mod:`sim.pilot.trace`) on inputs drawn from
``Streams(seed, replication)`` and measures every row of the pilot's ``measured`` table the
way the pilot measured it, over the whole pilot period:

- cells are shift instances: a group's members on one shift starting on one day, whose day
  type is that day's (a Friday night shift is a weekday night, as in ``wardsim assess``;
  :mod:`sim.measure.shifts`); the night that started before day 0 counts from 00:00;
- ``utilisation``: minutes on tasks over minutes on duty (from shift start until the member
  left, overtime included) of the selected instances; ``work_sampling``: the same with only
  the minutes on tasks of the row's category – the task's category or its time-use class –
  and ``idle`` is 1 − utilisation (a round-the-clock member's task counts on the day it
  started);
- ``late_share``: tasks late over tasks arrived, of the tasks placed on the group (every
  task for ``all``) in the selected shifts (the task's shift, :func:`sim.measure.shifts.
  task_shift`) and category; ``missed_per_week``: tasks missed there over the pilot's weeks.

The intervals and the verdict:

- **measured CI** (95 %): for a share with ``n`` (work sampling always), Clopper–Pearson's
  exact binomial interval of ``count`` (or ``value`` × n, rounded) of ``n``; for
  ``missed_per_week`` with ``n`` weeks, Garwood's exact Poisson interval of the count over
  ``n`` weeks; otherwise the value itself (a point);
- **simulated value and prediction interval** (95 %): the mean over the R replications and
  the Student-t prediction interval for one more replication, mean ± t(0.975, R − 1) · s ·
  √(1 + 1/R), cut to [0, 1] for shares and at 0 below: where a single pilot period of the
  model would fall (a replication is one pilot period; the pilot is one too);
- **verdict**: ``consistent`` when the two closed intervals overlap (for a point: the value
  lies in the prediction interval); ``model_higher`` when the prediction interval lies wholly
  above the measured CI; ``model_lower`` when wholly below; ``no_data`` when the model has
  no value (no task of the kind arrived in any replication) or fewer than two replications.

If the model is right, a row is ``consistent`` unless the period's true value falls outside
the prediction interval (5 %) or outside the measured CI (at most 5 %): at least 90 % of
rows, in practice well above 95 % (both would have to miss, and on opposite sides).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from calibration.arrivals import garwood
from sim.calendar import MINUTES_PER_DAY
from sim.engine import simulate
from sim.inputs import draw_inputs
from sim.measure.shifts import shift_staff, shift_tasks
from sim.measure.tidy import busy_spans, tidy_tasks
from sim.model import WardModel
from sim.parallel import map_unordered
from sim.pilot.measured import ALL, IDLE, NURSES, SHARES, STAFF_KPIS, Measure
from sim.rng import Streams
from sim.staff import CONTINUOUS

LEVEL = 0.95
VERDICTS = ("consistent", "model_higher", "model_lower", "no_data")
COLUMNS = ["pilot", "group", "kpi", "category", "shift", "day_type", "measured",
           "measured_ci_low", "measured_ci_high", "simulated", "pi_low", "pi_high", "verdict"]


@dataclass(frozen=True)
class Checked:
    """A pilot's rows with their intervals and verdicts, and the per-replication values."""

    label: str
    table: pd.DataFrame
    replications: pd.DataFrame

    def count(self, verdict: str) -> int:
        """Rows with ``verdict``."""
        return int((self.table["verdict"] == verdict).sum())


def _groups(model: WardModel, group: str) -> list[str]:
    if group == ALL:
        return list(model.group_ids)
    if group == NURSES:
        return [model.group_ids[g] for g in sorted(model.nurse_groups)]
    return [group]


def _cells(frame: pd.DataFrame, groups: list[str], m: Measure) -> pd.DataFrame:
    sel = frame["group"].isin(groups)
    if m.shift != ALL:
        sel &= frame["shift"] == m.shift
    if m.day_type != ALL:
        sel &= frame["day_type"] == m.day_type
    return frame[sel]


def class_minutes(log: object, model: WardModel) -> pd.DataFrame:
    """Minutes on tasks per shift instance and task: group, shift, shift_day, task, minutes."""
    who, start, end, kind = busy_spans(log)  # type: ignore[arg-type]
    duties = log.duties  # type: ignore[attr-defined]
    group = np.array([model.group_ids[d.group] for d in duties], dtype=object)
    shift = np.array([d.shift for d in duties], dtype=object)
    day = np.array([d.day for d in duties], dtype=np.int64)
    days = day[who]
    continuous = shift[who] == CONTINUOUS
    days[continuous] = (start[continuous] // MINUTES_PER_DAY).astype(np.int64)
    frame = pd.DataFrame({"group": group[who], "shift": shift[who], "shift_day": days,
                          "task": kind, "minutes": end - start})
    frame = frame.groupby(["group", "shift", "shift_day", "task"], as_index=False)["minutes"].sum()
    frame["day_type"] = [model.calendar.day_type(d) for d in frame["shift_day"]]
    return frame


def _in_category(model: WardModel, category: str) -> set[int]:
    """Task indices of a category or a time-use class."""
    return {t.index for t in model.tasks
            if category in (t.category, getattr(t, "time_use", ""))}


def measure(model: WardModel, seed: int, replication: int,
            measures: Sequence[Measure]) -> tuple[int, np.ndarray]:
    """One replication of the trace model: the simulated value of every measured row."""
    log = simulate(model, draw_inputs(model, Streams(seed, replication)))
    staff = shift_staff(log, model, warmup_days=-1)
    busy = class_minutes(log, model) if any(m.kpi == "work_sampling" for m in measures) else None
    tasks = None
    if any(m.kpi not in STAFF_KPIS for m in measures):
        tasks = shift_tasks(tidy_tasks(log, model, replication), model)
        by_id = {t.id: t.index for t in model.tasks}
        tasks["task"] = tasks["task_id"].map(by_id)
    weeks = model.calendar.days / 7
    values = np.full(len(measures), np.nan)
    for i, m in enumerate(measures):
        groups = _groups(model, m.group)
        if m.kpi in STAFF_KPIS:
            on = _cells(staff, groups, m)
            minutes = on["on_duty_minutes"].sum()
            if minutes <= 0:
                continue
            if m.kpi == "utilisation":  # busy over on duty less break (sim.breaks)
                available = (minutes - on["break_minutes"].sum() if "break_minutes" in on
                             else minutes)
                values[i] = on["busy_minutes"].sum() / available if available > 0 else np.nan
            elif m.category == IDLE:  # on no task, breaks included: as a work sample sees it
                values[i] = 1.0 - on["busy_minutes"].sum() / minutes
            else:
                mine = _cells(busy, groups, m)
                values[i] = mine.loc[mine["task"].isin(_in_category(model, m.category)),
                                     "minutes"].sum() / minutes
            continue
        cells = _cells(tasks, groups, m)
        if m.category:
            cells = cells[cells["task"].isin(_in_category(model, m.category))]
        if m.kpi == "late_share":
            arrived = cells["arrived"].sum()
            values[i] = cells["late"].sum() / arrived if arrived else np.nan
        else:
            values[i] = cells["missed"].sum() / weeks
    return replication, values


def measured_interval(m: Measure, level: float = LEVEL) -> tuple[float, float]:
    """Return the measured value's CI (see the module docstring); the value twice when none."""
    if m.n is None:
        return m.value, m.value
    count = m.count if m.count is not None else round(m.value * m.n)
    if m.kpi in SHARES:
        ci = stats.binomtest(int(count), int(m.n)).proportion_ci(level, method="exact")
        return float(ci.low), float(ci.high)
    return garwood(int(count), float(m.n), level)


def prediction_interval(values: np.ndarray, share: bool,
                        level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and Student-t prediction interval of one more replication, cut to the range."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return np.nan, np.nan, np.nan
    mean = float(x.mean())
    if x.size < 2:
        return mean, np.nan, np.nan
    half = float(stats.t.ppf(0.5 + level / 2, x.size - 1) * x.std(ddof=1)
                 * math.sqrt(1 + 1 / x.size))
    low, high = max(mean - half, 0.0), mean + half
    return mean, low, min(high, 1.0) if share else high


def verdict(low: float, high: float, pi_low: float, pi_high: float) -> str:
    """``consistent`` if [low, high] and [pi_low, pi_high] overlap, else which side the model is."""
    if any(math.isnan(v) for v in (pi_low, pi_high)):
        return "no_data"
    if pi_low > high:
        return "model_higher"
    if pi_high < low:
        return "model_lower"
    return "consistent"


def check_pilot(label: str, model: WardModel, measures: Sequence[Measure], replications: int,
                seed: int, workers: int = 1,
                on_progress: Callable[[], None] | None = None) -> Checked:
    """Simulate ``replications`` pilot periods and judge every measured row."""
    jobs = [(model, seed, r, tuple(measures)) for r in range(replications)]
    per_rep = np.full((replications, len(measures)), np.nan)
    for r, values in map_unordered(measure, jobs, workers):
        per_rep[r] = values
        if on_progress is not None:
            on_progress()
    rows, reps = [], []
    for i, m in enumerate(measures):
        low, high = measured_interval(m)
        mean, pi_low, pi_high = prediction_interval(per_rep[:, i], m.kpi in SHARES)
        rows.append([label, m.group, m.kpi, m.category, m.shift, m.day_type, m.value, low, high,
                     mean, pi_low, pi_high, verdict(low, high, pi_low, pi_high)])
        reps += [[label, r, m.group, m.kpi, m.category, m.shift, m.day_type, per_rep[r, i]]
                 for r in range(replications)]
    table = pd.DataFrame(rows, columns=COLUMNS)
    per = pd.DataFrame(reps, columns=["pilot", "replication", "group", "kpi", "category",
                                      "shift", "day_type", "value"])
    return Checked(label, table, per)
