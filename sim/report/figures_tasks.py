"""Plotly figures of the report about nurse time and tasks (verdicts, utilisation: figures).

Freed nurse hours, where nurse time goes (hours by task category, shares of time on duty by
time-use class), waiting-time distributions and late and missed tasks. Same conventions as
:mod:`sim.report.figures`: one function per figure, ``None`` when the data is absent, user
text escaped, numbers in the report's language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.calendar import DAY_TYPES
from sim.experiment import Results
from sim.i18n import Messages
from sim.io.schema_tasks import CATEGORIES, PRIORITIES, TIME_USE_CLASSES
from sim.measure.tidy import WAIT_BINS
from sim.model import WardModel
from sim.report.figures import (
    TOP_LEGEND,
    base_layout,
    cell_label,
    cell_tick,
    ci_text,
    colour,
    esc,
    hover_lines,
    ordered,
    pct_ticks,
)

#: Bin edges (minutes) labelled on the waiting-time axis; the 0 bin is drawn at 0.5 (log axis).
WAIT_TICKS: tuple[float, ...] = (0, 1, 2, 5, 10, 30, 60, 240, 1440)
ZERO_AT = 0.5
#: Line styles by scenario, so that a variant equal to the baseline does not hide it.
DASHES = ("solid", "dash", "dot", "dashdot")
FREED = ("freed_hours_per_week", "ci_low", "ci_high")


def _errors(mean: np.ndarray, low: np.ndarray, high: np.ndarray) -> dict:
    """Asymmetric error bars from a CI (none where the CI is unknown)."""
    return {"type": "data", "array": np.nan_to_num(high - mean).tolist(),
            "arrayminus": np.nan_to_num(mean - low).tolist(), "visible": True, "thickness": 1.2}


def freed_hours(freed: pd.DataFrame | None, models: Sequence[WardModel],
                msg: Messages) -> go.Figure | None:
    """Nurse hours per week freed by each variant, per shift × day type, with 95 % CIs."""
    if freed is None or freed.empty:
        return None
    total = (freed["shift"] == "all") & (freed["day_type"] == "all")
    parts, totals = freed[~total], freed[total]
    shift_order = [s for m in models for s in m.shift_names]
    pairs = set(zip(parts["shift"], parts["day_type"], strict=True))
    columns = [(s, d) for s in ordered(parts["shift"], shift_order)
               for d in ordered(parts["day_type"], DAY_TYPES) if (s, d) in pairs]
    if not columns:
        return None
    labels = [cell_tick(msg, s, d) for s, d in columns]
    fig = go.Figure()
    for i, scenario in enumerate(dict.fromkeys(parts["scenario"]), start=1):
        rows = parts[parts["scenario"] == scenario].set_index(["shift", "day_type"])
        rows = rows.reindex(columns)
        mean, low, high = (rows[c].to_numpy(float) for c in FREED)
        tot = totals[totals["scenario"] == scenario]
        name = scenario if tot.empty else msg(
            "report.freed.total", scenario=scenario, value=ci_text(
                msg, *(float(tot.iloc[0][c]) for c in FREED),
                "num1"))
        hover = [hover_lines(f"{scenario} · {cell_label(msg, s, d)}",
                             msg("report.hover.freed", value=ci_text(msg, m, lo, hi, "num1")))
                 for (s, d), m, lo, hi in zip(columns, mean, low, high, strict=True)]
        fig.add_trace(go.Bar(x=labels, y=mean, name=esc(name), marker_color=colour(i),
                             error_y=_errors(mean, low, high), customdata=hover,
                             hovertemplate="%{customdata}<extra></extra>", showlegend=True))
    fig.add_hline(y=0, line={"color": "#444", "width": 1})
    fig.update_layout(**base_layout(msg, 420, barmode="group",
                                    legend=TOP_LEGEND,
                                    margin={"l": 10, "r": 10, "t": 50, "b": 10}))
    fig.update_yaxes(title_text=msg("report.axis.hours_per_week"))
    return fig


def _category_rows(results: Sequence[Results], kpi: str, group: str) -> list[pd.DataFrame]:
    out = []
    for res in results:
        s = res.summary
        if s is None or s.empty:
            out.append(pd.DataFrame())
            continue
        sel = ((s["kpi"] == kpi) & (s["group"] == group) & ~s["category"].isin(["", "all"])
               & (s["shift"] == "all") & (s["day_type"] == "all") & (s["interval"] == "all"))
        out.append(s[sel])
    return out


def _category_bars(fig: go.Figure, frames: list[pd.DataFrame], results: Sequence[Results],
                   categories: list[str], msg: Messages, hover_key: str, row: int = 1,
                   col: int = 1, legend: bool = True, kind: str = "category",
                   spec: str = "num1") -> None:
    """One horizontal bar per scenario and category (label ``kind``), with CI whiskers."""
    y = [esc(msg.label(kind, c)) for c in categories]
    for i, (frame, res) in enumerate(zip(frames, results, strict=True)):
        if frame.empty:
            continue
        rows = frame.set_index("category").reindex(categories)
        mean, low, high = (rows[c].to_numpy(float) for c in ("mean", "ci_low", "ci_high"))
        hover = [hover_lines(f"{res.scenario} · {msg.label(kind, c)}",
                             msg(hover_key, value=ci_text(msg, m, lo, hi, spec)))
                 for c, m, lo, hi in zip(categories, mean, low, high, strict=True)]
        fig.add_trace(go.Bar(y=y, x=mean, orientation="h", name=esc(res.scenario),
                             marker_color=colour(i), error_x=_errors(mean, low, high),
                             customdata=hover, hovertemplate="%{customdata}<extra></extra>",
                             legendgroup=str(i), showlegend=legend), row=row, col=col)


def nurse_time(results: Sequence[Results], msg: Messages) -> go.Figure | None:
    """Nurse hours per week by task category, baseline against the variants."""
    frames = _category_rows(results, "nurse_busy_hours_per_week", "nurses")
    if all(f.empty for f in frames):
        return None
    categories = ordered(pd.concat(frames)["category"], CATEGORIES)
    fig = make_subplots(rows=1, cols=1)
    _category_bars(fig, frames, results, categories, msg, "report.hover.nurse_time")
    fig.update_layout(**base_layout(msg, 120 + 18 * len(categories) * max(2, len(results)),
                                    barmode="group", legend=TOP_LEGEND,
                                    margin={"l": 10, "r": 10, "t": 50, "b": 10}))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=msg("report.axis.hours_per_week"), rangemode="tozero")
    return fig


def nurse_time_use(results: Sequence[Results], msg: Messages) -> go.Figure | None:
    """Nurses' share of time on duty by time-use class, baseline against the variants.

    Classes no scenario spends any nurse time on are left out.
    """
    frames = _category_rows(results, "nurse_time_share", "nurses")
    if all(f.empty for f in frames):
        return None
    used = pd.concat(frames)
    classes = [c for c in TIME_USE_CLASSES if (used.loc[used["category"] == c, "mean"] > 0).any()]
    if not classes:
        return None
    fig = make_subplots(rows=1, cols=1)
    _category_bars(fig, frames, results, classes, msg, "report.hover.nurse_time_use",
                   kind="time_use", spec="pct1")
    fig.update_layout(**base_layout(msg, 120 + 18 * len(classes) * max(2, len(results)),
                                    barmode="group", legend=TOP_LEGEND,
                                    margin={"l": 10, "r": 10, "t": 50, "b": 10}))
    fig.update_yaxes(autorange="reversed")
    top = float(np.nanmax(used["ci_high"].fillna(used["mean"]).to_numpy(float)))
    fig.update_xaxes(rangemode="tozero", range=[0, max(top, 0.05) * 1.05],
                     **pct_ticks(msg, max(top, 0.05)))
    return fig


def late_missed(results: Sequence[Results], msg: Messages) -> go.Figure | None:
    """Late and missed tasks per week by task category, side by side."""
    late = _category_rows(results, "late_per_week", "")
    missed = _category_rows(results, "missed_per_week", "")
    if all(f.empty for f in late + missed):
        return None
    categories = ordered(pd.concat(late + missed)["category"], CATEGORIES)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[esc(msg("report.late_per_week")),
                                        esc(msg("report.missed_per_week"))])
    _category_bars(fig, late, results, categories, msg, "report.hover.late", col=1)
    _category_bars(fig, missed, results, categories, msg, "report.hover.missed", col=2,
                   legend=False)
    fig.update_layout(**base_layout(msg, 120 + 18 * len(categories) * max(2, len(results)),
                                    barmode="group", legend=TOP_LEGEND,
                                    margin={"l": 10, "r": 10, "t": 80, "b": 10}))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=msg("report.axis.tasks_per_week"), rangemode="tozero")
    return fig


def _ecdf(waits: pd.DataFrame, by: str, key: str) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Bin edges, the share of tasks started within each, the never-started share, the count."""
    sel = waits[(waits["by"] == by) & (waits["key"] == key)]
    counts = sel.groupby("upper", dropna=False)["count"].sum()
    total = float(counts.sum())
    if total <= 0:
        return np.empty(0), np.empty(0), math.nan, 0.0
    upper = counts.index.to_numpy(float)
    never = float(counts[np.isnan(upper)].sum()) / total
    edges = np.array([e for e in WAIT_BINS if np.isfinite(e)], dtype=float)
    binned = pd.Series(counts.to_numpy(float)[np.isfinite(upper)], index=upper[np.isfinite(upper)])
    per_edge = binned.groupby(level=0).sum().reindex(edges, fill_value=0.0)
    share = np.cumsum(per_edge.to_numpy()) / total
    return edges, share, never, total


def wait_ecdf(results: Sequence[Results], by: str, msg: Messages) -> go.Figure | None:
    """Share of tasks started within x minutes (ECDF) per priority or category, by scenario.

    Counts are summed over replications; tasks never started are in the denominator, so a
    curve that ends below 100 % shows the share never started.
    """
    waits = [getattr(r, "waits", None) for r in results]
    waits = [w[w["by"] == by] if w is not None and len(w) else pd.DataFrame() for w in waits]
    if all(w.empty for w in waits):
        return None
    kind = "priority" if by == "priority" else "category"
    keys = ordered(pd.concat(waits)["key"], PRIORITIES if by == "priority" else CATEGORIES)
    cols = min(4, len(keys))
    n_rows = math.ceil(len(keys) / cols)
    fig = make_subplots(rows=n_rows, cols=cols, shared_yaxes=True, shared_xaxes=True,
                        horizontal_spacing=0.03, vertical_spacing=0.3 / n_rows,
                        subplot_titles=[esc(msg.label(kind, k)) for k in keys])
    for i, (w, res) in enumerate(zip(waits, results, strict=True)):
        if w.empty:
            continue
        for k, key in enumerate(keys):
            edges, share, never, total = _ecdf(w, by, key)
            if not total:
                continue
            hover = [hover_lines(f"{res.scenario} · {msg.label(kind, key)}",
                                 msg("report.hover.wait", minutes=msg.number(e, "num"),
                                     share=msg.number(s, "pct1")),
                                 msg("report.hover.never_started", share=msg.number(never, "pct1")))
                     for e, s in zip(edges, share, strict=True)]
            fig.add_trace(go.Scatter(
                x=np.maximum(edges, ZERO_AT), y=share, mode="lines", line_shape="hv",
                line={"color": colour(i), "width": 2.5 if i == 0 else 2,
                                          "dash": DASHES[i % len(DASHES)]}, name=esc(res.scenario),
                legendgroup=str(i), showlegend=k == 0, customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            ), row=k // cols + 1, col=k % cols + 1)
    fig.update_layout(**base_layout(msg, 60 + 240 * n_rows,
                                    legend=TOP_LEGEND, margin={"l": 10, "r": 10, "t": 80, "b": 10}))
    fig.update_xaxes(type="log", tickvals=[max(t, ZERO_AT) for t in WAIT_TICKS],
                     ticktext=[f"{t:g}" for t in WAIT_TICKS],
                     range=[math.log10(0.4), math.log10(1700)],
                     tickangle=0, tickfont={"size": 10})
    fig.update_xaxes(title_text=msg("report.axis.wait_minutes"), row=n_rows)
    fig.update_yaxes(range=[0, 1.03], **pct_ticks(msg, 1.0))
    return fig
