"""Shift instances: every single simulated shift of every group, for per-shift verdicts.

``wardsim assess`` judges each staff group × shift × day type on every simulated shift, not
only on the mean, so the staff minutes and the tasks of a replication are tallied per
*shift instance*. The rules:

* A **shift instance** is ``(group, shift, shift_day)``: the members of a group rostered on
  one shift that starts on ``shift_day``. Its day type is the type of ``shift_day`` (a
  Friday night shift is a weekday night; Saturday's and Sunday's nights are weekend
  nights): the roster plans head counts by the day a shift starts. A round-the-clock roster
  (``continuous``) has one instance per calendar day (00:00-24:00).
* **Staff minutes** (:func:`shift_staff`) belong to the instance of the duty they were
  worked on: on duty from the shift start until the member actually left (overtime past
  midnight included), busy on tasks by every member of a crew, absent for the planned
  shift of an absent member, on break and breaks missed (:mod:`sim.breaks`: utilisation
  is busy over on duty less break); all cut at the horizon. Instances that start before
  ``warmup_days`` (the night that started the day before day 0 included) are left out.
* **Tasks** (:func:`shift_tasks`, :func:`task_shift`): a task placed on group G arriving at
  minute t belongs to the shift of G that covers t and started most recently, among G's
  shifts with a head count > 0 on that shift's start day (the planned roster; absence is
  ignored). Overlaps: the latest start wins (07:10 is the day shift from 07:00, not the
  night shift ending 07:30); at equal starts the shift listed first in ``shifts:`` wins.
  If no shift of G covers t, the task belongs to the *ward period* covering t: the same
  rule over the shifts on which any nurse group is rostered (any group, if none is a nurse
  group); if even none of those covers t, to the most recently started of them. Tasks
  arriving in warm-up (by arrival day, as ``tidy_tasks``' ``warmup``) are left out.
* :func:`shift_of_clock` applies the task rule to one day of a day type preceded by a day
  of the same type, for checks made from the roster alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calendar import DAY_TYPES, MINUTES_PER_DAY
from sim.engine.eventlog import EventLog
from sim.io.schema_tasks import PRIORITIES
from sim.measure.grouping import kahan_sums
from sim.measure.hourly import per_hour
from sim.measure.log_columns import LogColumns, log_columns
from sim.measure.staff_minutes import DECIMALS
from sim.model import WardModel
from sim.staff import CONTINUOUS

STAFF_COLUMNS = ["group", "shift", "shift_day", "day_type", "on_duty_minutes", "busy_minutes",
                 "absent_minutes", "break_minutes", "missed_breaks"]
TASK_COLUMNS = ["group", "shift", "shift_day", "day_type", "task_id", "priority",
                "performed_by", "arrived", "late", "missed"]


class _Instances:
    """The planned shift instances of some groups, and which one owns each minute.

    ``cover[m]`` is the instance covering minute ``lo + m`` that started last (-1 if
    none); ``recent[m]`` the instance that started last at or before it, covering or not.
    """

    def __init__(self, model: WardModel, groups: set[int], day_types: list[str],
                 first_day: int, lo: int, hi: int) -> None:
        order = {name: i for i, name in enumerate(model.shift_names)}
        shifts = {s.name: s for s in model.staffing.shifts}
        days = range(first_day, first_day + len(day_types))
        found: set[tuple[str, int]] = set()
        for group, name, per_type in model.staffing.counts:
            if group in groups:
                found.update((name, d) for d, dt in zip(days, day_types, strict=True)
                             if per_type[DAY_TYPES.index(dt)] > 0)
        if any(g in groups and n > 0 for g, n in model.staffing.continuous):
            found.update((CONTINUOUS, d) for d in days)
        spans = {}
        for name, d in found:
            if name == CONTINUOUS:
                spans[(name, d)] = (d * MINUTES_PER_DAY, (d + 1) * MINUTES_PER_DAY)
            else:
                a, b = shifts[name].span(d)
                spans[(name, d)] = (int(a), int(b))
        # later start paints over earlier; at equal starts the first-listed shift paints last
        keys = sorted(found, key=lambda k: (spans[k][0], -order[k[0]]))
        self.names = np.array([k[0] for k in keys] + [""], dtype=object)
        self.days = np.array([k[1] for k in keys] + [0], dtype=np.int64)
        self.cover = np.full(hi - lo, -1, dtype=np.int64)
        marks = np.full(hi - lo, -1, dtype=np.int64)
        before = -1
        for i, key in enumerate(keys):
            a, b = spans[key]
            self.cover[max(a, lo) - lo:max(min(b, hi) - lo, 0)] = i
            if a < lo:
                before = i
            elif a < hi:
                marks[a - lo] = i
        marks[0] = max(marks[0], before)
        recent = np.maximum.accumulate(marks)
        # nothing started yet (only at the very start): the first instance to start
        self.recent = np.where(recent < 0, 0 if keys else -1, recent)

    def owner(self, minutes: np.ndarray) -> np.ndarray:
        """Instance index per minute offset: covering if any, else the latest started."""
        cover = self.cover[minutes]
        return np.where(cover >= 0, cover, self.recent[minutes])


def _ward_groups(model: WardModel) -> set[int]:
    return set(model.nurse_groups) or set(range(len(model.group_ids)))


def _assign(model: WardModel, group: int, minutes: np.ndarray, day_types: list[str],
            first_day: int, lo: int, hi: int,
            ward: _Instances | None = None) -> tuple[np.ndarray, np.ndarray]:
    own = _Instances(model, {group}, day_types, first_day, lo, hi)
    ward = ward or _Instances(model, _ward_groups(model), day_types, first_day, lo, hi)
    mine = own.cover[minutes]
    theirs = ward.owner(minutes)
    names = np.where(mine >= 0, own.names[mine], ward.names[theirs])
    days = np.where(mine >= 0, own.days[mine], ward.days[theirs])
    return names, days


def _horizon_args(model: WardModel) -> tuple[list[str], int, int, int]:
    calendar = model.calendar
    types = [calendar.day_type(d) for d in range(-1, calendar.days)]
    return types, -1, 0, calendar.days * MINUTES_PER_DAY


def task_shift(model: WardModel, group_index: int, times: np.ndarray,
               ward: _Instances | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Shift name and shift day of tasks placed on ``group_index`` arriving at ``times``.

    See the module docstring for the rule. Times are minutes from the start of day 0.
    """
    day_types, first_day, lo, hi = _horizon_args(model)
    minutes = np.clip(np.floor(np.asarray(times, dtype=float)).astype(np.int64), lo, hi - 1)
    return _assign(model, group_index, minutes - lo, day_types, first_day, lo, hi, ward)


def shift_of_clock(model: WardModel, group_index: int, day_type: str) -> np.ndarray:
    """Shift name owning each clock minute (array of 1440) on a day of ``day_type``.

    The task rule of :func:`task_shift` on one day whose previous day has the same type,
    from the roster alone (no simulation).
    """
    minutes = np.arange(MINUTES_PER_DAY)
    names, _ = _assign(model, group_index, minutes, [day_type, day_type], -1, 0,
                       MINUTES_PER_DAY)
    return names


def shift_staff(log: EventLog, model: WardModel, warmup_days: int = 0,
                columns: LogColumns | None = None) -> pd.DataFrame:
    """On-duty, busy and absent minutes of every shift instance (see the module docstring).

    One row per instance with on-duty or absent minutes > 0 that starts on or after
    ``warmup_days``. ``columns`` is the log already read (:mod:`sim.measure.log_columns`).
    """
    cols = columns if columns is not None else log_columns(log, model.nurse_groups)
    d = cols.duties
    n = d.group.size
    if not n:
        return pd.DataFrame(columns=STAFF_COLUMNS)
    dg, dshift, dstart, dplanned, absent = d.group, d.shift, d.start, d.planned, d.absent
    dend = np.maximum(np.where(absent, dstart, d.end), dstart)
    who, bstart, bend, _ = cols.busy
    who_r, rstart, rend = cols.breaks
    columns_ = [dend - dstart, np.bincount(who, weights=bend - bstart, minlength=n),
                np.where(absent, np.maximum(dplanned - dstart, 0.0), 0.0),
                np.bincount(who_r, weights=rend - rstart, minlength=n),
                np.bincount(cols.missed[0], minlength=n).astype(float)]
    values = np.stack(columns_).astype(float)
    continuous = dshift == CONTINUOUS
    # without spans (no task started, no break) and no round-the-clock duty, the busy and
    # break columns have always been integer zeros
    dtypes = [c.dtype if not continuous.any() else np.dtype(float) for c in columns_]
    group, shift, day = dg[~continuous], dshift[~continuous], d.day[~continuous]
    parts = [values[:, ~continuous]]
    days = model.calendar.days
    for i in np.flatnonzero(continuous).tolist():  # one instance per calendar day
        parts.append(_per_day(model, i, dstart, dend, who, bstart, bend))
        group = np.concatenate((group, np.full(days, dg[i])))
        shift = np.concatenate((shift, np.full(days, CONTINUOUS, dtype=object)))
        day = np.concatenate((day, np.arange(days)))
    values = np.concatenate(parts, axis=1)
    # the instances sorted by group name, shift name and day, as groupby(sort=True); Kahan sums
    g_rank = np.argsort(np.argsort(np.array(model.group_ids, dtype=object), kind="stable"))
    s_code, s_names = pd.factorize(shift, sort=True)
    first = int(day.min())
    n_days = int(day.max()) - first + 1
    key = (g_rank[group] * len(s_names) + s_code) * n_days + (day - first)
    size = len(model.group_ids) * len(s_names) * n_days
    sums = kahan_sums(key, size, *values)
    sums[:4] = np.round(sums[:4], DECIMALS)
    index = np.flatnonzero(np.bincount(key, minlength=size) > 0)
    rest, k_day = np.divmod(index, n_days)
    k_group, k_shift = np.divmod(rest, len(s_names))
    k_day = k_day + first
    keep = (k_day >= warmup_days) & ((sums[0, index] > 0) | (sums[2, index] > 0))
    index, k_day = index[keep], k_day[keep]
    names = np.array(sorted(model.group_ids), dtype=object)
    calendar = model.calendar
    return pd.DataFrame({
        "group": names[k_group[keep]], "shift": np.asarray(s_names, dtype=object)[k_shift[keep]],
        "shift_day": k_day, "day_type": [calendar.day_type(x) for x in k_day.tolist()],
        **{name: sums[i, index].astype(dtypes[i]) for i, name in enumerate(STAFF_COLUMNS[4:])},
    })


def _per_day(model: WardModel, i: int, dstart: np.ndarray, dend: np.ndarray,
             who: np.ndarray, bstart: np.ndarray, bend: np.ndarray) -> np.ndarray:
    """Split a round-the-clock duty into one instance per calendar day: (5, days) minutes."""
    days = model.calendar.days
    per_day = 24 * days  # hours, then summed per day
    mine = who == i
    on = per_hour(dstart[i:i + 1], dend[i:i + 1], per_day).reshape(days, 24).sum(axis=1)
    busy = per_hour(bstart[mine], bend[mine], per_day).reshape(days, 24).sum(axis=1)
    zero = np.zeros(days)
    return np.stack([on, busy, zero, zero, zero])


def shift_tasks(tasks: pd.DataFrame, model: WardModel) -> pd.DataFrame:
    """Tasks arrived, late and missed per shift instance, task and performing group.

    ``group`` is the group the task is placed on, ``performed_by`` the group of the first
    member of its crew (``""`` if never started). Tasks arriving in warm-up are left out.
    """
    if not len(tasks):
        return pd.DataFrame(columns=TASK_COLUMNS)
    tk = tasks[~tasks["warmup"]]
    rank = {g: i for i, g in enumerate(model.group_ids)}
    kinds = {t.id: i for i, t in enumerate(model.tasks)}
    return shift_task_counts(model, tk["group"].map(rank).to_numpy(np.int64),
                             tk["arrival"].to_numpy(float), tk["task_id"].map(kinds).to_numpy(),
                             tk["performed_by"].map(rank).fillna(-1).to_numpy(np.int64),
                             tk["late"].to_numpy(np.int64), tk["missed"].to_numpy(np.int64))


def shift_task_counts(model: WardModel, placed: np.ndarray, arrival: np.ndarray,
                      kind: np.ndarray, performed: np.ndarray, late: np.ndarray,
                      missed: np.ndarray) -> pd.DataFrame:
    """:func:`shift_tasks` of the measured tasks given as arrays.

    ``placed`` and ``performed`` are group indices (-1: never started), ``kind`` task
    indices. Rows are sorted by the names of their keys, as ``groupby(sort=True)``.
    """
    kind = kind.astype(np.int64)
    shift = np.empty(len(placed), dtype=object)
    day = np.zeros(len(placed), dtype=np.int64)
    day_types, first_day, lo, hi = _horizon_args(model)
    ward = _Instances(model, _ward_groups(model), day_types, first_day, lo, hi)
    for group in np.unique(placed).tolist():
        sel = placed == group
        shift[sel], day[sel] = task_shift(model, group, arrival[sel], ward)

    def ranks(names: list[str]) -> np.ndarray:
        return np.argsort(np.argsort(np.array(names, dtype=object), kind="stable"))

    group_ids = list(model.group_ids)
    ids = [t.id for t in model.tasks]
    priorities = [PRIORITIES[t.priority] for t in model.tasks]
    performers = ["", *group_ids]  # "" (never started) sorts first
    s_code, s_names = pd.factorize(shift, sort=True)
    first = int(day.min()) if day.size else 0
    codes = [ranks(group_ids)[placed], s_code, day - first, ranks(ids)[kind],
             ranks(priorities)[kind], ranks(performers)[performed + 1]]
    sizes = [len(group_ids), len(s_names), int(day.max()) - first + 1 if day.size else 1,
             len(ids), len(ids), len(performers)]
    key = np.zeros(len(placed), dtype=np.int64)
    for code, size in zip(codes, sizes, strict=True):
        key = key * size + code
    unique, inverse = np.unique(key, return_inverse=True)
    at = np.zeros(len(unique), dtype=np.int64)
    at[inverse] = np.arange(len(key))  # a row of each key: every key's names are the same
    calendar = model.calendar
    out_day = day[at]
    performer = np.array(performers, dtype=object)[performed[at] + 1]
    return pd.DataFrame({
        "group": np.array(group_ids, dtype=object)[placed[at]],
        "shift": shift[at], "shift_day": out_day,
        "day_type": [calendar.day_type(x) for x in out_day.tolist()],
        "task_id": np.array(ids, dtype=object)[kind[at]],
        "priority": np.array(priorities, dtype=object)[kind[at]],
        "performed_by": performer,
        "arrived": np.bincount(inverse, minlength=len(unique)).astype(np.int64),
        "late": np.bincount(inverse, weights=late, minlength=len(unique)).astype(np.int64),
        "missed": np.bincount(inverse, weights=missed, minlength=len(unique)).astype(np.int64),
    })
