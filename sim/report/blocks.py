"""The parts of a report page (sections of figures and tables) and the page itself.

Shared by the report of ``run``/``compare``/``assess`` (:mod:`sim.report.html`) and that of
``optimise`` (:mod:`sim.report.optimise_html`), so both pages look and behave alike: one
template, Jinja2 with autoescape on, plotly.js embedded once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from sim import __version__
from sim.i18n import Messages
from sim.report.tables import Cell

#: plotly's options for every figure: no logo link, no tools that make no sense here.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"]}


@dataclass
class Block:
    """One figure or table of a section, as the template reads it."""

    kind: str
    id: str
    title: str = ""
    caption: str = ""
    html: Markup | None = None
    header: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    folded: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Section:
    """A titled part of the page; left out when it has no blocks."""

    id: str
    title: str
    intro: str = ""
    blocks: list[Block] = field(default_factory=list)


def figure_block(fig: go.Figure | None, div_id: str, title: str, caption: str) -> Block | None:
    """Turn a figure into HTML for the page: no plotly.js of its own, no MathJax."""
    if fig is None:
        return None
    markup = pio.to_html(fig, full_html=False, include_plotlyjs=False, include_mathjax=False,
                         div_id=div_id, config=PLOTLY_CONFIG)
    return Block("figure", div_id, title, caption, Markup(markup))


def table_block(div_id: str, title: str, caption: str,
                table: tuple[list[str], list[list[Cell]]], folded: str = "") -> Block | None:
    """Return a table block, or ``None`` when the table has no rows."""
    header, rows = table
    if not rows:
        return None
    return Block("table", div_id, title, caption, header=header, rows=rows, folded=folded)


def section(sid: str, title: str, blocks: Sequence[Block | None],
            intro: str = "") -> Section | None:
    """Return a section of the blocks that are there, or ``None`` when none is."""
    kept = [b for b in blocks if b is not None]
    return Section(sid, title, intro, kept) if kept else None


def _environment() -> Environment:
    """Return a Jinja2 environment with autoescape on (built per report: no module state)."""
    return Environment(loader=PackageLoader("sim.report", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_page(title: str, subtitle: str, sections: Sequence[Section], msg: Messages) -> str:
    """Render one whole self-contained page in ``msg``'s language."""
    return _environment().get_template("report.html.j2").render(
        lang=msg.lang, title=title, subtitle=subtitle, sections=sections, version=__version__,
        plotlyjs=Markup(get_plotlyjs()), footer=msg("report.footer", version=__version__),
    )
