"""The report's tables (verdicts, checks, training need, groups and tasks) as rows of cells.

Cells hold plain text; the page's template escapes it. Numbers are rendered in the report's
language, a missing number is "–".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.i18n import Messages
from sim.io.schema_tasks import PRIORITIES
from sim.model import WardModel

ORDER = {"not_feasible": 0, "at_risk": 1, "feasible": 2}
#: Checks whose value is a count per week; every other check's value is a share.
COUNT_CHECKS = frozenset({"missed_per_week", "roster", "crew"})


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, an optional CSS class, an optional verdict badge."""

    text: str
    css: str = ""
    badge: str = ""


def _num(msg: Messages, value: Any, spec: str) -> Cell:
    return Cell(msg.number(value, spec), "num")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def where(msg: Messages, group: str, shift: str, day_type: str) -> str:
    """``group · shift · day type`` with the fixed words in the language."""
    return msg("assess.cell", group=group, shift=msg.label("shift", shift),
               day_type=msg.label("day_type", day_type))


def scenario_verdict_table(verdicts: pd.DataFrame, cells: pd.DataFrame | None, msg: Messages
                           ) -> tuple[list[str], list[list[Cell]]]:
    """One line per scenario: its verdict, and its cells not feasible and at risk, by name."""
    header = [msg("report.col.scenario"), msg("report.col.verdict"), msg("report.col.stopping")]
    verdict_of = {} if cells is None else {
        (r["scenario"], r["group"], r["shift"], r["day_type"]): r["verdict"]
        for r in cells.to_dict("records")}
    rows = []
    for row in verdicts.to_dict("records"):
        scenario = str(row["scenario"])
        found: dict[str, dict[str, list[str]]] = {}  # verdict -> group -> "shift day type"
        for group, shift, day_type in row.get("stopping") or []:
            verdict = verdict_of.get((scenario, group, shift, day_type), "not_feasible")
            found.setdefault(verdict, {}).setdefault(group, []).append(msg(
                "table.shift_day_type", shift=msg.label("shift", shift),
                day_type=msg.label("day_type", day_type)))
        parts = []
        for verdict in ("not_feasible", "at_risk"):
            groups = [msg("report.group_cells", group=g, cells=", ".join(c))
                      for g, c in found.get(verdict, {}).items()]
            if groups:
                parts.append(msg("report.cells_of", verdict=_capital(msg.label("verdict", verdict)),
                                 cells="; ".join(groups)))
        rows.append([Cell(scenario),
                     Cell(msg.label("verdict", row["verdict"]), badge=str(row["verdict"])),
                     Cell(" ".join(parts) if parts else "–")])
    return header, rows


def feasibility_table(feasibility: pd.DataFrame, msg: Messages
                      ) -> tuple[list[str], list[list[Cell]]]:
    """Every check, the worst first: value, its CI, the target and the reason."""
    header = [msg(f"report.col.{c}") for c in ("scenario", "group", "shift", "day_type", "verdict",
                                                "check", "value", "ci", "target", "reason")]
    frame = feasibility.assign(_order=feasibility["verdict"].map(ORDER).fillna(3))
    frame = frame.sort_values(["_order", "scenario"], kind="stable")
    rows = []
    for row in frame.to_dict("records"):
        check = str(row["check"])
        spec = "num2" if check in COUNT_CHECKS else "pct1"
        low, high = row.get("ci_low"), row.get("ci_high")
        ci = "–" if _missing(low) or _missing(high) else \
            msg("report.range", low=msg.number(low, spec), high=msg.number(high, spec))
        rows.append([
            Cell(str(row["scenario"])), Cell(str(row["group"])),
            Cell(msg.label("shift", row["shift"])),
            Cell(msg.label("day_type", row["day_type"])),
            Cell(msg.label("verdict", row["verdict"]), badge=str(row["verdict"])),
            Cell(msg.label("check", check)), _num(msg, row.get("value"), spec), Cell(ci, "num"),
            _num(msg, row.get("target"), spec), Cell(str(row.get("reason") or "")),
        ])
    return header, rows


def _count(msg: Messages, value: Any) -> Cell:
    """Show a head count: a whole number without decimals, a fraction with one."""
    if _missing(value):
        return Cell("–", "num")
    value = float(value)
    return _num(msg, value, "int" if value.is_integer() else "num1")


def training_table(training: pd.DataFrame, msg: Messages, several: bool
                   ) -> tuple[list[str], list[list[Cell]]]:
    """Tabulate the training need: certified on duty now, needed, and people to train."""
    columns = ["certification", "group", "shift", "day_type", "certified_now", "certified_needed",
               "persons_to_train"]
    if several:
        columns.insert(0, "scenario")
    header = [msg(f"report.col.{c}") for c in columns]
    rows = []
    for row in training.to_dict("records"):
        cells = []
        for c in columns:
            if c in ("certified_now", "certified_needed", "persons_to_train"):
                cells.append(_count(msg, row.get(c)))
            elif c == "shift":
                cells.append(Cell(msg.label("shift", row[c])))
            elif c == "day_type":
                cells.append(Cell(msg.label("day_type", row[c])))
            else:
                cells.append(Cell(str(row.get(c, ""))))
        rows.append(cells)
    return header, rows


def group_table(model: WardModel, msg: Messages) -> tuple[list[str], list[list[Cell]]]:
    """Tabulate a scenario's staff groups, broadest first: id, name, nurse or not, cost/hour."""
    header = [msg(f"report.col.{c}") for c in ("id", "name", "nurse", "cost_per_hour")]
    rows = [[Cell(gid), Cell(name),
             Cell(msg("report.model.yes" if i in model.nurse_groups else "report.model.no")),
             _num(msg, cost, "num")]
            for i, (gid, name, cost) in enumerate(zip(model.group_ids, model.group_names,
                                                      model.cost_per_hour, strict=True))]
    return header, rows


def task_table(model: WardModel, msg: Messages) -> tuple[list[str], list[list[Cell]]]:
    """Tabulate a scenario's tasks: id, name, category, the group placed on, minutes, priority.

    Minutes are the mean time of the group the task is placed on.
    """
    header = [msg(f"report.col.{c}")
              for c in ("id", "name", "category", "placed_on", "minutes", "priority")]
    rows = [[Cell(t.id), Cell(t.name), Cell(msg.label("category", t.category)),
             Cell(model.group_ids[t.group]), _num(msg, t.duration.mean, "num1"),
             Cell(msg.label("priority", PRIORITIES[t.priority]))]
            for t in model.tasks]
    return header, rows
