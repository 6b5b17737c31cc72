"""Plotly figures of the report: verdicts and utilisation (tasks and time: figures_tasks).

One function per figure; each returns a :class:`plotly.graph_objects.Figure`, or ``None``
when its data is absent (a ``run`` has no verdicts, older results have no hourly KPIs), so
that the page leaves the section out instead of drawing an empty chart.

Group, shift and task names come from user files and plotly renders a subset of HTML in
every label, tick and hover text, so each piece of user text goes through :func:`esc`
before it reaches a figure; numbers are rendered by the message catalogue in the report's
language (decimal comma in nb/sv), and a cell without anybody on duty shows "–".
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.calendar import DAY_TYPES
from sim.experiment import Results
from sim.i18n import MISSING, Messages
from sim.model import WardModel

VERDICTS: tuple[str, ...] = ("feasible", "at_risk", "not_feasible")
#: Green, amber, red (ColorBrewer RdYlGn ends and an amber readable with black text).
VERDICT_COLOURS: tuple[str, ...] = ("#1a9850", "#f4a81d", "#d73027")
#: Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
SCENARIO_COLOURS: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
HOURS: tuple[str, ...] = tuple(f"{h:02d}" for h in range(24))
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: plotly's decimal and thousands separators per language.
SEPARATORS = {"en": ".,", "nb": ",\u00a0", "sv": ",\u00a0"}
#: A horizontal legend at the very top of the figure, above any subplot titles.
HEATMAP_MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}
TOP_LEGEND = {"orientation": "h", "yref": "container", "y": 1, "yanchor": "top", "x": 0,
              "xanchor": "left"}


def esc(text: Any) -> str:
    """User text made safe for a plotly label: ``<``, ``>`` and ``&`` become entities.

    plotly turns ``&lt;`` back into ``<`` when it draws, so the text shows as written and
    no tag in it is ever interpreted.
    """
    return html.escape(str(text), quote=False)


def hover_lines(*lines: str, width: int = 90) -> str:
    """Hover text: each line wrapped and escaped, joined by ``<br>`` (the only markup)."""
    out: list[str] = []
    for line in lines:
        out += [esc(part) for part in textwrap.wrap(line, width) or [""]]
    return "<br>".join(out)


def colour(i: int) -> str:
    """Return the colour of the i-th scenario (the baseline is 0)."""
    return SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]


def rgba(hex_colour: str, alpha: float) -> str:
    """Give a ``#rrggbb`` colour transparency, for bands."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def ordered(values: Iterable[str], order: Sequence[str]) -> list[str]:
    """Return the distinct ``values`` in ``order``, unknown ones after them as first seen."""
    present = list(dict.fromkeys(values))
    known = [v for v in dict.fromkeys(order) if v in present]
    return known + [v for v in present if v not in known]


def base_layout(msg: Messages, height: int, **extra: Any) -> dict[str, Any]:
    """Layout shared by every figure: white template, system fonts, language separators."""
    layout = {
        "template": "plotly_white", "height": height, "separators": SEPARATORS.get(msg.lang, ".,"),
        "font": {"family": FONT, "size": 13}, "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "hoverlabel": {"align": "left"},
    }
    layout.update(extra)
    return layout


def ci_text(msg: Messages, mean: float, low: float, high: float, spec: str) -> str:
    """``mean (95 % CI low–high)`` in the language; the mean alone when the CI is unknown."""
    if _nan(low) or _nan(high):
        return msg.number(mean, spec)
    return msg("report.value_ci", mean=msg.number(mean, spec), low=msg.number(low, spec),
               high=msg.number(high, spec))


def pct_ticks(msg: Messages, top: float) -> dict[str, list]:
    """Ticks for a share axis from 0 to ``top``, labelled in the language (``20 %`` in nb)."""
    step = next(st for st in (0.05, 0.1, 0.2, 0.25, 0.5) if top / st <= 6)
    values = [round(k * step, 4) for k in range(int(top / step + 1e-9) + 1)]
    return {"tickvals": values, "ticktext": [msg.number(v, "pct0") for v in values]}


def cell_label(msg: Messages, shift: str, day_type: str) -> str:
    """Name a (shift, day type) cell in the language."""
    return msg("report.cell", shift=msg.label("shift", shift),
               day_type=msg.label("day_type", day_type))


def cell_tick(msg: Messages, shift: str, day_type: str) -> str:
    """Label a (shift, day type) axis tick on two lines, the user's shift name escaped."""
    return f"{esc(msg.label('shift', shift))}<br>{esc(msg.label('day_type', day_type))}"


def _nan(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def verdict_matrix(cells: pd.DataFrame, scenario: str, model: WardModel,
                   msg: Messages) -> go.Figure | None:
    """Group × (shift, day type) coloured by verdict; the hover lists the reasons."""
    sel = cells[cells["scenario"] == scenario]
    if sel.empty:
        return None
    groups = ordered(sel["group"], model.group_ids)
    pairs = set(zip(sel["shift"], sel["day_type"], strict=True))
    columns = [(s, d) for s in ordered(sel["shift"], model.shift_names)
               for d in ordered(sel["day_type"], DAY_TYPES) if (s, d) in pairs]
    index = {(r["group"], r["shift"], r["day_type"]): r for r in sel.to_dict("records")}
    z, text, hover = [], [], []
    for group in groups:
        zs, ts, hs = [], [], []
        for shift, day_type in columns:
            where = f"{group} · {cell_label(msg, shift, day_type)}"
            row = index.get((group, shift, day_type))
            if row is None:
                zs.append(None)
                ts.append(MISSING)
                hs.append(hover_lines(where, msg("report.verdict.no_cell")))
                continue
            verdict = row["verdict"]
            zs.append(VERDICTS.index(verdict))
            ts.append(esc(msg.label("verdict_short", verdict)))
            reasons = [str(r) for r in (row.get("reasons") or [])]
            hs.append(f"<b>{hover_lines(where + ': ' + msg.label('verdict', verdict))}</b>"
                      + "".join("<br>• " + hover_lines(r) for r in reasons))
        z.append(zs)
        text.append(ts)
        hover.append(hs)
    scale = [[0, VERDICT_COLOURS[0]], [1 / 3, VERDICT_COLOURS[0]], [1 / 3, VERDICT_COLOURS[1]],
             [2 / 3, VERDICT_COLOURS[1]], [2 / 3, VERDICT_COLOURS[2]], [1, VERDICT_COLOURS[2]]]
    fig = go.Figure(go.Heatmap(
        z=z, x=[cell_tick(msg, s, d) for s, d in columns],
        y=[esc(g) for g in groups], text=text, texttemplate="%{text}", textfont={"size": 14},
        customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", colorscale=scale, zmin=-0.5, zmax=2.5,
        xgap=3, ygap=3, colorbar={"tickvals": [0, 1, 2], "thickness": 14,
                                  "ticktext": [esc(msg.label("verdict", v)) for v in VERDICTS]},
    ))
    fig.update_layout(**base_layout(msg, 150 + 42 * len(groups), plot_bgcolor="#eeeeee"))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False)
    return fig


def _hour_rows(frame: pd.DataFrame) -> pd.DataFrame:
    if frame is None or frame.empty or "kpi" not in frame:
        return pd.DataFrame()
    return frame[(frame["kpi"] == "utilisation_hour") & (frame["day_type"] == "all")]


def _hour_groups(rows: pd.DataFrame, model: WardModel) -> list[str]:
    """Staff groups in roster order; ``nurses`` (all nurse groups) only if there are several."""
    groups = [g for g in ordered(rows["group"], model.group_ids) if g != "nurses"]
    if len(model.nurse_groups) > 1 and (rows["group"] == "nurses").any():
        groups.append("nurses")
    return groups


def _group_label(msg: Messages, group: str) -> str:
    return msg("report.all_nurses") if group == "nurses" else group


def _grid(rows: pd.DataFrame, groups: list[str], column: str) -> np.ndarray:
    table = rows.pivot_table(index="group", columns="interval", values=column, aggfunc="first")
    return table.reindex(index=groups, columns=list(HOURS)).to_numpy(dtype=float)


def _hour_span(hour: str) -> str:
    return f"{hour}:00–{(int(hour) + 1) % 24:02d}:00"


def utilisation_heatmap(results: Results, model: WardModel, msg: Messages) -> go.Figure | None:
    """Mean utilisation by hour of day × group over all days, from ``utilisation_hour``."""
    rows = _hour_rows(results.summary)
    if rows.empty:
        return None
    groups = _hour_groups(rows, model)
    mean, low, high = (_grid(rows, groups, c) for c in ("mean", "ci_low", "ci_high"))
    text = [[msg.number(v, "pct0") for v in row] for row in mean]
    hover = [[hover_lines(f"{_group_label(msg, g)} · {_hour_span(h)}",
                          msg("report.hover.utilisation", value=ci_text(msg, m, lo, hi, "pct1"))
                          if not _nan(m) else msg("report.nobody_on_duty"))
              for h, m, lo, hi in zip(HOURS, mean[i], low[i], high[i], strict=True)]
             for i, g in enumerate(groups)]
    top = max(1.0, float(np.nanmax(mean)) if np.isfinite(mean).any() else 1.0)
    fig = go.Figure(go.Heatmap(
        z=np.where(np.isnan(mean), None, mean).tolist(), x=list(HOURS),
        y=[esc(_group_label(msg, g)) for g in groups], text=text, texttemplate="%{text}",
        textfont={"size": 10}, customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        colorscale="YlOrRd", zmin=0, zmax=top, xgap=1, ygap=1,
        colorbar={"thickness": 14, **pct_ticks(msg, top)},
    ))
    fig.update_layout(**base_layout(msg, 100 + 34 * len(groups), plot_bgcolor="#f4f4f4",
                                    margin=HEATMAP_MARGIN))
    fig.update_xaxes(title_text=msg("report.axis.hour"), type="category", showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    return fig


def _points(share: float) -> str:
    """Write a difference of shares as signed whole percentage points: ``+3``, ``−2``, ``0``."""
    if _nan(share):
        return MISSING
    points = round(share * 100)
    return "0" if points == 0 else f"{points:+d}".replace("-", "\u2212")


def utilisation_difference(comparison: pd.DataFrame, scenario: str, baseline: str,
                           model: WardModel, msg: Messages) -> go.Figure | None:
    """Utilisation of ``scenario`` minus the baseline's, hour × group, in percentage points."""
    rows = _hour_rows(comparison)
    rows, base = rows[rows["scenario"] == scenario], rows[rows["scenario"] == baseline]
    if rows.empty:
        return None
    groups = _hour_groups(rows, model)
    diff, low, high, mean = (_grid(rows, groups, c)
                             for c in ("diff", "diff_ci_low", "diff_ci_high", "mean"))
    before = _grid(base, groups, "mean") if len(base) else np.full_like(mean, np.nan)
    text = [[_points(v) for v in row] for row in diff]
    hover = [[hover_lines(
        f"{_group_label(msg, g)} · {_hour_span(h)}",
        msg("report.hover.difference", value=ci_text(msg, d * 100, lo * 100, hi * 100, "num1"))
        if not _nan(d) else msg("report.nobody_on_duty" if _nan(m) else "report.not_in_baseline"),
        msg("report.hover.before_after", before=msg.number(b, "pct1"), after=msg.number(m, "pct1")))
        for h, d, lo, hi, m, b in zip(HOURS, diff[i], low[i], high[i], mean[i], before[i],
                                      strict=True)]
        for i, g in enumerate(groups)]
    span = float(np.nanmax(np.abs(diff))) if np.isfinite(diff).any() else 0.0
    span = math.ceil(max(span, 0.01) * 20) / 20  # whole 5 percentage points
    fig = go.Figure(go.Heatmap(
        z=np.where(np.isnan(diff), None, diff).tolist(), x=list(HOURS),
        y=[esc(_group_label(msg, g)) for g in groups], text=text, texttemplate="%{text}",
        textfont={"size": 10}, customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        colorscale="RdBu_r", zmin=-span, zmax=span, zmid=0, xgap=1, ygap=1,
        colorbar={"thickness": 14, "tickvals": [-span, 0, span],
                  "ticktext": [_points(v) for v in (-span, 0, span)]},
    ))
    fig.update_layout(**base_layout(msg, 100 + 34 * len(groups), plot_bgcolor="#f4f4f4",
                                    margin=HEATMAP_MARGIN))
    fig.update_xaxes(title_text=msg("report.axis.hour"), type="category", showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    return fig


def utilisation_fan(results: Sequence[Results], models: Sequence[WardModel],
                    msg: Messages) -> go.Figure | None:
    """Utilisation by hour per group: mean line and the 10–90 % band of replication values."""
    frames = [_hour_rows(r.kpis) for r in results]
    if all(f.empty for f in frames):
        return None
    groups: list[str] = []
    for frame, model in zip(frames, models, strict=True):
        if len(frame):
            groups += [g for g in _hour_groups(frame, model) if g not in groups]
    cols = 1 if len(groups) == 1 else 2
    n_rows = math.ceil(len(groups) / cols)
    fig = make_subplots(rows=n_rows, cols=cols, shared_xaxes=True, vertical_spacing=0.22 / n_rows,
                        horizontal_spacing=0.08,
                        subplot_titles=[esc(_group_label(msg, g)) for g in groups])
    hours = list(range(24))
    top = 0.05
    for i, (frame, res) in enumerate(zip(frames, results, strict=True)):
        if frame.empty:
            continue
        values = frame.groupby(["group", "interval"])["value"]
        stats = pd.DataFrame({"mean": values.mean(), "q10": values.quantile(0.1),
                              "q90": values.quantile(0.9)})
        for k, group in enumerate(groups):
            row, col = k // cols + 1, k % cols + 1
            part = (stats.loc[group] if group in stats.index.get_level_values(0)
                    else pd.DataFrame(columns=stats.columns)).reindex(list(HOURS))
            mean, q10, q90 = (part[c].to_numpy(float) for c in ("mean", "q10", "q90"))
            top = max(top, float(np.nanmax(q90)) if np.isfinite(q90).any() else 0.0)
            style = {"legendgroup": str(i), "showlegend": False, "hoverinfo": "skip",
                     "mode": "lines"}
            fig.add_trace(go.Scatter(x=hours, y=q90, line={"width": 0}, **style), row=row, col=col)
            fig.add_trace(go.Scatter(x=hours, y=q10, line={"width": 0}, fill="tonexty",
                                     fillcolor=rgba(colour(i), 0.2), **style), row=row, col=col)
            hover = [hover_lines(f"{res.scenario} · {_group_label(msg, group)} · {_hour_span(h)}",
                                 msg("report.hover.fan", mean=msg.number(m, "pct1"),
                                     low=msg.number(lo, "pct1"), high=msg.number(hi, "pct1")))
                     for h, m, lo, hi in zip(HOURS, mean, q10, q90, strict=True)]
            fig.add_trace(go.Scatter(
                x=hours, y=mean, mode="lines+markers", marker={"size": 4},
                line={"color": colour(i), "width": 2}, name=esc(res.scenario), legendgroup=str(i),
                showlegend=k == 0, customdata=hover, hovertemplate="%{customdata}<extra></extra>",
            ), row=row, col=col)
    fig.update_layout(**base_layout(msg, 90 + 230 * n_rows,
                                    legend=TOP_LEGEND, margin={"l": 10, "r": 10, "t": 80, "b": 10}))
    fig.update_yaxes(range=[0, top * 1.05], **pct_ticks(msg, top))
    fig.update_xaxes(tickvals=list(range(0, 24, 3)), ticktext=list(HOURS[::3]), range=[-0.5, 23.5])
    fig.update_xaxes(title_text=msg("report.axis.hour"), row=n_rows)
    return fig
