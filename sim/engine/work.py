"""The engine's work side: tasks arriving, waiting for someone, gliding and being missed.

:class:`WorkSources` is the base of the engine's ward (:class:`sim.engine._Ward`, the staff
on duty and the dispatch): it lets the drawn open arrivals and the call bells arrive, keeps
them in the :class:`~sim.engine.queue.WorkQueue` until the dispatch starts them, and sets
the glide and drop timers of the tasks that must wait. Every state change here asks the
ward for a dispatch (``_request``); the rules for events at one instant are the engine's.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush

import simpy
from simpy.events import NORMAL, Event

from sim.catalogue import Columns
from sim.engine.dispatch import Job
from sim.engine.eventlog import MISSED, EventLog
from sim.engine.queue import WorkQueue
from sim.inputs import Arrivals, Inputs
from sim.model import WardModel


class Timer:
    """A timeout with its one callback and value: what a :class:`simpy.Timeout` is to the run.

    Scheduled as :meth:`simpy.Environment.schedule` schedules a Timeout (the same time,
    priority and next event id, pushed onto the heap in place: SimPy's private attributes,
    checked by :func:`sim.engine.ward.simulate`), so the run is the same. Not an Event:
    nothing waits on it, and the run loop reads only ``callbacks`` and ``_ok``, so three
    slots do, without an Event's per-object dict (about 2 ms of a ward-week's 84, on some
    17,000 timers; pushing in place about 1 ms more).
    """

    __slots__ = ("callbacks", "_value", "_ok")

    def __init__(self, env: simpy.Environment, delay: float, callback: Callable[[Timer], None],
                 value: object = None) -> None:
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), self))  # env.schedule


class WorkSources:
    """The tasks of one replication, from arrival to start or miss; base of the engine's ward."""

    log: EventLog  # set by the ward

    def __init__(self, env: simpy.Environment, model: WardModel, inputs: Inputs) -> None:
        self.env, self.model, self.inputs = env, model, inputs
        #: SimPy's event heap (checked by simulate): its head tells whether anything else
        #: happens at this instant, without a call to ``env.peek``.
        self.heap: list = env._queue
        # per task index: minutes to its glide timer and to its drop timer (None: none)
        self.timers = [(model.dispatch.wake_after(task), task.drop_after) for task in model.tasks]
        self.queue = WorkQueue(1 + max((t.priority for t in model.tasks), default=0),
                               len(model.group_ids), model.dispatch)
        self.new_jobs: list[Job] = []  # arrived at this instant, timers not yet set
        self.seq = 0
        # per (task index, bed): the bed's call bell and how many requests it has made
        self.bells: dict[tuple[int, int], list] = {}

    settled: bool  # the ward's: a dispatch now would start nothing and keep nobody

    def _request(self) -> None:
        """Ask for this instant's dispatch (the ward's)."""
        raise NotImplementedError

    def _arrived(self, job: Job, last: bool) -> None:
        """Queue a task just arrived, or start it (the ward's); ``last``: no other arrives now."""
        raise NotImplementedError

    def start_work(self) -> None:
        """Start the call bells and the open arrivals."""
        for task_index, bed, bell in self.inputs.bells:
            self.bells[(task_index, bed)] = [bell, 0]
            self._ring(task_index, bed, 0.0)
        if self.inputs.open_tasks:
            self._arrivals(self.inputs.arrivals)

    def _arrivals(self, arrivals: Arrivals) -> None:
        """Let the drawn tasks arrive in order: one timeout per instant, chained.

        Callbacks rather than a SimPy process, which would add a generator resume to every
        arrival on the hot path; one event object, scheduled again for the next instant once
        it has fired (one is pending at a time). ``by_group`` holds, per task index with
        per-group times, its :func:`~sim.catalogue.group_columns`; ``draws`` each instance's
        index in them (both None if no task has per-group times).
        """
        times, kinds, durations = arrivals.times, arrivals.kinds, arrivals.durations
        by_group, draws = arrivals.columns, arrivals.draws
        env, tasks, n = self.env, self.model.tasks, len(times)
        heap, eid = self.heap, env._eid
        i = 0

        def arrive(_event: Event | None = None) -> None:
            nonlocal i
            now = env._now  # what env.now reads, without the property
            while i < n and times[i] <= now:
                kind = kinds[i]
                job = Job(self.seq, tasks[kind], now, durations[i])
                if by_group is not None and kind in by_group:
                    job.by_group, job.draw = by_group[kind], draws[i]
                self.seq += 1
                i += 1
                self._arrived(job, i == n or times[i] > now)
            if i < n:  # the same event again: it has fired, and SimPy only needs it queued
                clock.callbacks = [arrive]
                # the time as env.schedule computes it, now + delay: not always times[i]
                # to the bit, and the run must stay the same
                heappush(heap, (now + (times[i] - now), NORMAL, next(eid), clock))

        clock = Timer(env, 0, arrive)

    def _ring(self, task_index: int, bed: int, after: float) -> None:
        state = self.bells[(task_index, bed)]
        nxt = state[0].next_after(after, state[1])
        state[1] += 1
        if nxt is None or nxt[0] >= self.log.horizon:
            return
        when, duration, columns, draw = nxt
        task = self.model.tasks[task_index]
        Timer(self.env, when - self.env.now, self._rang, (task, duration, bed, columns, draw))

    def _rang(self, event: Event) -> None:
        self._arrive(*event._value)

    def _arrive(self, task, duration: float, bed: int, by_group: Columns | None = None,
                draw: int = 0) -> None:
        """Queue a call-bell task (the open arrivals' loop does the same inline)."""
        job = Job(self.seq, task, self.env.now, duration, bed)
        if by_group is not None:
            job.by_group, job.draw = by_group, draw
        self.seq += 1
        self._arrived(job, True)

    def _arm(self) -> None:
        """Set the glide and drop timers of the tasks that arrived and did not start at once.

        One glide timer serves every task armed here: they arrived at this instant and
        glide after the same ``glide_after``, and a timer only asks for a dispatch (what
        its twins would ask at the same state, drops in between asking themselves).
        """
        env, timers = self.env, self.timers
        gliding: list[Job] | None = None  # the tasks the glide timer is for
        for job in self.new_jobs:
            if job.start is not None:
                continue
            wake, drop = timers[job.task.index]
            if wake is not None:  # when a broader group may first take it
                if gliding is None:
                    gliding = [job]
                    Timer(env, wake, self._wake, gliding)
                else:
                    gliding.append(job)
            if drop is not None:
                Timer(env, drop, self._drop, job)
        self.new_jobs.clear()

    def _wake(self, event: Event) -> None:
        """Ask for a dispatch: the timer's tasks may glide now.

        Not if they have all started and the ward is settled (a dispatch would start
        nothing and keep nobody, and only time has passed since it was found so: every
        other task's glide came with its own timer, before or now).
        """
        if self.settled:
            for job in event._value:
                if job.start is None:
                    break
            else:
                return
        self._request()

    def _drop(self, event: Event) -> None:
        """Mark a task not started by its drop time (the event's value) as missed."""
        job = event._value  # a Timer's value, read without the property's check
        if job.start is None:
            self.queue.remove(job)
            self.log.unstarted.append((job.seq, job.task.index, job.bed, job.arrival, MISSED,
                                       self.env.now))
            if job.task.after_done:  # the patient gave up on this call and may ring again
                self._ring(job.task.index, job.bed, self.env.now)
            self._request()  # whoever was kept for its crew is free for other tasks
