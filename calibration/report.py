"""``calibration.html``: the fits and rates of a calibration, as one offline page.

The page is the report page of :mod:`sim.report.html` (same template and style, plotly.js
embedded once, nothing fetched), with its own sections: a summary table, then per task
(and group) a histogram of the observed times with the fitted densities beside a QQ plot
of the observed against the fitted quantiles; for arrivals, per task the observed rate per
interval and day type with its 95 % interval beside the mapped estimate. User text (task
and group ids) is escaped, by the template and by :func:`sim.report.figures.esc`.
"""

from __future__ import annotations

import warnings

import numpy as np
import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots
from scipy import stats

from calibration.arrivals import Rate
from calibration.durations import Fit
from calibration.likelihood import FAMILIES, SCIPY
from sim import __version__
from sim.calendar import DAY_TYPES
from sim.i18n import Messages
from sim.report.figures import base_layout, colour, esc
from sim.report.html import Block, Section, figure_block
from sim.report.tables import Cell


def _frozen(family: str, theta: np.ndarray) -> stats.rv_continuous:
    shapes = () if family == "exponential" else (theta[0],)
    return SCIPY[family](*shapes, loc=0, scale=theta[-1])


def _label(fit: Fit) -> str:
    return f"{fit.task_id} · {fit.group}" if fit.group else fit.task_id


def fit_figure(fit: Fit, whole: bool, msg: Messages) -> go.Figure | None:
    """Histogram with the fitted densities, and a QQ plot, of one fit (None if not fitted)."""
    if not fit.params:
        return None
    done = fit.sample.minutes[~fit.sample.interrupted]
    cut = fit.sample.minutes[fit.sample.interrupted]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1,
                        subplot_titles=[esc(msg("calibrate.report.histogram")),
                                        esc(msg("calibrate.report.qq"))])
    width = max(1.0, float(np.ceil(np.ptp(fit.sample.minutes) / 30)))  # whole minutes per bar
    bins = {"start": -0.5, "size": width} if whole else None
    fig.add_trace(go.Histogram(x=done, histnorm="probability density", xbins=bins,
                               name=esc(msg("calibrate.report.completed")),
                               marker_color="#c9d1d9",
                               hovertemplate="%{x}: %{y:.3f}<extra></extra>"),
                  row=1, col=1)
    if cut.size:
        fig.add_trace(go.Scatter(x=cut, y=np.zeros(cut.size), mode="markers",
                                 marker={"symbol": "triangle-right", "size": 9, "color": "#59636e"},
                                 name=esc(msg("calibrate.report.interrupted"))), row=1, col=1)
    top = float(np.quantile(fit.sample.minutes, 0.995)) * 1.1 + 1
    grid = np.linspace(top / 400, top, 400)
    for family in (f for f in FAMILIES if f in fit.params):
        chosen, i = family == fit.family, FAMILIES.index(family)
        fig.add_trace(go.Scatter(
            x=grid, y=_frozen(family, fit.params[family]).pdf(grid), mode="lines",
            name=esc(msg(f"calibrate.family.{family}")),
            line={"color": colour(i), "width": 3 if chosen else 1.5,
                  "dash": "solid" if chosen else "dot"}), row=1, col=1)
    qq = _qq(fit)
    if qq is not None:
        model, observed = qq
        fig.add_trace(go.Scatter(x=model, y=observed, mode="markers", showlegend=False,
                                 marker={"color": colour(FAMILIES.index(fit.family))},
                                 hovertemplate="%{x:.1f} → %{y:.1f}<extra></extra>"), row=1, col=2)
        edge = float(max(model.max(), observed.max()))
        fig.add_trace(go.Scatter(x=[0, edge], y=[0, edge], mode="lines", showlegend=False,
                                 line={"color": "#59636e", "dash": "dash", "width": 1}),
                      row=1, col=2)
    minutes = esc(msg("calibrate.report.minutes"))
    fig.update_xaxes(title_text=minutes, row=1, col=1)
    fig.update_yaxes(title_text=esc(msg("calibrate.report.density")), row=1, col=1)
    fig.update_xaxes(title_text=esc(msg("calibrate.report.fitted_quantile")), row=1, col=2)
    fig.update_yaxes(title_text=esc(msg("calibrate.report.observed_quantile")), row=1, col=2)
    fig.update_layout(**base_layout(msg, 380, barmode="overlay"))
    return fig


def _qq(fit: Fit) -> tuple[np.ndarray, np.ndarray] | None:
    """Fitted against observed quantiles of the completed times.

    The plotting positions are Kaplan–Meier's, so interrupted observations count.
    """
    sample = fit.sample
    done = sample.minutes[~sample.interrupted]
    if done.size < 2:
        return None
    data = stats.CensoredData(uncensored=done, right=sample.minutes[sample.interrupted])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cdf = stats.ecdf(data).cdf
    times, probs = cdf.quantiles, cdf.probabilities
    previous = np.concatenate(([0.0], probs[:-1]))
    keep = np.isin(times, done)
    positions = np.clip((previous + probs)[keep] / 2, 1e-6, 1 - 1e-6)
    model = _frozen(fit.family, fit.params[fit.family]).ppf(positions)
    return model, times[keep]


def rate_figure(rates: list[Rate], msg: Messages) -> go.Figure:
    """Observed rates of one task per interval and day type with 95 % CIs, and the estimate."""
    fig = go.Figure()
    shown = [r for r in rates if r.action != "none"]
    order = list(dict.fromkeys(esc(r.interval) for r in shown))
    for i, day_type in enumerate(DAY_TYPES):
        mine = [r for r in shown if r.day_type == day_type]
        if not mine:
            continue
        label = esc(msg.label("day_type", day_type))
        fig.add_trace(go.Scatter(
            x=[esc(r.interval) for r in mine], y=[r.rate for r in mine], mode="markers",
            name=label, marker={"color": colour(i), "size": 10},
            error_y={"type": "data", "symmetric": False,
                     "array": [r.rate_ci_high - r.rate for r in mine],
                     "arrayminus": [r.rate - r.rate_ci_low for r in mine]}))
        fig.add_trace(go.Scatter(
            x=[esc(r.interval) for r in mine], y=[r.estimate for r in mine], mode="markers",
            name=esc(msg("calibrate.report.estimate_of", day_type=msg.label("day_type", day_type))),
            marker={"color": colour(i), "symbol": "x-thin", "size": 12,
                    "line": {"width": 2, "color": colour(i)}}))
    per = msg(f"calibrate.per.{rates[0].per}")
    fig.update_layout(**base_layout(msg, 360, scattermode="group"))
    fig.update_xaxes(title_text=esc(msg("calibrate.report.interval")), type="category",
                     categoryorder="array", categoryarray=order)
    fig.update_yaxes(title_text=esc(msg("calibrate.report.rate_axis", per=per)), rangemode="tozero")
    return fig


def _num(msg: Messages, value: float, spec: str) -> Cell:
    return Cell(msg.number(value, spec), "num")


def _ci(msg: Messages, value: float, low: float, high: float, spec: str) -> Cell:
    text = msg.number(value, spec)
    if np.isfinite(low) and np.isfinite(high):
        text += " " + msg("common.interval", low=msg.number(low, spec), high=msg.number(high, spec))
    return Cell(text, "num")


def durations_sections(fits: list[Fit], actions: list[str], whole: bool, treatment: str,
                       msg: Messages) -> list[Section]:
    """Return the summary table and one figure per fitted task (and group)."""
    header = [msg(f"calibrate.report.col.{c}") for c in
              ("task", "group", "n", "n_censored", "family", "mean", "cv", "gof", "action")]
    rows = [[Cell(f.task_id), Cell(f.group), _num(msg, f.n, "int"),
             _num(msg, f.sample.n_censored, "int"),
             Cell(msg(f"calibrate.family.{f.family}") if f.family else ""),
             _ci(msg, f.mean, *f.mean_ci, "num1"), _ci(msg, f.cv, *f.cv_ci, "num2"),
             _num(msg, f.gof_pvalue, "num2"), Cell(action)]
            for f, action in zip(fits, actions, strict=True)]
    summary = Section("summary", msg("calibrate.report.summary"), treatment, [
        Block("table", "table-durations", "", msg("calibrate.report.caption_table"),
              header=header, rows=rows)])
    blocks = [figure_block(fit_figure(f, whole, msg), f"fig-fit-{i}", _label(f),
                           msg("calibrate.report.caption_fit"))
              for i, f in enumerate(fits)]
    kept = [b for b in blocks if b is not None]
    return [summary] + ([Section("fits", msg("calibrate.report.fits"), "", kept)] if kept else [])


def arrivals_sections(rates: list[Rate], actions: list[str], msg: Messages) -> list[Section]:
    """Return the summary table and one rate figure per task."""
    header = [msg(f"calibrate.report.col.{c}") for c in
              ("task", "interval", "day_type", "count", "rate", "estimate", "dispersion", "action")]
    rows = [[Cell(r.task_id), Cell(r.interval), Cell(msg.label("day_type", r.day_type)),
             _num(msg, r.count, "int"), _ci(msg, r.rate, r.rate_ci_low, r.rate_ci_high, "sig3"),
             _num(msg, r.estimate, "sig3"), _num(msg, r.dispersion, "num2"), Cell(action)]
            for r, action in zip(rates, actions, strict=True)]
    summary = Section("summary", msg("calibrate.report.summary"), "", [
        Block("table", "table-rates", "", msg("calibrate.report.caption_rates"),
              header=header, rows=rows,
              folded=msg("calibrate.report.show_rows", n=msg.number(len(rows), "int")))])
    blocks = []
    for i, task_id in enumerate(dict.fromkeys(r.task_id for r in rates)):
        mine = [r for r in rates if r.task_id == task_id]
        if mine[0].action == "clock_task" or all(r.action == "none" for r in mine):
            continue
        blocks.append(figure_block(rate_figure(mine, msg), f"fig-rate-{i}", task_id,
                                   msg("calibrate.report.caption_rate")))
    rates_section = Section("rates", msg("calibrate.report.rates"), "", blocks)
    return [summary] + ([rates_section] if blocks else [])


def render(title: str, subtitle: str, sections: list[Section], msg: Messages) -> str:
    """Return the whole page in the report template of :mod:`sim.report.html`."""
    env = Environment(loader=PackageLoader("sim.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2").render(
        lang=msg.lang, title=title, subtitle=subtitle, sections=sections, version=__version__,
        plotlyjs=Markup(get_plotlyjs()), footer=msg("report.footer", version=__version__))
