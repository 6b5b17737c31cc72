"""The task catalogue: task types and how their instances arrive.

Rates in a scenario are expected counts per occurrence of an interval (per patient present,
or per ward). Within an interval piece counts arrive as a Poisson process, spread uniformly
over it; clock-time tasks (``at``) arrive at their times, optionally jittered; call-bell
tasks (``repeat: after_done``) arrive per patient, the next only after the last is done.

Durations are drawn as one uniform per task instance, from the task's own stream, and
turned into minutes by the inverse transform: into the placed group's duration, and into
the duration of every group with a time of its own (:attr:`TaskType.group_durations`), so
whoever does an instance takes the same quantile of their own group's distribution.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim.calendar import ANYTIME, MINUTES_PER_DAY, WEEKDAY_DAYTIME, Calendar, span_pieces
from sim.distributions import Duration, from_uniform_shared
from sim.rng import Streams

DAY_TYPE_INDEX = {"weekday": 0, "weekend": 1, "holiday": 2}


@dataclass(frozen=True)
class TaskType:
    """One task of the catalogue, in engine form (groups as hierarchy indices)."""

    index: int
    id: str
    name: str
    category: str
    group: int
    requires: str | None
    per_patient: bool
    priority: int
    max_wait: float
    drop_after: float | None
    staff: int
    duration: Duration
    after_done: bool
    rates: tuple[tuple[str, tuple[float, float, float]], ...] = ()
    at: tuple[int, ...] = ()
    jitter: float = 0.0
    day_types: frozenset[str] = frozenset(DAY_TYPE_INDEX)
    #: Per group index (broadest first, up to the placed group), the duration of a group
    #: with a time of its own; None for one that takes :attr:`duration`. Empty if none has.
    group_durations: tuple[Duration | None, ...] = ()
    #: Shift report (``handover: true``): its crew of two is one member of the outgoing
    #: shift and one of the incoming (:func:`sim.engine.dispatch.assign`).
    handover: bool = False
    #: The task's time-use class (:data:`sim.io.schema_tasks.TIME_USE_CLASSES`); empty: by category.
    time_use: str = ""


#: Per group index, the durations of a group with a time of its own (None: the placed
#: group's), one entry per instance; see :func:`group_columns`.
Columns = tuple[np.ndarray | None, ...]


def group_columns(task: TaskType, u: np.ndarray) -> Columns | None:
    """Return the durations of the instances with uniforms ``u`` for each group with its own time.

    One array per group index in :attr:`TaskType.group_durations` (None where the group
    takes the placed group's duration), all instances at once by the inverse transform
    (:func:`~sim.distributions.from_uniform_shared`); None if no group has a time of its own.
    """
    if not task.group_durations:
        return None
    return tuple(from_uniform_shared(task.group_durations, u))


def rate_windows(
    task: TaskType, calendar: Calendar, patients: list[int] | None, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole-minute windows (start, end, expected count) in which ``task`` arrives.

    ``patients`` gives the patients present per day for per-patient tasks; ``None`` gives
    the windows for a single patient (used for call-bell tasks).
    """
    intervals = {i.id: i for i in calendar.intervals}
    daytime = span_pieces(*calendar.weekday_daytime)
    starts, ends, means = [], [], []
    for day in range(calendar.days):
        day_type = calendar.day_type(day)
        units = 1 if (patients is None or not task.per_patient) else patients[day]
        offset = day * MINUTES_PER_DAY
        for key, per_type in task.rates:
            rate = per_type[DAY_TYPE_INDEX[day_type]] * scale * units
            if rate <= 0:
                continue
            if key == ANYTIME:
                pieces: tuple[tuple[int, int], ...] = ((0, MINUTES_PER_DAY),)
            elif key == WEEKDAY_DAYTIME:
                pieces = daytime if day_type == "weekday" else ()
            else:
                pieces = intervals[key].pieces
            total = sum(b - a for a, b in pieces)
            for a, b in pieces:
                starts.append(offset + a)
                ends.append(offset + b)
                means.append(rate * (b - a) / total)
    return np.array(starts, float), np.array(ends, float), np.array(means, float)


@lru_cache(maxsize=1024)
def _windows(task: TaskType, calendar: Calendar, patients: tuple[int, ...] | None,
             scale: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`rate_windows`, read-only and kept: every replication of a model draws from them.

    They depend on the task, calendar, census and scale only, not on the streams; building
    them was a tenth of drawing a replication's inputs.
    """
    out = rate_windows(task, calendar, None if patients is None else list(patients), scale)
    for window in out:
        window.flags.writeable = False
    return out


def poisson_times(
    task: TaskType, calendar: Calendar, patients: list[int], rng: np.random.Generator,
    scale: float = 1.0,
) -> np.ndarray:
    """Sorted arrival times of a rate task: Poisson counts per window, uniform within."""
    starts, ends, means = _windows(task, calendar, tuple(patients), scale)
    counts = rng.poisson(means)
    begin = np.repeat(starts, counts)
    width = np.repeat(ends - starts, counts)
    return np.sort(begin + rng.random(begin.size) * width)


def clock_times(
    task: TaskType, calendar: Calendar, patients: list[int], rng: np.random.Generator
) -> np.ndarray:
    """Sorted arrival times of a clock-time task (one per patient, or one per ward)."""
    times: list[float] = []
    for day in range(calendar.days):
        if calendar.day_type(day) not in task.day_types:
            continue
        count = patients[day] if task.per_patient else 1
        for minute in task.at:
            times.extend([day * MINUTES_PER_DAY + minute] * count)
    out = np.array(times, dtype=float)
    if task.jitter > 0:
        out = out + rng.random(out.size) * task.jitter
    out = np.sort(out)
    return out[out < calendar.horizon]


def open_arrivals(
    task: TaskType, calendar: Calendar, patients: list[int], streams: Streams,
    arrival_scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Arrival times and inherent durations of a task that does not repeat after done.

    Arrivals and durations come from the task's own two streams, so they are the same in
    every scenario that shares the task id, seed and rates. The durations are the placed
    group's; :func:`open_arrivals_by_group` adds those of the other groups.
    """
    times, durations, _ = open_arrivals_by_group(task, calendar, patients, streams,
                                                 arrival_scale, columns=False)
    return times, durations


def open_arrivals_by_group(
    task: TaskType, calendar: Calendar, patients: list[int], streams: Streams,
    arrival_scale: float = 1.0, columns: bool = True,
) -> tuple[np.ndarray, np.ndarray, Columns | None]:
    """:func:`open_arrivals` and the instances' durations per group (:func:`group_columns`)."""
    times, u = open_uniforms(task, calendar, patients, streams, arrival_scale)
    durations = task.duration.from_uniform(u)
    return times, durations, group_columns(task, u) if columns else None


def open_uniforms(
    task: TaskType, calendar: Calendar, patients: list[int], streams: Streams,
    arrival_scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Arrival times of a task that does not repeat after done, and a duration uniform each.

    From the streams ``("arrivals", task id)`` and ``("durations", task id)``.
    """
    rng = streams.generator("arrivals", task.id)
    if task.at:
        times = clock_times(task, calendar, patients, rng)
    else:
        times = poisson_times(task, calendar, patients, rng, arrival_scale)
    return times, streams.generator("durations", task.id).random(times.size)


class CallBell:
    """Arrivals of one patient's ``repeat: after_done`` task (finite-source queue).

    Uses the time-varying per-patient rate (zero on days the bed is empty) through its
    cumulative hazard: the next request comes when an Exp(1) draw of hazard has accrued
    since the last one was done. When that is depends on the run, so the draws are made on
    demand, in blocks of 256 exponentials and 256 duration uniforms from the bed's own
    generator, and kept: request ``k`` has the same draws whichever run asks for it and
    whenever (a run keeps its own count of requests; see :meth:`next_after`).
    """

    _BLOCK = 256

    def __init__(self, cumulative: array, task: TaskType, rng: np.random.Generator):
        self._cum = cumulative
        self._task = task
        self._rng = rng
        self._hazards: list[np.ndarray] = []
        self._durations: list[np.ndarray] = []
        self._columns: list[Columns | None] = []

    @property
    def drawn(self) -> int:
        """How many requests' draws have been made so far."""
        return len(self._hazards) * self._BLOCK

    def draws(self, k: int) -> tuple[float, float, Columns | None, int]:
        """Request ``k``'s hazard, placed-group duration, block columns and index in them."""
        block, i = divmod(k, self._BLOCK)
        while len(self._hazards) <= block:
            self._hazards.append(self._rng.standard_exponential(self._BLOCK))
            u = self._rng.random(self._BLOCK)
            self._durations.append(self._task.duration.from_uniform(u))
            self._columns.append(group_columns(self._task, u))
        return self._hazards[block][i], self._durations[block][i], self._columns[block], i

    def next_after(self, now: float, k: int) -> tuple[float, float, Columns | None, int] | None:
        """Time and duration of request ``k``, the next after ``now``; None past the end.

        The duration is the placed group's; the request's durations for the groups with a
        time of their own are entry ``i`` of the :func:`group_columns` returned with it
        (None if there are none): ``(time, duration, columns, i)``.
        """
        hazard, duration, columns, i = self.draws(k)
        cum = self._cum
        minute = min(int(now), len(cum) - 2)
        target = cum[minute] + (cum[minute + 1] - cum[minute]) * (now - minute) + float(hazard)
        if target >= cum[-1]:
            return None
        m = bisect_left(cum, target)
        step = cum[m] - cum[m - 1]
        # Python floats, as every other time in the engine: a numpy scalar would make the
        # clock, and all the engine's sums after it, numpy arithmetic (the same values,
        # several times slower)
        return (m - 1) + (target - cum[m - 1]) / step, float(duration), columns, i


def call_bells(
    task: TaskType, calendar: Calendar, patients: list[int], streams: Streams,
    arrival_scale: float = 1.0,
) -> list[CallBell]:
    """One :class:`CallBell` per bed that is ever occupied (bed i is occupied if i < census).

    Each bed draws from its own stream ``("call_bell", task id, bed)``.
    """
    hazards = _bed_hazards(task, calendar, tuple(patients[: calendar.days]), arrival_scale)
    return [CallBell(cum, task, streams.generator("call_bell", task.id, bed))
            for bed, cum in enumerate(hazards)]


@lru_cache(maxsize=8)
def _bed_hazards(task: TaskType, calendar: Calendar, patients: tuple[int, ...],
                 arrival_scale: float) -> tuple[array, ...]:
    """Per bed ever occupied, the cumulative hazard per minute of ``task`` (not to be changed).

    The same for every replication of a model (no random numbers in it), so kept: a few
    large arrays, a fifth of drawing a replication's inputs when rebuilt each time. They
    are read one value at a time, as Python floats (``array.array``; ``bisect`` finds what
    ``np.searchsorted`` does): a numpy scalar per read and a ``searchsorted`` call per
    request cost more than the sums.
    """
    starts, ends, means = _windows(task, calendar, None, arrival_scale)
    minutes = int(calendar.horizon)
    rate = np.zeros(minutes)
    for a, b, mean in zip(starts.astype(int), ends.astype(int), means, strict=True):
        rate[a:b] += mean / (b - a)
    census = np.repeat(np.asarray(patients), MINUTES_PER_DAY)
    hazards = []
    for bed in range(max(patients, default=0)):
        cum = np.concatenate(([0.0], np.cumsum(rate * (census > bed))))
        hazards.append(array("d", cum.tobytes()))
    return tuple(hazards)
