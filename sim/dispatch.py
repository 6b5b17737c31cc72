"""Who takes which waiting task: pure functions, no SimPy.

Rules (issue 2):

* A task is offered first to idle members of the group it is placed on.
* Under ``glide`` a member of a *broader* group (earlier in the hierarchy) may take it once
  it has waited ``glide_after`` minutes; under ``strict`` never. A narrower group never takes
  a broader group's task, and nobody takes a task needing a certification they lack.
* Tasks are served by priority (acute, high, normal, low), then earliest arrival, then
  arrival order. Within one priority, every task that its own group can start is matched
  first; only then do broader groups take what is left (gliding). So a free member prefers
  its own group's tasks, but an acute task glides before a normal task of its own group.
* Among eligible members the own group goes first, then the *narrowest* broader group (keep
  the most specialised staff free), then whoever has been idle longest, then staff order.
* A task not started by ``arrival + drop_after`` is missed (a member freeing up exactly at
  that moment is too late).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.catalogue import TaskType


@dataclass(slots=True, eq=False)
class Member:
    """A person on duty, as dispatch sees them."""

    index: int
    group: int
    certs: frozenset[str]
    off_at: float
    idle_since: float = 0.0
    busy: bool = False
    free_at: float = 0.0


@dataclass(slots=True, eq=False)
class Job:
    """One task instance waiting for, or in, service."""

    seq: int
    task: TaskType
    arrival: float
    duration: float
    bed: int = -1
    start: float | None = None
    crew: tuple[int, ...] = field(default=())

    @property
    def key(self) -> tuple[int, float, int]:
        """Queue order: priority, then arrival time, then arrival sequence."""
        return (self.task.priority, self.arrival, self.seq)

    @property
    def drop_at(self) -> float | None:
        """When the task counts as missed if still not started."""
        drop = self.task.drop_after
        return None if drop is None else self.arrival + drop


def may_take(member: Member, job: Job, now: float, glide: bool, glide_after: float) -> bool:
    """Whether ``member`` may start ``job`` at ``now`` (competence, certification, gliding)."""
    task = job.task
    if member.group > task.group:
        return False
    if task.requires is not None and task.requires not in member.certs:
        return False
    if member.group < task.group:
        return glide and now - job.arrival >= glide_after
    return True


def _crew(idle: list[Member], job: Job, now: float, own_only: bool, glide: bool,
          glide_after: float) -> list[Member] | None:
    group = job.task.group
    fit = [m for m in idle if (m.group == group or not own_only)
           and may_take(m, job, now, glide, glide_after)]
    if len(fit) < job.task.staff:
        return None
    fit.sort(key=lambda m: (m.group != group, -m.group, m.idle_since, m.index))
    return fit[: job.task.staff]


def assign(
    waiting: list[Job], idle: list[Member], now: float, glide: bool, glide_after: float
) -> tuple[list[tuple[Job, list[Member]]], list[Job]]:
    """Match waiting jobs to idle members at time ``now``.

    Parameters
    ----------
    waiting
        Jobs not yet started, sorted by :attr:`Job.key`.
    idle
        Members on duty and free.

    Returns
    -------
    assignments, expired
        ``(job, crew)`` pairs to start now, and jobs past their drop time (missed). The
        inputs are not modified.
    """
    expired = [j for j in waiting if j.drop_at is not None and now >= j.drop_at]
    if not idle:
        return [], expired
    free = list(idle)
    gone = set(map(id, expired))
    assignments: list[tuple[Job, list[Member]]] = []
    i = 0
    while i < len(waiting) and free:
        priority = waiting[i].task.priority
        j = i
        while j < len(waiting) and waiting[j].task.priority == priority:
            j += 1
        block = [w for w in waiting[i:j] if id(w) not in gone]
        for own_only in (True, False) if glide else (True,):
            groups = {m.group for m in free}
            for job in block:
                if not free:
                    break
                group = job.task.group
                if id(job) in gone or (group not in groups if own_only else min(groups) >= group):
                    continue
                crew = _crew(free, job, now, own_only, glide, glide_after)
                if crew:
                    assignments.append((job, crew))
                    gone.add(id(job))
                    free = [m for m in free if m not in crew]
                    groups = {m.group for m in free}
        i = j
    return assignments, expired
