"""The picture of an optimiser's search: the cost of every roster looked at, in order.

Points are coloured by outcome (met the targets, missed one, pruned without simulation);
the lower bound is a line and the chosen roster a star. Cell keys (group, shift names from
the scenario) are escaped before they reach a hover text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from sim.i18n import Messages
from sim.report.figures import TOP_LEGEND, VERDICT_COLOURS, base_layout, esc

#: Outcome of a row of search.csv, with its colour and marker.
OUTCOMES = {"feasible": (VERDICT_COLOURS[0], "circle"),
            "not_feasible": (VERDICT_COLOURS[2], "x"),
            "pruned_bound": ("#8c959f", "circle-open"),
            "pruned_monotone": ("#57606a", "diamond-open")}
#: At most this many cells are listed in a point's hover text.
HOVER_CELLS = 12


def _hover(row: dict[str, Any], cells: Sequence[str], msg: Messages) -> str:
    outcome = msg(f"report.optimise.outcome_{row['outcome']}")
    lines = [esc(msg("report.optimise.hover", cost=msg.number(row["cost_per_week"], "num0"),
                     outcome=outcome, phase=row.get("phase", "")))]
    lines += [esc(f"{c}: {row[c]}") for c in cells[:HOVER_CELLS] if c in row]
    if len(cells) > HOVER_CELLS:
        lines.append("…")
    return "<br>".join(lines)


def search_trace(search: pd.DataFrame, cells: Sequence[str], summary: dict[str, Any],
                 msg: Messages) -> go.Figure | None:
    """Cost per week of every roster in search order, coloured by outcome; bound and choice."""
    if search.empty or "cost_per_week" not in search:
        return None
    frame = search.reset_index(drop=True).assign(order=lambda f: f.index + 1)
    fig = go.Figure()
    for outcome, (colour, symbol) in OUTCOMES.items():
        part = frame[frame["outcome"] == outcome]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["order"], y=part["cost_per_week"], mode="markers",
            name=esc(msg(f"report.optimise.outcome_{outcome}")),
            marker={"color": colour, "symbol": symbol, "size": 9,
                    "line": {"width": 1.5, "color": colour}},
            hovertext=[_hover(r, cells, msg) for r in part.to_dict("records")],
            hoverinfo="text"))
    chosen = summary.get("roster") or {}
    if chosen and all(c in frame for c in chosen):
        hit = frame[(frame["outcome"] == "feasible")
                    & (frame[list(chosen)] == pd.Series(chosen)).all(axis=1)]
        if len(hit):
            r = hit.iloc[0]
            fig.add_trace(go.Scatter(
                x=[r["order"]], y=[r["cost_per_week"]], mode="markers",
                name=esc(msg("report.optimise.chosen")),
                marker={"symbol": "star", "size": 18, "color": "#f4a81d",
                        "line": {"width": 1, "color": "#1f2328"}},
                hovertext=[_hover(r.to_dict(), cells, msg)], hoverinfo="text"))
    bound = summary.get("lower_bound")
    if bound is not None:
        fig.add_hline(y=float(bound), line_dash="dash", line_color="#1f2328",
                      annotation_text=esc(msg("report.optimise.bound_line",
                                              value=msg.number(bound, "num0"))),
                      annotation_position="bottom right")
    fig.update_layout(**base_layout(msg, 420, legend=TOP_LEGEND,
                                    margin={"l": 10, "r": 10, "t": 50, "b": 10}))
    fig.update_xaxes(title_text=esc(msg("report.optimise.axis_order")), tick0=1,
                     dtick=max(1, math.ceil(len(frame) / 12)), range=[0.5, len(frame) + 0.5])
    fig.update_yaxes(title_text=esc(msg("report.staffing.axis_cost")))
    return fig
