"""The record of one replication: what the engine appends, what the metrics read."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.staff import Duty

#: Status of a task instance not started by the horizon: still waiting, or dropped (missed).
WAITING, MISSED = 1, 2


@dataclass
class EventLog:
    """Flat records of one replication, appended by the engine.

    ``started`` rows: (seq, task index, bed, arrival, start, end, crew member indices).
    ``unstarted`` rows: (seq, task index, bed, arrival, status, missed_at) with status
    :data:`WAITING` or :data:`MISSED`. ``duty_end[i]`` is when member i actually left
    (NaN if absent); ``duties[i].end`` is when their shift was planned to end.
    ``breaks`` rows: (member index, start, end) of every break taken; ``missed_breaks`` rows:
    (member index, window close, minutes) of every break not started in its window (both
    empty without breaks, :mod:`sim.breaks`).
    """

    horizon: float
    duties: list[Duty]
    duty_end: list[float]
    started: list[tuple] = field(default_factory=list)
    unstarted: list[tuple] = field(default_factory=list)
    breaks: list[tuple] = field(default_factory=list)
    missed_breaks: list[tuple] = field(default_factory=list)
