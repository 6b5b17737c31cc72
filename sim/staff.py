"""Staff groups, shifts, rosters, certifications and absence.

The roster gives head counts per group, shift and day type. Each head count is a set of
numbered *positions* (``sykepleier/day/0``, ``/1`` ...); on every shift the first positions
of a group hold a certification when the scenario gives a count or share of the group.
Absence is decided per position and shift from a table of uniforms per group and shift,
one row per day and a fixed-width block of columns (:func:`sim.inputs.draw_absence`), so
that changing a head count does not change who else is absent; :meth:`Staffing.duties`
only reads the table.

Absence cover: a share of a group's absences is covered by an extra shift (ekstravakt),
overtime or an agency nurse (innleie). Which source covers an absent position on a day is
decided from a second table of the same shape (stream ``("absence_cover", group, shift)``):
its uniform ``u`` picks the first source whose cumulative share exceeds ``u`` (extra shift,
then overtime, then agency), and none if ``u`` is past their sum. The same absence is thus
covered the same way whatever the heads, and a larger share only adds covers. The covering
person is one more present :class:`Duty` of the group on the absent person's shift and
span; an extra shift or overtime is worked by a colleague of the ward's own pool, who holds
the absent position's certifications, an agency nurse holds none (she is not trained in the
ward's own procedures).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.calendar import MINUTES_PER_DAY, Calendar

#: Label of the single all-horizon "shift" of a roster entry given as a plain number.
CONTINUOUS = "continuous"

#: Per (group index, shift name), absence uniforms: row ``day + 1`` for days -1 .. days - 1,
#: column ``position``; a position is absent on a day if its uniform is below the rate.
AbsenceTables = Mapping[tuple[int, str], np.ndarray]

#: Who covers an absent person's shift, in the order their shares are added up.
COVER_SOURCES = ("extra_shift", "overtime", "agency")
#: What a covering hour costs on top of the group's hourly cost, per source (0.5 = 50 %).
DEFAULT_PREMIUMS = (0.0, 0.5, 1.0)
NO_COVER = (0.0, 0.0, 0.0)


@dataclass(frozen=True, eq=False)
class AbsenceDraws(Mapping[tuple[int, str], np.ndarray]):
    """The absence tables (read as the mapping itself) and the cover tables beside them.

    ``cover[(group, shift)]`` has the shape of the absence table: the uniform that picks
    the source covering that position on that day if it is absent (:func:`cover_source`).
    """

    tables: AbsenceTables
    cover: AbsenceTables = field(default_factory=dict)

    def __getitem__(self, key: tuple[int, str]) -> np.ndarray:
        return self.tables[key]

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)


def cover_source(u: float, shares: tuple[float, float, float]) -> str:
    """Return the source whose cumulative share first exceeds ``u``; "" if none (uncovered)."""
    total = 0.0
    for source, share in zip(COVER_SOURCES, shares, strict=True):
        total += share
        if u < total:
            return source
    return ""


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
    #: "" for a rostered person, else the source covering an absent one (COVER_SOURCES).
    cover: str = ""


@dataclass(frozen=True)
class Staffing:
    """Groups (broadest first), shifts, head counts, certification rules and absence rates.

    ``counts[(group, shift)]`` is a (weekday, weekend, holiday) head count, and
    ``continuous[group]`` the number on duty around the clock. ``daily[(group, shift)]``,
    if given, is the head count day by day (days -1 .. days - 1, the night before day 0
    first) and replaces ``counts`` for that pair in :meth:`duties`: a trace of who was on
    duty (``wardsim pilot check``); its ``counts`` entry must then be at least as large.
    ``cover[group]`` is the group's (extra shift, overtime, agency) shares of absences
    covered (none if the tuple is empty), ``premiums`` what an hour of each costs on top
    of the group's hourly cost (kept here so the cost of a roster needs only its staffing).
    """

    group_ids: tuple[str, ...]
    shifts: tuple[Shift, ...]
    counts: tuple[tuple[int, str, tuple[int, int, int]], ...]
    continuous: tuple[tuple[int, int], ...]
    certifications: tuple[tuple[str, int, str | float], ...]
    absence: tuple[float, ...]
    daily: tuple[tuple[int, str, tuple[int, ...]], ...] = ()
    cover: tuple[tuple[float, float, float], ...] = ()
    premiums: tuple[float, float, float] = DEFAULT_PREMIUMS

    @property
    def has_cover(self) -> bool:
        """Whether any group has a share of its absences covered."""
        return any(any(shares) for shares in self.cover)

    def present_share(self, group: int) -> float:
        """Return the expected share of a group's rostered positions with someone on duty.

        A position is empty only if its holder is absent and no source covers it.
        """
        return 1.0 - self.absence[group] * (1.0 - sum(self.cover_of(group)))

    def certified_gap(self, group: int) -> float:
        """Chance that a certified position has nobody holding its certifications on duty.

        Its holder is absent and not covered by the ward's own staff: extra shifts and
        overtime keep the position's certifications, agency staff hold none. Positions are
        absent and covered independently, so with k certified the chance that none is
        present is exactly this to the power k.
        """
        extra, overtime, _ = self.cover_of(group)
        return self.absence[group] * (1.0 - extra - overtime)

    def cover_of(self, group: int) -> tuple[float, float, float]:
        """Return a group's (extra shift, overtime, agency) shares of absences covered."""
        return self.cover[group] if group < len(self.cover) else NO_COVER

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
        with an absence rate and shift, as wide as the largest head count, and for a group
        with cover shares the cover tables beside them (:class:`AbsenceDraws`): a covered
        absent Duty is followed by the present Duty of whoever covers it. Night shifts
        that started the day before day 0 are included, cut at time 0, so the ward is
        staffed from the first minute.

        Raises
        ------
        ValueError
            If a table is missing or narrower than a head count.
        """
        covers: AbsenceTables = getattr(absence, "cover", {})
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
            shares = self.cover_of(group) if draws is not None else NO_COVER
            chosen = _cover_table(covers, group, shift_name, draws) if any(shares) else None
            for day in range(-1, calendar.days):
                n = self.head_count(group, shift_name, calendar.day_type(day)) \
                    if trace is None else trace[day + 1]
                start, end = shift.span(day)
                if n == 0 or end <= 0 or start >= horizon:
                    continue
                for position in range(n):
                    absent = draws is not None and draws[day + 1, position] < rate
                    duty = Duty(
                        staff_id=f"{self.group_ids[group]}/{shift_name}/{position}",
                        group=group, shift=shift_name, day=day, start=max(start, 0.0), end=end,
                        certs=self.certs_of(group, position, n), absent=absent,
                    )
                    out.append(duty)
                    source = cover_source(chosen[day + 1, position], shares) \
                        if absent and chosen is not None else ""
                    if source:
                        out.append(Duty(
                            staff_id=f"{duty.staff_id}:{source}", group=group, shift=shift_name,
                            day=day, start=duty.start, end=end, absent=False, cover=source,
                            certs=frozenset() if source == "agency" else duty.certs,
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


def _cover_table(covers: AbsenceTables, group: int, shift: str,
                 draws: np.ndarray) -> np.ndarray:
    """Return the cover table of a group's shift, as large as its absence table."""
    table = covers.get((group, shift))
    if table is None or table.shape[0] < draws.shape[0] or table.shape[1] < draws.shape[1]:
        raise ValueError(f"no absence cover table for group {group} on {shift} as large as its "
                         "absence table: draw the inputs for it (sim.inputs.draw_inputs)")
    return table
