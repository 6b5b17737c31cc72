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
    keys.setdefault("interval", "all")
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
            if ((util["shift"] == shift) & (util["day_type"] == day_type)
                    & (util["interval"] == "all")).any():
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
    cats = [c for c in summary["category"].unique() if c and c != "all"]
    rows = {c: {label: _cell(summary, kpi, fmt, category=c, group="")
                for kpi, label, fmt in GROUP_COLUMNS} for c in cats}
    rows["all tasks"] = {label: _cell(summary, kpi, fmt, category="all", group="all")
                         for kpi, label, fmt in GROUP_COLUMNS}
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


#: (kpi, group, category, label, format, percent) of the compare table's first rows.
HEADLINE = (
    ("utilisation", "nurses", "", "Nurse utilisation", "{:.1f}", True),
    ("nurse_busy_hours_per_week", "nurses", "", "Nurse hours on tasks per week", "{:.0f}", False),
    ("late_share", "all", "all", "Tasks late (share)", "{:.1f}", True),
    ("missed_share", "all", "all", "Tasks missed (share)", "{:.2f}", True),
    ("wait_p90", "all", "all", "Wait p90, all tasks (min)", "{:.1f}", False),
    ("overtime_hours_per_week", "all", "", "Overtime hours per week", "{:.1f}", False),
    ("staff_cost_per_week", "all", "", "Staff cost per week", "{:,.0f}", False),
)


def _diff_cell(row: pd.Series, fmt: str, percent: bool) -> str:
    if math.isnan(row["diff"]):
        return "–"
    factor = 100.0 if percent else 1.0
    text = ("+" if row["diff"] >= 0 else "") + fmt.format(row["diff"] * factor)
    text += " pp" if percent else ""
    if math.isnan(row["diff_ci_low"]):
        return text
    return f"{text} ±{fmt.format((row['diff_ci_high'] - row['diff_ci_low']) / 2 * factor)}"


def headline_table(comparison: pd.DataFrame, labels: list[str], group_ids: list[str]) -> pd.DataFrame:
    """Headline KPIs per scenario, with each variant's difference to the baseline."""
    lines = list(HEADLINE) + [("utilisation", g, "", f"Utilisation {g}", "{:.1f}", True)
                              for g in group_ids]
    table: dict[str, dict[str, str]] = {}
    for kpi, group, category, label, fmt, percent in lines:
        row: dict[str, str] = {}
        for i, scenario in enumerate(labels):
            found = _pick(comparison[comparison["scenario"] == scenario], kpi, group=group,
                          category=category, shift="all", day_type="all")
            row[scenario] = "–" if found is None else cell(found["mean"], found["ci_low"],
                                                          found["ci_high"], fmt, percent)
            if i > 0:
                row[f"{scenario} vs {labels[0]}"] = "–" if found is None else _diff_cell(found, fmt, percent)
        if set(row.values()) != {"–"}:
            table[label] = row
    return pd.DataFrame.from_dict(table, orient="index")


def compare_report(comparison: pd.DataFrame, labels: list[str], group_ids: list[str],
                   freed: pd.DataFrame, busy: pd.DataFrame, worse: pd.DataFrame,
                   max_utilisation: float, header: str) -> str:
    """The text printed after ``wardsim compare``."""
    parts = [header, "Headline (mean ±half-width of the 95% CI; differences to the baseline "
             "are paired by replication where the scenarios share their tasks):",
             headline_table(comparison, labels, group_ids).to_string()]
    if len(freed):
        shown = freed[freed["shift"] != "all"].copy()
        shown["freed nurse hours/week"] = [cell(m, lo, hi, "{:.1f}") for m, lo, hi in
                                           zip(shown["freed_hours_per_week"], shown["ci_low"],
                                               shown["ci_high"], strict=True)]
        parts += ["Nurse hours freed per week, by shift and day type (negative: more nurse work):",
                  shown[["scenario", "shift", "day_type", "freed nurse hours/week"]].to_string(index=False)]
    if len(busy):
        shown = busy.copy()
        shown["utilisation"] = [f"{u * 100:.0f}%" for u in shown["utilisation"]]
        parts += [f"Groups and intervals above {max_utilisation:.0%} utilisation:",
                  shown[["scenario", "group", "interval", "day_type", "utilisation"]].to_string(index=False)]
    else:
        parts.append(f"No group is above {max_utilisation:.0%} utilisation in any interval.")
    if len(worse):
        parts += ["Task categories worse than the baseline beyond the 95% CI:",
                  worse[["scenario", "category", "kpi", "mean", "diff"]].round(3).to_string(index=False)]
    else:
        parts.append("No task category waits longer or is late more often than in the baseline "
                     "beyond the 95% CI.")
    return "\n\n".join(parts)


def sweep_report(sensitivity: pd.DataFrame, kind: str, header: str) -> str:
    """The text printed after ``wardsim sweep``: factors ranked for the headline KPIs."""
    measure = {"sobol": "ST", "oat": "tornado"}.get(kind, "src")
    label = {"ST": "total Sobol' index", "tornado": "KPI at HIGH minus at LOW",
             "src": "standardised regression coefficient"}[measure]
    parts = [header, f"Factors ranked by influence ({label}, with 95% CI):"]
    for kpi, group, category, name, fmt, _ in HEADLINE:
        rows = sensitivity[(sensitivity["kpi"] == kpi) & (sensitivity["group"] == group)
                           & (sensitivity["category"] == category)
                           & (sensitivity["measure"] == measure)].sort_values("rank")
        if not len(rows):
            continue
        show = "{:.3g}" if measure != "tornado" else fmt
        cells = [f"  {int(r['rank'])}. {r['factor']}: {show.format(r['value'])} "
                 f"[{show.format(r['ci_low'])}, {show.format(r['ci_high'])}]"
                 for _, r in rows.iterrows()]
        parts.append(f"{name}:\n" + "\n".join(cells))
    return "\n\n".join(parts)
