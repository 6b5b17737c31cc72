"""Texts and ``report.html`` of ``wardsim pilot check``: measured against simulated, per row.

The page is the report page of :mod:`sim.report.html` (same template, plotly.js embedded
once, nothing fetched): per pilot section a figure of every share (measured CI beside the
model's prediction interval) and one table of every row, the sections side by side in the
same figure. User text (group ids, file names) is escaped by the template and by
:func:`sim.report.figures.esc`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from calibration.report import render
from sim.i18n import Messages
from sim.pilot.check import Checked
from sim.pilot.measured import ALL, IDLE, SHARES
from sim.report.figures import base_layout, colour, esc
from sim.report.html import Block, Section, figure_block
from sim.report.tables import Cell

#: The template's badge colour of each verdict.
BADGE = {"consistent": "feasible", "model_higher": "not_feasible", "model_lower": "not_feasible",
         "no_data": "at_risk"}


def spec(kpi: str) -> str:
    """Return the number format of a KPI's values."""
    return "pct1" if kpi in SHARES else "num1"


def category_label(category: str, msg: Messages) -> str:
    """Return a task category's or time-use class's label; ``idle`` in words."""
    if category == IDLE:
        return msg("pilot.idle")
    if msg.has(f"label.time_use.{category}"):
        return msg.text(f"label.time_use.{category}")
    return msg.label("category", category)


def what(row: dict, msg: Messages) -> str:
    """``Work sampling · sykepleier · medication · day, weekday`` for a row."""
    parts = [msg(f"pilot.kpi.{row['kpi']}"), str(row["group"])]
    if row["category"]:
        parts.append(category_label(row["category"], msg))
    if row["shift"] != ALL or row["day_type"] != ALL:
        parts.append(msg("pilot.cell", shift=msg.label("shift", row["shift"]),
                         day_type=msg.label("day_type", row["day_type"])))
    return " · ".join(parts)


def interval(msg: Messages, low: float, high: float, fmt: str) -> str:
    """`` [low, high]`` in the language (a space first), empty for a point or an unknown one."""
    if np.isnan(low) or np.isnan(high) or low == high:
        return ""
    return " " + msg("common.interval", low=msg.number(low, fmt), high=msg.number(high, fmt))


def row_line(row: dict, msg: Messages) -> str:
    """One row of the terminal's table."""
    fmt = spec(row["kpi"])
    return msg("pilot.row", what=what(row, msg), measured=msg.number(row["measured"], fmt),
               measured_ci=interval(msg, row["measured_ci_low"], row["measured_ci_high"], fmt),
               simulated=msg.number(row["simulated"], fmt),
               pi=interval(msg, row["pi_low"], row["pi_high"], fmt),
               verdict=msg(f"pilot.verdict.{row['verdict']}"))


def summary_line(checked: Checked, msg: Messages) -> str:
    """Return the summary line, e.g. ``A: the model reproduces 7 of 8 measured KPIs (…)``."""
    return msg("pilot.summary", pilot=checked.label, k=checked.count("consistent"),
               n=len(checked.table), higher=checked.count("model_higher"),
               lower=checked.count("model_lower"), none=checked.count("no_data"))


def side_by_side(checked: Sequence[Checked], msg: Messages) -> list[str]:
    """One line per KPI measured by more than one section: each section's verdict."""
    keys = ["group", "kpi", "category", "shift", "day_type"]
    joined = pd.concat([c.table for c in checked], ignore_index=True)
    lines = []
    for _, g in joined.groupby(keys, sort=False):
        if len(g) < 2:
            continue
        first = g.iloc[0].to_dict()
        verdicts = [msg("pilot.side_item", pilot=r["pilot"], measured=msg.number(
            r["measured"], spec(r["kpi"])), verdict=msg(f"pilot.verdict.{r['verdict']}"))
            for r in g.to_dict("records")]
        lines.append(msg("pilot.side_row", what=what(first, msg), sections="; ".join(verdicts)))
    return lines


def figure(checked: Sequence[Checked], msg: Messages) -> go.Figure | None:
    """Per share row, the measured CI (open marks) beside the prediction interval (filled)."""
    frames = [c.table[c.table["kpi"].isin(SHARES)] for c in checked]
    if not any(len(f) for f in frames):
        return None
    fig = go.Figure()
    for i, frame in enumerate(frames):
        labels = [esc(what(r, msg)) for r in frame.to_dict("records")]
        for kind, value, low, high in (("measured", "measured", "measured_ci_low",
                                        "measured_ci_high"),
                                       ("simulated", "simulated", "pi_low", "pi_high")):
            x = frame[value].to_numpy(float)
            fig.add_trace(go.Scatter(
                x=x, y=labels, mode="markers", orientation="h",
                name=esc(msg(f"pilot.report.{kind}", pilot=checked[i].label)),
                marker={"color": colour(i), "size": 9,
                        "symbol": "circle-open" if kind == "measured" else "diamond"},
                error_x={"type": "data", "symmetric": False,
                         "array": frame[high].to_numpy(float) - x,
                         "arrayminus": x - frame[low].to_numpy(float)},
                hovertemplate="%{y}: %{x:.1%}<extra></extra>"))
    rows = max(len(f) for f in frames)
    fig.update_layout(**base_layout(msg, 140 + 34 * rows, scattermode="group"))
    fig.update_xaxes(title_text=esc(msg("pilot.report.share_axis")), tickformat=".0%",
                     rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return fig


def _table(checked: Checked, msg: Messages) -> Block:
    header = [msg(f"pilot.report.col.{c}") for c in ("what", "measured", "simulated", "verdict")]
    rows = []
    for r in checked.table.to_dict("records"):
        fmt = spec(r["kpi"])
        rows.append([
            Cell(what(r, msg)),
            Cell(msg.number(r["measured"], fmt)
                 + interval(msg, r["measured_ci_low"], r["measured_ci_high"], fmt), "num"),
            Cell(msg.number(r["simulated"], fmt)
                 + interval(msg, r["pi_low"], r["pi_high"], fmt), "num"),
            Cell(msg(f"pilot.verdict.{r['verdict']}"), badge=BADGE[r["verdict"]])])
    return Block("table", f"table-{checked.label}", checked.label, summary_line(checked, msg),
                 header=header, rows=rows)


def report_html(scenario: str, checked: Sequence[Checked], subtitle: str, msg: Messages) -> str:
    """Return the whole ``report.html``."""
    blocks = [figure_block(figure(checked, msg), "fig-pilot", msg("pilot.report.figure"),
                           msg("pilot.report.caption_figure"))]
    sections = [Section("pilot", msg("pilot.report.section"), msg("pilot.rule"),
                        [b for b in blocks if b is not None]
                        + [_table(c, msg) for c in checked])]
    return render(msg("pilot.report.title", scenario=scenario), subtitle, sections, msg)
