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
from sim.measure.grouping import small_codes
from sim.measure.log_columns import LogColumns
from sim.measure.text import text_column
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
    pieces = [(interval.id, interval.pieces) for interval in model.calendar.intervals]
    for day in range(model.calendar.days):
        off = day * MINUTES_PER_DAY
        for name, spans in pieces:
            for a, b in spans:
                rows.append((day, day_types[day], name, off + a, off + b))
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


def _covered_per(owner: np.ndarray, n: int, starts: np.ndarray, ends: np.ndarray,
                 points: np.ndarray) -> np.ndarray:
    """Array (n, points): :func:`_covered` of each owner's spans (``owner`` in 0..n-1), at once.

    Every owner's spans are sorted and cumulated on their own, as :func:`_covered` does one
    owner at a time, so the numbers are the same bit for bit; an owner without spans has 0.
    """
    count = np.bincount(owner, minlength=n)
    if not owner.size:
        return np.zeros((n, points.size))
    # owner p's cumulative sums (from 0) sit at base[p] .. base[p] + count[p]
    base = np.cumsum(count + 1) - (count + 1)
    bounds = np.concatenate(([0], np.cumsum(count))).tolist()
    order = np.argsort(small_codes(owner, n), kind="stable")
    out = None
    for values in (starts, ends):
        v = values[order]
        cum = np.zeros(base[-1] + count[-1] + 1)
        # how many of an owner's values are <= each point: past them, its sums are read
        k = np.zeros((n, points.size), dtype=np.int64)
        for p in np.flatnonzero(count).tolist():
            mine = v[bounds[p]:bounds[p + 1]]
            mine.sort()
            np.cumsum(mine, out=cum[base[p] + 1:base[p] + count[p] + 1])
            k[p] = np.searchsorted(mine, points, side="right")
        part = points * k - cum[base[:, None] + k]
        out = part if out is None else out - part
    out[count == 0] = 0.0
    return out


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
    pairs = sorted({(g, s) for g, s in zip(dg.tolist(), dshift.tolist(), strict=True)})
    if not pairs:
        return None
    # every duty's (group, shift) pair; the spans of each measure are measured per pair at once
    number = {pair: i for i, pair in enumerate(pairs)}
    pair_of = np.array([number[k] for k in zip(dg.tolist(), dshift.tolist(), strict=True)],
                       dtype=np.int64)
    n, size = len(pairs), w0.size
    points = np.concatenate((w0, w1))
    present = ~absent
    late = present & (dend > dplanned)
    busy_pair = pair_of[who_a]
    spans = [(pair_of[present], dstart[present], dend[present]),
             (busy_pair, bstart_a, bend_a),
             (busy_pair[other_a], bstart_a[other_a], bend_a[other_a]),
             (pair_of[late], dplanned[late], dend[late]),
             (pair_of[absent], dstart[absent], dplanned[absent]),
             (pair_of[who_r], rstart, rend)]
    owner = np.concatenate([m * n + o for m, (o, _, _) in enumerate(spans)])
    covered = _covered_per(owner, len(spans) * n, np.concatenate([a for _, a, _ in spans]),
                           np.concatenate([b for _, _, b in spans]), points)
    values = np.zeros((n, len(MEASURES), size))
    measured = (covered[:, size:] - covered[:, :size]).reshape(len(spans), n, size)
    values[:, :len(spans)] = measured.transpose(1, 0, 2)
    if who_m.size:  # the (day, interval) piece each window closed in: the pieces tile the horizon
        order = np.argsort(w0, kind="stable")
        missed_in = order[np.searchsorted(w0[order], missed_at, side="right") - 1]
        cell = pair_of[who_m] * size + missed_in
        values[:, 6] = np.bincount(cell, minlength=n * size).reshape(n, size)
        values[:, 7] = np.bincount(cell, missed_minutes, minlength=n * size).reshape(n, size)
    # the pieces of one (day, interval) become one row, as groupby(sort=False).sum() did
    number = {}
    row = np.array([number.setdefault(k, len(number))
                    for k in zip(day.tolist(), interval.tolist(), strict=True)], dtype=np.int64)
    n_rows = len(number)
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
                         "scenario": text_column([model.name] * n),
                         **{k: text_column(v) if v.dtype == object else v
                            for k, v in table.items()}})
