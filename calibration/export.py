"""What a calibration writes: ``calibrated.yaml``, ``calibration.csv`` and the sweep ranges.

The sweep ranges are ``sweep.txt`` (a command to paste) and ``sweep.json``.

The variant ``extends`` the scenario (by a path relative to the output folder) and holds
only the fitted values; the scenario file is never touched. Values written are divided by
the scenario's ``durations.scale`` or ``arrivals.scale``, so that the simulated times and
rates are the observed ones. Each 95 % confidence interval becomes one ``--vary`` range,
for a ``wardsim sweep`` of the calibrated variant over its parameter uncertainty.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from calibration.arrivals import Rate, mapped_rate
from calibration.durations import Fit
from calibration.likelihood import FAMILIES
from sim.calendar import DAY_TYPES, Calendar
from sim.i18n import Messages
from sim.io.schema import Scenario

DURATION_COLUMNS = ["task_id", "group", "n", "n_censored", "family", "mean", "mean_ci_low",
                    "mean_ci_high", "cv", "cv_ci_low", "cv_ci_high",
                    *[f"aic_{f}" for f in FAMILIES], "gof_pvalue", "action"]
ARRIVAL_COLUMNS = ["task_id", "interval", "day_type", "per", "days", "exposure", "count", "rate",
                   "rate_ci_low", "rate_ci_high", "estimate", "dispersion", "dispersion_pvalue",
                   "action"]


def sig(value: float, digits: int = 4) -> float:
    """``value`` rounded to ``digits`` significant digits, as a plain float for YAML."""
    return float(f"{value:.{digits}g}") if math.isfinite(value) else value


@dataclass(frozen=True)
class Range:
    """One sweep factor: a path of the variant and the 95 % CI it may vary over."""

    path: str
    low: float
    high: float
    base: float

    @property
    def vary(self) -> str:
        """The ``--vary`` argument."""
        return f"{self.path}={self.low:g}:{self.high:g}"


def _range(path: str, base: float, low: float, high: float, scale: float = 1.0) -> Range | None:
    low, high, base = sig(low / scale), sig(high / scale), sig(base / scale)
    if not (math.isfinite(low) and math.isfinite(high)) or not 0 <= low < high:
        return None
    return Range(path, low, high, base)


# --- durations ------------------------------------------------------------------------------


def action_text(fit: Fit, msg: Messages, min_observations: int) -> str:
    """Say what happened to one fit, in words."""
    if fit.action == "too_few":
        return msg("calibrate.action.too_few", n=fit.n, min=min_observations,
                   estimate=fit.estimate)
    if fit.action == "kept":
        return msg("calibrate.action.kept")
    if fit.action == "pooled":
        return msg("calibrate.action.pooled")
    if fit.action == "fitted_instead":
        return msg("calibrate.action.fitted_instead", best=msg(f"calibrate.family.{fit.best}"),
                   family=msg(f"calibrate.family.{fit.family}"))
    return msg("calibrate.action.fitted")


def duration_table(fits: list[Fit], msg: Messages, min_observations: int) -> pd.DataFrame:
    """``calibration.csv`` of a durations calibration: one row per task (and group)."""
    rows = []
    for fit in fits:
        rows.append([fit.task_id, fit.group, fit.n, fit.sample.n_censored, fit.family, fit.mean,
                     *fit.mean_ci, fit.cv, *fit.cv_ci, *[fit.aic[f] for f in FAMILIES],
                     fit.gof_pvalue, action_text(fit, msg, min_observations)])
    return pd.DataFrame(rows, columns=DURATION_COLUMNS)


def _spread(fit: Fit, base: dict[str, Any] | None) -> dict[str, Any]:
    spread: dict[str, Any] = {"distribution": fit.family,
                              "cv": None if fit.family == "exponential" else sig(fit.cv)}
    for key in ("min", "mode", "max"):  # a triangular estimate's corners no longer apply
        if isinstance(base, dict) and key in base:
            spread[key] = None
    if spread["cv"] is None and not (isinstance(base, dict) and "cv" in base):
        del spread["cv"]
    return spread


def duration_changes(fits: list[Fit], scenario: Scenario, raw: dict[str, Any]
                     ) -> tuple[list[dict[str, Any]], list[Range]]:
    """Return the variant's task entries for the fitted durations, and their sweep ranges."""
    scale = scenario.durations.scale
    base_tasks = {t.get("id"): t for t in raw.get("tasks", []) if isinstance(t, dict)}
    placed = {t.id: t.group for t in scenario.tasks}
    changes: list[dict[str, Any]] = []
    ranges: list[Range] = []
    for task_id in dict.fromkeys(f.task_id for f in fits):
        written = [f for f in fits if f.task_id == task_id and f.written]
        if not written:
            continue
        base = base_tasks.get(task_id, {})
        group_rows = any(f.group for f in written)
        change: dict[str, Any] = {"id": task_id}
        minutes: dict[str, float] = {}
        for fit in written:
            group = fit.group or placed[task_id]
            minutes[group] = sig(fit.mean / scale)
            if group == placed[task_id]:
                change["duration"] = _spread(fit, base.get("duration"))
                spread_path = f"tasks.{task_id}.duration.cv"
            else:
                own = (base.get("duration_by_group") or {}).get(group)
                change.setdefault("duration_by_group", {})[group] = _spread(fit, own)
                spread_path = f"tasks.{task_id}.duration_by_group.{group}.cv"
            per_group = group_rows or isinstance(base.get("minutes"), dict)
            path = f"tasks.{task_id}.minutes" + (f".{group}" if per_group else "")
            ranges.append(_range(path, fit.mean, *fit.mean_ci, scale))
            if fit.family != "exponential":
                ranges.append(_range(spread_path, fit.cv, *fit.cv_ci))
        if group_rows or isinstance(base.get("minutes"), dict):
            own = placed[task_id]
            if own not in minutes and isinstance(base.get("minutes"), (int, float)):
                minutes = {own: base["minutes"], **minutes}  # the placed group's estimate stays
            change["minutes"] = minutes
        else:
            change["minutes"] = minutes[placed[task_id]]
        changes.append(_ordered(change))
    return changes, [r for r in ranges if r is not None]


def _ordered(change: dict[str, Any]) -> dict[str, Any]:
    keys = ["id", "minutes", "duration", "duration_by_group", "when"]
    return {k: change[k] for k in keys if k in change}


# --- arrivals -------------------------------------------------------------------------------


def arrival_table(rates: list[Rate], msg: Messages) -> pd.DataFrame:
    """``calibration.csv`` of an arrivals calibration: one row per task × interval × day type."""
    rows = [[r.task_id, r.interval, r.day_type, r.per, r.days, r.exposure, r.count, r.rate,
             r.rate_ci_low, r.rate_ci_high, r.estimate, r.dispersion, r.dispersion_pvalue,
             msg(f"calibrate.action.{r.action}", dispersion=r.dispersion, p=r.dispersion_pvalue)]
            for r in rates]
    return pd.DataFrame(rows, columns=ARRIVAL_COLUMNS)


def arrival_changes(rates: list[Rate], scenario: Scenario, calendar: Calendar
                    ) -> tuple[list[dict[str, Any]], list[Range]]:
    """Return the variant's ``when`` of every rate task observed, and the sweep ranges.

    Every clock interval gets a rate per day type: the observed one where the census has
    that day type, else the mapped estimate; the task's other ``when`` keys (``anytime``,
    ``weekday_daytime``) are removed, their rates now being inside the intervals. An
    interval with no event and no mapped rate is left out.
    """
    scale = scenario.arrivals.scale or 1.0
    tasks = {t.id: t for t in scenario.tasks}
    changes, ranges = [], []
    for task_id in dict.fromkeys(r.task_id for r in rates):
        task = tasks[task_id]
        mine = {(r.interval, r.day_type): r for r in rates if r.task_id == task_id}
        if task.when is None or not any(r.written for r in mine.values()):
            continue
        when: dict[str, Any] = {key: None for key in task.when
                                if key not in calendar.interval_ids()}
        for interval in calendar.interval_ids():
            values = {}
            for day_type in DAY_TYPES:
                rate = mine.get((interval, day_type))
                if rate is not None and rate.written:
                    values[day_type] = sig(rate.rate / scale)
                    ranges.append(_range(f"tasks.{task_id}.when.{interval}.{day_type}",
                                         rate.rate, rate.rate_ci_low, rate.rate_ci_high, scale))
                else:
                    values[day_type] = sig(mapped_rate(task, calendar, interval, day_type))
            if any(values.values()) or interval in task.when:
                when[interval] = values
        changes.append({"id": task_id, "when": when})
    return changes, [r for r in ranges if r is not None]


# --- files ----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Quotes every text that YAML might read as a number or a clock time (``"07-09"``)."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = '"' if re.fullmatch(r"[0-9:.\-+ ]+", value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def variant_text(scenario_path: str | Path, out_dir: Path, changes: list[dict[str, Any]],
                 comments: dict[str, list[str]], header: list[str]) -> str:
    """Return the text of ``calibrated.yaml``: header comments, ``extends`` and the task changes."""
    base = os.path.relpath(Path(scenario_path).resolve(), out_dir.resolve())
    lines = [f"# {line}" for line in header]
    lines.append(yaml.dump({"extends": Path(base).as_posix()}, Dumper=_Dumper,
                           allow_unicode=True).rstrip())
    lines.append("tasks:")
    for change in changes:
        for comment in comments.get(change["id"], []):
            lines.append(f"  # {comment}")
        block = yaml.dump([change], Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                          default_flow_style=None, width=100)
        lines.extend(f"  {line}" for line in block.rstrip().splitlines())
    return "\n".join(lines) + "\n"


def sweep_files(folder: Path, variant: Path, ranges: list[Range], msg: Messages) -> None:
    """``sweep.txt`` (a ``wardsim sweep`` command to paste) and ``sweep.json`` (the ranges)."""
    points = max(16, 2 * len(ranges))
    args = ["wardsim", "sweep", str(variant), *[a for r in ranges for a in ("--vary", r.vary)],
            "--design", "lhs", "--points", str(points)]
    lines = [f"# {msg('calibrate.sweep_comment')}"]
    parts = [shlex.quote(a) for a in args]
    command = " ".join(parts[:3])
    for i in range(3, len(parts) - 4, 2):
        command += f" \\\n  {parts[i]} {parts[i + 1]}"
    command += " \\\n  " + " ".join(parts[-4:])
    lines.append(command)
    (folder / "sweep.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = {"scenario": str(variant), "design": "lhs", "points": points,
            "vary": [r.vary for r in ranges],
            "factors": [{"path": r.path, "low": r.low, "high": r.high, "base": r.base}
                        for r in ranges]}
    (folder / "sweep.json").write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
