"""The report's staff section: hours, FTEs (årsverk), persons, posts and cost, per scenario.

Built from :func:`sim.decide.fte.fte_table` and the scenario's ``fte:`` settings, with the
cost per week by source (rostered, extra shifts, overtime, agency) of
:func:`sim.decide.costs.cost_table` when it is given. Shared by the report of
``run``/``compare``/``assess`` and that of ``optimise``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.decide.costs import cost_table
from sim.decide.fte import fte_table, working_weeks
from sim.i18n import Messages
from sim.io.schema_targets import FTE
from sim.model import WardModel
from sim.report import figures_cost as fc
from sim.report.blocks import Block, Section, figure_block, section, table_block
from sim.report.tables import Cell

#: Columns of the FTE table, with their number format; the night ones only with a night week.
FTE_SHOWN = (("hours_per_week", "num1"), ("night_hours_per_week", "num1"), ("fte", "num2"),
             ("fte_night", "num2"), ("persons", "num2"), ("post_size", "pct0"),
             ("posts", "int"), ("cost_per_week", "num0"), ("cost_per_year", "num0"))
NIGHT_ONLY = frozenset({"night_hours_per_week", "fte_night"})
KEYS = {"night_hours_per_week": "night_hours"}


def fte_rows(table: pd.DataFrame, settings: FTE, msg: Messages
             ) -> tuple[list[str], list[list[Cell]]]:
    """Tabulate :func:`~sim.decide.fte.fte_table`: rostered groups, then all groups."""
    night = settings.night_weekly_hours is not None
    shown = [(c, spec) for c, spec in FTE_SHOWN if night or c not in NIGHT_ONLY]
    header = [msg("report.col.group")] + [msg(f"report.staffing.{KEYS.get(c, c)}")
                                          for c, _ in shown]
    rows = []
    for r in table.to_dict("records"):
        if r["group"] != "total" and r["hours_per_week"] <= 0:
            continue
        name = msg("report.staffing.all_groups") if r["group"] == "total" else str(r["group"])
        rows.append([Cell(name)] + [Cell(msg.number(r[c], spec), "num") for c, spec in shown])
    return header, rows


def fte_caption(settings: FTE, msg: Messages) -> str:
    """Say how the FTE table was computed, with the scenario's own settings."""
    text = msg("report.staffing.caption", weekly=msg.number(settings.weekly_hours, "num"),
               weeks=msg.number(working_weeks(settings), "num"),
               holiday_weeks=msg.number(settings.holiday_weeks, "num"),
               public_holidays=msg.number(settings.public_holidays, "num"))
    if settings.night_weekly_hours is not None:
        text += " " + msg("report.staffing.caption_night",
                          night=msg.number(settings.night_weekly_hours, "num"))
    return text


def staffing_blocks(models: Sequence[WardModel], labels: Sequence[str],
                    settings: Sequence[FTE] | None, msg: Messages,
                    costs: Sequence[pd.DataFrame] | None = None, prefix: str = "staff"
                    ) -> list[Block | None]:
    """Return the FTE table of each scenario (if ``settings``), then the cost figures."""
    blocks: list[Block | None] = []
    for i, (model, label, fs) in enumerate(zip(models, labels, settings or (), strict=False)):
        blocks.append(table_block(f"{prefix}-fte-{i}", msg("report.staffing.table", scenario=label),
                                  fte_caption(fs, msg), fte_rows(fte_table(model, fs), fs, msg)))
    if costs is not None:
        for i, (label, frame) in enumerate(zip(labels, costs, strict=True)):
            blocks.append(figure_block(fc.cost_by_source(frame, msg), f"fig-{prefix}-cost-{i}",
                                       msg("report.staffing.cost", scenario=label),
                                       msg("report.staffing.caption_cost")))
        blocks.append(figure_block(fc.agency_share(costs, labels, msg), f"fig-{prefix}-agency",
                                   msg("report.staffing.agency"),
                                   msg("report.staffing.caption_agency")))
    return blocks


def staffing_section(models: Sequence[WardModel], labels: Sequence[str],
                     settings: Sequence[FTE] | None, msg: Messages,
                     costs: Sequence[pd.DataFrame] | None = None) -> Section | None:
    """Return the staff, posts and cost section; the costs are computed if not given."""
    if costs is None:
        costs = [cost_table(m) for m in models]
    return section("staffing", msg("report.staffing.section"),
                   staffing_blocks(models, labels, settings, msg, costs))
