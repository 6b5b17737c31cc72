"""The event log of one replication as numpy columns, read once and shared.

:func:`~sim.measure.tidy.tidy_tasks`, :func:`~sim.measure.tidy.tidy_staff`,
:func:`~sim.measure.hourly.tidy_hours`, :mod:`sim.measure.shifts` and :mod:`sim.measure.kpis` all
read the same duties, spans and task rows; turning the log's Python tuples into arrays once per
replication, not once per frame, is most of what keeping the KPIs cheap takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from operator import attrgetter, itemgetter

import numpy as np

from sim.engine.eventlog import MISSED, EventLog


@dataclass(frozen=True)
class DutyColumns:
    """One entry per duty of the log: its group, shift, day and times, all cut at the horizon.

    ``end`` is when the member actually left (NaN if absent); ``planned`` when the shift
    was planned to end.
    """

    group: np.ndarray
    shift: np.ndarray
    day: np.ndarray
    start: np.ndarray
    planned: np.ndarray
    end: np.ndarray
    absent: np.ndarray


@dataclass(frozen=True)
class TaskColumns:
    """Every task instance that arrived, started or not, in ``seq`` order.

    ``status`` is 0 (started), WAITING or MISSED; ``stop`` when it stopped waiting (its
    start, its drop time, or the horizon); ``first`` the first member of its crew (-1 if
    never started); ``crew`` the log's crew tuples (for the per-task frame only).
    """

    seq: np.ndarray
    kind: np.ndarray
    arrival: np.ndarray
    start: np.ndarray
    end: np.ndarray
    status: np.ndarray
    stop: np.ndarray
    first: np.ndarray
    nurse_crew: np.ndarray
    #: crew size (0 if never started)
    size: np.ndarray
    #: the log's crew tuples in log order (started first) and ``order`` into seq order
    raw_crews: tuple[tuple[int, ...], ...]
    order: np.ndarray

    def crews(self) -> list[tuple[int, ...]]:
        """Crew member indices of every task in seq order (``()`` if never started)."""
        crews = list(self.raw_crews) + [()] * (len(self.order) - len(self.raw_crews))
        return [crews[i] for i in self.order.tolist()]


@dataclass(frozen=True)
class LogColumns:
    """Duties, busy/break/missed-break spans and tasks of one log, as arrays.

    ``busy`` is (member, start, end cut at the horizon, task index), one span per crew
    member; ``breaks`` (member, start, end cut at the horizon); ``missed`` (member, window
    close, minutes).
    """

    horizon: float
    duties: DutyColumns
    busy: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    breaks: tuple[np.ndarray, np.ndarray, np.ndarray]
    missed: tuple[np.ndarray, np.ndarray, np.ndarray]
    tasks: TaskColumns


def log_columns(log: EventLog, nurse_groups: frozenset[int] = frozenset()) -> LogColumns:
    """Read ``log`` into arrays; ``nurse_groups`` (group indices) give ``nurse_crew``."""
    horizon = log.horizon
    duties = _duties(log)
    started, unstarted = log.started, log.unstarted
    n = len(started)

    def column(i: int, dtype: type) -> np.ndarray:
        # field by field: a row's objects are read while hot, not first gathered by zip
        return np.fromiter(map(itemgetter(i), started), dtype=dtype, count=n)

    crews = tuple(map(itemgetter(6), started))
    sizes = np.fromiter(map(len, crews), dtype=np.int64, count=n)
    who = np.fromiter(chain.from_iterable(crews), dtype=np.int64, count=int(sizes.sum()))
    start_a, end_a = column(4, float), column(5, float)
    kind_a = column(1, np.int64)
    owner = np.repeat(np.arange(n), sizes)  # the task of every crew member
    busy = (who, start_a[owner], np.minimum(end_a, horizon)[owner], kind_a[owner])
    nurse = np.isin(duties.group, list(nurse_groups)).astype(float)
    nurse_crew = np.bincount(owner, weights=nurse[who], minlength=n).astype(np.int64)
    first = np.full(n, -1, dtype=np.int64)
    heads = np.cumsum(sizes) - sizes
    first[sizes > 0] = who[heads[sizes > 0]]
    if unstarted:
        useq, ukind, _, uarrival, ustatus, udrop = zip(*unstarted, strict=True)
    else:
        useq = ukind = uarrival = ustatus = udrop = ()
    ustatus_a = np.array(ustatus, dtype=np.int64)
    ustop = np.where(ustatus_a == MISSED, np.array(udrop, dtype=float), horizon)
    seq_a = np.concatenate((column(0, np.int64), np.array(useq, dtype=np.int64)))
    total = seq_a.size
    # where each row (started, then unstarted) goes in seq order; seq numbers are unique
    # and, as the engine hands them out, 0 .. total - 1: then a row's seq is its place
    if total and seq_a.min() == 0 and seq_a.max() == total - 1:
        place = seq_a
        order = np.empty(total, dtype=np.int64)
        order[place] = np.arange(total)
    else:
        order = np.argsort(seq_a)
        place = np.empty(total, dtype=np.int64)
        place[order] = np.arange(total)
    done, waiting = place[:n], place[n:]

    def in_seq(started_values: np.ndarray | int | float,
               unstarted_values: np.ndarray | int | float, dtype: type) -> np.ndarray:
        out = np.empty(total, dtype=dtype)
        out[done], out[waiting] = started_values, unstarted_values
        return out

    tasks = TaskColumns(
        seq=seq_a[order],
        kind=in_seq(kind_a, np.array(ukind, dtype=np.int64), np.int64),
        arrival=in_seq(column(3, float), np.array(uarrival, dtype=float), float),
        start=in_seq(start_a, np.nan, float),
        end=in_seq(end_a, np.nan, float),
        status=in_seq(0, ustatus_a, np.int64),
        stop=in_seq(start_a, ustop, float),
        first=in_seq(first, -1, np.int64),
        nurse_crew=in_seq(nurse_crew, 0, np.int64),
        size=in_seq(sizes, 0, np.int64),
        raw_crews=crews,
        order=order,
    )
    return LogColumns(horizon, duties, busy, _breaks(log, horizon), _missed(log), tasks)


def _duties(log: EventLog) -> DutyColumns:
    duties, horizon = log.duties, log.horizon
    fields = attrgetter("group", "shift", "day", "start", "end", "absent")
    group, shift, day, start, end, absent = zip(*map(fields, duties), strict=True) \
        if duties else ((),) * 6
    return DutyColumns(
        group=np.array(group, dtype=np.int64),
        shift=np.array(shift, dtype=object),
        day=np.array(day, dtype=np.int64),
        start=np.array(start, dtype=float),
        planned=np.minimum(np.array(end, dtype=float), horizon),
        end=np.minimum(np.array(log.duty_end, dtype=float), horizon),
        absent=np.array(absent, dtype=bool),
    )


def _breaks(log: EventLog, horizon: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not log.breaks:
        empty = np.zeros(0)
        return empty.astype(np.int64), empty, empty
    who, start, end = (np.array(x) for x in zip(*log.breaks, strict=True))
    return who.astype(np.int64), start.astype(float), np.minimum(end.astype(float), horizon)


def _missed(log: EventLog) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not log.missed_breaks:
        empty = np.zeros(0)
        return empty.astype(np.int64), empty, empty
    who, at, minutes = (np.array(x) for x in zip(*log.missed_breaks, strict=True))
    return who.astype(np.int64), at.astype(float), minutes.astype(float)
