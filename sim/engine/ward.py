"""The SimPy ward: with :mod:`sim.engine.break_rules`, all that schedules events; no KPIs.

It draws nothing: :func:`simulate` runs a model on a replication's :class:`~sim.inputs.Inputs`
(arrivals, durations, absence tables, call-bell streams, drawn before by
:func:`~sim.inputs.draw_inputs`) and does not change them (a call bell may only draw its
next block, the same whichever run asks first), so one draw serves every roster tried on
the same task list (common random numbers). Who may take what, and when, is the
model's :class:`~sim.engine.dispatch.DispatchPolicy`'s to say.

Rule for events at the same instant (tested in tests/test_engine_deterministic.py): every
state change at time t (task completions, shift ends and starts, arrivals, glide timers)
is applied first, in any order, and then a single dispatch runs: the run loop
(:func:`_run`) steps SimPy's environment and, once no event of the instant is left in
its queue, calls the dispatch requested at that instant, as an event of the lowest
priority would run (without one event per dispatch). So a task that ends exactly at shift
end frees a member who is already leaving, and a member whose shift starts at t can take a
task that arrives at t.

Most instants need no dispatch of their own, and skip it with the same outcome: the ward
is *settled* when a dispatch now would start nothing and keep nobody waiting for a crew or
a report (the last request found no idle member with a task she may take, and only time
has passed since; every glide has its own timer). On a settled ward, a task arriving as
the instant's last event starts at once with the member the dispatch would pick, or waits
if nobody of its group is free; a member freed alone, as the instant's last event, is
matched alone (:func:`~sim.engine.dispatch.match_one`); a glide timer whose tasks have all
started asks for nothing (:meth:`_Ward._arrived`, :meth:`_Ward._done`,
:meth:`~sim.engine.work.WorkSources._wake`). Every event log is as with a dispatch at
every instant (tests/test_engine_fastpath.py runs both).

A member whose shift ends finishes the task in hand (overtime) and leaves; tasks still
waiting carry over to whoever is on duty next. Meal breaks (:mod:`sim.breaks`) run in a
ward class of their own, :class:`_BreakWard` (:mod:`sim.engine.break_rules`), so a scenario
without breaks runs the plain :class:`_Ward`: a free member whose break is due goes on
break in the same dispatch, before the tasks are matched. The run stops at the horizon:
tasks then in service are recorded with their (later) end, tasks never started as waiting or missed.

Who does a task takes their own group's time for it (a task's ``minutes`` and
``duration_by_group`` per group), falling back to the placed group's: its own group, a
broader group gliding in, or the new group after a move. A crew (``staff: 2``) takes the
time of the group of its first member, the one :func:`sim.engine.dispatch.assign` picked first
(its own group's if the crew has one). Each instance has one uniform, drawn as before from
its task's stream; it is turned into the duration of every group with a time of its own up
front, one array per group for all of the task's instances at once
(:func:`sim.catalogue.group_columns`, in the inputs), and the dispatch looks up the crew's
group there only when that group has one (no distribution is evaluated per job).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heappop

import numpy as np
import simpy
from simpy.events import Event

from sim.engine.break_rules import BreakRules
from sim.engine.dispatch import Job, Member, best_one, match, match_one
from sim.engine.eventlog import WAITING, EventLog
from sim.engine.work import Timer, WorkSources
from sim.inputs import Inputs
from sim.model import WardModel


class _Ward(WorkSources):
    """The staff on duty of one replication and the dispatch; the work is :class:`WorkSources`."""

    due: list[Member] | tuple[()] = ()  # whose break is due (none: see _BreakWard)

    def __init__(self, env: simpy.Environment, model: WardModel, inputs: Inputs) -> None:
        super().__init__(env, model, inputs)
        self.policy = model.dispatch
        self.broader = model.dispatch.broader_may_take  # may a broader group ever help
        duties = model.staffing.duties(model.calendar, inputs.absence)
        self.members = [Member(i, d.group, d.certs, d.end) for i, d in enumerate(duties)]
        self.log = EventLog(model.calendar.horizon, duties, [float("nan")] * len(duties))
        self.alone = [(i,) for i in range(len(duties))]  # a crew of one, made once per member
        self.idle: list[Member] = []
        self.on_duty: list[Member] = []
        #: The dispatch requested at this instant (bound when requested), or None.
        self.pending: Callable[[float], None] | None = None
        #: True when a dispatch now would start nothing and keep nobody (the last request
        #: found so and nothing changed since); then a task arriving as the instant's last
        #: event may start at once (:meth:`_arrived`). False when not known.
        self.settled = False
        #: Whether a task arriving never goes to a broader group at once.
        self.waits_on_arrival = not model.dispatch.glides_at_arrival

    def start(self) -> None:
        """Start the call bells, the open arrivals and the roster."""
        self.start_work()
        self.env.process(self._roster())

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

    # -- state changes ------------------------------------------------------------------
    def _request(self) -> None:
        """Schedule this instant's dispatch, unless nothing could start.

        A task can start only if someone idle may take a waiting task: a member of its
        own group, or (gliding) of a broader group. The state change that later makes that
        true (at this or a later instant) requests the dispatch itself.
        """
        if self.pending:
            return
        if self._could_start():
            self._ask()
        else:
            self.settled = True
            if self.new_jobs:
                self._arm()

    def _ask(self) -> None:
        """Schedule this instant's dispatch: something may start."""
        self.pending = self._dispatch
        self.settled = False

    def _arrived(self, job: Job, last: bool) -> None:
        """Queue ``job``, just arrived, and ask for a dispatch, or do what one would do.

        When the ward is settled (a dispatch before the job came would start nothing and
        keep nobody) the outcome is known without one. If nobody free of the job's own
        group may do it, and no broader group may take a task as it arrives, it only
        waits (its timers set at once). If someone may, the job needs one person and it
        arrived as the instant's ``last`` state change (no other event left at this
        instant), the dispatch would start this job alone, with the member
        :func:`~sim.engine.dispatch.match` picks (longest idle, then staff order), and
        nobody else (fewer free members start no more); it starts at once, and the ward
        stays settled. If someone may but the job is not the last or needs a crew, the
        dispatch is asked for without testing again whether something could start.
        """
        then = self._request
        if self.pending is None:
            if not self.settled and self._could_start():
                then = self._ask  # with one more job, still true
            else:
                self.settled = True
                best = best_one(self.idle, job.task, own_only=True)
                if best is None:
                    if self.waits_on_arrival:
                        then = self._arm
                elif last and job.task.staff == 1 and (not (heap := self.heap)
                                                      or heap[0][0] > job.arrival):
                    self._start(job, [best], job.arrival)  # it arrived now
                    return
                else:  # she may take it, so a dispatch may start something
                    then = self._ask
        self.queue.add(job)
        self.new_jobs.append(job)
        then()

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
        return queue.glides_to(broadest, self.env._now)

    def _dispatch(self, now: float) -> None:
        """Start what this instant allows (``now``, the run loop's time, is ``env.now``)."""
        self.pending = None
        self.settled = False  # a crew or a shift report may keep someone free
        queue, idle = self.queue, self.idle
        # only who may take a waiting task: of a group with one, or broader than a group
        # with one that may glide (the others change nothing in match, and would make it
        # read every priority to the end)
        counts = queue.per_group
        if len(idle) == 1:  # three dispatches in four
            member = idle[0]
            if counts[member.group]:
                assignments = match_one(queue.buckets, member, now, self.policy, self.on_duty)
            else:
                reach = queue.glide_reach(now)
                assignments = (match_one(queue.buckets, member, now, self.policy, self.on_duty,
                                         reach) if member.group < reach else ())
        else:
            reach = queue.glide_reach(now)
            free = [m for m in idle if counts[m.group] or m.group < reach]
            assignments = (match(queue.buckets, free, now, self.policy, self.on_duty)
                           if free else ())
        remove, start = queue.remove, self._start
        for job, crew in assignments:
            remove(job)
            start(job, crew, now)
        if self.new_jobs:
            self._arm()

    def _start(self, job: Job, crew: list[Member], now: float) -> None:
        """Start ``job`` with ``crew`` at ``now`` (out of the queue already, or never in it)."""
        duration = job.duration
        if job.by_group is not None:  # the crew's first member's group's own time
            own = job.by_group[crew[0].group]
            if own is not None:
                duration = float(own[job.draw])
        end = now + duration
        job.start = now
        job.crew = self.alone[crew[0].index] if len(crew) == 1 else tuple([m.index for m in crew])
        idle = self.idle
        for m in crew:
            m.busy, m.free_at = True, end
            idle.remove(m)
        self.log.started.append((job.seq, job.task.index, job.bed, job.arrival, now, end,
                                 job.crew))
        Timer(self.env, duration, self._done, (job, crew))

    def _done(self, event: Event) -> None:
        """Free the crew of a finished job (the event's value: job, crew).

        If the ward was settled, one member is freed, her break is not due and nothing
        else happens at this instant, the dispatch would match her alone (the others
        free could start nothing before, and she joins no crew of theirs: she would
        have had to be free of the same group with it waiting, or they able to glide
        to it): :func:`~sim.engine.dispatch.match_one` is run at once. If it starts her on
        a task the ward stays settled; if not, no dispatch is asked for, since it would start
        nothing.
        """
        job, crew = event._value
        now = self.env._now
        settled = self.settled
        for m in crew:
            m.busy = False
            if now >= m.off_at:
                self._leave(m)
            else:
                m.idle_since = now
                self.idle.append(m)
        if job.task.after_done:
            self._ring(job.task.index, job.bed, now)
        if settled and len(crew) == 1 and (not (heap := self.heap) or heap[0][0] > now):
            member = crew[0]
            if member.off_at <= now:
                return  # she left: nothing else changed
            if member not in self.due:
                assignments = match_one(self.queue.buckets, member, now, self.policy,
                                        self.on_duty)
                if assignments:
                    (task_next, team), = assignments
                    self.queue.remove(task_next)
                    self._start(task_next, team, now)
                    return
                # the dispatch would start nothing either (it may keep her for a crew or
                # a report): only whether the ward is settled is left to find
                self.settled = not self._could_start()
                return
        self._request()

    def _leave(self, member: Member) -> None:
        self.on_duty.remove(member)
        self.log.duty_end[member.index] = self.env.now

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
    """A ward whose shifts have meal breaks (:class:`sim.engine.break_rules.BreakRules`)."""


def _run(ward: _Ward, until: float) -> None:
    """Run the ward's environment up to ``until``; dispatch once each instant's events are done.

    Each step is :meth:`simpy.Environment.step`'s, written out here (pop the heap's head,
    set the clock, run the event's callbacks, raise a failure nobody defused): a call less
    per event, and the head is read in place, where :meth:`~simpy.Environment.peek` was the
    run's largest single cost. The heap and the clock are SimPy's private attributes,
    checked by :func:`_check_simpy` before the run.
    """
    env, queue = ward.env, ward.heap
    while queue and queue[0][0] < until:
        now, _, _, event = heappop(queue)
        env._now = now
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            _crash(event)
        if ward.pending is not None and (not queue or queue[0][0] > now):
            ward.pending(now)


def _crash(event: Event) -> None:
    """Raise a failed event's exception anew, caused by it, as SimPy's step does."""
    exc = type(event._value)(*event._value.args)
    exc.__cause__ = event._value
    raise exc


def _check_simpy(env: simpy.Environment) -> None:
    """Fail at once, and clearly, if this SimPy keeps its event heap or clock elsewhere.

    The engine reads the heap of (time, priority, id, event), ``Environment._queue``, and
    the clock, ``_now`` (what ``env.now`` reads), in its run loop and where it asks whether
    anything else happens at this instant, and schedules its timers as
    :meth:`~simpy.Environment.schedule` does, with the event ids of ``_eid``
    (:class:`sim.engine.work.Timer`); SimPy 4.1 keeps them there.
    """
    if (not isinstance(getattr(env, "_queue", None), list)
            or getattr(env, "_now", None) != env.now or not hasattr(env, "_eid")):
        raise RuntimeError(f"wardsim's engine reads SimPy's event heap and clock "
                           f"(Environment._queue, _now and _eid), which simpy "
                           f"{getattr(simpy, '__version__', '?')} keeps elsewhere: "
                           f"install SimPy 4.1 (pip install 'simpy>=4.1,<4.2')")


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
    _check_simpy(env)
    ward = (_BreakWard if model.breaks else _Ward)(env, model, inputs)
    ward.start()
    _run(ward, model.calendar.horizon)
    return ward.finish()
