"""The SimPy engine: with :mod:`sim.engine_breaks`, all that schedules events; it computes no KPI.

It draws nothing: :func:`simulate` runs a model on a replication's :class:`~sim.inputs.Inputs`
(arrivals, durations, absence tables, call-bell streams, drawn before by
:func:`~sim.inputs.draw_inputs`) and does not change them (a call bell may only draw its
next block, the same whichever run asks first), so one draw serves every roster tried on
the same task list (common random numbers). Who may take what, and when, is the
model's :class:`~sim.dispatch.DispatchPolicy`'s to say.

Rule for events at the same instant (tested in tests/test_engine_deterministic.py): every
state change at time t (task completions, shift ends and starts, arrivals, glide timers)
is applied first, in any order, and then a single dispatch runs: the run loop
(:meth:`_Ward.run`) steps SimPy's environment and, once no event of the instant is left in
its queue, calls the dispatch requested at that instant, as an event of the lowest
priority would run (without one event per dispatch). So a task that ends exactly at shift
end frees a member who is already leaving, and a member whose shift starts at t can take a
task that arrives at t.

A member whose shift ends finishes the task in hand (overtime) and leaves; tasks still
waiting carry over to whoever is on duty next. Meal breaks (:mod:`sim.breaks`) run in a
ward class of their own, :class:`_BreakWard` (:mod:`sim.engine_breaks`), so a scenario
without breaks runs the plain :class:`_Ward`: a free member whose break is due goes on
break in the same dispatch, before the tasks are matched. The run stops at the horizon:
tasks then in service are recorded with their (later) end, tasks never started as waiting or missed.

Who does a task takes their own group's time for it (a task's ``minutes`` and
``duration_by_group`` per group), falling back to the placed group's: its own group, a
broader group gliding in, or the new group after a move. A crew (``staff: 2``) takes the
time of the group of its first member, the one :func:`sim.dispatch.assign` picked first
(its own group's if the crew has one). Each instance has one uniform, drawn as before from
its task's stream; it is turned into the duration of every group with a time of its own up
front, one array per group for all of the task's instances at once
(:func:`sim.catalogue.group_columns`, in the inputs), and the dispatch looks up the crew's
group there only when that group has one (no distribution is evaluated per job).
"""

from __future__ import annotations

import math

from collections.abc import Callable

import numpy as np
import simpy
from simpy.events import Event

from sim.catalogue import Columns
from sim.dispatch import Job, Member, match
from sim.engine_breaks import BreakRules
from sim.engine_queue import WorkQueue
from sim.eventlog import MISSED, WAITING, EventLog
from sim.inputs import Arrivals, Inputs
from sim.model import WardModel

NORMAL = simpy.events.NORMAL


class _Timer(Event):
    """A timeout with its one callback and value: a :class:`simpy.Timeout` made in one call.

    Scheduled as a Timeout is (same priority, same order), so the run is the same; it
    spares the hot path the delay check and the separate ``callbacks.append``.
    """

    def __init__(self, env: simpy.Environment, delay: float, callback: Callable[[Event], None],
                 value: object = None) -> None:
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        env.schedule(self, NORMAL, delay)

class _Ward:
    """Engine state for one replication."""

    def __init__(self, env: simpy.Environment, model: WardModel, inputs: Inputs) -> None:
        self.env, self.model, self.inputs = env, model, inputs
        self.policy = model.dispatch
        self.broader = model.dispatch.broader_may_take  # may a broader group ever help
        self.wake_after = [model.dispatch.wake_after(task) for task in model.tasks]
        duties = model.staffing.duties(model.calendar, inputs.absence)
        self.members = [Member(i, d.group, d.certs, d.end) for i, d in enumerate(duties)]
        self.log = EventLog(model.calendar.horizon, duties, [float("nan")] * len(duties))
        self.queue = WorkQueue(1 + max((t.priority for t in model.tasks), default=0),
                               len(model.group_ids), model.dispatch)
        self.idle: list[Member] = []
        self.on_duty: list[Member] = []
        self.new_jobs: list[Job] = []
        #: The dispatch requested at this instant (bound when requested), or None.
        self.pending: Callable[[], None] | None = None
        self.seq = 0
        # per (task index, bed): the bed's call bell and how many requests it has made
        self.bells: dict[tuple[int, int], list] = {}

    # -- sources ------------------------------------------------------------------------
    def start(self) -> None:
        """Start the call bells, the open arrivals and the roster."""
        for task_index, bed, bell in self.inputs.bells:
            self.bells[(task_index, bed)] = [bell, 0]
            self._ring(task_index, bed, 0.0)
        if self.inputs.open_tasks:
            self._arrivals(self.inputs.arrivals)
        self.env.process(self._roster())

    def _arrivals(self, arrivals: Arrivals) -> None:
        """Let the drawn tasks arrive in order: one timeout per instant, chained.

        Callbacks rather than a SimPy process, which would add a generator resume to
        every arrival on the hot path. ``by_group`` holds, per task index with per-group
        times, its :func:`~sim.catalogue.group_columns`; ``draws`` each instance's index
        in them (both None if no task has per-group times).
        """
        times, kinds, durations = arrivals.times, arrivals.kinds, arrivals.durations
        by_group, draws = arrivals.columns, arrivals.draws
        env, tasks, n = self.env, self.model.tasks, len(times)
        i = 0

        def arrive(_event: Event | None = None) -> None:
            nonlocal i
            now = env.now
            if by_group is None:
                while i < n and times[i] <= now:
                    self._arrive(tasks[kinds[i]], durations[i], -1)
                    i += 1
            else:
                while i < n and times[i] <= now:
                    kind = kinds[i]
                    self._arrive(tasks[kind], durations[i], -1, by_group.get(kind), draws[i])
                    i += 1
            if i < n:
                _Timer(env, times[i] - now, arrive)

        _Timer(env, 0, arrive)

    def _roster(self):
        env = self.env
        changes = []
        for i, duty in enumerate(self.log.duties):
            if not duty.absent:
                changes.append((duty.start, 1, i))
                changes.append((duty.end, 0, i))
        changes.sort()
        for t, on, i in changes:
            if t >= self.log.horizon:
                break
            if t > env.now:
                yield env.timeout(t - env.now)
            member = self.members[i]
            if on:
                member.idle_since = env.now
                self.idle.append(member)
                self.on_duty.append(member)
                self._request()
            elif not member.busy and math.isnan(self.log.duty_end[i]):
                # not busy and not already gone (a task ending at this instant may have
                # let the member leave before this event ran)
                self.idle.remove(member)
                self._leave(member)
                self._request()  # a crew may no longer form: whoever was kept for it is free

    def _ring(self, task_index: int, bed: int, after: float) -> None:
        state = self.bells[(task_index, bed)]
        nxt = state[0].next_after(after, state[1])
        state[1] += 1
        if nxt is None or nxt[0] >= self.log.horizon:
            return
        when, duration, columns, draw = nxt
        task = self.model.tasks[task_index]
        _Timer(self.env, when - self.env.now, self._rang, (task, duration, bed, columns, draw))

    def _rang(self, event: Event) -> None:
        self._arrive(*event._value)

    # -- state changes ------------------------------------------------------------------
    def _arrive(self, task, duration: float, bed: int, by_group: Columns | None = None,
                draw: int = 0) -> None:
        job = Job(self.seq, task, self.env.now, duration, bed)
        if by_group is not None:
            job.by_group, job.draw = by_group, draw
        self.seq += 1
        self.queue.add(job)
        self.new_jobs.append(job)
        self._request()

    def _request(self) -> None:
        """Schedule this instant's dispatch, unless nothing could start.

        A task can start only if someone idle may take a waiting task: a member of its
        own group, or (gliding) of a broader group. The state change that later makes that
        true (at this or a later instant) requests the dispatch itself.
        """
        if self.pending:
            return
        if self._could_start():
            self.pending = self._dispatch
        elif self.new_jobs:
            self._arm()

    def _could_start(self) -> bool:
        """Test, cheaply and conservatively, whether a dispatch now might start something."""
        queue = self.queue
        if not self.idle or not queue.size:
            return False
        counts, broadest = queue.per_group, len(queue.per_group)
        for m in self.idle:  # a plain loop: cheaper than any() on the few idle members
            if counts[m.group]:
                return True
            if m.group < broadest:
                broadest = m.group
        if not self.broader or not any(counts[broadest + 1:]):
            return False
        # a narrower group's task that may glide already (a later one's glide timer
        # requests the dispatch when it gets there)
        return queue.glides_to(broadest, self.env.now)

    def _dispatch(self) -> None:
        self.pending = None
        env, now, log, queue, idle = self.env, self.env.now, self.log, self.queue, self.idle
        if not idle:
            self._arm()
            return
        groups = {m.group for m in idle}
        assignments = match(queue.blocks(groups, min(groups), now), idle, now, self.policy,
                            self.on_duty)
        for job, crew in assignments:
            queue.remove(job)
            duration = job.duration
            if job.by_group is not None:  # the crew's first member's group's own time
                own = job.by_group[crew[0].group]
                if own is not None:
                    duration = float(own[job.draw])
            end = now + duration
            job.start, job.crew = now, tuple([m.index for m in crew])
            for m in crew:
                m.busy, m.free_at = True, end
                idle.remove(m)
            log.started.append((job.seq, job.task.index, job.bed, job.arrival, now, end, job.crew))
            _Timer(env, duration, self._done, (job, crew))
        if self.new_jobs:
            self._arm()

    def _arm(self) -> None:
        """Set the glide and drop timers of the tasks that arrived and did not start at once."""
        env, wake_after = self.env, self.wake_after
        for job in self.new_jobs:
            if job.start is not None:
                continue
            wake = wake_after[job.task.index]
            if wake is not None:  # when a broader group may first take it
                _Timer(env, wake, self._wake)
            if job.task.drop_after is not None:
                _Timer(env, job.task.drop_after, self._drop, job)
        self.new_jobs.clear()

    def _wake(self, _event: Event) -> None:
        self._request()

    def _drop(self, event: Event) -> None:
        """Mark a task not started by its drop time (the event's value) as missed."""
        job = event._value  # a _Timer's value, read without the property's check
        if job.start is None:
            self.queue.remove(job)
            self.log.unstarted.append((job.seq, job.task.index, job.bed, job.arrival, MISSED,
                                       self.env.now))
            if job.task.after_done:  # the patient gave up on this call and may ring again
                self._ring(job.task.index, job.bed, self.env.now)
            self._request()  # whoever was kept for its crew is free for other tasks

    def _done(self, event: Event) -> None:
        """Free the crew of a finished job (the event's value: job, crew)."""
        job, crew = event._value
        now = self.env.now
        for m in crew:
            m.busy = False
            if now >= m.off_at:
                self._leave(m)
            else:
                m.idle_since = now
                self.idle.append(m)
        if job.task.after_done:
            self._ring(job.task.index, job.bed, now)
        self._request()

    def _leave(self, member: Member) -> None:
        self.on_duty.remove(member)
        self.log.duty_end[member.index] = self.env.now

    def run(self, until: float) -> None:
        """Step the environment up to ``until``; dispatch once each instant's events are done."""
        env = self.env
        step, peek = env.step, env.peek
        while (now := peek()) < until:
            step()
            if self.pending is not None and peek() > now:
                self.pending()

    def finish(self) -> EventLog:
        """Close the log at the horizon: who is still on duty, which tasks never started."""
        log, horizon = self.log, self.log.horizon
        for m in self.members:
            duty = log.duties[m.index]
            if np.isnan(log.duty_end[m.index]) and not duty.absent and duty.start < horizon:
                log.duty_end[m.index] = max(duty.end, m.free_at) if m.busy else duty.end
        for job in self.queue.in_order():
            log.unstarted.append((job.seq, job.task.index, job.bed, job.arrival, WAITING, None))
        return log


class _BreakWard(BreakRules, _Ward):
    """A ward whose shifts have meal breaks (:class:`sim.engine_breaks.BreakRules`)."""


def simulate(model: WardModel, inputs: Inputs) -> EventLog:
    """Run one replication of ``model`` on its drawn ``inputs`` and return the log.

    ``inputs`` come from :func:`~sim.inputs.draw_inputs` for a model with the same task
    list, calendar and census (the roster and dispatch policy may differ); they are not
    changed, so the same inputs may be run again, for this model or another roster.

    Raises
    ------
    ValueError
        If the inputs were drawn for another task list, calendar or census.
    """
    inputs.check(model)
    env = simpy.Environment()
    ward = (_BreakWard if model.breaks else _Ward)(env, model, inputs)
    ward.start()
    ward.run(model.calendar.horizon)
    return ward.finish()
