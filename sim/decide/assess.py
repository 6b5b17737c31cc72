"""Is a split of tasks feasible on every shift? The verdict of ``wardsim assess``.

A verdict is given per *cell*: staff group × shift × day type (a shift belongs to the day
it starts on, and a task to the shift of its group on duty when it arrives; see
:mod:`sim.measure.shifts`). Each cell gets several checks, and its verdict is the worst:

* **not_feasible** when a structural check fails (from the roster alone, no simulation:
  :mod:`sim.decide.structure` – a task can arrive and nobody on the roster may do it, or a
  two-person task cannot form a crew), or when a simulated target is exceeded with
  confidence: the 95 % confidence interval over replications lies wholly above it.
* **at_risk** when the target lies inside the confidence interval; or the mean meets it but
  single shifts miss it more often than ``shift_tail`` (every simulated shift is looked at,
  not only the mean); or coverage hangs on too few certified people (the exact chance that
  none of them is present exceeds ``1 - coverage_probability``); or more than
  ``max_glide_back_share`` of a moved task is done by the group it was moved away from.
* **feasible** when every check is met with confidence (the interval lies at or below the
  target).

Simulated checks: ``utilisation`` of the group's staff on the shift (busy over on duty
less break),
``late_share_<priority>`` of the tasks placed on the group that arrive in the cell,
``missed_per_week`` of those tasks, and ``glide_back`` for each task that a variant moved to
the group (compared with the first scenario, the baseline). A scenario is feasible when
every cell is; the cells that are not are the ones that stop it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.decide.structure import FEASIBILITY_COLUMNS, roster_checks, row
from sim.experiment import Results
from sim.io.schema_targets import Targets
from sim.measure.tidy import t_interval
from sim.model import WardModel

VERDICTS = ("feasible", "at_risk", "not_feasible")
CELL = ["group", "shift", "day_type"]


def judge(mean: float, low: float, high: float, target: float) -> str:
    """Return the verdict of a simulated measure against an upper target, from its 95 % CI."""
    if not math.isnan(low) and low > target:
        return "not_feasible"
    upper = mean if math.isnan(high) else high
    return "at_risk" if upper > target else "feasible"


def share_interval(values: np.ndarray, upper: float = 1.0) -> tuple[float, float, float]:
    """Mean and 95 % t interval of a share (or count), cut to what it can be: [0, upper]."""
    mean, low, high = t_interval(values)
    return (mean, (low if math.isnan(low) else max(low, 0.0)),
            (high if math.isnan(high) else min(high, upper)))


def moved_tasks(base: WardModel, model: WardModel) -> dict[str, str]:
    """Map task id -> its group in ``base``, for tasks placed elsewhere in ``model``."""
    before = {t.id: base.group_ids[t.group] for t in base.tasks}
    return {t.id: before[t.id] for t in model.tasks
            if t.id in before and before[t.id] != model.group_ids[t.group]}


def assess(models: Sequence[WardModel], results: Sequence[Results], labels: Sequence[str],
           targets: Sequence[Targets]) -> pd.DataFrame:
    """Every check of every cell of every scenario (the feasibility frame).

    ``results`` must come from ``run_replications(..., by_shift=True)``; the first scenario
    is the baseline that moved tasks are compared with.
    """
    rows: list[dict[str, Any]] = []
    for model, res, label, target in zip(models, results, labels, targets, strict=True):
        if res.shift_staff is None or res.shift_tasks is None:
            raise ValueError("assess needs results run with by_shift=True")
        rows += roster_checks(model, label, target)
        weeks = max(model.calendar.days - res.warmup_days, 1) / 7.0
        # the shifts measured: those starting after the warm-up (and not the night cut at 0)
        tasks = res.shift_tasks[res.shift_tasks["shift_day"] >= res.warmup_days]
        rows += _utilisation(res.shift_staff, label, target, res.replications)
        rows += _late(tasks, label, target)
        rows += _missed(tasks, label, target, weeks, res.replications)
        rows += _glide_back(tasks, label, target, moved_tasks(models[0], model),
                            {t.id: t.name for t in model.tasks})
    frame = pd.DataFrame(rows, columns=FEASIBILITY_COLUMNS)
    order = {v: i for i, v in enumerate(VERDICTS)}
    return frame.sort_values(["scenario", *CELL], key=lambda c: c.map(order) if c.name == "verdict"
                             else c, kind="stable").reset_index(drop=True)


def _per_replication(values: pd.Series, replications: int, fill: float | None) -> np.ndarray:
    """Values indexed by replication as an array over every replication (missing -> fill/NaN)."""
    full = values.reindex(range(replications))
    return full.fillna(fill).to_numpy(float) if fill is not None else full.to_numpy(float)


def _utilisation(staff: pd.DataFrame, label: str, targets: Targets,
                 replications: int) -> list[dict]:
    rows = []
    for (group, shift, day_type), g in staff.groupby(CELL, sort=True):
        target = targets.max_utilisation_of(group)
        g = _available(g)
        per_rep = g.groupby("replication")[["busy_minutes", "on_duty_minutes"]].sum()
        on_duty = per_rep["on_duty_minutes"]
        ratio = per_rep["busy_minutes"] / on_duty.where(on_duty > 0)
        mean, low, high = share_interval(_per_replication(ratio, replications, None))
        if math.isnan(mean):
            continue  # nobody of the group was ever on duty in this cell
        verdict = judge(mean, low, high, target)
        key = {"not_feasible": "utilisation_above", "at_risk": "utilisation_near"}.get(verdict, "")
        rows.append(row(label, group, shift, day_type, verdict, "utilisation", mean, low, high,
                        target, key))
        if verdict == "feasible":
            on = g["on_duty_minutes"].to_numpy(float)
            single = g["busy_minutes"].to_numpy(float)[on > 0] / on[on > 0]
            rows.append(_tail(label, group, shift, day_type, "utilisation_tail", single > target,
                              target, targets.shift_tail, "utilisation_tail"))
    return rows


def _available(staff: pd.DataFrame) -> pd.DataFrame:
    """Return the shift instances with ``on_duty_minutes`` less break time.

    Utilisation counts break time as neither busy nor available (:mod:`sim.breaks`).
    """
    if "break_minutes" not in staff or not staff["break_minutes"].any():
        return staff
    return staff.assign(on_duty_minutes=staff["on_duty_minutes"] - staff["break_minutes"])


def _tail(label: str, group: str, shift: str, day_type: str, check: str, missed: np.ndarray,
          target: float, tail: float, key: str, **args: Any) -> dict[str, Any]:
    """Return the shift-tail check: the share of single shifts that miss ``target``."""
    share = float(missed.mean()) if missed.size else 0.0
    verdict = "at_risk" if share > tail else "feasible"
    return row(label, group, shift, day_type, verdict, check, share, target=tail, reason=key,
               args={"share": share, "target": target, "tail": tail, **args})


def _late(tasks: pd.DataFrame, label: str, targets: Targets) -> list[dict]:
    rows = []
    for (group, shift, day_type, priority), g in tasks.groupby([*CELL, "priority"], sort=True):
        target = targets.max_late_share.of(priority)
        per_rep = g.groupby("replication")[["late", "arrived"]].sum()
        mean, low, high = share_interval((per_rep["late"] / per_rep["arrived"]).to_numpy(float))
        if math.isnan(mean):
            continue
        verdict = judge(mean, low, high, target)
        key = {"not_feasible": "late_above", "at_risk": "late_near"}.get(verdict, "")
        check = f"late_share_{priority}"
        rows.append(row(label, group, shift, day_type, verdict, check, mean, low, high, target,
                        key, args={"priority": priority}))
        if verdict == "feasible":
            single = g.groupby(["replication", "shift_day"])[["late", "arrived"]].sum()
            share = (single["late"] / single["arrived"]).to_numpy(float)
            rows.append(_tail(label, group, shift, day_type, f"{check}_tail", share > target,
                              target, targets.shift_tail, "late_tail", priority=priority))
    return rows


def _missed(tasks: pd.DataFrame, label: str, targets: Targets, weeks: float,
            replications: int) -> list[dict]:
    rows = []
    target = targets.max_missed_per_week
    for (group, shift, day_type), g in tasks.groupby(CELL, sort=True):
        per_rep = g.groupby("replication")["missed"].sum() / weeks
        mean, low, high = share_interval(_per_replication(per_rep, replications, 0.0), math.inf)
        verdict = judge(mean, low, high, target)
        key = {"not_feasible": "missed_above", "at_risk": "missed_near"}.get(verdict, "")
        rows.append(row(label, group, shift, day_type, verdict, "missed_per_week", mean, low, high,
                        target, key))
    return rows


def _glide_back(tasks: pd.DataFrame, label: str, targets: Targets, moved: dict[str, str],
                names: dict[str, str]) -> list[dict]:
    rows = []
    target = targets.max_glide_back_share
    started = tasks[tasks["task_id"].isin(list(moved)) & (tasks["performed_by"] != "")]
    for (group, shift, day_type, task_id), g in started.groupby([*CELL, "task_id"], sort=True):
        origin = moved[task_id]
        done = g.groupby("replication")["arrived"].sum()
        back = g[g["performed_by"] == origin].groupby("replication")["arrived"].sum()
        share = (back.reindex(done.index, fill_value=0) / done).to_numpy(float)
        mean, low, high = share_interval(share)
        verdict = "at_risk" if mean > target else "feasible"
        rows.append(row(label, group, shift, day_type, verdict, "glide_back", mean, low, high,
                        target, "glide_back", args={"task": names[task_id], "from_group": origin,
                                                    "share": mean}))
    return rows


def cell_verdicts(feasibility: pd.DataFrame) -> pd.DataFrame:
    """One row per cell: the worst verdict of its checks and the reasons (``reason`` column).

    ``feasibility`` must carry the rendered ``reason`` texts; reasons of checks that are met
    are left out.
    """
    rank = {v: i for i, v in enumerate(VERDICTS)}
    out = []
    by_cell = feasibility.groupby(["scenario", *CELL], sort=False)
    for (scenario, group, shift, day_type), g in by_cell:
        checks = sorted(zip(g["verdict"], g["reason"], strict=True), key=lambda v: -rank[v[0]])
        out.append((scenario, group, shift, day_type, checks[0][0],
                    [reason for verdict, reason in checks if verdict != "feasible"]))
    return pd.DataFrame(out, columns=["scenario", *CELL, "verdict", "reasons"])


def scenario_verdicts(cells: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: feasible only if every cell is, and the cells that stop it (worst first)."""
    rank = {v: i for i, v in enumerate(VERDICTS)}
    out = []
    for scenario, g in cells.groupby("scenario", sort=False):
        cells = sorted(zip(g["verdict"], g[CELL].itertuples(index=False, name=None), strict=True),
                       key=lambda v: -rank[v[0]])
        out.append((scenario, cells[0][0],
                    [cell for verdict, cell in cells if verdict != "feasible"]))
    return pd.DataFrame(out, columns=["scenario", "verdict", "stopping"])
