"""From an :class:`~sim.engine.eventlog.EventLog` to tidy frames, and KPIs to summaries.

Utilisation is exact: busy and on-duty spans are clipped to every (day, interval) window
(no sampling). A minute belongs to the calendar day it falls on and that day's type.
Waiting statistics use tasks that started; a task never started counts as late once it
has waited longer than its ``max_wait`` (at its drop time, or at the end of the run).
Measured minutes are differences of cumulative sums, so they are rounded to 6 decimals: a
window nobody is on duty in then measures exactly 0 and has no row (its utilisation is
unknown, not 0 %). The KPIs of one replication are :mod:`sim.measure.kpis`.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd
from scipy import stats

from sim.calendar import MINUTES_PER_DAY
from sim.engine.eventlog import MISSED, EventLog
from sim.io.schema_tasks import PRIORITIES
from sim.measure.log_columns import LogColumns, TaskColumns, log_columns
from sim.measure.staff_minutes import DECIMALS, _covered, staff_frame, staff_table
from sim.measure.text import text_column
from sim.model import WardModel

__all__ = ["ALL", "DECIMALS", "KPI_KEYS", "STATUS", "WAIT_BINS", "_covered", "busy_spans",
           "summarise", "t_interval", "task_derived",
           "tidy_staff", "tidy_tasks", "wait_counts", "wait_histogram"]

STATUS = np.array(["done", "waiting", "missed"])
HISTOGRAM_COLUMNS = ["by", "key", "upper", "count"]
KPI_KEYS = ["kpi", "group", "category", "shift", "day_type", "interval"]
ALL = "all"
#: Upper edges (minutes) of the wait histogram's bins; a wait w counts in the first w <= edge.
WAIT_BINS = (0, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720,
             1440, np.inf)


def tidy_tasks(log: EventLog, model: WardModel, replication: int = 0,
               warmup_days: int = 0, columns: LogColumns | None = None) -> pd.DataFrame:
    """One row per task instance that arrived, started or not.

    ``columns`` is the log already read (:func:`sim.measure.log_columns.log_columns`).
    """
    cols = columns if columns is not None else log_columns(log, model.nurse_groups)
    t = cols.tasks
    kind, arrival = t.kind, t.arrival
    tasks = model.tasks
    d = task_derived(cols, model)
    day = d["day"]
    day_types = model.calendar.day_types() or ["weekday"]
    lookup = model.calendar.interval_lookup()
    n_groups = len(model.group_ids)
    take = _take if kind.size else _take_empty
    return pd.DataFrame({
        "replication": replication,
        "scenario": model.name,
        "seq": t.seq,
        "task_id": take([task.id for task in tasks], kind),
        "category": take([task.category for task in tasks], kind),
        "priority": take([PRIORITIES[task.priority] for task in tasks], kind) if kind.size
        else [],
        "group": take(list(model.group_ids),
                      np.array([task.group for task in tasks], dtype=np.int64)[kind]),
        "performed_by": take([*model.group_ids, None],
                             np.append(cols.duties.group, n_groups)[t.first]) if kind.size
        else [],
        "staff_id": _staff_ids(log, t),
        "nurse_crew": t.nurse_crew,
        "day": day,
        "day_type": take(day_types, np.minimum(day, len(day_types) - 1)),
        "interval": take(model.calendar.interval_ids(),
                         lookup[(arrival % MINUTES_PER_DAY).astype(np.int64)]),
        "arrival": arrival,
        "start": t.start,
        "end": t.end,
        "wait": d["wait"],
        "late": d["late"],
        "missed": d["missed"],
        "status": take(STATUS.tolist(), t.status) if kind.size else STATUS[t.status],
        "warmup": day < warmup_days,
    })


def _take(labels: list, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``labels[codes]`` as the column pandas infers from those values, converted once per label.

    Inferring a string column from 10 000 Python strings costs far more than taking from
    the array pandas makes of the few distinct labels.
    """
    return pd.Series(labels).array.take(codes)


def _take_empty(labels: list, codes: np.ndarray) -> np.ndarray:
    """Return the empty column of a replication without tasks, as it has always been made."""
    return np.array(labels, dtype=object)[codes]


def task_derived(cols: LogColumns, model: WardModel) -> dict[str, np.ndarray]:
    """Per task (seq order): arrival ``day``, ``wait`` (NaN if never started), ``late``, ``missed``.

    Shared by the task frame, the KPIs and the wait histogram.
    """
    t = cols.tasks
    max_wait = np.array([task.max_wait for task in model.tasks])
    return {"day": (t.arrival // MINUTES_PER_DAY).astype(np.int64),
            "wait": t.start - t.arrival,
            "late": (t.stop - t.arrival) > max_wait[t.kind],
            "missed": t.status == MISSED}


def _staff_ids(log: EventLog, t: TaskColumns) -> list[str | None]:
    """Staff ids of each task's crew joined by "+" (None if never started), seq order."""
    ids = [d.staff_id for d in log.duties]
    out = np.array([*ids, None], dtype=object)[t.first]
    for i in np.flatnonzero(t.size > 1).tolist():
        out[i] = "+".join(ids[m] for m in t.raw_crews[t.order[i]])
    return out.tolist()


def busy_spans(log: EventLog) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every member's time on a task: (duty index, start, end cut at the horizon, task index).

    A task done by a crew of two gives two spans, one per member.
    """
    if not log.started:
        empty = np.zeros(0)
        return empty.astype(np.int64), empty, empty, empty.astype(np.int64)
    _, kind, _, _, start, end, crews = zip(*log.started, strict=True)
    sizes = np.fromiter(map(len, crews), dtype=np.int64, count=len(crews))
    who = np.fromiter(chain.from_iterable(crews), dtype=np.int64, count=int(sizes.sum()))
    end_a = np.minimum(np.array(end, dtype=float), log.horizon)
    return (who, np.repeat(np.array(start, dtype=float), sizes), np.repeat(end_a, sizes),
            np.repeat(np.array(kind, dtype=np.int64), sizes))


def tidy_staff(log: EventLog, model: WardModel, replication: int = 0,
               warmup_days: int = 0, columns: LogColumns | None = None) -> pd.DataFrame:
    """One row per group × shift × day × interval with minutes on duty, busy, overtime.

    ``other_group_minutes`` is time spent on tasks placed on another group (what task
    sharing could free); ``absent_minutes`` is rostered time lost to absence.
    ``break_minutes`` is time on break (:mod:`sim.breaks`), neither busy nor available:
    ``utilisation`` is busy / (on duty - break). ``missed_breaks`` and
    ``missed_break_minutes`` count the breaks not started in their window, and their
    minutes, in the interval in which the window closed. All three are 0 without breaks.
    ``columns`` is the log already read (:func:`sim.measure.log_columns.log_columns`).
    """
    cols = columns if columns is not None else log_columns(log, model.nurse_groups)
    return staff_frame(staff_table(cols, model, warmup_days), model, replication)


def wait_histogram(tasks: pd.DataFrame, warmup_days: int = 0) -> pd.DataFrame:
    """Count tasks per wait bin, by priority and by category (tasks arriving in warm-up out).

    Columns ``by`` (``priority`` | ``category``), ``key``, ``upper`` (the bin's upper edge
    in :data:`WAIT_BINS`, or NaN for tasks never started: waiting at the end or missed) and
    ``count``; bins with no task have no row. Counts add over replications, and their
    cumulative sum over ``upper`` is the empirical distribution of waits (group with
    ``dropna=False`` to keep the never-started bin).
    """
    if not len(tasks):
        return pd.DataFrame(columns=HISTOGRAM_COLUMNS)
    measured = tasks["day"].to_numpy() >= warmup_days
    rank = {p: i for i, p in enumerate(PRIORITIES)}
    priority, priorities = pd.factorize(tasks["priority"].to_numpy()[measured])
    category, categories = pd.factorize(tasks["category"].to_numpy()[measured])
    return wait_counts(tasks["wait"].to_numpy(float)[measured],
                       priority, [rank[p] for p in priorities], list(priorities),
                       category, list(categories))


def wait_counts(wait: np.ndarray, priority: np.ndarray, priority_rank: list[int],
                priority_labels: list[str], category: np.ndarray,
                category_labels: list[str], replication: int | None = None) -> pd.DataFrame:
    """Count as :func:`wait_histogram` from the measured tasks' waits and coded keys.

    ``priority[i]`` indexes ``priority_labels`` (ordered by ``priority_rank``, acute
    first as in PRIORITIES); ``category[i]`` indexes ``category_labels`` (ordered by name).
    With ``replication`` the frame starts with that column, as a replication's frames do.
    """
    edges = np.array(WAIT_BINS, dtype=float)
    # NaN (never started) sorts past every edge: index len(edges), whose upper is NaN
    index = np.searchsorted(edges, wait, side="left")
    upper = np.append(edges, np.nan)
    by, key, bins, count = [], [], [], []
    for name, codes, labels, order in (
            ("priority", priority, priority_labels, priority_rank),
            ("category", category, category_labels, category_labels)):
        present = np.flatnonzero(np.bincount(codes, minlength=len(labels)))
        present = present[np.argsort(np.array(order, dtype=object)[present], kind="stable")]
        remap = np.zeros(len(labels), dtype=np.int64)
        remap[present] = np.arange(present.size)
        counts = np.bincount(remap[codes] * upper.size + index,
                             minlength=present.size * upper.size)
        k, bin_ = np.nonzero(counts.reshape(present.size, upper.size))
        by.append(np.full(k.size, name, dtype=object))
        key.append(np.array(labels, dtype=object)[present][k])
        bins.append(upper[bin_])
        count.append(counts[k * upper.size + bin_])
    by_, key_ = np.concatenate(by), np.concatenate(key)
    first = {"replication": np.full(by_.size, replication, dtype=np.int64)} \
        if replication is not None else {}
    return pd.DataFrame({**first,
                         "by": text_column(by_) if by_.size else pd.array([], dtype="str"),
                         "key": text_column(key_),
                         "upper": np.concatenate(bins),
                         "count": np.concatenate(count).astype(np.int64)})


def t_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval; NaN interval for n < 2, a point for zero variance."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return np.nan, np.nan, np.nan
    mean = float(x.mean())
    if x.size < 2:
        return mean, np.nan, np.nan
    if np.ptp(x) == 0:  # equal values: no spread (sem may not be exactly 0 in floating point)
        return mean, mean, mean
    sem = stats.sem(x)
    low, high = stats.t.interval(confidence, x.size - 1, loc=mean, scale=sem)
    return mean, float(low), float(high)


def summarise(kpis: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean over replications with a t confidence interval, per KPI and keys."""
    keys = [k for k in KPI_KEYS if k in kpis.columns]
    rows = []
    for key, g in kpis.groupby(keys, sort=False):
        mean, low, high = t_interval(g["value"].to_numpy(), confidence)
        rows.append((*key, mean, low, high, int(g["value"].notna().sum())))
    return pd.DataFrame(rows, columns=[*keys, "mean", "ci_low", "ci_high", "replications"])
