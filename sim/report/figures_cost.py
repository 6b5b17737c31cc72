"""Figures of personnel cost: per group and source, and the agency share against 2 %.

The frames are :func:`sim.decide.costs.cost_table`'s: one row per group and a last row for
the ward (``all``), columns ``rostered``, ``extra_shift``, ``overtime``, ``agency`` (cost per
week), ``total`` and ``agency_share``. User text (group ids, scenario labels) is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from sim.i18n import Messages
from sim.measure.tidy import ALL as WARD
from sim.report.figures import TOP_LEGEND, base_layout, colour, esc

SOURCES = ("rostered", "extra_shift", "overtime", "agency")
#: Rostered in a calm blue, then cover ever dearer: green, amber, red-orange (Okabe–Ito).
SOURCE_COLOURS = {"rostered": "#0072B2", "extra_shift": "#009E73", "overtime": "#E69F00",
                  "agency": "#D55E00"}
#: The Swedish national indicator: at most 2 % of a profession's personnel cost on agency staff.
AGENCY_INDICATOR = 0.02


def share_ticks(msg: Messages, top: float) -> dict[str, list]:
    """Ticks for a small share axis from 0 to ``top`` (0.5 % steps and up), in the language."""
    step = next(st for st in (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0)
                if top / st <= 6)
    values = [round(k * step, 4) for k in range(int(top / step + 1e-9) + 1)]
    return {"tickvals": values, "ticktext": [msg.number(v, "pct") for v in values]}


def _groups(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["group"] != WARD) & (frame["total"] > 0)]


def cost_by_source(frame: pd.DataFrame | None, msg: Messages) -> go.Figure | None:
    """Cost per week of each group, stacked by source (rostered, extra shift, overtime, agency)."""
    if frame is None or frame.empty:
        return None
    groups = _groups(frame)
    if groups.empty:
        return None
    names = [esc(g) for g in groups["group"]]
    fig = go.Figure()
    for source in SOURCES:
        if source != "rostered" and not (groups[source] > 0).any():
            continue  # a source nobody uses is left out of the bars and the legend
        label = msg(f"report.staffing.source_{source}")
        hover = [esc(msg("report.staffing.hover_cost", source=label,
                         value=msg.number(v, "num0"))) for v in groups[source]]
        fig.add_trace(go.Bar(y=names, x=groups[source], name=esc(label), orientation="h",
                             marker_color=SOURCE_COLOURS[source], hovertext=hover,
                             hoverinfo="text+y"))
    fig.update_layout(**base_layout(msg, 140 + 34 * len(names), barmode="stack",
                                    legend={**TOP_LEGEND, "traceorder": "normal"},
                                    margin={"l": 10, "r": 10, "t": 50, "b": 10}))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title_text=esc(msg("report.staffing.axis_cost")), rangemode="tozero")
    return fig


def agency_share(frames: Sequence[pd.DataFrame | None], labels: Sequence[str],
                 msg: Messages) -> go.Figure | None:
    """Agency share of personnel cost per group and for the ward, against the 2 % indicator."""
    shown = [(label, f) for label, f in zip(labels, frames, strict=True)
             if f is not None and not f.empty and (f["agency"] > 0).any()]
    if not shown:
        return None
    fig = go.Figure()
    top = AGENCY_INDICATOR
    order: list[str] = []  # groups as the scenarios list them, the ward last
    for _, frame in shown:
        order += [esc(g) for g in _groups(frame)["group"] if esc(g) not in order]
    order.append(msg("report.staffing.all_groups"))
    for i, (label, frame) in enumerate(shown):
        rows = pd.concat([_groups(frame), frame[frame["group"] == WARD]])
        names = [msg("report.staffing.all_groups") if g == WARD else esc(g) for g in rows["group"]]
        hover = [esc(msg("report.staffing.hover_share", value=msg.number(v, "pct1")))
                 for v in rows["agency_share"]]
        fig.add_trace(go.Bar(x=names, y=rows["agency_share"], name=esc(label),
                             marker_color=colour(i), hovertext=hover, hoverinfo="text+name"))
        top = max(top, float(rows["agency_share"].max()))
    fig.add_hline(y=AGENCY_INDICATOR, line_dash="dash", line_color="#d73027",
                  annotation_text=esc(msg("report.staffing.indicator")),
                  annotation_position="top left", annotation_bgcolor="rgba(255,255,255,0.85)")
    fig.update_layout(**base_layout(msg, 360, barmode="group", legend=TOP_LEGEND,
                                    margin={"l": 10, "r": 10, "t": 50, "b": 10}))
    fig.update_yaxes(title_text=esc(msg("report.staffing.axis_share")), range=[0, top * 1.15],
                     **share_ticks(msg, top * 1.15))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=order)
    return fig
