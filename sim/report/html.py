"""``report.html``: one self-contained interactive page of what a command computed.

The page must open from a USB stick on a ward computer with no network: plotly.js is
embedded once, inline; every figure is added without its own copy and without MathJax; no
font, style or script is fetched from anywhere. The page is assembled by Jinja2 with
autoescape on, so user text (group, task and shift names) can never become markup; inside
the figures the same text is escaped by :func:`sim.report.figures.esc`.

A section is left out when its data is absent: ``run`` has one scenario and no comparison,
``compare`` has no verdicts, ``assess`` has everything. The staff, posts and cost section
(:mod:`sim.report.staffing`) shows the FTE tables when the command gives each scenario's
``fte:`` settings, and the cost by source always. ``optimise`` has its own page
(:mod:`sim.report.optimise_html`) built from the same parts (:mod:`sim.report.blocks`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim import __version__
from sim.experiment import Results
from sim.i18n import Messages
from sim.io.schema_targets import FTE
from sim.model import WardModel
from sim.report import figures as f
from sim.report import figures_tasks as ft
from sim.report.blocks import Block, Section, figure_block, render_page
from sim.report.blocks import section as _section
from sim.report.describe import ScenarioInfo, show_value
from sim.report.staffing import staffing_section
from sim.report.tables import (
    Cell,
    feasibility_table,
    group_table,
    scenario_verdict_table,
    task_table,
    training_table,
)

COMMANDS = ("run", "compare", "assess")


@dataclass
class ReportData:
    """Everything a report can show; the optional parts are what ``compare``/``assess`` add.

    ``results[0]`` (and ``models[0]``, ``scenarios[0]``) is the baseline; each Results'
    ``scenario`` is the label used in ``comparison``, ``freed`` and the assess frames.
    ``feasibility`` must carry the rendered ``reason`` column and ``cells`` the rendered
    ``reasons`` lists (design section 3).
    """

    title: str
    command: str
    scenarios: Sequence[ScenarioInfo]
    models: Sequence[WardModel]
    results: Sequence[Results]
    comparison: pd.DataFrame | None = None
    freed: pd.DataFrame | None = None
    feasibility: pd.DataFrame | None = None
    cells: pd.DataFrame | None = None
    verdicts: pd.DataFrame | None = None
    training: pd.DataFrame | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    #: Each scenario's ``fte:`` settings: the staff, posts and cost section needs them.
    fte_settings: Sequence[FTE] | None = None
    #: Each scenario's :func:`sim.decide.costs.cost_table`, for the cost by source.
    costs: Sequence[pd.DataFrame] | None = None

    def __post_init__(self) -> None:
        if self.command not in COMMANDS:
            raise ValueError(f"command must be one of {', '.join(COMMANDS)}, got {self.command!r}")
        if not self.results or len(self.results) != len(self.models):
            raise ValueError("a report needs one model per Results, and at least one")

    @property
    def labels(self) -> list[str]:
        """Scenario labels, baseline first."""
        return [r.scenario for r in self.results]


def _verdict_section(data: ReportData, msg: Messages) -> Section | None:
    blocks: list[Block | None] = []
    if data.verdicts is not None and len(data.verdicts):
        header, rows = scenario_verdict_table(data.verdicts, data.cells, msg)
        blocks.append(Block("table", "table-verdicts", msg("report.figure.verdicts"),
                            msg("report.caption.verdicts"), header=header, rows=rows))
    if data.cells is not None and len(data.cells):
        for i, (label, model) in enumerate(zip(data.labels, data.models, strict=True)):
            blocks.append(figure_block(f.verdict_matrix(data.cells, label, model, msg),
                                       f"fig-verdict-{i}",
                                       msg("report.figure.verdict", scenario=label),
                                       msg("report.caption.verdict")))
    if data.feasibility is not None and len(data.feasibility):
        header, rows = feasibility_table(data.feasibility, msg)
        blocks.append(Block("table", "table-feasibility", msg("report.figure.feasibility"),
                            msg("report.caption.feasibility"), header=header, rows=rows,
                            folded=msg("report.show_checks", n=msg.number(len(rows), "int"))))
    return _section("verdict", msg("report.section.verdict"), blocks)


def _training_section(data: ReportData, msg: Messages) -> Section | None:
    if data.training is None:
        return None
    header, rows = training_table(data.training, msg, several=len(data.results) > 1)
    block = Block("table", "table-training", msg("report.figure.training"),
                  msg("report.caption.training"), header=header, rows=rows)
    if not rows:
        block.caption = msg("assess.no_training")
    return _section("training", msg("report.section.training"), [block])


def _utilisation_section(data: ReportData, msg: Messages) -> Section | None:
    blocks: list[Block | None] = []
    base = data.labels[0]
    for i, (res, model) in enumerate(zip(data.results, data.models, strict=True)):
        blocks.append(figure_block(f.utilisation_heatmap(res, model, msg), f"fig-util-{i}",
                                   msg("report.figure.utilisation", scenario=res.scenario),
                                   msg("report.caption.utilisation")))
    if data.comparison is not None:
        for i, (res, model) in enumerate(zip(data.results, data.models, strict=True)):
            if i:
                fig = f.utilisation_difference(data.comparison, res.scenario, base, model, msg)
                blocks.append(figure_block(fig, f"fig-util-diff-{i}",
                                           msg("report.figure.utilisation_diff",
                                               scenario=res.scenario, baseline=base),
                                           msg("report.caption.utilisation_diff")))
    blocks.append(figure_block(f.utilisation_fan(data.results, data.models, msg), "fig-util-fan",
                               msg("report.figure.fan"), msg("report.caption.fan")))
    return _section("utilisation", msg("report.section.utilisation"), blocks)


def _nurse_section(data: ReportData, msg: Messages) -> Section | None:
    blocks = [
        figure_block(ft.freed_hours(data.freed, data.models, msg), "fig-freed",
                     msg("report.figure.freed", baseline=data.labels[0]),
                     msg("report.caption.freed")),
        figure_block(ft.nurse_time(data.results, msg), "fig-nurse-time",
                     msg("report.figure.nurse_time"), msg("report.caption.nurse_time")),
        figure_block(ft.nurse_time_use(data.results, msg), "fig-nurse-time-use",
                     msg("report.figure.nurse_time_use"), msg("report.caption.nurse_time_use")),
    ]
    return _section("nurse-time", msg("report.section.nurse_time"), blocks)


def _wait_section(data: ReportData, msg: Messages) -> Section | None:
    blocks = [
        figure_block(ft.wait_ecdf(data.results, "priority", msg), "fig-wait-priority",
                     msg("report.figure.wait_priority"), msg("report.caption.wait")),
        figure_block(ft.wait_ecdf(data.results, "category", msg), "fig-wait-category",
                     msg("report.figure.wait_category"), msg("report.caption.wait")),
        figure_block(ft.late_missed(data.results, msg), "fig-late-missed",
                     msg("report.figure.late_missed"), msg("report.caption.late_missed")),
    ]
    return _section("tasks", msg("report.section.tasks"), blocks)


def _model_section(data: ReportData, msg: Messages) -> Section | None:
    blocks: list[Block | None] = []
    infos = {info.label: info for info in data.scenarios}
    for i, (res, model) in enumerate(zip(data.results, data.models, strict=True)):
        info = infos.get(res.scenario) or (data.scenarios[i] if i < len(data.scenarios) else None)
        settings = [
            (msg("report.model.name"), model.name if info is None else info.label),
            (msg("report.model.seed"), str(res.seed)),
            (msg("report.model.replications"), msg.number(res.replications, "int")),
            (msg("report.model.days"), msg.number(model.calendar.days, "int")),
            (msg("report.model.warmup"), msg.number(res.warmup_days, "int")),
        ]
        files = [] if info is None else [
            {"label": msg("report.model.file") if k == 0 else msg("report.model.extends"),
             "path": fi.path, "sha256": fi.sha256, "assumptions": fi.assumptions,
             "assumptions_label": msg("report.model.assumptions", file=fi.path)}
            for k, fi in enumerate(info.files)]
        changes = [] if info is None else [(p, show_value(a), show_value(b))
                                           for p, a, b in info.changes]
        extra = {"settings": settings, "files": files, "changes": changes,
                 "changes_caption": msg("report.model.changes", baseline=data.labels[0]),
                 "changes_header": [msg("report.model.path"), data.labels[0], res.scenario]}
        if i and info is not None and not changes:
            extra["settings"].append((msg("report.model.changes_none"), ""))
        if info is not None:
            extra["settings"][1:1] = [(msg(key), text) for key, text in (
                ("report.model.title", info.name), ("report.model.description", info.description))
                if text]
        blocks.append(Block("scenario", f"model-{i}", res.scenario, extra=extra))
        header, rows = group_table(model, msg)
        blocks.append(Block("table", f"model-groups-{i}",
                            msg("report.model.groups", scenario=res.scenario),
                            header=header, rows=rows))
        header, rows = task_table(model, msg)
        blocks.append(Block("table", f"model-tasks-{i}",
                            msg("report.model.tasks", scenario=res.scenario),
                            msg("report.caption.model_tasks"), header=header, rows=rows,
                            folded=msg("report.model.show_tasks",
                                       n=msg.number(len(rows), "int"))))
    meta = [(msg(f"report.meta.{k}") if msg.has(f"report.meta.{k}") else str(k), str(v))
            for k, v in data.meta.items()]
    version = [(msg("report.model.version"), f"wardsim {__version__}")]
    blocks.append(Block("table", "model-description", msg("report.model.run"), "",
                        header=[msg("report.model.setting"), msg("report.model.value")],
                        rows=[[Cell(k), Cell(v)] for k, v in version + meta]))
    return _section("model", msg("report.section.model"), blocks, msg("report.caption.model"))


def _staffing_section(data: ReportData, msg: Messages) -> Section | None:
    return staffing_section(data.models, data.labels, data.fte_settings, msg, data.costs)


SECTIONS: tuple[Callable[[ReportData, Messages], Section | None], ...] = (
    _verdict_section, _training_section, _staffing_section, _utilisation_section,
    _nurse_section, _wait_section, _model_section,
)


def render_report(data: ReportData, msg: Messages) -> str:
    """Render the whole report as one HTML text in ``msg``'s language; the caller writes it."""
    sections = [s for s in (build(data, msg) for build in SECTIONS) if s is not None]
    subtitle = msg(f"report.subtitle.{data.command}", scenarios=msg.join(data.labels),
                   replications=msg.number(data.results[0].replications, "int"),
                   days=msg.number(data.models[0].calendar.days, "int"))
    return render_page(data.title, subtitle, sections, msg)
