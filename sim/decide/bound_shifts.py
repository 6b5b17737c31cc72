"""Per-shift capacity rows of the lower bound: the work that must be done inside a shift.

The per-day-type rows of :mod:`sim.decide.bound` let the bound put heads on whichever shift
is cheapest per minute (a weekend night), which real work does not allow. These rows hold
per shift × day type and per set S of groups that alone may do some tasks (each group
alone under ``strict`` dispatch; under ``glide`` the broadest k groups: a task placed on a
group in S may only be done by S, as glide only lets *broader* groups take a task).

**The condition.** Take a shift s starting on a day D of type d and its *window* W: the
minutes of its span that no shift starting on another day covers (07:30–15:00 of a
07:00–15:00 day shift after a night ending 07:30). A task t placed on S that arrives in
at τ in ``[start W, end W − max_wait_t)`` and is neither late nor missed starts by
``τ + max_wait_t`` and keeps ``staff_t`` members of S busy for at least
``min(duration, end W − max_wait_t − τ)`` minutes inside W. So, in expectation,

    busy of S inside W  ≥  Σ_t ∫ rate_t(τ) · staff_t · E[min(duration_t, room(τ))] dτ − R,

where R is the most work the late and missed tasks allowed by the targets can remove:
per group g of S and priority p, ``max_late_share_p`` × the tasks of (g, p) whose cell
starts on a day of type d, taken from the tasks with the most work first, plus
``max_missed_per_week`` × weeks × cells of g, likewise (each bound alone; their sum
bounds both together). A task belongs to the shift instance of its group (or of the ward's
nurses) covering its arrival (:mod:`sim.measure.shifts`), which inside W starts on D: the
late share of the cells of type d that overlap W caps the late tasks in the windows of
type d (their arrivals: those in the spans of the shifts of D overlapping W). If the
nurses' fixed shifts do not cover every minute (another owner could then be a shift of
the day before), the budget is that of the whole horizon, spread over the windows.

On the other side, each present member of a shift instance overlapping W is busy inside
W at most the overlap, and at most ``max_utilisation × shift length`` over the shift
(``assess``'s utilisation is busy over on-duty-less-break minutes, so this needs the
shifts' overtime past their end to be no longer on average than the breaks taken – true
on the example ward, where breaks are 30 minutes and staying on is rare; say it is not,
and use 1.0 as the utilisation). Present heads are heads × (1 − absence × (1 − cover))
on average (a covered absence puts someone on duty).
``E[min(duration, r)]`` is a lower Riemann sum of the quantile function (never above the
true value), with r the room left in W after the latest on-time start (arrivals in
slices of ten minutes, each with the room at its slice's end), the quickest group's
time. Call-bell tasks count as no work, but their calls count in the late budget as many
as if every call were answered at once (never fewer are made). Every roster meeting the
targets meets these rows up to the averaging of ``assess`` (a mean of per-replication
ratios, not a ratio of means).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim.calendar import MINUTES_PER_DAY, span_pieces
from sim.catalogue import TaskType, rate_windows
from sim.decide.cells import Cell
from sim.decide.structure import EPS, none_present
from sim.io.schema_targets import Targets
from sim.io.schema_tasks import PRIORITIES
from sim.model import WardModel, clock_mask, task_pieces
from sim.staff import CONTINUOUS

#: Uniforms for the lower Riemann sum of E[min(duration, q)].
_GRID = np.arange(256) / 256.0
#: Windows shorter than this (minutes) give no row.
_SHORTEST = 60
#: Width of the arrival slices of :func:`task_work` (minutes).
_SLICE = 10.0


def windows(model: WardModel, shift: str) -> list[tuple[int, int]]:
    """Pieces of a shift's span (minutes from its start day's midnight) owned by that day."""
    spans = {s.name: s.span(0) for s in model.staffing.shifts}
    a, b = (int(x) for x in spans[shift])
    mask = np.ones(b - a, dtype=bool)
    others = [s for s in model.staffing.shifts]
    for other in others:
        for day in (-1, 1):
            c, e = (int(x) for x in other.span(day))
            mask[max(c, a) - a:max(min(e, b) - a, 0)] = False
    if model.staffing.continuous:  # round-the-clock instances are calendar days
        mask[max(MINUTES_PER_DAY - a, 0):] = False
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(int), [0]))))
    return [(a + int(s), a + int(e)) for s, e in zip(edges[::2], edges[1::2], strict=True)
            if e - s >= _SHORTEST]


def _quantiles(task: TaskType, groups: list[int]) -> list[np.ndarray]:
    """Quantiles at the uniforms of :data:`_GRID` of each of ``groups``' times of a task."""
    out = []
    for g in groups:
        own = task.group_durations[g] if g < len(task.group_durations) else None
        out.append((own or task.duration).from_uniform(_GRID))
    return out


def _min_mean(quantiles: list[np.ndarray], room: np.ndarray) -> np.ndarray:
    """Lower Riemann sums of E[min(duration, r)] per r in ``room``, the quickest group's."""
    r = np.maximum(room, 0.0)[:, None]
    return np.min([np.minimum(q[None, :], r).mean(axis=1) for q in quantiles], axis=0)


@lru_cache(maxsize=4096)
def _arrival_table(model: WardModel, task_index: int) -> tuple[np.ndarray, np.ndarray,
                                                                np.ndarray]:
    """(start, end, expected count) of a task's arrival windows (a clock task: jitter wide)."""
    task = model.tasks[task_index]
    if not task.at:
        return rate_windows(task, model.calendar, list(model.patients), model.arrival_scale)
    starts, counts = [], []
    for day in range(model.calendar.days):
        if model.calendar.day_type(day) in task.day_types:
            for minute in task.at:
                starts.append(day * MINUTES_PER_DAY + minute)
                counts.append(model.patients[day] if task.per_patient else 1)
    s = np.array(starts, float)
    return s, s + max(task.jitter, 1e-9), np.array(counts, float)


def expected_counts(model: WardModel, task: TaskType, lo: np.ndarray,
                    hi: np.ndarray) -> np.ndarray:
    """Return the expected arrivals in [lo, hi) per column, summed over rows (days)."""
    starts, ends, means = _arrival_table(model, task.index)
    if not len(starts) or not lo.size:
        return np.zeros(lo.shape[1])
    near = (starts < hi.max()) & (ends > lo.min())
    starts, ends, means = starts[near], ends[near], means[near]
    overlap = np.clip(np.minimum(ends[:, None, None], hi[None]) -
                      np.maximum(starts[:, None, None], lo[None]), 0.0, None)
    return (means[:, None, None] * overlap / (ends - starts)[:, None, None]).sum(axis=(0, 1))


def _worst_removal(work: list[tuple[float, float]], budget: float) -> float:
    """Return the most work ``budget`` tasks can remove from (work each, count) pairs."""
    out = 0.0
    for each, count in sorted(work, reverse=True):
        take = min(count, budget)
        out += take * each
        budget -= take
        if budget <= 0:
            break
    return out


def _covered_by_nurses(model: WardModel, cells: list[Cell], d: str) -> bool:
    """Whether nurse shifts on duty in every roster tried cover every clock minute of d."""
    varied = {(c.group, c.shift, c.day_type): c for c in cells}
    nurses = set(model.nurse_groups) or set(range(len(model.group_ids)))
    cover = np.zeros(2 * MINUTES_PER_DAY, dtype=bool)
    shifts = {s.name: s for s in model.staffing.shifts}
    for g, name, per_type in model.staffing.counts:
        cell = varied.get((model.group_ids[g], name, d))
        heads = cell.low if cell else per_type[("weekday", "weekend", "holiday").index(d)]
        if g in nurses and heads > 0:
            a, b = (int(x) for x in shifts[name].span(0))
            cover[a:b] = True
    if any(g in nurses and n > 0 for g, n in model.staffing.continuous):
        return True
    return bool((cover[:MINUTES_PER_DAY] | cover[MINUTES_PER_DAY:]).all())


def task_work(model: WardModel, task: TaskType, days: np.ndarray, lo: int, hi: int,
              scope: tuple[np.ndarray, np.ndarray]) -> tuple[float, float, float, float]:
    """Return the work a task brings into a window, per instance (four numbers).

    They are: the work inside the window if on time, the most work of one arrival, the
    arrivals counted in that work, and the arrivals whose cells share the late budget.

    An arrival at τ that is on time starts by τ + max_wait and is busy at least
    ``min(duration, hi − max_wait − τ)`` inside the window: summed over slices of
    :data:`_SLICE` minutes with the room at each slice's end (a lower sum).
    """
    count = expected_counts(model, task, scope[0][:, None], scope[1][:, None])[0] / len(days)
    end = hi - task.max_wait
    if task.after_done or end <= lo + 1:
        return 0.0, 0.0, 0.0, count
    edges = np.append(np.arange(lo, end, _SLICE, dtype=float), end)
    base = (days * MINUTES_PER_DAY)[:, None]
    counts = expected_counts(model, task, base + edges[None, :-1], base + edges[None, 1:])
    may = list(range(task.group + 1)) if model.dispatch.broader_may_take else [task.group]
    each = task.staff * _min_mean(_quantiles(task, may), np.append(end - edges[1:], end - lo))
    return (float((counts * each[:-1]).sum()) / len(days), float(each[-1]),
            float(counts.sum()) / len(days), count)


def shift_rows(model: WardModel, cells: list[Cell], fixed: list, targets: Targets,
               d: str) -> list[tuple[list[float], float, str]]:
    """Rows of day type ``d``: per shift window and set of groups, busy ≥ work (see above)."""
    cal = model.calendar
    days = np.array([D for D in range(cal.days) if cal.day_type(D) == d], float)
    if not len(days):
        return []
    n = len(model.group_ids)
    sets = [list(range(k + 1)) for k in range(n)] if model.dispatch.broader_may_take \
        else [[g] for g in range(n)]
    spans = {s.name: tuple(int(x) for x in s.span(0)) for s in model.staffing.shifts}
    base = days * MINUTES_PER_DAY
    covered = _covered_by_nurses(model, cells, d)
    missed = targets.max_missed_per_week * cal.days / 7.0 * (len(spans) + 1) / len(days)
    out = []
    for shift in spans:
        for lo, hi in windows(model, shift):
            # the cells owning a minute of the window: shifts of day D that overlap it
            near = [(a, b) for a, b in spans.values() if a < hi and b > lo]
            scope = (base + min(a for a, _ in near), base + max(b for _, b in near)) if covered \
                else (np.zeros(1), np.full(1, float(cal.horizon)))  # another day's may own one
            works = [(t, *task_work(model, t, days, lo, hi, scope)) for t in model.tasks]
            for members in sets:
                need = _need([w for w in works if w[0].group in members], targets, missed)
                row = [_capacity(model, targets, model.group_ids.index(c.group), c.shift, lo,
                                 hi, spans) if model.group_ids.index(c.group) in members
                       and c.day_type in (d, "all") else 0.0 for c in cells]
                have = sum(h * _capacity(model, targets, g, s, lo, hi, spans)
                           for g, s, dd, h in fixed if g in members and dd == d)
                if need - have > 0 and any(row):
                    who = " and ".join(model.group_ids[g] for g in members)
                    out.append((row, need - have, f"the work of {who} inside the {shift} shift "
                                f"({lo // 60 % 24:02d}:{lo % 60:02d}–{hi // 60 % 24:02d}:"
                                f"{hi % 60:02d}) on a {d}"))
    return out


def _need(works: list[tuple], targets: Targets, missed: float) -> float:
    """Work of these tasks inside the window less the most the late and missed may remove.

    ``works`` holds (task, work, most work of one arrival, arrivals counted, arrivals in
    the late budget's cells) per task.
    """
    total = sum(w[1] for w in works)
    removed = 0.0
    for g, p in {(w[0].group, w[0].priority) for w in works}:
        mine = [w for w in works if (w[0].group, w[0].priority) == (g, p)]
        budget = targets.max_late_share.of(PRIORITIES[p]) * sum(w[4] for w in mine)
        removed += _worst_removal([(w[2], w[3]) for w in mine], budget)
    if missed > 0:
        for g in {w[0].group for w in works}:
            removed += _worst_removal([(w[2], w[3]) for w in works if w[0].group == g], missed)
    return total - removed


def _capacity(model: WardModel, targets: Targets, g: int, shift: str, lo: int, hi: int,
              spans: dict[str, tuple[int, int]]) -> float:
    """Busy minutes one rostered head of ``g`` on ``shift`` may give inside [lo, hi)."""
    a, b = (lo, hi) if shift == CONTINUOUS else spans[shift]
    length = MINUTES_PER_DAY if shift == CONTINUOUS else b - a
    overlap = max(0, min(b, hi) - max(a, lo))
    u = targets.max_utilisation_of(model.group_ids[g])
    return model.staffing.present_share(g) * min(overlap, u * length)


def coverage_rows(model: WardModel, cells: list[Cell], fixed: list, targets: Targets,
                  d: str) -> list[tuple[list[float], float, str]]:
    """Rows of ``assess``'s coverage rule: enough certified heads where certified tasks arrive.

    A task placed on g that needs certificate c and can arrive at a clock minute that only
    one shift s of g's possible shifts covers belongs to (g, s, d) if g has heads there,
    else to a nurse shift on which g has none (the nurses cover every minute, checked).
    ``assess`` wants ``absence ** certified ≤ 1 − coverage_probability`` there, so g needs
    at least the heads whose certified members reach that count: an exact rule, no averaging.
    """
    if not _covered_by_nurses(model, cells, d):
        return []

    allowed = 1.0 - targets.coverage_probability
    varied = {(c.group, c.shift, c.day_type): i for i, c in enumerate(cells)}
    heads = {(model.group_ids[g], s): h for g, s, dd, h in fixed if dd == d}
    out = []
    for task in (t for t in model.tasks if t.requires):
        g, gid = task.group, model.group_ids[task.group]
        if any(x == g for x, _ in model.staffing.continuous):
            continue
        arrive = clock_mask(task_pieces(model, task, d))
        possible = [s for s in model.staffing.shifts if heads.get((gid, s.name), 0) > 0
                    or ((gid, s.name, d) in varied and cells[varied[(gid, s.name, d)]].high > 0)]
        for s in model.staffing.shifts:
            mine = clock_mask(span_pieces(s.start, s.end))
            for other in possible:
                if other.name != s.name:
                    mine &= ~clock_mask(span_pieces(other.start, other.end))
            if not (mine & arrive).any():
                continue
            absence = model.staffing.certified_gap(g)  # as assess's coverage rule
            need = next((n for n in range(101) if none_present(absence,
                         model.staffing.certified(task.requires, g, n)) <= allowed + EPS), 101)
            i = varied.get((gid, s.name, d))
            row = [0.0] * len(cells)
            if i is not None:
                row[i] = 1.0
            rhs = need - heads.get((gid, s.name), 0) if i is None else need
            if rhs > 0:
                out.append((row, float(rhs), f"{need} of {gid} on the {s.name} shift of a {d} "
                                             f"for {task.requires!r} cover"))
    return out
