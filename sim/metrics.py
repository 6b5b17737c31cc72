"""From an :class:`~sim.eventlog.EventLog` to tidy frames, and KPIs to summaries.

Utilisation is exact: busy and on-duty spans are clipped to every (day, interval) window
(no sampling). A minute belongs to the calendar day it falls on and that day's type.
Waiting statistics use tasks that started; a task never started counts as late once it
has waited longer than its ``max_wait`` (at its drop time, or at the end of the run).
Measured minutes are differences of cumulative sums, so they are rounded to 6 decimals: a
window nobody is on duty in then measures exactly 0 and has no row (its utilisation is
unknown, not 0 %). The KPIs of one replication are :mod:`sim.kpis`.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd
from scipy import stats

from sim.calendar import MINUTES_PER_DAY
from sim.eventlog import MISSED, EventLog
from sim.io.schema_tasks import PRIORITIES
from sim.model import WardModel

STATUS = np.array(["done", "waiting", "missed"])
KPI_KEYS = ["kpi", "group", "category", "shift", "day_type", "interval"]
ALL = "all"
#: Decimals kept of measured minutes: enough for any duration, and float noise becomes 0.
DECIMALS = 6
#: Upper edges (minutes) of the wait histogram's bins; a wait w counts in the first w <= edge.
WAIT_BINS = (0, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720,
             1440, np.inf)


def tidy_tasks(log: EventLog, model: WardModel, replication: int = 0,
               warmup_days: int = 0) -> pd.DataFrame:
    """One row per task instance that arrived, started or not."""
    started, unstarted = log.started, log.unstarted
    n_s = len(started)
    seq = np.array([r[0] for r in started] + [r[0] for r in unstarted], dtype=np.int64)
    kind = np.array([r[1] for r in started] + [r[1] for r in unstarted], dtype=np.int64)
    arrival = np.array([r[3] for r in started] + [r[3] for r in unstarted], dtype=float)
    start = np.array([r[4] for r in started] + [np.nan] * len(unstarted), dtype=float)
    end = np.array([r[5] for r in started] + [np.nan] * len(unstarted), dtype=float)
    status = np.array([0] * n_s + [r[4] for r in unstarted], dtype=np.int64)
    stop = np.array([r[4] for r in started] + [r[5] if r[4] == MISSED else log.horizon
                                               for r in unstarted], dtype=float)
    crews = [r[6] for r in started] + [()] * len(unstarted)
    duties = log.duties
    tasks = model.tasks
    ids = np.array([t.id for t in tasks], dtype=object)
    max_wait = np.array([t.max_wait for t in tasks])
    group_ids = np.array(model.group_ids, dtype=object)
    day = (arrival // MINUTES_PER_DAY).astype(np.int64)
    day_types = np.array(model.calendar.day_types() or ["weekday"], dtype=object)
    lookup = model.calendar.interval_lookup()
    interval_ids = np.array(model.calendar.interval_ids(), dtype=object)
    waited = stop - arrival
    nurse_duty = np.array([d.group in model.nurse_groups for d in duties], dtype=float)
    frame = pd.DataFrame({
        "replication": replication,
        "scenario": model.name,
        "seq": seq,
        "task_id": ids[kind],
        "category": np.array([t.category for t in tasks], dtype=object)[kind],
        "priority": (np.array(PRIORITIES, dtype=object)[[tasks[k].priority for k in kind]]
                     if kind.size else []),
        "group": group_ids[np.array([t.group for t in tasks], dtype=np.int64)[kind]],
        "performed_by": [model.group_ids[duties[c[0]].group] if c else None for c in crews],
        "staff_id": ["+".join(duties[i].staff_id for i in c) if c else None for c in crews],
        "nurse_crew": _per_crew(crews, nurse_duty).astype(np.int64),
        "day": day,
        "day_type": day_types[np.minimum(day, len(day_types) - 1)],
        "interval": interval_ids[lookup[(arrival % MINUTES_PER_DAY).astype(np.int64)]],
        "arrival": arrival,
        "start": start,
        "end": end,
        "wait": start - arrival,
        "late": waited > max_wait[kind],
        "missed": status == MISSED,
        "status": STATUS[status],
        "warmup": day < warmup_days,
    })
    return frame.sort_values("seq", kind="stable").reset_index(drop=True)


def _per_crew(crews: list[tuple[int, ...]], per_member: np.ndarray) -> np.ndarray:
    """Sum of ``per_member[i]`` over the members i of each crew (0 for an empty crew)."""
    sizes = np.fromiter(map(len, crews), dtype=np.int64, count=len(crews))
    members = np.fromiter(chain.from_iterable(crews), dtype=np.int64, count=int(sizes.sum()))
    owner = np.repeat(np.arange(len(crews)), sizes)
    return np.bincount(owner, weights=per_member[members], minlength=len(crews))


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


def break_spans(log: EventLog) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every break taken: (duty index, start, end cut at the horizon); empty without breaks."""
    if not log.breaks:
        empty = np.zeros(0)
        return empty.astype(np.int64), empty, empty
    who, start, end = (np.array(x) for x in zip(*log.breaks, strict=True))
    return who.astype(np.int64), start.astype(float), np.minimum(end.astype(float), log.horizon)


def missed_breaks(log: EventLog) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every break missed: (duty index, when its window closed, its minutes)."""
    if not log.missed_breaks:
        empty = np.zeros(0)
        return empty.astype(np.int64), empty, empty
    who, at, minutes = (np.array(x) for x in zip(*log.missed_breaks, strict=True))
    return who.astype(np.int64), at.astype(float), minutes.astype(float)


def _covered(starts: np.ndarray, ends: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Total length of the spans [starts, ends) that lies before each point."""
    a, b = np.sort(starts), np.sort(ends)
    ca = np.concatenate(([0.0], np.cumsum(a)))
    cb = np.concatenate(([0.0], np.cumsum(b)))
    na = np.searchsorted(a, points, side="right")
    nb = np.searchsorted(b, points, side="right")
    return points * na - ca[na] - (points * nb - cb[nb])


def _windows(model: WardModel) -> pd.DataFrame:
    """Every (day, interval) piece of the horizon as absolute minutes."""
    rows = []
    day_types = model.calendar.day_types()
    for day in range(model.calendar.days):
        for interval in model.calendar.intervals:
            for a, b in interval.pieces:
                off = day * MINUTES_PER_DAY
                rows.append((day, day_types[day], interval.id, off + a, off + b))
    return pd.DataFrame(rows, columns=["day", "day_type", "interval", "w0", "w1"])


def tidy_staff(log: EventLog, model: WardModel, replication: int = 0,
               warmup_days: int = 0) -> pd.DataFrame:
    """One row per group × shift × day × interval with minutes on duty, busy, overtime.

    ``other_group_minutes`` is time spent on tasks placed on another group (what task
    sharing could free); ``absent_minutes`` is rostered time lost to absence.
    ``break_minutes`` is time on break (:mod:`sim.breaks`), neither busy nor available:
    ``utilisation`` is busy / (on duty - break). ``missed_breaks`` and
    ``missed_break_minutes`` count the breaks not started in their window, and their
    minutes, in the interval in which the window closed. All three are 0 without breaks.
    """
    duties, horizon = log.duties, log.horizon
    dg = np.array([d.group for d in duties], dtype=np.int64)
    dshift = np.array([d.shift for d in duties], dtype=object)
    dstart = np.array([d.start for d in duties], dtype=float)
    dplanned = np.minimum(np.array([d.end for d in duties], dtype=float), horizon)
    dend = np.minimum(np.array(log.duty_end, dtype=float), horizon)
    absent = np.array([d.absent for d in duties], dtype=bool)
    who_a, bstart_a, bend_a, kind_a = busy_spans(log)
    placed = np.array([t.group for t in model.tasks], dtype=np.int64)
    other_a = dg[who_a] != placed[kind_a]
    windows = _windows(model)
    w0, w1 = windows["w0"].to_numpy(float), windows["w1"].to_numpy(float)
    who_r, rstart, rend = break_spans(log)
    who_m, missed_at, missed_minutes = missed_breaks(log)
    if who_m.size:  # the (day, interval) piece each window closed in: the pieces tile the horizon
        order = np.argsort(w0, kind="stable")
        missed_in = order[np.searchsorted(w0[order], missed_at, side="right") - 1]

    def measure(mask_starts: np.ndarray, mask_ends: np.ndarray) -> np.ndarray:
        if mask_starts.size == 0:
            return np.zeros(w0.size)
        return _covered(mask_starts, mask_ends, w1) - _covered(mask_starts, mask_ends, w0)

    parts = []
    pairs = sorted({(g, s) for g, s in zip(dg.tolist(), dshift.tolist(), strict=True)})
    for group, shift in pairs:
        sel = (dg == group) & (dshift == shift)
        present = sel & ~absent
        busy_sel = sel[who_a] if who_a.size else np.zeros(0, bool)
        late = present & (dend > dplanned)
        frame = windows[["day", "day_type", "interval"]].copy()
        frame["on_duty_minutes"] = measure(dstart[present], dend[present])
        frame["busy_minutes"] = measure(bstart_a[busy_sel], bend_a[busy_sel])
        other_sel = busy_sel & other_a
        frame["other_group_minutes"] = measure(bstart_a[other_sel], bend_a[other_sel])
        frame["overtime_minutes"] = measure(dplanned[late], dend[late])
        frame["absent_minutes"] = measure(dstart[sel & absent], dplanned[sel & absent])
        frame["break_minutes"] = measure(rstart[sel[who_r]], rend[sel[who_r]]) if who_r.size \
            else 0.0
        frame["missed_breaks"] = 0.0
        frame["missed_break_minutes"] = 0.0
        if who_m.size:
            mine = sel[who_m]
            frame["missed_breaks"] = np.bincount(missed_in[mine], minlength=w0.size).astype(float)
            frame["missed_break_minutes"] = np.bincount(missed_in[mine], missed_minutes[mine],
                                                        minlength=w0.size)
        frame.insert(0, "shift", shift)
        frame.insert(0, "group", model.group_ids[group])
        parts.append(frame)
    if not parts:
        return pd.DataFrame()
    staff = pd.concat(parts, ignore_index=True)
    staff = staff.groupby(["group", "shift", "day", "day_type", "interval"], sort=False,
                          as_index=False).sum()
    minutes = [c for c in staff.columns if c.endswith("_minutes")]
    staff[minutes] = staff[minutes].round(DECIMALS)
    staff = staff[(staff["on_duty_minutes"] > 0) | (staff["absent_minutes"] > 0)]
    available = staff["on_duty_minutes"] - staff["break_minutes"]
    staff["utilisation"] = staff["busy_minutes"] / available.where(available > 0)
    staff.insert(0, "scenario", model.name)
    staff.insert(0, "replication", replication)
    staff["warmup"] = staff["day"] < warmup_days
    return staff.reset_index(drop=True)


def wait_histogram(tasks: pd.DataFrame, warmup_days: int = 0) -> pd.DataFrame:
    """Count tasks per wait bin, by priority and by category (tasks arriving in warm-up out).

    Columns ``by`` (``priority`` | ``category``), ``key``, ``upper`` (the bin's upper edge
    in :data:`WAIT_BINS`, or NaN for tasks never started: waiting at the end or missed) and
    ``count``; bins with no task have no row. Counts add over replications, and their
    cumulative sum over ``upper`` is the empirical distribution of waits (group with
    ``dropna=False`` to keep the never-started bin).
    """
    columns = ["by", "key", "upper", "count"]
    if not len(tasks):
        return pd.DataFrame(columns=columns)
    measured = tasks["day"].to_numpy() >= warmup_days
    edges = np.array(WAIT_BINS, dtype=float)
    # NaN (never started) sorts past every edge: index len(edges), whose upper is NaN
    index = np.searchsorted(edges, tasks["wait"].to_numpy(float)[measured], side="left")
    upper = np.append(edges, np.nan)
    rank = {p: i for i, p in enumerate(PRIORITIES)}
    parts = []
    for by in ("priority", "category"):
        values = tasks[by].to_numpy()[measured]
        codes, keys = pd.factorize(values, sort=True)
        if by == "priority":  # acute first, as in PRIORITIES
            keys = sorted(keys, key=rank.__getitem__)
            codes = pd.Index(keys).get_indexer(values)
        counts = np.bincount(codes * upper.size + index, minlength=len(keys) * upper.size)
        key, bin_ = np.nonzero(counts.reshape(len(keys), upper.size))
        parts.append(pd.DataFrame({"by": by, "key": np.asarray(keys, dtype=object)[key],
                                   "upper": upper[bin_], "count": counts[key * upper.size + bin_]}))
    out = pd.concat(parts, ignore_index=True)
    out["count"] = out["count"].astype(np.int64)
    return out


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
