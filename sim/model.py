"""From a validated :class:`~sim.io.schema.Scenario` to the engine's :class:`WardModel`.

The model is plain frozen data (calendar, tasks, staffing, dispatch settings), picklable
so replications can run in other processes. The checks that need the roster worked out
(a task nobody on it may ever do) and the coverage gaps for ``wardsim validate`` live here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.breaks import ShiftBreak, shift_breaks
from sim.calendar import (
    ANYTIME,
    DAY_TYPES,
    DEFAULT_INTERVALS,
    MINUTES_PER_DAY,
    WEEKDAY_DAYTIME,
    WEEKDAYS,
    Calendar,
    Interval,
    parse_clock,
    parse_span,
    span_pieces,
)
from sim.catalogue import TaskType
from sim.distributions import Duration, triangular
from sim.engine.dispatch import DispatchPolicy
from sim.io.errors import ScenarioError
from sim.io.references import check_references
from sim.io.schema import CoverShares, Scenario
from sim.io.schema_tasks import PRIORITIES, DurationDefaults, Task
from sim.staff import CONTINUOUS, Shift, Staffing


@dataclass(frozen=True)
class WardModel:
    """Everything the engine needs for one scenario; never mutated."""

    name: str
    calendar: Calendar
    group_ids: tuple[str, ...]
    group_names: tuple[str, ...]
    nurse_groups: frozenset[int]
    cost_per_hour: tuple[float, ...]
    tasks: tuple[TaskType, ...]
    staffing: Staffing
    dispatch: DispatchPolicy
    patients: tuple[int, ...]
    beds: int = 0
    arrival_scale: float = 1.0
    #: Meal breaks per shift (:mod:`sim.breaks`); empty: nobody takes a break.
    breaks: tuple[ShiftBreak, ...] = ()

    @property
    def shift_names(self) -> tuple[str, ...]:
        """Shift labels in roster order (``continuous`` last if used)."""
        names = tuple(s.name for s in self.staffing.shifts)
        return names + ((CONTINUOUS,) if self.staffing.continuous else ())


def build_model(scenario: Scenario, source: str = "<scenario>",
                days: int | None = None) -> WardModel:
    """Turn a scenario into a model; ``days`` overrides the calendar's horizon.

    Raises
    ------
    ScenarioError
        If a task can never be done by anyone on the roster.
    """
    check_references(scenario, source)
    group_ids = tuple(g.id for g in scenario.groups)
    rank = {g: i for i, g in enumerate(group_ids)}
    calendar = _calendar(scenario, days)
    spread = scenario.durations
    dispatch = DispatchPolicy(scenario.dispatch.policy, scenario.dispatch.glide_after)
    tasks = tuple(_task_type(i, t, rank, spread, dispatch.broader_may_take)
                  for i, t in enumerate(scenario.tasks))
    staffing = _staffing(scenario, rank)
    patients = tuple(
        round(scenario.ward.beds * scenario.ward.occupancy.of(calendar.day_type(d)))
        for d in range(calendar.days)
    )
    model = WardModel(
        name=scenario.name, calendar=calendar, group_ids=group_ids,
        group_names=tuple(g.name or g.id for g in scenario.groups),
        nurse_groups=frozenset(i for i, g in enumerate(scenario.groups) if g.nurse),
        cost_per_hour=tuple(g.cost_per_hour for g in scenario.groups),
        tasks=tasks, staffing=staffing, dispatch=dispatch, patients=patients,
        beds=scenario.ward.beds,
        arrival_scale=scenario.arrivals.scale,
        breaks=shift_breaks(scenario),
    )
    for task in tasks:
        most = max(int(eligible_heads(model, task, dt).max()) for dt in DAY_TYPES)
        if most == 0:
            raise ScenarioError(source, f"tasks.{task.id}.group", _nobody(model, task))
        if most < task.staff:
            raise ScenarioError(source, f"tasks.{task.id}.staff",
                                f"needs {task.staff} staff at once, but at most {most} who may "
                                "do it are on duty together")
    return model


def _nobody(model: WardModel, task: TaskType) -> str:
    who = model.group_ids[task.group]
    need = f" holding {task.requires!r}" if task.requires else ""
    broader = " or a broader group" if model.dispatch.broader_may_take else ""
    return f"nobody on the roster may do this task: no {who}{broader}{need} is on any shift"


def eligible_heads(model: WardModel, task: TaskType, day_type: str) -> np.ndarray:
    """Per clock minute, how many rostered people may take ``task`` on a day of ``day_type``.

    A shift counts over its clock minutes with the type of the day it starts; absence is
    ignored (this is the plan, not a draw).
    """
    shifts = {s.name: s for s in model.staffing.shifts}
    heads = np.zeros(MINUTES_PER_DAY, dtype=int)
    for group, shift in _rostered(model):
        allowed = group == task.group or (model.dispatch.broader_may_take and group < task.group)
        n = heads_on_duty(model, group, shift, day_type)
        if not allowed or n == 0:
            continue
        if task.requires is not None:
            n = model.staffing.certified(task.requires, group, n)
        pieces = ((0, MINUTES_PER_DAY),) if shift == CONTINUOUS else \
            span_pieces(shifts[shift].start, shifts[shift].end)
        for a, b in pieces:
            heads[a:b] += n
    return heads


def _calendar(scenario: Scenario, days: int | None) -> Calendar:
    spec = scenario.calendar
    pairs = scenario.intervals.items() if scenario.intervals else DEFAULT_INTERVALS
    intervals = tuple(Interval(i, *parse_span(span)) for i, span in pairs)
    return Calendar(
        days=days or spec.days, start_weekday=WEEKDAYS.index(spec.start),
        holidays=frozenset(spec.holidays), intervals=intervals,
        weekday_daytime=parse_span(spec.weekday_daytime),
    )


def _duration(task: Task, spread: DurationDefaults, group: str | None = None,
              fallback: float | None = None) -> Duration:
    """Return the duration ``group`` (default: the placed group) takes over ``task``.

    Its own minutes and spread where it has them (:meth:`Task.spread_of`), else the
    placed group's: ``fallback`` is the placed group's mean.
    """
    group = task.group if group is None else group
    spec = task.spread_of(group, spread)
    family = spec.distribution
    scale = spread.scale
    if family == "triangular":
        return triangular(spec.min, spec.mode, spec.max).scaled(scale)
    cv = spec.cv if spec.cv is not None else spread.cv
    minutes = task.minutes_of(group)
    return Duration(family, fallback if minutes is None else minutes, cv).scaled(scale)


def _group_durations(task: Task, rank: dict[str, int], spread: DurationDefaults,
                     placed: Duration, glide: bool) -> tuple[Duration | None, ...]:
    """Per group index up to the placed group's, its own duration (None: the placed one's).

    Empty if no group that may take the task has a time of its own: a narrower group
    never takes it, and nor does a broader one unless ``glide`` (the dispatch policy's
    :attr:`~sim.engine.dispatch.DispatchPolicy.broader_may_take`).
    """
    here = rank[task.group]
    out: list[Duration | None] = [None] * (here + 1)
    if glide:
        spec = task.spread_of(task.group, spread)
        mean = (spec.min + spec.mode + spec.max) / 3.0 if spec.distribution == "triangular" \
            else task.estimate
        for group in task.own_time_groups:
            if rank[group] < here:
                own = _duration(task, spread, group, mean)
                out[rank[group]] = None if own == placed else own
    return tuple(out) if any(d is not None for d in out) else ()


def _task_type(index: int, task: Task, rank: dict[str, int], spread: DurationDefaults,
               glide: bool = True) -> TaskType:
    rates = tuple(
        (key, (v.of("weekday"), v.of("weekend"), v.of("holiday")))
        for key, v in (task.when or {}).items()
    )
    duration = _duration(task, spread)
    return TaskType(
        index=index, id=task.id, name=task.name or task.id, category=task.category,
        group=rank[task.group], requires=task.requires, per_patient=task.per == "patient",
        priority=PRIORITIES.index(task.priority), max_wait=task.max_wait_minutes,
        drop_after=task.drop_after, staff=task.staff, duration=duration,
        after_done=task.repeat == "after_done", rates=rates,
        at=tuple(parse_clock(t) for t in task.at or ()), jitter=task.jitter,
        day_types=frozenset(task.day_types or DAY_TYPES),
        group_durations=_group_durations(task, rank, spread, duration, glide),
        handover=task.handover,
        time_use=task.time_use_class,
    )


def _staffing(scenario: Scenario, rank: dict[str, int]) -> Staffing:
    shifts = tuple(Shift(n, parse_clock(s.start), parse_clock(s.end))
                   for n, s in scenario.shifts.items())
    counts, continuous = [], []
    for group, entry in scenario.roster.items():
        if isinstance(entry, int):
            continuous.append((rank[group], entry))
            continue
        for shift, c in entry.items():
            by_day = (int(c.of("weekday")), int(c.of("weekend")), int(c.of("holiday")))
            counts.append((rank[group], shift, by_day))
    certs = tuple(
        (cert, rank[g], rule if rule == "all" else float(rule))
        for cert, holders in scenario.certifications.items() for g, rule in holders.items()
    )
    absence = tuple(scenario.absence.get(g, 0.0) for g in rank)
    none = CoverShares()
    cover = tuple(scenario.absence_cover.get(g, none).shares() for g in rank)
    return Staffing(tuple(rank), shifts, tuple(counts), tuple(continuous), certs, absence,
                    cover=cover if any(any(c) for c in cover) else (),
                    premiums=scenario.costs.premiums.of())


def _rostered(model: WardModel) -> list[tuple[int, str]]:
    pairs = [(g, s) for g, s, _ in model.staffing.counts]
    return pairs + [(g, CONTINUOUS) for g, _ in model.staffing.continuous]


def heads_on_duty(model: WardModel, group: int, shift: str, day_type: str) -> int:
    """Head count of a group on a shift (or the round-the-clock roster) of a day type."""
    if shift == CONTINUOUS:
        return dict(model.staffing.continuous).get(group, 0)
    return model.staffing.head_count(group, shift, day_type)


def coverage_gaps(model: WardModel) -> pd.DataFrame:
    """Task × interval × day type where the task can arrive but too few rostered may do it.

    ``uncovered_minutes`` counts the clock minutes of the interval in which the task can
    arrive and fewer than its ``staff`` eligible people are on duty (absence ignored).
    """
    rows = []
    present = [dt for dt in DAY_TYPES if dt in set(model.calendar.day_types())]
    for task in model.tasks:
        for day_type in present:
            needed = clock_mask(task_pieces(model, task, day_type))
            if not needed.any():
                continue
            short = eligible_heads(model, task, day_type) < task.staff
            for interval in model.calendar.intervals:
                uncovered = int((needed & clock_mask(interval.pieces) & short).sum())
                if uncovered > 0:
                    rows.append({
                        "task_id": task.id, "task": task.name, "group": model.group_ids[task.group],
                        "requires": task.requires or "", "day_type": day_type,
                        "interval": interval.id, "uncovered_minutes": uncovered,
                    })
    return pd.DataFrame(rows, columns=["task_id", "task", "group", "requires", "day_type",
                                       "interval", "uncovered_minutes"])


def task_pieces(model: WardModel, task: TaskType, day_type: str) -> list[tuple[int, int]]:
    """Clock pieces of a day in which ``task`` can arrive on a day of ``day_type``."""
    idx = DAY_TYPES.index(day_type)
    if task.at:
        if day_type not in task.day_types:
            return []
        return [(m, min(m + max(int(task.jitter), 1), MINUTES_PER_DAY)) for m in task.at]
    intervals = {i.id: i for i in model.calendar.intervals}
    pieces: list[tuple[int, int]] = []
    for key, per_type in task.rates:
        if per_type[idx] <= 0:
            continue
        if key == ANYTIME:
            pieces.append((0, MINUTES_PER_DAY))
        elif key == WEEKDAY_DAYTIME:
            if day_type == "weekday":
                pieces.extend(span_pieces(*model.calendar.weekday_daytime))
        else:
            pieces.extend(intervals[key].pieces)
    return pieces


def clock_mask(pieces: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> np.ndarray:
    """Return a boolean array over the 1440 clock minutes, true inside the pieces."""
    mask = np.zeros(MINUTES_PER_DAY, dtype=bool)
    for a, b in pieces:
        mask[a:b] = True
    return mask
