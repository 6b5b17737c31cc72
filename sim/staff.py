"""Staff groups, shifts, rosters, certifications and absence.

The roster gives head counts per group, shift and day type. Each head count is a set of
numbered *positions* (``sykepleier/day/0``, ``/1`` ...); on every shift the first positions
of a group hold a certification when the scenario gives a count or share of the group.
Absence is decided per position and shift from a table of uniforms per group and shift,
one row per day and a fixed-width block of columns (:func:`sim.inputs.draw_absence`), so
that changing a head count does not change who else is absent; :meth:`Staffing.duties`
only reads the table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.calendar import MINUTES_PER_DAY, Calendar

#: Label of the single all-horizon "shift" of a roster entry given as a plain number.
CONTINUOUS = "continuous"

#: Per (group index, shift name), absence uniforms: row ``day + 1`` for days -1 .. days - 1,
#: column ``position``; a position is absent on a day if its uniform is below the rate.
AbsenceTables = Mapping[tuple[int, str], np.ndarray]


@dataclass(frozen=True)
class Shift:
    """A shift (vakt): clock start and end in minutes; end <= start runs past midnight."""

    name: str
    start: int
    end: int

    def span(self, day: int) -> tuple[float, float]:
        """Absolute (start, end) minutes of this shift when it starts on ``day``."""
        start = day * MINUTES_PER_DAY + self.start
        length = (self.end - self.start) % MINUTES_PER_DAY or MINUTES_PER_DAY
        return float(start), float(start + length)


@dataclass(frozen=True)
class Duty:
    """One person on one shift: who, which group, when, what they are certified for."""

    staff_id: str
    group: int
    shift: str
    day: int
    start: float
    end: float
    certs: frozenset[str]
    absent: bool


@dataclass(frozen=True)
class Staffing:
    """Groups (broadest first), shifts, head counts, certification rules and absence rates.

    ``counts[(group, shift)]`` is a (weekday, weekend, holiday) head count, and
    ``continuous[group]`` the number on duty around the clock. ``daily[(group, shift)]``,
    if given, is the head count day by day (days -1 .. days - 1, the night before day 0
    first) and replaces ``counts`` for that pair in :meth:`duties`: a trace of who was on
    duty (``wardsim pilot check``); its ``counts`` entry must then be at least as large.
    """

    group_ids: tuple[str, ...]
    shifts: tuple[Shift, ...]
    counts: tuple[tuple[int, str, tuple[int, int, int]], ...]
    continuous: tuple[tuple[int, int], ...]
    certifications: tuple[tuple[str, int, str | float], ...]
    absence: tuple[float, ...]
    daily: tuple[tuple[int, str, tuple[int, ...]], ...] = ()

    def head_count(self, group: int, shift: str, day_type: str) -> int:
        """Return the number rostered for a group on a shift of a day type."""
        index = ("weekday", "weekend", "holiday").index(day_type)
        for g, s, per_type in self.counts:
            if g == group and s == shift:
                return per_type[index]
        return 0

    def certified(self, cert: str, group: int, on_duty: int) -> int:
        """How many of ``on_duty`` members of ``group`` on a shift hold ``cert``."""
        for c, g, rule in self.certifications:
            if c == cert and g == group:
                if rule == "all":
                    return on_duty
                if isinstance(rule, float) and rule <= 1 and not float(rule).is_integer():
                    return min(on_duty, math.floor(rule * on_duty + 0.5))
                return min(on_duty, int(rule))
        return 0

    def certs_of(self, group: int, position: int, on_duty: int) -> frozenset[str]:
        """Certifications held by the ``position``-th member of a group on a shift."""
        names = {c for c, g, _ in self.certifications if g == group}
        return frozenset(c for c in names if position < self.certified(c, group, on_duty))

    def duties(self, calendar: Calendar, absence: AbsenceTables | None) -> list[Duty]:
        """Every person's shift over the horizon, absent or not (nobody if ``absence`` is None).

        ``absence`` holds the drawn tables (:func:`sim.inputs.draw_absence`): one per group
        with an absence rate and shift, as wide as the largest head count. Night shifts
        that started the day before day 0 are included, cut at time 0, so the ward is
        staffed from the first minute.

        Raises
        ------
        ValueError
            If a table is missing or narrower than a head count.
        """
        shifts = {s.name: s for s in self.shifts}
        horizon = calendar.horizon
        out: list[Duty] = []
        daily = {(g, s): per_day for g, s, per_day in self.daily}
        for group, shift_name, per_type in self.counts:
            shift = shifts[shift_name]
            trace = daily.get((group, shift_name))
            rate = self.absence[group]
            draws = None
            if absence is not None and rate > 0:
                draws = absence.get((group, shift_name))
                if draws is None or draws.shape[1] < max(per_type) \
                        or draws.shape[0] < calendar.days + 1:
                    raise ValueError(
                        f"no absence table for {max(per_type)} {self.group_ids[group]} on "
                        f"{shift_name} over {calendar.days} days: draw the inputs for it "
                        "(sim.inputs.draw_inputs, max_heads)")
            for day in range(-1, calendar.days):
                n = self.head_count(group, shift_name, calendar.day_type(day)) \
                    if trace is None else trace[day + 1]
                start, end = shift.span(day)
                if n == 0 or end <= 0 or start >= horizon:
                    continue
                for position in range(n):
                    absent = draws is not None and draws[day + 1, position] < rate
                    out.append(Duty(
                        staff_id=f"{self.group_ids[group]}/{shift_name}/{position}",
                        group=group, shift=shift_name, day=day, start=max(start, 0.0), end=end,
                        certs=self.certs_of(group, position, n), absent=absent,
                    ))
        for group, n in self.continuous:
            for position in range(n):
                out.append(Duty(
                    staff_id=f"{self.group_ids[group]}/{CONTINUOUS}/{position}",
                    group=group, shift=CONTINUOUS, day=0, start=0.0, end=horizon,
                    certs=self.certs_of(group, position, n), absent=False,
                ))
        out.sort(key=lambda d: (d.start, d.group, d.staff_id))
        return out
