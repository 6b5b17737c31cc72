"""Meal breaks in the engine: who goes on break when, and who must stay on the floor.

:class:`BreakRules` is mixed into the ward of :mod:`sim.engine` when a scenario has breaks
(:class:`sim.engine._BreakWard`); the rules themselves are :mod:`sim.breaks`.
"""

from __future__ import annotations

import simpy

from sim.breaks import ShiftBreak
from sim.engine.dispatch import Member
from sim.inputs import Inputs
from sim.model import WardModel


class BreakRules:
    """Meal breaks of a ward's shifts, mixed into the engine's ward; rules in :mod:`sim.breaks`.

    Mixed in as :class:`sim.engine._BreakWard`, so that a ward without breaks runs the plain
    :class:`sim.engine._Ward` at no cost.
    A member whose break window is open and who has not started it is *due*; the dispatch
    of an instant first sends the free due members on break, in staff order, as far as
    ``keep_on_floor`` allows, then matches the others to tasks. ``_could_start`` and
    ``_dispatch`` look at breaks only while someone is due (one test of ``due``), and are
    methods of the class throughout: swapping them on the instance while someone is due
    (as this did before) changed the ward's attribute layout, and made every attribute
    read on the hot path slower (about 10 % of the engine's instructions).
    """

    def __init__(self, env: simpy.Environment, model: WardModel, inputs: Inputs) -> None:
        super().__init__(env, model, inputs)
        self.due: list[Member] = []  # window open, break not started; in staff order
        self.resting: set[int] = set()  # member indices on break now
        self.break_of: dict[int, ShiftBreak] = {}  # member index -> her shift's break

    def start(self) -> None:
        """Start the ward, and open and close every break window on time."""
        super().start()
        by_shift = {b.shift: b for b in self.model.breaks}
        shifts = {s.name: s for s in self.model.staffing.shifts}
        horizon = self.log.horizon
        windows: dict[tuple[float, float], list[Member]] = {}
        for i, duty in enumerate(self.log.duties):
            spec = by_shift.get(duty.shift)
            if spec is None or duty.absent:
                continue
            opens, closes = spec.window(shifts[duty.shift].span(duty.day)[0])
            if closes <= 0 or opens >= horizon:
                continue
            self.break_of[i] = spec
            windows.setdefault((max(opens, 0.0), closes), []).append(self.members[i])
        for (opens, closes), members in sorted(windows.items(), key=lambda kv: kv[0]):
            self.env.timeout(opens).callbacks.append(lambda _, ms=members: self._open(ms))
            if closes < horizon:
                self.env.timeout(closes).callbacks.append(lambda _, ms=members: self._close(ms))

    def _open(self, members: list[Member]) -> None:
        self.due.extend(members)
        self._request()

    def _close(self, members: list[Member]) -> None:
        """Miss every break of ``members`` not started by its window's close."""
        now, due = self.env.now, self.due
        for m in members:
            if m in due:
                due.remove(m)
                self.log.missed_breaks.append((m.index, now, self.break_of[m.index].minutes))

    def _could_start(self) -> bool:
        """Tell whether a break (while someone is due) or, as the plain ward, a task could start."""
        if self.due:
            idle = self.idle
            for m in self.due:
                if m in idle and (self._on_floor(m.group)
                                  > self.break_of[m.index].keep[m.group]):
                    return True
        return super()._could_start()

    def _on_floor(self, group: int) -> int:
        """Members of ``group`` on duty, staying past now and not on break."""
        now, resting = self.env.now, self.resting
        return sum(1 for x in self.on_duty if x.group == group and x.off_at > now
                   and x.index not in resting)

    def _dispatch(self, now: float) -> None:
        """Send the free due members on break as far as the floor allows; then the plain one."""
        if self.due:
            self._take_breaks()
        super()._dispatch(now)

    def _take_breaks(self) -> None:
        now, idle, resting = self.env.now, self.idle, self.resting
        floor: dict[int, int] = {}  # per group: on duty, staying, not on break
        for m in list(self.due):
            if m not in idle:
                continue  # busy: she goes when she is free again
            group = m.group
            if group not in floor:
                floor[group] = self._on_floor(group)
            spec = self.break_of[m.index]
            if floor[group] - 1 < spec.keep[group]:
                continue
            floor[group] -= 1
            self.due.remove(m)
            idle.remove(m)
            resting.add(m.index)
            self.log.breaks.append((m.index, now, now + spec.minutes))
            self.env.timeout(spec.minutes).callbacks.append(lambda _, m=m: self._back(m))

    def _back(self, member: Member) -> None:
        """Back from break (always before her shift ends: the window is checked so)."""
        self.resting.discard(member.index)
        member.idle_since = self.env.now
        self.idle.append(member)
        self._request()
