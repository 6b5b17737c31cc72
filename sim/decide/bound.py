"""A lower bound on the cost of any roster that meets the targets, without simulation.

Two kinds of necessary conditions on the varied cells' heads (a mixed-integer programme,
solved by ``scipy.optimize.milp``, HiGHS):

* **capacity**, per day type and per set of groups that alone may do a set of tasks (each
  group alone under ``strict`` dispatch; under ``glide`` the broadest k groups, who alone may
  do the tasks placed on them): the offered work of those tasks per day – expected count ×
  mean minutes (the quickest group's, × crew size) – is at most what the groups' present
  staff may be busy: Σ heads × shift minutes × (1 − absence × (1 − cover shares)) ×
  ``max_utilisation`` (a covered absence puts someone on duty). Call-bell tasks
  (``repeat: after_done``) count as no work (their count depends on the queue), and work
  that ``max_missed_per_week`` allows to be missed is taken off;
* **someone may do it**, per task, day type and clock minute at which it can arrive: the
  heads on duty who may take it (own group, and broader ones under ``glide``) are at least
  its crew size – the ``roster``/``crew`` checks of ``assess``, certificates counted as if
  everyone held them.

Every roster that is feasible in ``assess`` meets these (up to the averaging: the target is
on the mean of each replication's utilisation, the bound on the mean work), so the cheapest
roster meeting them costs no more than the optimum. Cost is that of
:func:`sim.decide.costs.cost_per_week` (rostered hours plus expected absence cover, see
:func:`cost_rates`); if no group has a cost per hour, hours per week are the cost.

Under ``glide`` the rows per day type are weak (the fixed nurses' slack absorbs the work
of the varied groups in the sum of the day), so :mod:`sim.decide.bound_shifts` adds rows
per shift window (work that must be done inside it) and ``assess``'s coverage rule (an
exact count of certified heads), each with its proof there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from sim.calendar import DAY_TYPES, MINUTES_PER_DAY, span_pieces
from sim.catalogue import TaskType, rate_windows
from sim.decide.bound_shifts import coverage_rows, shift_rows
from sim.decide.cells import Cell
from sim.decide.fte import cell_hours
from sim.decide.training import shift_hours
from sim.io.schema_targets import Targets
from sim.model import WardModel, clock_mask, heads_on_duty, task_pieces
from sim.staff import CONTINUOUS

_SLACK = 1e-6


@dataclass(frozen=True)
class Bound:
    """The lower bound: cost, the cheapest values meeting the conditions (None: none does)."""

    cost: float
    values: tuple[int, ...] | None
    weights: np.ndarray
    constant: float
    matrix: np.ndarray
    lower: np.ndarray
    names: tuple[str, ...]

    def cost_of(self, values: tuple[int, ...] | list[int]) -> float:
        """Cost per week of a roster of the varied cells (the others as in the scenario)."""
        return float(self.constant + self.weights @ np.asarray(values, float))

    def broken(self, values: tuple[int, ...] | list[int]) -> list[str]:
        """Return the necessary conditions a roster breaks (none: it may be feasible)."""
        if not len(self.lower):
            return []
        lhs = self.matrix @ np.asarray(values, float)
        return [n for n, a, b in zip(self.names, lhs, self.lower, strict=True) if a < b - _SLACK]


def cost_rates(model: WardModel) -> tuple[float, ...]:
    """Cost of one rostered hour per group on a shift, expected absence cover included.

    :func:`sim.decide.costs.cost_per_week` is rostered hours × cost per hour plus, per
    cover source, hours × absence × share × cost per hour × (1 + premium): linear in the
    heads, so one rate per group. All 1 (hours are the cost) if no group has a cost.
    """
    if not any(c > 0 for c in model.cost_per_hour):
        return tuple(1.0 for _ in model.cost_per_hour)
    staffing = model.staffing
    return tuple(c * (1.0 + staffing.absence[g] * sum(
        share * (1.0 + premium) for share, premium in zip(staffing.cover_of(g),
                                                          staffing.premiums, strict=True)))
        for g, c in enumerate(model.cost_per_hour))


def _hour_rates(model: WardModel, shift: str) -> tuple[float, ...]:
    """Cost rates of a cell's hour: round the clock nobody is absent (no cover cost)."""
    if shift == CONTINUOUS and any(c > 0 for c in model.cost_per_hour):
        return model.cost_per_hour
    return cost_rates(model)


def _day_types(model: WardModel) -> list[str]:
    present = set(model.calendar.day_types())
    return [d for d in DAY_TYPES if d in present]


def _covers(cell_shift: str, model: WardModel) -> np.ndarray:
    if cell_shift == CONTINUOUS:
        return np.ones(MINUTES_PER_DAY, dtype=bool)
    shift = next(s for s in model.staffing.shifts if s.name == cell_shift)
    return clock_mask(span_pieces(shift.start, shift.end))


def offered_work(model: WardModel, task: TaskType, day_type: str) -> float:
    """Return the minutes of work of ``task`` per day of ``day_type`` (quickest group's time)."""
    if task.after_done:
        return 0.0
    cal = model.calendar
    types = cal.day_types()
    days = sum(1 for t in types if t == day_type)
    if days == 0:
        return 0.0
    if task.at:
        count = sum((model.patients[d] if task.per_patient else 1) * len(task.at)
                    for d in range(cal.days) if types[d] == day_type and day_type in task.day_types)
    else:
        starts, _, means = rate_windows(task, cal, list(model.patients), model.arrival_scale)
        day = (starts // MINUTES_PER_DAY).astype(int)
        count = float(sum(m for m, d in zip(means, day, strict=True) if types[d] == day_type))
    means = [task.duration.mean] + [d.mean for d in task.group_durations if d is not None]
    return count / days * min(means) * task.staff


def _heads(model: WardModel, cells: list[Cell]) -> list[tuple[int, str, str, int]]:
    """Every rostered cell not varied: (group index, shift, day type, heads)."""
    varied = {(c.group, c.shift, c.day_type) for c in cells}
    out = []
    for g, shift, _ in model.staffing.counts:
        for d in DAY_TYPES:
            if (model.group_ids[g], shift, d) not in varied:
                out.append((g, shift, d, heads_on_duty(model, g, shift, d)))
    for g, heads in model.staffing.continuous:
        if (model.group_ids[g], CONTINUOUS, "all") not in varied:
            out.extend((g, CONTINUOUS, d, heads) for d in DAY_TYPES)
    return out


def _useful(model: WardModel, targets: Targets, g: int, shift: str) -> float:
    """Minutes a day one head of group ``g`` on ``shift`` may be busy within its target."""
    minutes = MINUTES_PER_DAY if shift == CONTINUOUS else shift_hours(model, shift) * 60
    return minutes * model.staffing.present_share(g) * \
        targets.max_utilisation_of(model.group_ids[g])


def _capacity(model: WardModel, cells: list[Cell], fixed: list, targets: Targets,
              d: str) -> list[tuple[list[float], float, str]]:
    """Capacity rows of day type ``d``: groups 0..k under glide, each group alone if strict."""
    rank = {g: i for i, g in enumerate(model.group_ids)}
    n = len(model.group_ids)
    sets = [list(range(k + 1)) for k in range(n)] if model.dispatch.broader_may_take \
        else [[g] for g in range(n)]
    out = []
    for members in sets:
        work = sum(offered_work(model, t, d) for t in model.tasks if t.group in members)
        if targets.max_missed_per_week > 0:  # work that may be missed need not be done:
            # per cell (group × shift × day type) and week, so per day of type d
            longest = max((t.duration.mean * t.staff for t in model.tasks), default=0.0)
            days = sum(1 for t in model.calendar.day_types() if t == d)
            cells_of_group = len(model.staffing.shifts) + 1
            work -= (targets.max_missed_per_week * model.calendar.days / 7.0 * cells_of_group
                     / max(days, 1) * longest * len(members))
        if work <= 0:
            continue
        row = [_useful(model, targets, rank[c.group], c.shift)
               if rank[c.group] in members and c.day_type in (d, "all") else 0.0 for c in cells]
        have = sum(_useful(model, targets, g, s) * h for g, s, dd, h in fixed
                   if g in members and dd == d)
        who = " and ".join(model.group_ids[g] for g in members)
        out.append((row, work - have, f"the offered work of {who} on a {d} within its capacity"))
    return out


def _may_hold(model: WardModel, cert: str, group: int) -> bool:
    """Whether any member of ``group`` may hold ``cert`` (a rule names the group)."""
    return any(c == cert and g == group for c, g, _ in model.staffing.certifications)


def _staffed(model: WardModel, cells: list[Cell], fixed: list,
             d: str) -> list[tuple[list[float], float, str]]:
    """Rows of day type ``d``: enough on duty who may do each task whenever it can arrive."""
    rank = {g: i for i, g in enumerate(model.group_ids)}
    out = []
    for task in model.tasks:
        arrive = clock_mask(task_pieces(model, task, d))
        if not arrive.any():
            continue
        may = {g for g in range(len(model.group_ids))
               if (g == task.group or (model.dispatch.broader_may_take and g < task.group))
               and (task.requires is None or _may_hold(model, task.requires, g))}
        none = np.zeros(MINUTES_PER_DAY, bool)
        cover = np.array([_covers(c.shift, model) & arrive
                          if rank[c.group] in may and c.day_type in (d, "all") else none
                          for c in cells]).reshape(len(cells), -1)
        have = np.zeros(MINUTES_PER_DAY)
        for g, s, dd, h in fixed:
            if g in may and dd == d:
                have += _covers(s, model) * h
        seen = set()
        for minute in np.flatnonzero(arrive):
            key = (tuple(cover[:, minute].tolist()), have[minute])
            if key not in seen:
                seen.add(key)
                out.append((cover[:, minute].astype(float).tolist(), task.staff - have[minute],
                            f"{task.staff} on duty who may do {task.id} on a {d} at "
                            f"{minute // 60:02d}:{minute % 60:02d}"))
    return out


def lower_bound(model: WardModel, cells: list[Cell], targets: Targets) -> Bound:
    """Find the cheapest roster of the varied cells meeting the necessary conditions."""
    rank = {g: i for i, g in enumerate(model.group_ids)}
    # a holiday adds no weekly hours; a hundredth of a shift breaks the tie in favour of fewer
    weights = np.array([_hour_rates(model, c.shift)[rank[c.group]] * (
        24.0 * 7 if c.shift == CONTINUOUS else max(cell_hours(model, c.shift, c.day_type),
                                                  0.01 * shift_hours(model, c.shift)))
        for c in cells])
    fixed = _heads(model, cells)
    constant = sum(_hour_rates(model, s)[g] * h * (
        cell_hours(model, s, d) if s != CONTINUOUS else (24.0 * 7 if d == "weekday" else 0.0))
        for g, s, d, h in fixed)
    found = [r for d in _day_types(model) for r in (*_capacity(model, cells, fixed, targets, d),
                                                    *shift_rows(model, cells, fixed, targets, d),
                                                    *coverage_rows(model, cells, fixed, targets, d),
                                                    *_staffed(model, cells, fixed, d))]
    rows = [r for r, _, _ in found]
    lower = [b for _, b, _ in found]
    names = [n for _, _, n in found]
    matrix = np.array(rows, float).reshape(len(rows), len(cells))
    low = np.array(lower, float)
    lo = np.array([c.low for c in cells], float)
    hi = np.array([c.high for c in cells], float)
    constraints = [LinearConstraint(matrix, low - _SLACK, np.inf)] if len(low) else []
    res = milp(weights, integrality=np.ones(len(cells)), bounds=Bounds(lo, hi),
               constraints=constraints)
    if res.x is None:
        return Bound(float("inf"), None, weights, constant, matrix, low, tuple(names))
    values = tuple(int(round(v)) for v in res.x)
    return Bound(float(constant + weights @ np.array(values, float)), values, weights, constant,
                 matrix, low, tuple(names))
