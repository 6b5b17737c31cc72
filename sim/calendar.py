"""Ward time: minutes since day 0 00:00, day types and the daily-rhythm intervals.

All engine times are floats in minutes from the start of day 0. A *clock interval*
(``07-09``, ``22-07`` ...) is a set of clock minutes; together the clock intervals
cover every minute of the day exactly once, so each moment belongs to one interval.
An interval that wraps midnight (``22-07``) is, on a given calendar day, the two
pieces 00:00-07:00 and 22:00-24:00 of that same day: a minute always belongs to the
calendar day it falls on, and that day's type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MINUTES_PER_DAY = 1440
DAY_TYPES: tuple[str, ...] = ("weekday", "weekend", "holiday")
WEEKDAYS: tuple[str, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)
#: The six clock intervals of the daily-rhythm plan (døgnrytmeplan), seed 001.
DEFAULT_INTERVALS: tuple[tuple[str, str], ...] = (
    ("07-09", "07:00-09:00"),
    ("09-12", "09:00-12:00"),
    ("12-15", "12:00-15:00"),
    ("15-18", "15:00-18:00"),
    ("18-22", "18:00-22:00"),
    ("22-07", "22:00-07:00"),
)
#: `when` keys that are not clock intervals: the plan's "no fixed time" and "weekday daytime".
ANYTIME = "anytime"
WEEKDAY_DAYTIME = "weekday_daytime"


def parse_clock(text: str) -> int:
    """Return the minute of the day for ``"HH:MM"`` (``"24:00"`` is 1440).

    Raises
    ------
    ValueError
        If the text is not a clock time.
    """
    try:
        hours, minutes = text.split(":")
        h, m = int(hours), int(minutes)
    except (AttributeError, ValueError):
        raise ValueError(f"{text!r} is not a clock time; write it as \"HH:MM\"") from None
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(f"{text!r} is not a clock time between 00:00 and 24:00")
    return h * 60 + m


def parse_span(text: str) -> tuple[int, int]:
    """Return (start, end) minutes for ``"HH:MM-HH:MM"``; end <= start means it wraps midnight."""
    try:
        start, end = text.split("-")
    except (AttributeError, ValueError):
        raise ValueError(f"{text!r} is not a time span; write it as \"HH:MM-HH:MM\"") from None
    return parse_clock(start.strip()), parse_clock(end.strip())


def span_pieces(start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Split a clock span into the pieces it covers within one day (a wrap gives two)."""
    if start == end:
        return ((0, MINUTES_PER_DAY),)
    if start < end:
        return ((start, end),)
    return tuple(p for p in ((0, end), (start, MINUTES_PER_DAY)) if p[0] < p[1])


@dataclass(frozen=True)
class Interval:
    """A named clock interval, e.g. ``22-07`` = 22:00-07:00."""

    id: str
    start: int
    end: int

    @property
    def pieces(self) -> tuple[tuple[int, int], ...]:
        """The within-day pieces of this interval, in minutes of the day."""
        return span_pieces(self.start, self.end)

    @property
    def minutes(self) -> int:
        """Length of the interval in minutes per day."""
        return sum(b - a for a, b in self.pieces)


@dataclass(frozen=True)
class Calendar:
    """The simulated horizon: days, their types and the clock intervals."""

    days: int
    start_weekday: int
    holidays: frozenset[int]
    intervals: tuple[Interval, ...]
    weekday_daytime: tuple[int, int]

    @property
    def horizon(self) -> float:
        """Length of the simulation in minutes."""
        return float(self.days * MINUTES_PER_DAY)

    def day_type(self, day: int) -> str:
        """Return ``holiday``, ``weekend`` or ``weekday`` for a day number."""
        if day in self.holidays:
            return "holiday"
        return "weekend" if (self.start_weekday + day) % 7 >= 5 else "weekday"

    def day_types(self) -> list[str]:
        """Day type of every day in the horizon."""
        return [self.day_type(d) for d in range(self.days)]

    def interval_lookup(self) -> np.ndarray:
        """Array of length 1440: the index of the clock interval of each minute of the day."""
        lookup = np.full(MINUTES_PER_DAY, -1, dtype=np.int16)
        for i, interval in enumerate(self.intervals):
            for a, b in interval.pieces:
                lookup[a:b] = i
        return lookup

    def interval_ids(self) -> list[str]:
        """Return the clock interval ids in order."""
        return [i.id for i in self.intervals]


def check_partition(intervals: tuple[Interval, ...]) -> str | None:
    """Return a message if the intervals do not cover each clock minute exactly once."""
    count = np.zeros(MINUTES_PER_DAY, dtype=int)
    for interval in intervals:
        for a, b in interval.pieces:
            count[a:b] += 1
    for minute in range(MINUTES_PER_DAY):
        if count[minute] != 1:
            clock = f"{minute // 60:02d}:{minute % 60:02d}"
            what = "no interval" if count[minute] == 0 else f"{count[minute]} intervals"
            return f"the clock time {clock} belongs to {what}; every minute must be in exactly one"
    return None
