"""Writing the task sheet: the seed's sectioned layout, or a flat table.

Sectioned: a heading row per interval of the daily-rhythm plan, a "Category:" row per
category within it, and a bullet row per task and interval, with each group's mark, Tid
and Behov: Opplæring. Flat: one row per task and interval with Intervall and Kategori
columns. Either way every row carries all of its task's columns, and Nr keeps the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.calendar import ANYTIME, DEFAULT_INTERVALS, WEEKDAY_DAYTIME
from sim.io.schema_tasks import CATEGORIES
from sim.io.workbook.groups import GroupNames
from sim.io.workbook.sections import FIXED, interval_heading
from sim.io.workbook.task_rows import TASK_COLUMNS
from sim.io.workbook.vocab import Vocab

DAY_TYPES = ("weekday", "weekend", "holiday")


@dataclass
class Column:
    """One column of the task sheet: its key (or group and part) and header text."""

    key: str
    header: str
    group: str | None = None


def columns(vocab: Vocab, groups: GroupNames, flat: bool) -> list[Column]:
    """Return the task sheet's columns in the order the writer puts them."""
    out = [Column("name", vocab.text("col", "name"))]
    for gid in groups.ids:
        out += [Column("mark", groups.label(gid), gid),
                Column("time", vocab.text("col", "time"), gid),
                Column("training", vocab.text("col", "training"), gid)]
    for key in TASK_COLUMNS:
        if key in ("interval", "category") and not flat:
            continue
        out.append(Column(key, vocab.text("col", key)))
    return out


def task_rows(tasks: list[dict[str, Any]], proposal: dict[str, dict[str, Any]], vocab: Vocab,
              groups: GroupNames, intervals: dict[str, str] | None, flat: bool
              ) -> list[tuple[str, Any]]:
    """Return the rows below the header: headings and task rows.

    A heading is ``("interval"|"category", text)``, a task row ``("task", {column: value})``.
    """
    cols = columns(vocab, groups, flat)
    rows: list[tuple[str, dict[int, Any]]] = []
    number = 0
    for task in tasks:
        keys = list(task["when"]) if task.get("when") is not None else [FIXED]
        for key in keys:
            number += 1
            rows.append((key, _cells(task, key, number, proposal.get(task["id"]), cols, vocab,
                                     groups, intervals, flat)))
    if flat:
        return [("task", cells) for _, cells in rows]
    ids = list(intervals) if intervals else [i for i, _ in DEFAULT_INTERVALS]
    out: list[tuple[str, Any]] = []
    name_col = 0
    for section in (ANYTIME, WEEKDAY_DAYTIME, *ids, FIXED):
        here = [cells for key, cells in rows if key == section]
        if not here:
            continue
        out.append(("interval", interval_heading(section, vocab, intervals)))
        for category in CATEGORIES:
            mine = [cells for cells in here if cells["_category"] == category]
            if not mine:
                continue
            out.append(("category", vocab.label("category", category) + ":"))
            for cells in mine:
                cells[name_col] = "• " + str(cells[name_col])
                out.append(("task", cells))
    return out


def _cells(task: dict[str, Any], key: str, number: int, proposal: dict[str, Any] | None,
           cols: list[Column], vocab: Vocab, groups: GroupNames, intervals: dict[str, str] | None,
           flat: bool) -> dict[Any, Any]:
    minutes = task.get("minutes")
    per_group = minutes if isinstance(minutes, dict) else \
        ({task["group"]: minutes} if minutes is not None else {})
    training = {task["group"]: task.get("requires")}
    if proposal is not None:
        training[proposal["group"]] = proposal.get("requires")
    rate = (task.get("when") or {}).get(key) if key != FIXED else None
    duration = task.get("duration") or {}
    values: dict[str, Any] = {
        "name": task.get("name") or task["id"],
        "proposal": groups.label(proposal["group"]) if proposal is not None else None,
        "interval": interval_heading(key, vocab, intervals) if flat else None,
        "category": vocab.label("category", task["category"]),
        "time_use": vocab.label("time_use", task["time_use"]) if task.get("time_use") else None,
        "count": rate.get("weekday") if rate else None,
        "count_weekend": rate.get("weekend") if rate else None,
        "count_holiday": rate.get("holiday") if rate else None,
        "per": vocab.text("word", task["per"]) if "per" in task else None,
        "at": ", ".join(task["at"]) if task.get("at") else None,
        "jitter": task.get("jitter"),
        "day_types": ", ".join(vocab.label("day_type", d) for d in task["day_types"])
        if task.get("day_types") else None,
        "priority": vocab.label("priority", task["priority"]) if "priority" in task else None,
        "max_wait": task.get("max_wait"), "drop_after": task.get("drop_after"),
        "staff": task.get("staff"),
        "repeat": vocab.text("word", "yes") if task.get("repeat") else None,
        "handover": vocab.text("word", "yes") if task.get("handover") else None,
        "distribution": vocab.text("word", duration["distribution"])
        if duration.get("distribution") else None,
        "cv": duration.get("cv"), "min": duration.get("min"), "mode": duration.get("mode"),
        "max": duration.get("max"),
        "spread_by_group": spread_text(task.get("duration_by_group"), vocab, groups),
        "id": task["id"], "number": number,
    }
    out: dict[Any, Any] = {"_category": task["category"]}
    for i, col in enumerate(cols):
        if col.key == "mark":
            value = "x" if col.group == task["group"] else None
        elif col.key == "time":
            value = per_group.get(col.group)
        elif col.key == "training":
            value = training.get(col.group)
        else:
            value = values[col.key]
        if value is not None:
            out[i] = value
    return out


def spread_text(spread: dict[str, dict[str, Any]] | None, vocab: Vocab, groups: GroupNames
                ) -> str | None:
    """``helsefagarbeider: CV 0.8; sekretaer: Min 2 Modus 3 Maks 5``."""
    if not spread:
        return None
    parts = []
    for gid, spec in spread.items():
        words = []
        for key in ("distribution", "cv", "min", "mode", "max"):
            if spec.get(key) is None:
                continue
            value = vocab.text("word", spec[key]) if key == "distribution" else f"{spec[key]:g}"
            words.append(f"{vocab.text('col', key)} {value}")
        parts.append(f"{groups.label(gid)}: {' '.join(words)}")
    return "; ".join(parts)
