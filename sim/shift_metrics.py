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
from sim.eventlog import EventLog
from sim.hourly import per_hour
from sim.metrics import DECIMALS, break_spans, busy_spans, missed_breaks
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


def shift_staff(log: EventLog, model: WardModel, warmup_days: int = 0) -> pd.DataFrame:
    """On-duty, busy and absent minutes of every shift instance (see the module docstring).

    One row per instance with on-duty or absent minutes > 0 that starts on or after
    ``warmup_days``.
    """
    duties, horizon = log.duties, log.horizon
    if not duties:
        return pd.DataFrame(columns=STAFF_COLUMNS)
    n = len(duties)
    dg = np.array([d.group for d in duties], dtype=np.int64)
    dshift = np.array([d.shift for d in duties], dtype=object)
    dday = np.array([d.day for d in duties], dtype=np.int64)
    dstart = np.array([d.start for d in duties], dtype=float)
    dplanned = np.minimum(np.array([d.end for d in duties], dtype=float), horizon)
    absent = np.array([d.absent for d in duties], dtype=bool)
    dend = np.where(absent, dstart, np.minimum(np.array(log.duty_end, dtype=float), horizon))
    dend = np.maximum(dend, dstart)
    who, bstart, bend, _ = busy_spans(log)
    busy = np.bincount(who, weights=bend - bstart, minlength=n)
    who_r, rstart, rend = break_spans(log)
    who_m = missed_breaks(log)[0]
    frame = pd.DataFrame({
        "group": np.array(model.group_ids, dtype=object)[dg], "shift": dshift, "shift_day": dday,
        "on_duty_minutes": dend - dstart, "busy_minutes": busy,
        "absent_minutes": np.where(absent, np.maximum(dplanned - dstart, 0.0), 0.0),
        "break_minutes": np.bincount(who_r, weights=rend - rstart, minlength=n),
        "missed_breaks": np.bincount(who_m, minlength=n).astype(float),
    })
    continuous = dshift == CONTINUOUS
    frame = frame[~continuous]
    parts = [frame] + [_per_day(log, model, i, dstart, dend, who, bstart, bend)
                       for i in np.flatnonzero(continuous)]
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.groupby(["group", "shift", "shift_day"], sort=True, as_index=False).sum()
    minutes = ["on_duty_minutes", "busy_minutes", "absent_minutes", "break_minutes"]
    frame[minutes] = frame[minutes].round(DECIMALS)
    frame = frame[(frame["shift_day"] >= warmup_days)
                  & ((frame["on_duty_minutes"] > 0) | (frame["absent_minutes"] > 0))]
    calendar = model.calendar
    frame.insert(3, "day_type", [calendar.day_type(d) for d in frame["shift_day"]])
    return frame[STAFF_COLUMNS].reset_index(drop=True)


def _per_day(log: EventLog, model: WardModel, i: int, dstart: np.ndarray, dend: np.ndarray,
             who: np.ndarray, bstart: np.ndarray, bend: np.ndarray) -> pd.DataFrame:
    """Split a round-the-clock duty into one instance per calendar day."""
    days = model.calendar.days
    per_day = 24 * days  # hours, then summed per day
    mine = who == i
    on = per_hour(dstart[i:i + 1], dend[i:i + 1], per_day).reshape(days, 24).sum(axis=1)
    busy = per_hour(bstart[mine], bend[mine], per_day).reshape(days, 24).sum(axis=1)
    duty = log.duties[i]
    return pd.DataFrame({
        "group": model.group_ids[duty.group], "shift": CONTINUOUS, "shift_day": np.arange(days),
        "on_duty_minutes": on, "busy_minutes": busy, "absent_minutes": 0.0,
        "break_minutes": 0.0, "missed_breaks": 0.0,
    })


def shift_tasks(tasks: pd.DataFrame, model: WardModel) -> pd.DataFrame:
    """Tasks arrived, late and missed per shift instance, task and performing group.

    ``group`` is the group the task is placed on, ``performed_by`` the group of the first
    member of its crew (``""`` if never started). Tasks arriving in warm-up are left out.
    """
    if not len(tasks):
        return pd.DataFrame(columns=TASK_COLUMNS)
    tk = tasks[~tasks["warmup"]]
    rank = {g: i for i, g in enumerate(model.group_ids)}
    placed = tk["group"].map(rank).to_numpy()
    shift = np.empty(len(tk), dtype=object)
    day = np.zeros(len(tk), dtype=np.int64)
    day_types, first_day, lo, hi = _horizon_args(model)
    ward = _Instances(model, _ward_groups(model), day_types, first_day, lo, hi)
    arrival = tk["arrival"].to_numpy(float)
    for group in np.unique(placed).tolist():
        sel = placed == group
        shift[sel], day[sel] = task_shift(model, group, arrival[sel], ward)
    frame = pd.DataFrame({
        "group": tk["group"].to_numpy(), "shift": shift, "shift_day": day,
        "task_id": tk["task_id"].to_numpy(), "priority": tk["priority"].to_numpy(),
        "performed_by": tk["performed_by"].fillna("").to_numpy(),
        "arrived": 1, "late": tk["late"].to_numpy(np.int64),
        "missed": tk["missed"].to_numpy(np.int64),
    })
    keys = ["group", "shift", "shift_day", "task_id", "priority", "performed_by"]
    frame = frame.groupby(keys, sort=True, as_index=False)[["arrived", "late", "missed"]].sum()
    calendar = model.calendar
    frame.insert(3, "day_type", [calendar.day_type(d) for d in frame["shift_day"]])
    return frame[TASK_COLUMNS]
