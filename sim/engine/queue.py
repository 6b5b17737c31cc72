"""The engine's queue of waiting work: tasks not yet started, bucketed by priority and group.

Queue order is priority, then arrival time, then arrival sequence (:attr:`Job.key`). The
engine numbers jobs as they arrive and time only moves forward, so within a priority
arrival sequence alone gives that order, and a bucket (one priority, one placed group)
stays in order by appending. A dispatch (:func:`sim.engine.dispatch.match`) then reads only the
buckets of groups someone free may serve instead of scanning every waiting task.
"""

from __future__ import annotations

import math
from heapq import merge
from operator import attrgetter

from sim.engine.dispatch import DispatchPolicy, Job

_seq = attrgetter("seq")


class WorkQueue:
    """Tasks waiting to start, per (priority, placed group), each bucket in arrival order."""

    def __init__(self, priorities: int, groups: int, policy: DispatchPolicy) -> None:
        self.buckets: list[list[list[Job]]] = [[[] for _ in range(groups)]
                                               for _ in range(priorities)]
        self.per_group = [0] * groups  # waiting tasks per placed group
        self.size = 0
        # DispatchPolicy.may_glide, kept per group: the first instant any of its waiting
        # tasks may glide (arrival + glide_after of the earliest; the sum is monotone in
        # the arrival, so it is the smallest of the tasks' own sums), inf if none waits
        self.glide, self.glide_after = policy.broader_may_take, policy.glide_after
        self.glide_at = [math.inf] * groups
        self.narrowest_first = tuple(range(groups - 1, -1, -1))

    def add(self, job: Job) -> None:
        """Queue a job that has just arrived (the latest in queue order of its bucket)."""
        task = job.task
        group = task.group
        self.buckets[task.priority][group].append(job)
        if not self.per_group[group]:
            self.glide_at[group] = job.arrival + self.glide_after
        self.per_group[group] += 1
        self.size += 1

    def remove(self, job: Job) -> None:
        """Take a started or missed job out of the queue."""
        task = job.task
        group = task.group
        self.buckets[task.priority][group].remove(job)
        self.per_group[group] -= 1
        self.size -= 1
        if not self.per_group[group]:
            self.glide_at[group] = math.inf
        elif job.arrival + self.glide_after == self.glide_at[group]:  # it may have been first
            first = math.inf
            for row in self.buckets:
                jobs = row[group]
                if jobs and jobs[0].arrival < first:
                    first = jobs[0].arrival
            self.glide_at[group] = first + self.glide_after

    def glides_to(self, broadest: int, now: float) -> bool:
        """Whether a task of a group narrower than ``broadest`` may glide at ``now``."""
        return self.glide and now >= min(self.glide_at[broadest + 1:], default=math.inf)

    def glide_reach(self, now: float) -> int:
        """Return the narrowest group a broader member may help at ``now`` (-1 if none).

        That is, the largest group index with a task that may glide: ``glides_to(g)`` is
        ``g < glide_reach()``.
        """
        if self.glide:
            glide_at = self.glide_at
            for g in self.narrowest_first:
                if now >= glide_at[g]:
                    return g
        return -1

    def in_order(self) -> list[Job]:
        """Every waiting job in queue order."""
        return [job for row in self.buckets for job in merge(*row, key=_seq)]
