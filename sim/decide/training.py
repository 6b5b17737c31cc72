"""How many people must be certified before a group takes a task: the training need.

For a certification C required by a task placed on group G, and each shift s × day type d
on which G is rostered and such a task can arrive, the *certified needed* is the smallest
number n of certified members on duty such that

(a) the chance that at least one of them is present meets ``coverage_probability``: with
    absence rate p drawn per person, ``1 - p ** n >= coverage_probability``; and
(b) the tasks requiring C meet their late-share targets there: for every priority, the mean
    over replications of the share of those tasks that wait longer than their ``max_wait``
    is at most ``max_late_share``.

(b) is searched over n = 1, 2, ... with common random numbers (the same seed and
replications for every n; the scenario's rule for C on G becomes "n per shift"), stopping
at the head count on duty; a cell whose targets are not met even with everyone certified
says so (``targets_met`` false).

**Persons to train** turn certified heads per shift into people for a rotating roster::

    certified person-hours per week = sum over shifts and day types of
                                      heads x shift hours x days of that type in a week
                                      (weekday 5, weekend 2; holidays add no weekly hours)
    persons = person-hours per week / weekly_hours / (1 - absence)

with ``weekly_hours`` from the scenario's ``fte:`` (35.5 h, the Norwegian rota week) and
the group's absence rate, since absent people must be covered by other certified people.
``persons_to_train`` is persons needed minus persons certified today (never below 0),
given per cell and, rounded up, in a total row (shift and day type ``all``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from sim.calendar import DAY_TYPES, MINUTES_PER_DAY
from sim.decide.structure import EPS
from sim.experiment import Results
from sim.io.schema_targets import FTE, Targets
from sim.measure.shifts import shift_of_clock
from sim.model import WardModel, clock_mask, heads_on_duty, task_pieces

TRAINING_COLUMNS = ["scenario", "certification", "group", "shift", "day_type", "certified_now",
                    "certified_needed", "persons_to_train", "targets_met"]
#: Days of each type in an ordinary week (holidays replace days of an ordinary week).
DAYS_PER_WEEK = {"weekday": 5, "weekend": 2, "holiday": 0}

Rebuild = Callable[[str, str, int], WardModel]
Simulate = Callable[[WardModel], Results]


def coverage_count(absence: float, probability: float) -> int:
    """Return the smallest n >= 1 with ``1 - absence ** n >= probability``."""
    if absence <= 0:
        return 1
    if absence >= 1:
        return math.inf  # type: ignore[return-value]
    return max(1, math.ceil(math.log(1 - probability) / math.log(absence) - EPS))


def training_cells(model: WardModel) -> dict[tuple[str, int], list[tuple[str, str, int]]]:
    """(certification, group) -> the cells (shift, day type, heads) it is needed on."""
    present = set(model.calendar.day_types())
    out: dict[tuple[str, int], list[tuple[str, str, int]]] = {}
    for task in (t for t in model.tasks if t.requires):
        cells = out.setdefault((task.requires, task.group), [])
        for day_type in (d for d in DAY_TYPES if d in present):
            arrive = clock_mask(task_pieces(model, task, day_type))
            clock = shift_of_clock(model, task.group, day_type)
            for shift in dict.fromkeys(clock[arrive].tolist()):
                heads = heads_on_duty(model, task.group, shift, day_type)
                if heads > 0 and (shift, day_type, heads) not in cells:
                    cells.append((shift, day_type, heads))
    return {k: v for k, v in out.items() if v}


def _late_met(results: Results, task_ids: list[str], group: str, targets: Targets
              ) -> dict[tuple[str, str], bool]:
    """(shift, day type) -> whether the tasks ``task_ids`` of ``group`` meet their late targets."""
    tasks = results.shift_tasks
    sel = tasks[(tasks["group"] == group) & tasks["task_id"].isin(task_ids)]
    met: dict[tuple[str, str], bool] = {}
    for (shift, day_type, priority), g in sel.groupby(["shift", "day_type", "priority"]):
        per_rep = g.groupby("replication")[["late", "arrived"]].sum()
        share = float(np.nanmean((per_rep["late"] / per_rep["arrived"]).to_numpy(float)))
        ok = share <= targets.max_late_share.of(priority) + EPS
        met[(shift, day_type)] = met.get((shift, day_type), True) and ok
    return met


def training_need(model: WardModel, label: str, targets: Targets, fte: FTE, rebuild: Rebuild,
                  simulate: Simulate) -> pd.DataFrame:
    """Return the training-need rows of one scenario (see the module docstring).

    ``rebuild(certification, group_id, n)`` returns the model with "n certified per shift";
    ``simulate(model)`` runs it with the scenario's seed and replications, ``by_shift=True``.
    """
    rows: list[dict[str, Any]] = []
    for (cert, g), cells in training_cells(model).items():
        group = model.group_ids[g]
        absence = model.staffing.absence[g]
        task_ids = [t.id for t in model.tasks if t.requires == cert and t.group == g]
        floor = coverage_count(model.staffing.certified_gap(g), targets.coverage_probability)
        needed: dict[tuple[str, str], tuple[int, bool]] = {}
        top = max(h for _, _, h in cells)
        for n in range(min(floor, top), top + 1):
            open_cells = [(s, d, h) for s, d, h in cells if (s, d) not in needed]
            if not open_cells:
                break
            met = _late_met(simulate(rebuild(cert, group, n)), task_ids, group, targets)
            for s, d, h in open_cells:
                enough = met.get((s, d), True) and n >= min(floor, h)
                if enough or n >= h:
                    needed[(s, d)] = (min(n, h), enough and floor <= h)
        for s, d, h in cells:
            now = model.staffing.certified(cert, g, h)
            need, ok = needed.get((s, d), (h, False))
            rows.append({"scenario": label, "certification": cert, "group": group, "shift": s,
                         "day_type": d, "certified_now": now, "certified_needed": need,
                         "persons_to_train": round(max(0.0, _persons(model, s, d, need - now,
                                                                      absence, fte)), 2),
                         "targets_met": ok})
        rows.append(_total(rows, label, cert, group, model, absence, fte))
    return pd.DataFrame(rows, columns=TRAINING_COLUMNS)


def shift_hours(model: WardModel, shift: str) -> float:
    """Length of a shift in hours (24 for the round-the-clock roster)."""
    for s in model.staffing.shifts:
        if s.name == shift:
            return ((s.end - s.start) % MINUTES_PER_DAY or MINUTES_PER_DAY) / 60.0
    return 24.0


def _persons(model: WardModel, shift: str, day_type: str, heads: float, absence: float,
             fte: FTE) -> float:
    hours = heads * shift_hours(model, shift) * DAYS_PER_WEEK[day_type]
    return hours / fte.weekly_hours / (1.0 - absence)


def _total(rows: list[dict[str, Any]], label: str, cert: str, group: str, model: WardModel,
           absence: float, fte: FTE) -> dict[str, Any]:
    mine = [r for r in rows if r["certification"] == cert and r["group"] == group
            and r["scenario"] == label and r["shift"] != "all"]
    need = sum(_persons(model, r["shift"], r["day_type"], r["certified_needed"], absence, fte)
               for r in mine)
    now = sum(_persons(model, r["shift"], r["day_type"], r["certified_now"], absence, fte)
              for r in mine)
    return {"scenario": label, "certification": cert, "group": group, "shift": "all",
            "day_type": "all", "certified_now": math.nan, "certified_needed": math.nan,
            "persons_to_train": max(0, math.ceil(need - now - EPS)),
            "targets_met": all(r["targets_met"] for r in mine)}
