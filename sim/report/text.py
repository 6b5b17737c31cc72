"""Screen tables from summary frames. Returns text; never prints (cli.py prints).

Every fixed label comes from the message catalogue of the chosen language (``msg``, English
by default) and numbers follow its convention; data keys (group, shift, task ids) stay as the
scenario files spell them, apart from the well-known shift ids, day types and categories. A
cell shows the mean over replications and the half-width of its 95% confidence interval:
``82.1% ±1.3`` (nb/sv: ``82,1 % ±1,3``). A missing value – a shift × day type on which nobody
of a group is rostered – is "–", never 0.0 %.
"""

from __future__ import annotations

import math

import pandas as pd

from sim.calendar import DAY_TYPES
from sim.i18n import ENGLISH, MISSING, Messages
from sim.model import WardModel

#: (kpi, number format) of the per-group and per-category tables; headings ``table.col.<kpi>``.
GROUP_COLUMNS = (
    ("tasks_per_week", "num0"),
    ("wait_p50", "num1"),
    ("wait_p90", "num1"),
    ("late_per_week", "num1"),
    ("missed_per_week", "num1"),
)
STAFF_COLUMNS = (
    ("other_group_hours_per_week", "num1"),
    ("overtime_hours_per_week", "num1"),
    ("absent_hours_per_week", "num1"),
)
#: Python format strings that callers of :func:`cell` used before the catalogues.
_PY_FORMATS = {"{:.0f}": "num0", "{:.1f}": "num1", "{:.2f}": "num2", "{:,.0f}": "num0"}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _spec(fmt: str, percent: bool) -> str:
    """Turn a table format into a number spec: ``num1``, or ``pct1`` for a share."""
    spec = _PY_FORMATS.get(fmt, fmt)
    return "pct" + spec[-1] if percent and spec[-1].isdigit() else spec


def cell(mean: float, low: float, high: float, fmt: str = "num1", percent: bool = False, *,
         msg: Messages = ENGLISH) -> str:
    """Format a mean and its CI as ``mean ±half-width`` (no ± when the CI is unknown).

    ``fmt`` is a number spec of :mod:`sim.i18n` (``num0``, ``num1``, …) or one of the Python
    formats ``{:.1f}`` etc.; with ``percent`` a share is shown as a percentage and the
    half-width in percentage points.
    """
    if _missing(mean):
        return MISSING
    spec = _PY_FORMATS.get(fmt, fmt)
    text = msg.number(mean, _spec(spec, percent))
    if _missing(low) or _missing(high):
        return text
    return f"{text} ±{msg.number((high - low) / 2 * (100.0 if percent else 1.0), spec)}"


def _pick(summary: pd.DataFrame, kpi: str, **keys: str) -> pd.Series | None:
    keys.setdefault("interval", "all")
    sel = summary["kpi"] == kpi
    for column, value in keys.items():
        sel &= summary[column] == value
    rows = summary[sel]
    return rows.iloc[0] if len(rows) else None


def _cell(summary: pd.DataFrame, kpi: str, fmt: str, percent: bool = False, *,
          msg: Messages = ENGLISH, **keys: str) -> str:
    row = _pick(summary, kpi, **keys)
    return MISSING if row is None else cell(row["mean"], row["ci_low"], row["ci_high"], fmt,
                                            percent, msg=msg)


def shift_day_label(shift: str, day_type: str, msg: Messages = ENGLISH) -> str:
    """``night weekend`` / ``natt helg``: the row label of a shift × day type."""
    return msg("table.shift_day_type", shift=msg.label("shift", shift),
               day_type=msg.label("day_type", day_type))


def utilisation_table(summary: pd.DataFrame, model: WardModel, *,
                      msg: Messages = ENGLISH) -> pd.DataFrame:
    """Utilisation with shifts × day types as rows and staff groups as columns."""
    util = summary[summary["kpi"] == "utilisation"]
    groups = [g for g in model.group_ids if (util["group"] == g).any()]
    rows: dict[str, dict[str, str]] = {}
    for shift in model.shift_names:
        for day_type in DAY_TYPES:
            if ((util["shift"] == shift) & (util["day_type"] == day_type)
                    & (util["interval"] == "all")).any():
                rows[shift_day_label(shift, day_type, msg)] = {
                    g: _cell(util, "utilisation", "num1", True, msg=msg, group=g, shift=shift,
                             day_type=day_type) for g in groups}
    rows[msg("table.all_shifts")] = {
        g: _cell(util, "utilisation", "num1", True, msg=msg, group=g, shift="all") for g in groups}
    return pd.DataFrame.from_dict(rows, orient="index", columns=groups)


def group_table(summary: pd.DataFrame, model: WardModel, *,
                msg: Messages = ENGLISH) -> pd.DataFrame:
    """Per group: its tasks' waits, late and missed, and its staff's time on others' tasks."""
    rows = {}
    for group in model.group_ids:
        row = {msg(f"table.col.{kpi}"): _cell(summary, kpi, fmt, msg=msg, group=group, category="")
               for kpi, fmt in GROUP_COLUMNS}
        row.update({msg(f"table.col.{kpi}"): _cell(summary, kpi, fmt, msg=msg, group=group,
                                                   shift="all") for kpi, fmt in STAFF_COLUMNS})
        if set(row.values()) != {MISSING}:
            rows[group] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def category_table(summary: pd.DataFrame, *, msg: Messages = ENGLISH) -> pd.DataFrame:
    """Per task category: how many, how long they wait, late and missed."""
    tasks = summary[summary["kpi"].isin([kpi for kpi, _ in GROUP_COLUMNS])]
    cats = [c for c in tasks["category"].unique() if c and c != "all"]
    rows = {msg.label("category", c): {
        msg(f"table.col.{kpi}"): _cell(summary, kpi, fmt, msg=msg, category=c, group="")
        for kpi, fmt in GROUP_COLUMNS} for c in cats}
    rows[msg("table.all_tasks")] = {
        msg(f"table.col.{kpi}"): _cell(summary, kpi, fmt, msg=msg, category="all", group="all")
        for kpi, fmt in GROUP_COLUMNS}
    return pd.DataFrame.from_dict(rows, orient="index")


def time_use_table(summary: pd.DataFrame, *, msg: Messages = ENGLISH) -> pd.DataFrame:
    """Nurses' share of time on duty per time-use class, the classes with any time only."""
    rows = summary[(summary["kpi"] == "nurse_time_share") & (summary["group"] == "nurses")]
    shown = {msg.label("time_use", r["category"]): {
        msg("table.share"): cell(r["mean"], r["ci_low"], r["ci_high"], "num1", True, msg=msg)}
        for _, r in rows.iterrows() if r["mean"] > 0}
    return pd.DataFrame.from_dict(shown, orient="index")


def breaks_table(summary: pd.DataFrame, model: WardModel, *,
                 msg: Messages = ENGLISH) -> pd.DataFrame:
    """Missed breaks per week with the shifts that have breaks as rows, groups as columns."""
    rows = summary[summary["kpi"] == "missed_breaks_per_week"]
    groups = [g for g in model.group_ids if (rows["group"] == g).any()]
    table = {msg.label("shift", b.shift): {
        g: _cell(rows, "missed_breaks_per_week", "num1", msg=msg, group=g, shift=b.shift)
        for g in groups} for b in model.breaks}
    table[msg("table.all_shifts")] = {
        g: _cell(rows, "missed_breaks_per_week", "num1", msg=msg, group=g, shift="all")
        for g in groups}
    return pd.DataFrame.from_dict(table, orient="index", columns=groups)


def run_report(summary: pd.DataFrame, model: WardModel, replications: int, warmup_days: int,
               seed: int, *, msg: Messages = ENGLISH) -> str:
    """Build the text printed after ``wardsim run``."""
    weeks = (model.calendar.days - warmup_days) / 7
    head = model.name + "\n" + msg("run.head", replications=replications,
                                   days=model.calendar.days, warmup=warmup_days, weeks=weeks,
                                   seed=seed)
    parts = [
        head,
        msg("run.utilisation"), utilisation_table(summary, model, msg=msg).to_string(),
        msg("run.groups"), group_table(summary, model, msg=msg).to_string(),
        msg("run.categories"), category_table(summary, msg=msg).to_string(),
    ]
    time_use = time_use_table(summary, msg=msg)
    if len(time_use):
        parts += [msg("run.time_use"), time_use.to_string()]
    if model.breaks and (summary["kpi"] == "missed_breaks_per_week").any():
        parts += [msg("run.breaks"), breaks_table(summary, model, msg=msg).to_string()]
    return "\n\n".join(parts)


#: (kpi, group, category, catalogue key ``headline.<key>``, format, percent) of the compare
#: table's first rows (and of the KPIs a sweep ranks factors for).
HEADLINE = (
    ("utilisation", "nurses", "", "nurse_utilisation", "num1", True),
    ("nurse_busy_hours_per_week", "nurses", "", "nurse_busy_hours", "num0", False),
    ("late_share", "all", "all", "late_share", "num1", True),
    ("missed_share", "all", "all", "missed_share", "num2", True),
    ("wait_p90", "all", "all", "wait_p90", "num1", False),
    ("overtime_hours_per_week", "all", "", "overtime", "num1", False),
    ("staff_cost_per_week", "all", "", "staff_cost", "num0", False),
)


def _signed(value: float, spec: str, msg: Messages) -> str:
    return ("+" if value >= 0 else "") + msg.number(value, spec)


def _diff_cell(row: pd.Series, fmt: str, percent: bool, msg: Messages = ENGLISH) -> str:
    """Format a difference to the baseline, ``+2.1 pp ±0.4`` for shares."""
    if _missing(row["diff"]):
        return MISSING
    factor = 100.0 if percent else 1.0
    text = _signed(row["diff"] * factor, fmt, msg)
    text += f" {msg('table.percentage_points')}" if percent else ""
    if _missing(row["diff_ci_low"]) or _missing(row["diff_ci_high"]):
        return text
    return f"{text} ±{msg.number((row['diff_ci_high'] - row['diff_ci_low']) / 2 * factor, fmt)}"


def headline_table(comparison: pd.DataFrame, labels: list[str], group_ids: list[str], *,
                   msg: Messages = ENGLISH) -> pd.DataFrame:
    """Headline KPIs per scenario, with each variant's difference to the baseline."""
    lines = [(kpi, group, category, msg(f"headline.{key}"), fmt, percent)
             for kpi, group, category, key, fmt, percent in HEADLINE]
    lines += [("utilisation", g, "", msg("headline.group_utilisation", group=g), "num1", True)
              for g in group_ids]
    table: dict[str, dict[str, str]] = {}
    for kpi, group, category, label, fmt, percent in lines:
        row: dict[str, str] = {}
        for i, scenario in enumerate(labels):
            found = _pick(comparison[comparison["scenario"] == scenario], kpi, group=group,
                          category=category, shift="all", day_type="all")
            row[scenario] = MISSING if found is None else cell(
                found["mean"], found["ci_low"], found["ci_high"], fmt, percent, msg=msg)
            if i > 0:
                row[msg("compare.versus", scenario=scenario, baseline=labels[0])] = (
                    MISSING if found is None else _diff_cell(found, fmt, percent, msg))
        if set(row.values()) != {MISSING}:
            table[label] = row
    return pd.DataFrame.from_dict(table, orient="index")


def _worse_value(kpi: str, value: float, msg: Messages, signed: bool = False) -> str:
    """Show a late share as a percentage (its difference in points), a wait in minutes."""
    if kpi.endswith("_share"):
        if signed:
            return f"{_signed(value * 100, 'num1', msg)} {msg('table.percentage_points')}"
        return msg.number(value, "pct1")
    return _signed(value, "num1", msg) if signed else msg.number(value, "num1")


def compare_header(scenarios: int, replications: int, days: int, warmup_days: int, seed: int,
                   baseline: str, independent_streams: bool, all_paired: bool, *,
                   msg: Messages = ENGLISH) -> str:
    """Build the line above the comparison tables: what ran, how differences are paired."""
    return msg("compare.header", scenarios=scenarios, replications=replications, days=days,
               warmup=warmup_days, seed=seed, baseline=baseline,
               streams=msg("compare.streams_independent" if independent_streams
                           else "compare.streams_common"),
               paired=msg("compare.paired_all" if all_paired else "compare.paired_some"))


def compare_report(comparison: pd.DataFrame, labels: list[str], group_ids: list[str],
                   freed: pd.DataFrame, busy: pd.DataFrame, worse: pd.DataFrame,
                   max_utilisation: float, header: str, *, msg: Messages = ENGLISH) -> str:
    """Build the text printed after ``wardsim compare``."""
    parts = [header, msg("compare.headline"),
             headline_table(comparison, labels, group_ids, msg=msg).to_string()]
    if len(freed):
        rows = freed[freed["shift"] != "all"]
        shown = pd.DataFrame({
            msg("table.scenario"): rows["scenario"].to_numpy(),
            msg("table.shift"): [msg.label("shift", s) for s in rows["shift"]],
            msg("table.day_type"): [msg.label("day_type", d) for d in rows["day_type"]],
            msg("compare.freed_column"): [cell(m, lo, hi, "num1", msg=msg) for m, lo, hi in zip(
                rows["freed_hours_per_week"], rows["ci_low"], rows["ci_high"], strict=True)]})
        parts += [msg("compare.freed"), shown.to_string(index=False)]
    if len(busy):
        shown = pd.DataFrame({
            msg("table.scenario"): busy["scenario"].to_numpy(),
            msg("table.group"): busy["group"].to_numpy(),
            msg("table.interval"): busy["interval"].to_numpy(),
            msg("table.day_type"): [msg.label("day_type", d) for d in busy["day_type"]],
            msg("table.utilisation"): [msg.number(u, "pct0") for u in busy["utilisation"]]})
        parts += [msg("compare.busy", threshold=max_utilisation), shown.to_string(index=False)]
    else:
        parts.append(msg("compare.no_busy", threshold=max_utilisation))
    if len(worse):
        shown = pd.DataFrame({
            msg("table.scenario"): worse["scenario"].to_numpy(),
            msg("table.category"): [msg.label("category", c) for c in worse["category"]],
            msg("table.kpi"): [msg.label("kpi", k) for k in worse["kpi"]],
            msg("table.mean"): [_worse_value(k, v, msg) for k, v in zip(
                worse["kpi"], worse["mean"], strict=True)],
            msg("table.diff"): [_worse_value(k, v, msg, signed=True) for k, v in zip(
                worse["kpi"], worse["diff"], strict=True)]})
        parts += [msg("compare.worse"), shown.to_string(index=False)]
    else:
        parts.append(msg("compare.no_worse"))
    return "\n\n".join(parts)


def sweep_header(source: str, design: str, points: int, replications: int, seed: int, *,
                 msg: Messages = ENGLISH) -> str:
    """Build the line above the sweep's ranking."""
    return msg("sweep.header", source=source, design=design, points=points,
               replications=replications, seed=seed)


def sweep_report(sensitivity: pd.DataFrame, kind: str, header: str, *,
                 msg: Messages = ENGLISH) -> str:
    """Build the text printed after ``wardsim sweep``: factors ranked per headline KPI."""
    measure = {"sobol": "ST", "oat": "tornado"}.get(kind, "src")
    parts = [header, msg("sweep.ranked", measure=msg(f"sweep.measure_{measure.lower()}"))]
    for kpi, group, category, key, fmt, percent in HEADLINE:
        rows = sensitivity[(sensitivity["kpi"] == kpi) & (sensitivity["group"] == group)
                           & (sensitivity["category"] == category)
                           & (sensitivity["measure"] == measure)].sort_values("rank")
        if not len(rows):
            continue
        spec = _spec(fmt, percent) if measure == "tornado" else "sig3"
        cells = [msg("sweep.factor", rank=r["rank"], factor=r["factor"],
                     value=msg.number(r["value"], spec),
                     interval=msg("common.interval", low=msg.number(r["ci_low"], spec),
                                  high=msg.number(r["ci_high"], spec)))
                 for _, r in rows.iterrows()]
        parts.append(f"{msg(f'headline.{key}')}:\n" + "\n".join(cells))
    return "\n\n".join(parts)
