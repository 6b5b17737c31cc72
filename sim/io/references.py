"""Cross-checks of a scenario: every name it uses must be defined, every value make sense.

These need several parts of a scenario at once (a roster entry names a group and a shift,
a task an interval and a certification), so pydantic's per-field checks cannot make them.
Every check looks names up in sets or mappings, so the time is linear in the file's size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from sim.breaks import check_breaks
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
from sim.io.errors import ScenarioError, shown, suggest
from sim.io.schema import Scenario
from sim.io.schema_tasks import Task

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
    _once(groups, "groups", "group", fail)
    _once([t.id for t in scenario.tasks], "tasks", "task", fail)
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
    groups = _Names(groups)
    for day in scenario.calendar.holidays:
        if day >= scenario.calendar.days:
            fail("calendar.holidays",
                 f"day {day} is past the horizon of {scenario.calendar.days} days")
    interval_ids = _Names([ANYTIME, WEEKDAY_DAYTIME, *_check_intervals(scenario, fail)])
    for group, entry in scenario.roster.items():
        if group not in groups:
            fail(f"roster.{group}", f"{shown(group)} is not a staff group{suggest(group, groups)}")
        if isinstance(entry, dict):
            for shift in entry:
                if shift not in scenario.shifts:
                    fail(f"roster.{group}.{shift}",
                         f"{shown(shift)} is not a shift{suggest(shift, scenario.shifts)}")
    for cert, holders in scenario.certifications.items():
        for group in holders:  # the rules (all, a count, a share) are checked by the schema
            if group not in groups:
                fail(f"certifications.{cert}.{group}",
                     f"{shown(group)} is not a staff group{suggest(group, groups)}")
    for group in scenario.absence:  # the rates are bounded by the schema
        if group not in groups:
            fail(f"absence.{group}", f"{shown(group)} is not a staff group{suggest(group, groups)}")
    for task in scenario.tasks:
        _check_task(task, groups, interval_ids, scenario, fail)
    check_breaks(scenario, fail)
    if isinstance(scenario.targets.max_utilisation, dict):
        for group in scenario.targets.max_utilisation:
            if group not in groups:
                fail(f"targets.max_utilisation.{group}",
                     f"{shown(group)} is not a staff group{suggest(group, groups)}")
    if isinstance(scenario.fte.post_size, dict):
        for group in scenario.fte.post_size:
            if group not in groups:
                fail(f"fte.post_size.{group}",
                     f"{shown(group)} is not a staff group{suggest(group, groups)}")


class _Names(list):  # type: ignore[type-arg]
    """Names in their order (for "did you mean" and listings), looked up in a set."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(names)
        self._set = frozenset(names)

    def __contains__(self, name: object) -> bool:
        return name in self._set


def _once(ids: list[str], where: str, what: str, fail: Fail) -> None:
    """Fail on the first id given a second time."""
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            fail(f"{where}.{item}", f"{what} id used twice")
        seen.add(item)


def _check_intervals(scenario: Scenario, fail: Fail) -> list[str]:
    if not scenario.intervals:
        return [i for i, _ in DEFAULT_INTERVALS]
    intervals = []
    for iid, span in scenario.intervals.items():
        if iid in (ANYTIME, WEEKDAY_DAYTIME):
            fail(f"intervals.{iid}", f"{shown(iid)} is built in; choose another name")
        try:
            intervals.append(Interval(iid, *parse_span(span)))
        except ValueError as err:
            fail(f"intervals.{iid}", str(err))
    problem = check_partition(tuple(intervals))
    if problem:
        fail("intervals", problem)
    return list(scenario.intervals)


def _check_task(task: Task, groups: list[str], interval_ids: list[str], scenario: Scenario,
                fail: Fail) -> None:
    where = f"tasks.{task.id}"
    if task.group not in groups:
        fail(f"{where}.group",
             f"{shown(task.group)} is not a staff group{suggest(task.group, groups)}")
    if task.requires is not None and task.requires not in scenario.certifications:
        known = scenario.certifications
        fail(f"{where}.requires", f"nobody holds {shown(task.requires)}; declare it under "
             f"`certifications`{suggest(task.requires, known) if known else ''}")
    for key in task.when or {}:
        if key not in interval_ids:
            allowed = list(interval_ids)
            fail(f"{where}.when.{key}", f"{shown(key)} is not an interval{suggest(key, allowed)}")
    for i, text in enumerate(task.at or ()):
        try:
            if parse_clock(text) >= MINUTES_PER_DAY:
                raise ValueError(f"{shown(text)}: use 00:00 for midnight")
        except ValueError as err:
            fail(f"{where}.at[{i}]", str(err))
    _check_group_times(task, groups, scenario, fail)


def _check_group_times(task: Task, groups: list[str], scenario: Scenario, fail: Fail) -> None:
    """Per-group times and spreads: known groups, the placed group's estimate, sound spreads."""
    where = f"tasks.{task.id}"
    mapping = task.minutes if isinstance(task.minutes, dict) else {}
    spreads = task.duration_by_group or {}
    for key, named in (("minutes", mapping), ("duration_by_group", spreads)):
        for group in named:
            if group not in groups:
                fail(f"{where}.{key}.{group}",
                     f"{shown(group)} is not a staff group{suggest(group, groups)}")
    if task.duration is None and scenario.durations.distribution == "triangular":
        fail("durations.distribution",
             "triangular needs min, mode and max per task; set it in each task's `duration`")
    placed = task.spread_of(task.group, scenario.durations)
    if task.estimate is None and placed.distribution != "triangular":
        if not isinstance(task.minutes, dict):
            fail(f"{where}.minutes",
                 "is required (the estimated time), unless the duration is triangular")
        fail(f"{where}.minutes", f"no minutes for {shown(task.group)}, the group the task is "
             "placed on: "
             f"the mapping must give its estimate, e.g. {{{task.group}: 6}}"
             f" (groups given: {', '.join(mapping) or 'none'})")
    for group in task.own_time_groups:
        spec = task.spread_of(group, scenario.durations)
        own = group != task.group or group in spreads
        field = f"{where}.duration_by_group.{group}" if own else f"{where}.duration"
        if spec.distribution == "triangular":
            low, mode, high = spec.min, spec.mode, spec.max
            if None in (low, mode, high) or not low <= mode <= high or low == high:
                fail(field, "triangular needs min <= mode <= max (minutes), with min < max")
            if group in mapping:
                fail(f"{where}.minutes.{group}", f"{group}'s duration is triangular, so its time "
                     f"comes from min, mode and max: leave {group} out of `minutes`")
        elif spec.distribution in ("lognormal", "gamma") and spec.cv is None \
                and scenario.durations.cv is None:
            fail(f"{field}.cv", f"{spec.distribution} needs a cv (spread relative to the mean)")
