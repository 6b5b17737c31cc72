"""What the roster alone says about a split, before any simulation.

The checks are made per *cell* – staff group × shift × day type, the shift a task belongs
to being the one of :func:`sim.measure.shifts.shift_of_clock` – for every task placed on the
group that can arrive in the cell:

* ``roster`` – **not_feasible** if at some minute of the cell in which the task can arrive
  nobody on the roster may do it: no member of its group, nor (under ``glide``) of a broader
  group, holding the certification it requires.
* ``crew`` – **not_feasible** if fewer people who may do a two-person task are on duty
  together than it needs.
* ``coverage`` – **at_risk** if the task needs a certification and the chance that none of
  the group's certified members on the shift is present exceeds ``1 - coverage_probability``.
  Absence is drawn per person and shift with the group's absence rate, as the engine does,
  and an absence covered by an extra shift or overtime keeps the certifications (agency
  staff hold none), so with k certified on duty that chance is exactly ``gap ** k`` with
  ``gap = absence × (1 − extra_shift − overtime)`` (:meth:`sim.staff.Staffing.certified_gap`;
  1 when k = 0).

Absence is ignored in the first two (they are about the plan); the simulation then shows
what absence does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.calendar import DAY_TYPES, MINUTES_PER_DAY
from sim.io.schema_targets import Targets
from sim.measure.shifts import shift_of_clock
from sim.model import WardModel, clock_mask, eligible_heads, heads_on_duty, task_pieces

#: Columns of the feasibility frame (one row per check of a cell).
FEASIBILITY_COLUMNS = [
    "scenario", "group", "shift", "day_type", "verdict", "check", "value", "ci_low", "ci_high",
    "target", "reason_key", "reason_args",
]
#: Slack for comparing a computed probability with a target given in decimals (0.1 ** 2).
EPS = 1e-9


def row(label: str, group: str, shift: str, day_type: str, verdict: str, check: str,
        value: float = math.nan, low: float = math.nan, high: float = math.nan,
        target: float = math.nan, reason: str = "", args: dict[str, Any] | None = None,
        ) -> dict[str, Any]:
    """One check of one cell as a feasibility row.

    The reason's placeholders are the cell, the measure (value, low, high, target) and
    ``args``, which may override them (a shift-tail reason names the measure's own target).
    """
    reason_args = {"group": group, "shift": shift, "day_type": day_type, "value": value,
                   "low": low, "high": high, "target": target, **(args or {})}
    return dict(zip(FEASIBILITY_COLUMNS, (
        label, group, shift, day_type, verdict, check, value, low, high, target,
        reason if verdict != "feasible" else "", reason_args), strict=True))


def clock_text(mask: np.ndarray) -> str:
    """Return the minutes where ``mask`` is true as clock spans, e.g. ``22:00–07:00``."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    runs = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][1] == MINUTES_PER_DAY:
        runs = [(runs[-1][0], runs[0][1] + MINUTES_PER_DAY), *runs[1:-1]]

    def clock(minute: int) -> str:
        minute %= MINUTES_PER_DAY
        return f"{minute // 60:02d}:{minute % 60:02d}"

    more = " …" if len(runs) > 3 else ""
    return ", ".join(f"{clock(a)}–{clock(b)}" for a, b in runs[:3]) + more


def roster_checks(model: WardModel, label: str, targets: Targets) -> list[dict[str, Any]]:
    """Return the ``roster``, ``crew`` and ``coverage`` rows of every cell where tasks arrive."""
    rows: list[dict[str, Any]] = []
    present = set(model.calendar.day_types())
    for day_type in (d for d in DAY_TYPES if d in present):
        for g, group in enumerate(model.group_ids):
            clock = shift_of_clock(model, g, day_type)
            failed: dict[str, list[dict[str, Any]]] = {}
            coverage: dict[tuple[str, str], dict[str, Any]] = {}
            for task in (t for t in model.tasks if t.group == g):
                arrive = clock_mask(task_pieces(model, task, day_type))
                if not arrive.any():
                    continue
                heads = eligible_heads(model, task, day_type)
                for shift in dict.fromkeys(clock[arrive].tolist()):
                    here = arrive & (clock == shift)
                    found = failed.setdefault(shift, [])
                    nobody, short = here & (heads == 0), here & (heads > 0) & (heads < task.staff)
                    if nobody.any():
                        key = "roster_nobody_certified" if task.requires else "roster_nobody"
                        found.append(row(label, group, shift, day_type, "not_feasible", "roster",
                                         value=0, target=1, reason=key,
                                         args={"task": task.name,
                                               "certification": task.requires or "",
                                               "clock": clock_text(nobody)}))
                    elif short.any():
                        found.append(row(label, group, shift, day_type, "not_feasible", "crew",
                                         value=int(heads[short].max()), target=task.staff,
                                         reason="crew",
                                         args={"task": task.name, "staff": task.staff,
                                               "heads": int(heads[short].max()),
                                               "clock": clock_text(short)}))
                    if task.requires and (shift, task.requires) not in coverage:
                        coverage[(shift, task.requires)] = _coverage(
                            model, label, g, shift, day_type, task.requires, targets)
            for shift, found in failed.items():
                rows.extend(found or [row(label, group, shift, day_type, "feasible", "roster",
                                          value=1, target=1)])
            rows.extend(coverage.values())
    return rows


def none_present(absence: float, certified: int) -> float:
    """Chance that none of ``certified`` people, each absent with ``absence``, is present."""
    return float(absence) ** int(certified)


def _coverage(model: WardModel, label: str, g: int, shift: str, day_type: str, cert: str,
              targets: Targets) -> dict[str, Any]:
    group = model.group_ids[g]
    certified = model.staffing.certified(cert, g, heads_on_duty(model, g, shift, day_type))
    absence = model.staffing.certified_gap(g)  # absent and not covered by own staff
    share = none_present(absence, certified)
    allowed = 1.0 - targets.coverage_probability
    verdict = "at_risk" if share > allowed + EPS else "feasible"
    return row(label, group, shift, day_type, verdict, "coverage", value=share, target=allowed,
               reason="coverage", args={"certification": cert, "share": share,
                                        "certified": certified, "absence": absence})
