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
* A task needing several people at once (``staff: 2``) keeps the free members who may do
  it waiting for the rest of its crew, if enough are on duty to make one up; otherwise
  later tasks would keep taking them and the task could wait for hours. They are free
  for other tasks again as soon as the task is missed or a crew can no longer form (the
  engine dispatches again at those instants).
* A shift report (``handover: true``, ``staff: 2``) is done by one member of the shift that
  leaves and one of the shift that comes: its crew is the eligible free member who leaves
  first, then the best placed (below) of those who leave later; the first is the
  outgoing one, whose group's time the task takes. If every eligible free member leaves at
  the same time the report waits, and keeps the best placed of them waiting for it (one
  per waiting report) as long as someone of its group from the other shift is on duty
  and staying: an incoming member waits for her report, as on a ward; a report is thus
  given as soon as both sides are free, before tasks of a lower priority.
* Among eligible members the own group goes first, then the *narrowest* broader group (keep
  the most specialised staff free), then whoever has been idle longest, then staff order.
  The crew returned is in that order: the engine gives the task the time of the group of
  its first member (issue 8), so a crew with a member of the task's own group works at
  that group's pace, a crew that glided in at the pace of its narrowest broader group.

A task not started by ``arrival + drop_after`` is missed; the engine removes it from the
queue at that instant, before the dispatch of that instant (so a member freeing up exactly
then is too late).

The rule and its parameters are one value, :class:`DispatchPolicy` (``model.dispatch``),
passed whole to :func:`assign` and :func:`may_take` and asked by the engine and the roster
checks (:func:`sim.model.eligible_heads`) when a broader group may help. Adding a rule
touches this module (and the scenario schema's list of rules) only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter

from sim.catalogue import TaskType

#: The dispatch rules; the scenario schema's ``dispatch.policy`` lists the same.
RULES = ("strict", "glide")


@dataclass(frozen=True, slots=True)
class DispatchPolicy:
    """Who may help with a narrower group's task, and when: a rule and its parameters.

    ``strict``: only the task's own group. ``glide``: a broader group too, once the task
    has waited ``glide_after`` minutes.
    """

    rule: str = "glide"
    glide_after: float = 10.0
    #: Whether a broader group may ever take a narrower group's task (the plan's view), and
    #: already as it arrives (:meth:`may_glide` at its arrival); follow from the rule
    #: (fields, not properties: the engine reads them often).
    broader_may_take: bool = field(init=False, repr=False, compare=False)
    glides_at_arrival: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown dispatch rule {self.rule!r}: choose one of {RULES}")
        object.__setattr__(self, "broader_may_take", self.rule == "glide")
        object.__setattr__(self, "glides_at_arrival", self.rule == "glide"
                           and self.glide_after <= 0)

    def may_glide(self, job: Job, now: float) -> bool:
        """Whether a broader group may take ``job`` at ``now``.

        Never earlier for a later arrival of the same priority (:func:`assign` relies on
        it). Compared with the glide timer's own sum ``arrival + glide_after``: ``now -
        arrival`` can round below ``glide_after`` at the very instant the timer fires.
        """
        return self.broader_may_take and now >= job.arrival + self.glide_after

    def wake_after(self, task: TaskType) -> float | None:
        """Minutes after an unstarted instance of ``task`` arrives until someone new may take it.

        A broader group, under ``glide``: the engine dispatches again then. None if that
        never comes later than the arrival (strict, the broadest group, no delay).
        """
        if self.rule == "glide" and task.group > 0 and self.glide_after > 0:
            return self.glide_after
        return None


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
    """One task instance waiting for, or in, service.

    ``duration`` is the placed group's. If the task has per-group times, ``by_group`` is
    its :func:`~sim.catalogue.group_columns` and ``draw`` this instance's index in them:
    the engine starts it with the duration of its crew's first member's group.
    """

    seq: int
    task: TaskType
    arrival: float
    duration: float
    bed: int = -1
    start: float | None = None
    crew: tuple[int, ...] = field(default=())
    by_group: tuple | None = None
    draw: int = 0

    @property
    def key(self) -> tuple[int, float, int]:
        """Queue order: priority, then arrival time, then arrival sequence."""
        return (self.task.priority, self.arrival, self.seq)


def may_take(member: Member, job: Job, now: float, policy: DispatchPolicy) -> bool:
    """Whether ``member`` may start ``job`` at ``now`` (competence, certification, gliding)."""
    task = job.task
    if member.group > task.group:
        return False
    if task.requires is not None and task.requires not in member.certs:
        return False
    if member.group < task.group:
        return policy.may_glide(job, now)
    return True


_idle_order = attrgetter("idle_since", "index")
_priority = attrgetter("task.priority")
_off_at = attrgetter("off_at")


def _fit(members: list[Member], job: Job, now: float, own_only: bool,
         policy: DispatchPolicy) -> list[Member]:
    """Return the members who may take ``job`` now, best first (:func:`may_take`, inlined)."""
    task = job.task
    group, needs = task.group, task.requires
    if own_only:  # own group only: best first is longest idle, then staff order
        fit = [m for m in members if m.group == group and (needs is None or needs in m.certs)]
        if len(fit) > 1:
            fit.sort(key=_idle_order)
        return fit
    glides = policy.may_glide(job, now)
    fit = [m for m in members if (m.group == group or (glides and m.group < group))
           and (needs is None or needs in m.certs)]
    if len(fit) > 1:
        fit.sort(key=lambda m: (m.group != group, -m.group, m.idle_since, m.index))
    return fit


def _handover_crew(fit: list[Member]) -> list[Member] | None:
    """Return a shift report's crew: who leaves first, and the best placed who leaves later.

    None if every member in ``fit`` leaves at the same time (no two shifts meet).
    """
    outgoing = min(fit, key=_off_at)  # the first of equals in ``fit`` order
    for m in fit:
        if m.off_at > outgoing.off_at:
            return [outgoing, m]
    return None


def _partner_on_duty(on_duty: list[Member], member: Member, job: Job, now: float,
                     policy: DispatchPolicy) -> bool:
    """Tell whether someone of the other shift is on duty to give or take the report.

    Of the task's own group, leaving at another time than ``member``, staying past ``now``.
    """
    group, needs, off_at = job.task.group, job.task.requires, member.off_at
    for m in on_duty:  # _fit's own-group test, stopping at the first
        if (m.group == group and m.off_at > now and m.off_at != off_at
                and (needs is None or needs in m.certs)):
            return True
    return False


def _could_form(on_duty: list[Member], job: Job, now: float, own_only: bool,
                policy: DispatchPolicy) -> bool:
    """Whether enough people on duty, and staying, may take ``job`` to make up its crew."""
    task = job.task
    group, needs, left = task.group, task.requires, task.staff
    glides = not own_only and policy.may_glide(job, now)
    for m in on_duty:  # _fit's test, counted up to the crew's size
        if m.off_at > now and (m.group == group or (glides and m.group < group)) and (
                needs is None or needs in m.certs):
            left -= 1
            if not left:
                return True
    return False


def best_one(free: list[Member], task: TaskType, own_only: bool) -> Member | None:
    """Return :func:`_fit`'s first for a one-person ``task`` (gliding: :func:`match` checked)."""
    group, needs = task.group, task.requires
    best = None
    if own_only:
        for m in free:
            if m.group == group and (needs is None or needs in m.certs) and (
                    best is None or m.idle_since < best.idle_since
                    or (m.idle_since == best.idle_since and m.index < best.index)):
                best = m
        return best
    key = None
    for m in free:
        if m.group <= group and (needs is None or needs in m.certs):
            k = (m.group != group, -m.group, m.idle_since, m.index)
            if best is None or k < key:
                best, key = m, k
    return best


def match_one(rows: list[list[list[Job]]], member: Member, now: float, policy: DispatchPolicy,
              on_duty: list[Member] | None,
              reach: int | None = None) -> list[tuple[Job, list[Member]]]:
    """:func:`match` when one member is free: what its two passes come to for her alone.

    Per priority: the first job of her own group she may do starts if it needs one person;
    one needing more keeps her waiting, as :func:`match` would, and nothing starts. Then
    (gliding) the earliest job of a narrower group that may glide, needs one person and
    asks for no certification she lacks; of no group past ``reach`` if it is given
    (:meth:`~sim.engine.queue.WorkQueue.glide_reach`, the narrowest that may glide now).
    """
    group, certs = member.group, member.certs
    glide, after = policy.broader_may_take, policy.glide_after  # may_glide, inlined
    last = None if reach is None else reach + 1
    glide = glide and (last is None or last > group + 1)
    for row in rows:
        for job in row[group]:
            task = job.task
            if task.requires is not None and task.requires not in certs:
                continue
            if task.staff == 1:
                return [(job, [member])]
            if on_duty is None:
                continue
            if task.handover:
                if _partner_on_duty(on_duty, member, job, now, policy):
                    return []  # she waits for the other shift
            elif _could_form(on_duty, job, now, True, policy):
                return []  # she waits for the rest of the crew
        if not glide:
            continue
        best = None
        for jobs in row[group + 1:last]:
            for job in jobs:
                if not now >= job.arrival + after:
                    break
                task = job.task
                if task.staff == 1 and (task.requires is None or task.requires in certs):
                    if best is None or (job.arrival, job.seq) < (best.arrival, best.seq):
                        best = job
                    break
        if best is not None:
            return [(best, [member])]
    return []


def assign(
    waiting: list[Job], idle: list[Member], now: float, policy: DispatchPolicy,
    on_duty: list[Member] | None = None,
) -> list[tuple[Job, list[Member]]]:
    """Match waiting jobs to idle members at time ``now``.

    ``waiting``: jobs not yet started (nor missed), sorted by :attr:`Job.key`; ``idle``:
    members on duty and free; ``on_duty``: everyone on duty, busy or free. A job needing
    several people that cannot start yet keeps the free members who may do it (they wait
    for a colleague) as long as enough of those on duty could join; without ``on_duty``
    nobody is kept. Returns the jobs to start now with who does each, (job, crew); the
    inputs are not modified.
    """
    if not idle or not waiting:
        return []
    groups = 1 + max(max(job.task.group for job in waiting), max(m.group for m in idle))
    rows: list[list[list[Job]]] = []
    for _, block in groupby(waiting, _priority):
        row: list[list[Job]] = [[] for _ in range(groups)]
        for job in block:
            row[job.task.group].append(job)
        rows.append(row)
    return match(rows, idle, now, policy, on_duty)


_queue_order = attrgetter("arrival", "seq")  # within one priority


def match(rows: list[list[list[Job]]], idle: list[Member], now: float, policy: DispatchPolicy,
          on_duty: list[Member] | None = None) -> list[tuple[Job, list[Member]]]:
    """:func:`assign` on the waiting jobs given per priority and placed group.

    ``rows[p][g]``: the waiting jobs of priority p (most urgent first) placed on group
    index g, in queue order (the engine's :class:`~sim.engine.queue.WorkQueue` buckets).
    Per priority it reads only the jobs someone free may take: of a group with a free
    member, and of a narrower group the leading ones that may glide (the others arrived
    later); the rest could change nothing.
    """
    assignments: list[tuple[Job, list[Member]]] = []
    if not idle:
        return assignments
    if len(idle) == 1:
        return match_one(rows, idle[0], now, policy, on_duty)
    free = list(idle)
    groups = {m.group for m in free}
    broadest = min(groups)
    glide, may_glide = policy.broader_may_take, policy.may_glide
    passes = (True, False) if glide else (True,)
    for row in rows:
        parts = []
        for g, jobs in enumerate(row):
            if not jobs:
                continue
            if g in groups:
                parts.append(jobs)
            elif glide and g > broadest and may_glide(jobs[0], now):
                k = 1
                while k < len(jobs) and may_glide(jobs[k], now):
                    k += 1
                parts.append(jobs if k == len(jobs) else jobs[:k])
        if not parts:
            continue
        left = parts[0] if len(parts) == 1 else sorted(
            [job for jobs in parts for job in jobs], key=_queue_order)
        for own_only in passes:
            rest = []  # what the own groups did not start, for the gliding pass
            for job in left:
                if not free:
                    return assignments
                group = job.task.group
                if own_only:
                    if group not in groups:
                        rest.append(job)
                        continue
                elif not may_glide(job, now):
                    break  # the rest of this priority arrived later still
                elif broadest >= group:
                    continue
                staff = job.task.staff
                if staff == 1:  # _fit's first, without building and sorting the list
                    best = best_one(free, job.task, own_only)
                    if best is None:
                        rest.append(job)
                        continue
                    assignments.append((job, [best]))
                    free.remove(best)  # free is this call's own list
                    if free:
                        groups = {m.group for m in free}
                        broadest = min(groups)
                    continue
                fit = _fit(free, job, now, own_only, policy)
                crew = fit[:staff] if len(fit) >= staff else None
                if crew is not None and staff > 1 and job.task.handover:
                    crew = _handover_crew(fit)
                if crew is not None:
                    assignments.append((job, crew))
                    free = [m for m in free if m not in crew]
                else:
                    rest.append(job)
                    if not (fit and on_duty is not None and own_only):
                        continue  # nothing changed: groups and broadest stay
                    if job.task.handover:  # one of them waits for the other shift
                        if not _partner_on_duty(on_duty, fit[0], job, now, policy):
                            continue
                        free = [m for m in free if m is not fit[0]]
                    else:
                        if not (len(_fit(free, job, now, False, policy)) < staff
                                and _could_form(on_duty, job, now, own_only, policy)):
                            continue
                        # they wait for the rest of the crew
                        free = [m for m in free if m not in fit]
                if free:
                    groups = {m.group for m in free}
                    broadest = min(groups)
            left = rest
    return assignments
