"""Screen tables from summary frames. Returns text; never prints (cli.py prints).

Display labels live here, not in data keys. A cell shows the mean over replications and
the half-width of its 95% confidence interval: ``82.1% ±1.3``.
"""

from __future__ import annotations

import math

import pandas as pd

from sim.calendar import DAY_TYPES
from sim.model import WardModel

GROUP_COLUMNS = (
    ("tasks_per_week", "tasks/week", "{:.0f}"),
    ("wait_p50", "wait p50 min", "{:.1f}"),
    ("wait_p90", "wait p90 min", "{:.1f}"),
    ("late_per_week", "late/week", "{:.1f}"),
    ("missed_per_week", "missed/week", "{:.1f}"),
)
STAFF_COLUMNS = (
    ("other_group_hours_per_week", "h/week on others' tasks", "{:.1f}"),
    ("overtime_hours_per_week", "overtime h/week", "{:.1f}"),
    ("absent_hours_per_week", "absent h/week", "{:.1f}"),
)


def cell(mean: float, low: float, high: float, fmt: str = "{:.1f}", percent: bool = False) -> str:
    """Format a mean and its CI as ``mean ±half-width`` (no ± when the CI is unknown)."""
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return "–"
    factor = 100.0 if percent else 1.0
    text = fmt.format(mean * factor) + ("%" if percent else "")
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return text
    return f"{text} ±{fmt.format((high - low) / 2 * factor)}"


def _pick(summary: pd.DataFrame, kpi: str, **keys: str) -> pd.Series | None:
    sel = summary["kpi"] == kpi
    for column, value in keys.items():
        sel &= summary[column] == value
    rows = summary[sel]
    return rows.iloc[0] if len(rows) else None


def _cell(summary: pd.DataFrame, kpi: str, fmt: str, percent: bool = False, **keys: str) -> str:
    row = _pick(summary, kpi, **keys)
    return "–" if row is None else cell(row["mean"], row["ci_low"], row["ci_high"], fmt, percent)


def utilisation_table(summary: pd.DataFrame, model: WardModel) -> pd.DataFrame:
    """Utilisation with shifts × day types as rows and staff groups as columns."""
    util = summary[summary["kpi"] == "utilisation"]
    groups = [g for g in model.group_ids if (util["group"] == g).any()]
    rows: dict[str, dict[str, str]] = {}
    for shift in model.shift_names:
        for day_type in DAY_TYPES:
            if ((util["shift"] == shift) & (util["day_type"] == day_type)).any():
                rows[f"{shift} {day_type}"] = {
                    g: _cell(util, "utilisation", "{:.1f}", True, group=g, shift=shift,
                             day_type=day_type) for g in groups}
    rows["all shifts"] = {g: _cell(util, "utilisation", "{:.1f}", True, group=g, shift="all")
                          for g in groups}
    return pd.DataFrame.from_dict(rows, orient="index", columns=groups)


def group_table(summary: pd.DataFrame, model: WardModel) -> pd.DataFrame:
    """Per group: its tasks' waits, late and missed, and its staff's time on others' tasks."""
    rows = {}
    for group in model.group_ids:
        row = {label: _cell(summary, kpi, fmt, group=group, category="")
               for kpi, label, fmt in GROUP_COLUMNS}
        row.update({label: _cell(summary, kpi, fmt, group=group, shift="all")
                    for kpi, label, fmt in STAFF_COLUMNS})
        if set(row.values()) != {"–"}:
            rows[group] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def category_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per task category: how many, how long they wait, late and missed."""
    cats = [c for c in summary["category"].unique() if c]
    rows = {c: {label: _cell(summary, kpi, fmt, category=c, group="")
                for kpi, label, fmt in GROUP_COLUMNS} for c in cats}
    return pd.DataFrame.from_dict(rows, orient="index")


def run_report(summary: pd.DataFrame, model: WardModel, replications: int, warmup_days: int,
               seed: int) -> str:
    """The text printed after ``wardsim run``."""
    weeks = (model.calendar.days - warmup_days) / 7
    head = (f"{model.name}\n{replications} replications × {model.calendar.days} days "
            f"(warm-up {warmup_days} days left out, {weeks:.1f} weeks measured), seed {seed}. "
            "Means over replications ±half-width of the 95% confidence interval.")
    parts = [
        head,
        "Utilisation (share of time on duty spent on tasks), by shift and day type:",
        utilisation_table(summary, model).to_string(),
        "Tasks placed on each group, and each group's time on other groups' tasks:",
        group_table(summary, model).to_string(),
        "Task categories:",
        category_table(summary).to_string(),
    ]
    return "\n\n".join(parts)
