"""Cross-checks of a scenario: every name it uses must be defined, every value make sense.

These need several parts of a scenario at once (a roster entry names a group and a shift,
a task an interval and a certification), so pydantic's per-field checks cannot make them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from sim.calendar import (
    ANYTIME,
    DEFAULT_INTERVALS,
    MINUTES_PER_DAY,
    WEEKDAY_DAYTIME,
    Interval,
    check_partition,
    parse_clock,
    parse_span,
)
from sim.io.errors import ScenarioError, suggest
from sim.io.schema import Scenario, Task

Fail = Callable[[str, str], NoReturn]


def check_references(scenario: Scenario, source: str) -> None:
    """Check every name used in a scenario refers to something defined.

    Raises
    ------
    ScenarioError
        For the first unknown group, shift, certification or interval, or a bad value.
    """
    def fail(field: str, message: str) -> NoReturn:
        raise ScenarioError(source, field, message)

    groups = [g.id for g in scenario.groups]
    for i, gid in enumerate(groups):
        if gid in groups[:i]:
            fail(f"groups.{gid}", "group id used twice")
    ids = [t.id for t in scenario.tasks]
    for i, tid in enumerate(ids):
        if tid in ids[:i]:
            fail(f"tasks.{tid}", "task id used twice")
    for name, shift in scenario.shifts.items():
        for part in ("start", "end"):
            try:
                parse_clock(getattr(shift, part))
            except ValueError as err:
                fail(f"shifts.{name}.{part}", str(err))
    try:
        parse_span(scenario.calendar.weekday_daytime)
    except ValueError as err:
        fail("calendar.weekday_daytime", str(err))
    for day in scenario.calendar.holidays:
        if day >= scenario.calendar.days:
            fail("calendar.holidays", f"day {day} is past the horizon of {scenario.calendar.days} days")
    interval_ids = _check_intervals(scenario, fail)
    for group, entry in scenario.roster.items():
        if group not in groups:
            fail(f"roster.{group}", f"{group!r} is not a staff group{suggest(group, groups)}")
        if isinstance(entry, dict):
            for shift in entry:
                if shift not in scenario.shifts:
                    fail(f"roster.{group}.{shift}", f"{shift!r} is not a shift{suggest(shift, scenario.shifts)}")
    for cert, holders in scenario.certifications.items():
        for group, rule in holders.items():
            if group not in groups:
                fail(f"certifications.{cert}.{group}", f"{group!r} is not a staff group{suggest(group, groups)}")
            if rule != "all" and (rule < 0 or (rule > 1 and not float(rule).is_integer())):
                fail(f"certifications.{cert}.{group}", f"{rule!r}: give `all`, a whole number per shift, or a share between 0 and 1")
    for group, rate in scenario.absence.items():
        if group not in groups:
            fail(f"absence.{group}", f"{group!r} is not a staff group{suggest(group, groups)}")
        if not 0 <= rate < 1:
            fail(f"absence.{group}", f"{rate!r} is not a probability between 0 and 1")
    for task in scenario.tasks:
        _check_task(task, groups, interval_ids, scenario, fail)
    if isinstance(scenario.targets.max_utilisation, dict):
        for group in scenario.targets.max_utilisation:
            if group not in groups:
                fail(f"targets.max_utilisation.{group}", f"{group!r} is not a staff group{suggest(group, groups)}")


def _check_intervals(scenario: Scenario, fail: Fail) -> list[str]:
    if not scenario.intervals:
        return [i for i, _ in DEFAULT_INTERVALS]
    intervals = []
    for iid, span in scenario.intervals.items():
        if iid in (ANYTIME, WEEKDAY_DAYTIME):
            fail(f"intervals.{iid}", f"{iid!r} is built in; choose another name")
        try:
            intervals.append(Interval(iid, *parse_span(span)))
        except ValueError as err:
            fail(f"intervals.{iid}", str(err))
    problem = check_partition(tuple(intervals))
    if problem:
        fail("intervals", problem)
    return list(scenario.intervals)


def _check_task(task: Task, groups: list[str], interval_ids: list[str], scenario: Scenario, fail: Fail) -> None:
    where = f"tasks.{task.id}"
    if task.group not in groups:
        fail(f"{where}.group", f"{task.group!r} is not a staff group{suggest(task.group, groups)}")
    if task.requires is not None and task.requires not in scenario.certifications:
        fail(f"{where}.requires", f"nobody holds {task.requires!r}; declare it under `certifications`"
             f"{suggest(task.requires, scenario.certifications) if scenario.certifications else ''}")
    for key in task.when or {}:
        allowed = [ANYTIME, WEEKDAY_DAYTIME, *interval_ids]
        if key not in allowed:
            fail(f"{where}.when.{key}", f"{key!r} is not an interval{suggest(key, allowed)}")
    for i, text in enumerate(task.at or ()):
        try:
            if parse_clock(text) >= MINUTES_PER_DAY:
                raise ValueError(f"{text!r}: use 00:00 for midnight")
        except ValueError as err:
            fail(f"{where}.at[{i}]", str(err))
    spec = task.duration or scenario.durations
    if spec.distribution == "triangular":
        if task.duration is None:
            fail("durations.distribution", "triangular needs min, mode and max per task; set it in each task's `duration`")
        if None in (spec.min, spec.mode, spec.max) or not spec.min <= spec.mode <= spec.max or spec.min == spec.max:
            fail(f"{where}.duration", "triangular needs min <= mode <= max (minutes), with min < max")
    elif spec.distribution in ("lognormal", "gamma") and spec.cv is None and scenario.durations.cv is None:
        fail(f"{where}.duration.cv", f"{spec.distribution} needs a cv (spread relative to the mean)")
