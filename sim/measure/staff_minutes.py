"""Staff minutes per group × shift × day × interval: the numbers behind ``tidy_staff``.

Exact: busy and on-duty spans are clipped to every (day, interval) window (no sampling),
as differences of cumulative sums (:func:`_covered`), rounded to :data:`DECIMALS`. The
columns are kept as arrays (:func:`staff_table`) so the KPIs read them without a frame;
:func:`staff_frame` makes the tidy frame of :func:`sim.measure.tidy.tidy_staff` from them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calendar import MINUTES_PER_DAY
from sim.measure.grouping import first_seen
from sim.measure.log_columns import LogColumns
from sim.model import WardModel

#: Decimals kept of measured minutes: enough for any duration, and float noise becomes 0.
DECIMALS = 6
KEYS = ["group", "shift", "day", "day_type", "interval"]
MEASURES = ["on_duty_minutes", "busy_minutes", "other_group_minutes", "overtime_minutes",
            "absent_minutes", "break_minutes", "missed_breaks", "missed_break_minutes"]


def _covered(starts: np.ndarray, ends: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Total length of the spans [starts, ends) that lies before each point."""
    a, b = np.sort(starts), np.sort(ends)
    ca = np.concatenate(([0.0], np.cumsum(a)))
    cb = np.concatenate(([0.0], np.cumsum(b)))
    na = np.searchsorted(a, points, side="right")
    nb = np.searchsorted(b, points, side="right")
    return points * na - ca[na] - (points * nb - cb[nb])


def windows(model: WardModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                        np.ndarray]:
    """Every (day, interval) piece of the horizon: (day, day type, interval id, w0, w1)."""
    rows = []
    day_types = model.calendar.day_types()
    for day in range(model.calendar.days):
        off = day * MINUTES_PER_DAY
        for interval in model.calendar.intervals:
            for a, b in interval.pieces:
                rows.append((day, day_types[day], interval.id, off + a, off + b))
    day, day_type, interval, w0, w1 = zip(*rows, strict=True) if rows else ((),) * 5
    return (np.array(day, dtype=np.int64), np.array(day_type, dtype=object),
            np.array(interval, dtype=object), np.array(w0, dtype=float),
            np.array(w1, dtype=float))


def _kahan_rows(values: np.ndarray, row: np.ndarray, n_rows: int) -> np.ndarray:
    """Sum the columns of ``values`` into ``n_rows`` by ``row``, Kahan-summed in column order.

    The sums pandas' ``groupby(...).sum()`` gives when the pieces of one (day, interval)
    are merged into one row (usually one or two pieces per row).
    """
    total = np.zeros((values.shape[0], n_rows))
    comp = np.zeros_like(total)
    order = np.argsort(row, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(row, minlength=n_rows))))
    rank = np.empty(row.size, dtype=np.int64)
    rank[order] = np.arange(row.size) - bounds[row[order]]
    for k in range(int(rank.max()) + 1 if rank.size else 0):
        cols = np.flatnonzero(rank == k)
        rows = row[cols]
        y = values[:, cols] - comp[:, rows]
        t = total[:, rows] + y
        c = (t - total[:, rows]) - y
        comp[:, rows] = np.where(np.isnan(c), 0.0, c)
        total[:, rows] = t
    return total


def staff_table(cols: LogColumns, model: WardModel,
                warmup_days: int = 0) -> dict[str, np.ndarray] | None:
    """Return the columns of :func:`~sim.measure.tidy.tidy_staff` as arrays (None: nobody)."""
    d = cols.duties
    dg, dshift, dstart, dplanned, dend, absent = (d.group, d.shift, d.start, d.planned, d.end,
                                                   d.absent)
    who_a, bstart_a, bend_a, kind_a = cols.busy
    placed = np.array([t.group for t in model.tasks], dtype=np.int64)
    other_a = dg[who_a] != placed[kind_a]
    day, day_type, interval, w0, w1 = windows(model)
    who_r, rstart, rend = cols.breaks
    who_m, missed_at, missed_minutes = cols.missed
    if who_m.size:  # the (day, interval) piece each window closed in: the pieces tile the horizon
        order = np.argsort(w0, kind="stable")
        missed_in = order[np.searchsorted(w0[order], missed_at, side="right") - 1]

    def measure(mask_starts: np.ndarray, mask_ends: np.ndarray) -> np.ndarray:
        if mask_starts.size == 0:
            return np.zeros(w0.size)
        return _covered(mask_starts, mask_ends, w1) - _covered(mask_starts, mask_ends, w0)

    pairs = sorted({(g, s) for g, s in zip(dg.tolist(), dshift.tolist(), strict=True)})
    if not pairs:
        return None
    values = np.zeros((len(pairs), len(MEASURES), w0.size))
    for p, (group, shift) in enumerate(pairs):
        sel = (dg == group) & (dshift == shift)
        present = sel & ~absent
        busy_sel = sel[who_a] if who_a.size else np.zeros(0, bool)
        late = present & (dend > dplanned)
        other_sel = busy_sel & other_a
        v = values[p]
        v[0] = measure(dstart[present], dend[present])
        v[1] = measure(bstart_a[busy_sel], bend_a[busy_sel])
        v[2] = measure(bstart_a[other_sel], bend_a[other_sel])
        v[3] = measure(dplanned[late], dend[late])
        v[4] = measure(dstart[sel & absent], dplanned[sel & absent])
        if who_r.size:
            v[5] = measure(rstart[sel[who_r]], rend[sel[who_r]])
        if who_m.size:
            mine = sel[who_m]
            v[6] = np.bincount(missed_in[mine], minlength=w0.size)
            v[7] = np.bincount(missed_in[mine], missed_minutes[mine], minlength=w0.size)
    # the pieces of one (day, interval) become one row, as groupby(sort=False).sum() did
    row, n_rows = first_seen(day, interval)
    head = np.zeros(n_rows, dtype=np.int64)
    head[row[::-1]] = np.arange(row.size)[::-1]
    merged = _kahan_rows(values.reshape(-1, w0.size), row, n_rows)
    merged = merged.reshape(len(pairs), len(MEASURES), n_rows).transpose(1, 0, 2)
    merged = merged.reshape(len(MEASURES), -1)
    table = {name: merged[i] for i, name in enumerate(MEASURES)}
    for name in MEASURES:
        if name.endswith("_minutes"):
            table[name] = np.round(table[name], DECIMALS)
    keep = (table["on_duty_minutes"] > 0) | (table["absent_minutes"] > 0)
    pair = np.repeat(np.arange(len(pairs)), n_rows)[keep]
    at = np.tile(head, len(pairs))[keep]
    group_ids = np.array(model.group_ids, dtype=object)
    out = {
        "group": group_ids[np.array([g for g, _ in pairs], dtype=np.int64)[pair]],
        "shift": np.array([s for _, s in pairs], dtype=object)[pair],
        "day": day[at], "day_type": day_type[at], "interval": interval[at],
    }
    out.update({name: table[name][keep] for name in MEASURES})
    available = out["on_duty_minutes"] - out["break_minutes"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["utilisation"] = out["busy_minutes"] / np.where(available > 0, available, np.nan)
    out["warmup"] = out["day"] < warmup_days
    return out


def staff_frame(table: dict[str, np.ndarray] | None, model: WardModel,
                replication: int) -> pd.DataFrame:
    """Make the tidy frame of :func:`sim.measure.tidy.tidy_staff` from :func:`staff_table`."""
    if table is None:
        return pd.DataFrame()
    n = len(table["day"])
    return pd.DataFrame({"replication": np.full(n, replication, dtype=np.int64),
                         "scenario": np.full(n, model.name, dtype=object), **table})
