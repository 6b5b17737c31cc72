"""The engine's queue of waiting work: tasks not yet started, bucketed by priority and group.

Queue order is priority, then arrival time, then arrival sequence (:attr:`Job.key`). The
engine numbers jobs as they arrive and time only moves forward, so within a priority
arrival sequence alone gives that order, and a bucket (one priority, one placed group)
stays in order by appending. A dispatch (:func:`sim.dispatch.match`) then reads only the
buckets of groups someone free may serve instead of scanning every waiting task.
"""

from __future__ import annotations

from heapq import merge
from operator import attrgetter

from sim.dispatch import DispatchPolicy, Job

_seq = attrgetter("seq")


class WorkQueue:
    """Tasks waiting to start, per (priority, placed group), each bucket in arrival order."""

    def __init__(self, priorities: int, groups: int, policy: DispatchPolicy) -> None:
        self.buckets: list[list[list[Job]]] = [[[] for _ in range(groups)]
                                               for _ in range(priorities)]
        self.per_group = [0] * groups  # waiting tasks per placed group
        self.size = 0
        # DispatchPolicy.may_glide inlined below (the same sum and comparison)
        self.glide, self.glide_after = policy.broader_may_take, policy.glide_after

    def add(self, job: Job) -> None:
        """Queue a job that has just arrived (the latest in queue order of its bucket)."""
        task = job.task
        self.buckets[task.priority][task.group].append(job)
        self.per_group[task.group] += 1
        self.size += 1

    def remove(self, job: Job) -> None:
        """Take a started or missed job out of the queue."""
        task = job.task
        self.buckets[task.priority][task.group].remove(job)
        self.per_group[task.group] -= 1
        self.size -= 1

    def glides_to(self, broadest: int, now: float) -> bool:
        """Whether a task of a group narrower than ``broadest`` may glide at ``now``.

        The first job of a bucket arrived first, so if it may not glide, none of its may.
        """
        if not self.glide:
            return False
        after = self.glide_after
        for row in self.buckets:
            for jobs in row[broadest + 1:]:
                if jobs and now >= jobs[0].arrival + after:
                    return True
        return False

    def glide_reach(self, now: float) -> int:
        """Return the narrowest group a broader member may help at ``now`` (-1 if none).

        That is, the largest group index with a task that may glide (the first of its
        bucket arrived first): ``glides_to(g)`` is ``g < glide_reach()``.
        """
        reach = -1
        if not self.glide:
            return reach
        after = self.glide_after
        for row in self.buckets:
            for g in range(len(row) - 1, reach, -1):
                jobs = row[g]
                if jobs and now >= jobs[0].arrival + after:
                    reach = g
                    break
        return reach

    def in_order(self) -> list[Job]:
        """Every waiting job in queue order."""
        return [job for row in self.buckets for job in merge(*row, key=_seq)]
