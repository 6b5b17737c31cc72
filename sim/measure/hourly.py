"""Hour-of-day measures: minutes on duty and busy of every staff group in every clock hour.

They feed the report's heatmaps and fan charts (``utilisation_hour`` in
:func:`sim.measure.kpis.replication_kpis`). Exact like :func:`sim.measure.tidy.tidy_staff` (every
span is cut at the hour boundaries, no sampling) but summed over shifts: one row per group ×
calendar day × hour in which someone of the group is on duty. A minute belongs to the calendar day
it falls on and to that day's type. Whole hours inside a span are counted in integers, so an hour
nobody is on duty in measures exactly 0 and has no row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.eventlog import EventLog
from sim.measure.grouping import kept
from sim.measure.log_columns import LogColumns, log_columns
from sim.measure.staff_minutes import DECIMALS
from sim.model import WardModel

HOUR = 60.0
COLUMNS = ["group", "day", "day_type", "hour", "on_duty_minutes", "busy_minutes", "warmup"]


def per_hour(starts: np.ndarray, ends: np.ndarray, hours: int,
             owner: np.ndarray | None = None, n: int = 1) -> np.ndarray:
    """Minutes of the spans ``[starts, ends)`` (minutes from 0, ends <= ``hours`` × 60) per hour.

    A span's first and last partial hours are added as they are; the whole hours between
    them are counted by a difference array of integers, so no cumulative sum of large
    floats (and no rounding noise) is involved. With ``owner`` (0..n-1 per span) the
    result is (n, hours), each owner's row the same as its spans alone would give.
    """
    keep = kept(ends > starts)
    s, e = starts[keep], ends[keep]
    at = (owner[keep] if owner is not None else np.zeros(s.size, dtype=np.int64)) * (hours + 2)
    first = np.floor(s / HOUR).astype(np.int64)
    last = np.minimum(np.floor(e / HOUR).astype(np.int64), hours)  # e on an hour edge: next hour
    size = n * (hours + 2)
    same = first == last
    out = np.zeros(size)
    out += np.bincount(at[same] + first[same], weights=e[same] - s[same], minlength=size)
    d = ~same
    f, l_ = first[d], last[d]
    out += np.bincount(at[d] + f, weights=(f + 1) * HOUR - s[d], minlength=size)
    out += np.bincount(at[d] + l_, weights=e[d] - l_ * HOUR, minlength=size)
    whole = np.bincount(at[d] + f + 1, minlength=size) - np.bincount(at[d] + l_, minlength=size)
    out = out.reshape(n, hours + 2)
    out += np.cumsum(whole.reshape(n, hours + 2), axis=1) * HOUR
    return out[:, :hours] if owner is not None else out[0, :hours]


def tidy_hours(log: EventLog, model: WardModel, warmup_days: int = 0,
               columns: LogColumns | None = None) -> pd.DataFrame:
    """One row per group × day × hour (0-23) with on-duty minutes > 0, and its busy minutes.

    On duty is from a member's shift start to when they actually left (overtime included);
    absent members are not on duty. Busy counts every member of a crew; spans are cut at
    the horizon. ``warmup`` marks days before ``warmup_days``. With breaks taken
    (:mod:`sim.breaks`), ``break_minutes`` is the time on break, neither busy nor available.
    ``columns`` is the log already read (:func:`sim.measure.log_columns.log_columns`).
    """
    table = hour_table(columns if columns is not None else log_columns(log), model, warmup_days)
    return pd.DataFrame(table) if table is not None else pd.DataFrame(columns=COLUMNS)


def hour_table(cols: LogColumns, model: WardModel,
               warmup_days: int = 0) -> dict[str, np.ndarray] | None:
    """Return the columns of :func:`tidy_hours` as arrays; None if nobody is ever on duty."""
    d = cols.duties
    if not d.group.size:
        return None
    hours = model.calendar.days * 24
    dg, dstart, dend = d.group, d.start, d.end
    present = ~d.absent & (dend > dstart)
    who, bstart, bend, _ = cols.busy
    bgroup = dg[who]
    who_r, rstart, rend = cols.breaks
    day_types = np.array(model.calendar.day_types(), dtype=object)
    n = len(model.group_ids)
    # every group at once: a group's row is what its spans alone give
    on = np.round(per_hour(dstart[present], dend[present], hours, dg[present], n), DECIMALS)
    busy = np.round(per_hour(bstart, bend, hours, bgroup, n), DECIMALS)
    if not present.any():
        return None
    group, index = np.nonzero(on > 0)
    brk = [np.round(per_hour(rstart, rend, hours, dg[who_r], n), DECIMALS)[group, index]] \
        if who_r.size else []
    on, busy = on[group, index], busy[group, index]
    day = index // 24
    table = {"group": np.array(model.group_ids, dtype=object)[group], "day": day,
             "day_type": day_types[day], "hour": index % 24, "on_duty_minutes": on,
             "busy_minutes": busy, "warmup": day < warmup_days}
    if brk:
        table["break_minutes"] = brk[0]
    return table
