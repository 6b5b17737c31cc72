"""The work a run implies, checked before it starts: each number valid, the whole too big.

Every field of a scenario has its own bounds (:mod:`sim.io.bounds`), but together they can
still ask for more than a machine can do: 10,000 tasks over a year, 500 beds with a task
every few minutes per patient, a hundred replications of it. A replication draws all its
task instances up front, at roughly 700 bytes each, so the expected count is the measure
of memory; instances × replications is the measure of time (about 50,000 instances a
second on one core).

:func:`check_work` estimates these from the scenario alone (no model, no draws), in time
linear in the number of tasks, and refuses a run that is too big with a line saying what
is too big and where most of it comes from. :func:`sim.io.scenario.from_dict` checks one
replication over the scenario's own days; a command that runs replications checks again
with its ``--days`` and ``--replications``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sim.calendar import WEEKDAY_DAYTIME, WEEKDAYS
from sim.io.errors import ScenarioError, short
from sim.io.schema import Scenario
from sim.io.schema_tasks import Task

#: Longest horizon (days) of a run, also with ``--days``.
MAX_DAYS = 366
#: Most task types × days (the arrival schedule is built per task and day).
MAX_TASK_DAYS = 1_000_000
#: Most expected task instances in one replication (they are all held in memory).
MAX_INSTANCES_PER_REPLICATION = 1_000_000
#: Most expected task instances in one run, all replications together.
MAX_INSTANCES_PER_RUN = 100_000_000
#: Most people on shift in one day (the sum over the roster of one day type).
MAX_HEADS_PER_DAY = 2_000

DAY_TYPES = ("weekday", "weekend", "holiday")


@dataclass(frozen=True)
class Work:
    """What one replication of a scenario implies."""

    days: int
    task_days: int
    instances: float  # expected task instances per replication
    busiest_task: str  # the task with the most of them
    busiest_instances: float
    heads_per_day: int  # people on shift on the busiest day type
    busiest_day_type: str
    biggest_group: str
    biggest_group_heads: int


def work_of(scenario: Scenario, days: int | None = None) -> Work:
    """Return the work of one replication over ``days`` (default: the scenario's)."""
    days = scenario.calendar.days if days is None else days
    counts = _day_type_counts(scenario, days)
    patients = {dt: round(scenario.ward.beds * scenario.ward.occupancy.of(dt)) for dt in DAY_TYPES}
    total, busiest, most = 0.0, "", -1.0
    for task in scenario.tasks:
        n = sum(counts[dt] * _per_day(task, dt, patients[dt], scenario.arrivals.scale)
                for dt in DAY_TYPES if counts[dt])
        total += n
        if n > most:
            busiest, most = task.id, n
    heads = {dt: _heads(scenario, dt) for dt in DAY_TYPES}
    day_type = max(heads, key=lambda dt: heads[dt][0])
    count, group, group_heads = heads[day_type]
    return Work(days, len(scenario.tasks) * days, total, busiest, max(most, 0.0), count,
                day_type, group, group_heads)


def check_work(scenario: Scenario, source: str, *, days: int | None = None,
               replications: int = 1) -> Work:
    """Refuse a run that is too big; return its :class:`Work` otherwise.

    ``days`` is a ``--days`` override (None: the scenario's ``calendar.days``).

    Raises
    ------
    ScenarioError
        Naming what is too big: the days, tasks × days, the task instances of one
        replication or of all of them, or the people on shift in a day.
    """
    where = "calendar.days" if days is None else "--days"
    n_days = scenario.calendar.days if days is None else days
    if not 1 <= n_days <= MAX_DAYS:
        raise ScenarioError(source, where, f"{n_days:,} days: a run simulates 1 to {MAX_DAYS} days")
    work = work_of(scenario, n_days)
    if work.task_days > MAX_TASK_DAYS:
        raise ScenarioError(source, "tasks", f"{len(scenario.tasks):,} tasks over {n_days} days "
                            f"make {work.task_days:,} task-days, more than the "
                            f"{MAX_TASK_DAYS:,} one run can schedule; simulate fewer days")
    if work.instances > MAX_INSTANCES_PER_REPLICATION:
        raise ScenarioError(
            source, "tasks",
            f"one replication of {n_days} days would hold about {work.instances:,.0f} task "
            f"instances, more than the {MAX_INSTANCES_PER_REPLICATION:,} one run can hold; the "
            f"most come from {short(work.busiest_task)!r} (about {work.busiest_instances:,.0f}): "
            f"check its rate and `per`, the beds ({scenario.ward.beds}) and arrivals.scale "
            f"({scenario.arrivals.scale:g}), or simulate fewer days")
    if work.instances * replications > MAX_INSTANCES_PER_RUN:
        raise ScenarioError(
            source, "", f"{replications:,} replications of about {work.instances:,.0f} task "
            f"instances each make {work.instances * replications:,.0f}, more than the "
            f"{MAX_INSTANCES_PER_RUN:,} one run may take; use fewer replications or days")
    if work.heads_per_day > MAX_HEADS_PER_DAY:
        raise ScenarioError(
            source, "roster", f"the roster puts {work.heads_per_day:,} people on shift on a "
            f"{work.busiest_day_type}, more than the {MAX_HEADS_PER_DAY:,} a ward run allows; "
            f"the most are {short(work.biggest_group)!r} ({work.biggest_group_heads:,})")
    return work


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is read or validated.

    Reading and validating make many small objects and no cycles to speak of; the
    collector's full passes over a growing heap would otherwise make the time grow faster
    than the file (reference counting still frees everything as usual).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _day_type_counts(scenario: Scenario, days: int) -> dict[str, int]:
    spec = scenario.calendar
    start = WEEKDAYS.index(spec.start)
    holidays = {d for d in spec.holidays if d < days}
    counts = dict.fromkeys(DAY_TYPES, 0)
    counts["holiday"] = len(holidays)
    weeks, rest = divmod(days, 7)
    weekend = weeks * 2 + sum(1 for d in range(rest) if (start + d) % 7 >= 5)
    weekend -= sum(1 for d in holidays if (start + d) % 7 >= 5)
    counts["weekend"] = weekend
    counts["weekday"] = days - weekend - len(holidays)
    return counts


def _per_day(task: Task, day_type: str, patients: int, scale: float) -> float:
    """Return the expected instances of ``task`` on a day of ``day_type`` (call bells: at most)."""
    units = patients if task.per == "patient" else 1
    if task.at is not None:
        if task.day_types is not None and day_type not in task.day_types:
            return 0.0
        return float(len(task.at) * units)
    rate = 0.0
    for key, value in (task.when or {}).items():
        if key == WEEKDAY_DAYTIME and day_type != "weekday":
            continue
        rate += value.of(day_type)
    return rate * scale * units


def _heads(scenario: Scenario, day_type: str) -> tuple[int, str, int]:
    """People on shift in a day of ``day_type``, the largest group and its people."""
    total, group, most = 0, "", -1
    for gid, entry in scenario.roster.items():
        n = entry if isinstance(entry, int) else sum(int(c.of(day_type)) for c in entry.values())
        total += n
        if n > most:
            group, most = gid, n
    return total, group, max(most, 0)
