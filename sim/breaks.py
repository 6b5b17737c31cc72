"""Meal breaks (pauser): when each member on a shift takes hers, and who stays on the floor.

A scenario's ``breaks`` gives, per shift, the break's ``minutes``, the clock ``window`` in
which it may start and ``keep_on_floor``, the fewest members of each group who must stay
on the floor (on duty and not on break) while a member of that shift goes. The engine
(:mod:`sim.engine`) applies these rules; tests/test_breaks.py pins them down:

* Every member present on a shift with a break has one break, of its ``minutes``, to start
  inside its window ``[open, close)`` on the day the shift starts. Absent members have none.
* A member takes her break as soon as she is free inside the window: at the window's
  opening if she is free then, else when she finishes the task in hand (a break never
  interrupts a task). Breaks go before tasks: a free member whose break is due goes on
  break, not to a waiting task, if the floor allows it.
* Staggering: she may go only if, without her, at least ``keep_on_floor[group]`` members
  of her group stay on the floor: on duty on any shift, not on break, and not past their
  own shift end (members in overtime are leaving). If not, she carries on working and goes
  as soon as a colleague comes back, a colleague comes on duty or she frees again and the
  floor allows it. Several free members due at the same instant go in staff order.
* A break not started by the window's close is missed: recorded once, with its minutes, at
  the close. The rule for simultaneous events holds: a member freeing exactly at the close
  is too late (as a task's ``drop_after``).
* On break a member is neither busy nor available: she takes no task, is on no crew and
  glides nowhere; a two-person task that needs her waits for her (as for a busy colleague,
  :mod:`sim.engine.dispatch`). Utilisation is busy / (on duty - break).
* A window must end at least ``minutes`` before its shift ends, so a break always ends on
  duty; a member who is in overtime has no break left to take (its window has closed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from sim.calendar import MINUTES_PER_DAY, parse_clock, parse_span
from sim.io.errors import shown, suggest
from sim.io.schema import Scenario


@dataclass(frozen=True)
class ShiftBreak:
    """A shift's break in engine form: window minutes counted from the shift's start.

    ``offset`` is from the shift's (clock) start to the window's opening, ``length`` how
    long the window is open; ``keep[g]`` how many of group index g must stay on the floor.
    """

    shift: str
    minutes: float
    offset: int
    length: int
    keep: tuple[int, ...]

    def window(self, shift_start: float) -> tuple[float, float]:
        """Absolute (open, close) of the window of a shift that starts at ``shift_start``."""
        opens = shift_start + self.offset
        return opens, opens + self.length


def shift_breaks(scenario: Scenario) -> tuple[ShiftBreak, ...]:
    """Return the scenario's breaks in engine form, in the order of ``shifts`` (checked before)."""
    rank = {g.id: i for i, g in enumerate(scenario.groups)}
    out = []
    for name, shift in scenario.shifts.items():
        spec = scenario.breaks.get(name)
        if spec is None:
            continue
        offset, length, _ = _placement(parse_clock(shift.start), parse_clock(shift.end),
                                       spec.window)
        keep = [0] * len(rank)
        for group, n in spec.keep_on_floor.items():
            keep[rank[group]] = int(n)
        out.append(ShiftBreak(name, float(spec.minutes), offset, length, tuple(keep)))
    return tuple(out)


def _placement(start: int, end: int, window: str) -> tuple[int, int, int]:
    """(offset from the shift start, window length, shift length) in minutes."""
    shift_length = (end - start) % MINUTES_PER_DAY or MINUTES_PER_DAY
    a, b = parse_span(window)
    length = (b - a) % MINUTES_PER_DAY or MINUTES_PER_DAY
    return (a - start) % MINUTES_PER_DAY, length, shift_length


def check_breaks(scenario: Scenario, fail: Callable[[str, str], NoReturn]) -> None:
    """Every break on a known shift, its window inside the shift, its groups known."""
    groups = [g.id for g in scenario.groups]
    for name, spec in scenario.breaks.items():
        where = f"breaks.{name}"
        shift = scenario.shifts.get(name)
        if shift is None:
            fail(where, f"{shown(name)} is not a shift{suggest(name, scenario.shifts)}")
        try:
            start, end = parse_clock(shift.start), parse_clock(shift.end)
            offset, length, shift_length = _placement(start, end, spec.window)
        except ValueError as err:
            fail(f"{where}.window", str(err))
        if offset + length + spec.minutes > shift_length:
            fail(f"{where}.window", f"{shown(spec.window)} must lie inside the shift "
                 f"({shift.start}-{shift.end}) and end at least {spec.minutes:g} minutes (the "
                 "break) before the shift ends, so that every break ends on duty")
        for group in spec.keep_on_floor:
            if group not in groups:
                fail(f"{where}.keep_on_floor.{group}",
                     f"{shown(group)} is not a staff group{suggest(group, groups)}")
