"""One row of the task table: its header layout and what a row says about its task.

The header has the task name (Oppgaven) first, then for each staff group its own column (a
mark places the task there) optionally followed by that group's **Tid** and **Behov:
Opplæring**, then the task columns (Forslag, Antall, Per, ...), in any order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sim.calendar import DAY_TYPES
from sim.io.schema_tasks import PRIORITIES, TIME_USE_CLASSES
from sim.io.workbook import values as v
from sim.io.workbook.cells import Sheet, as_text
from sim.io.workbook.groups import GroupNames
from sim.io.workbook.sections import strip_bullet
from sim.io.workbook.vocab import Vocab, norm

#: Task-table headers other than the groups' own columns, in the writer's order.
TASK_COLUMNS: tuple[str, ...] = (
    "proposal", "interval", "category", "time_use", "count", "count_weekend", "count_holiday",
    "per", "at", "jitter", "day_types", "priority", "max_wait", "drop_after", "staff", "repeat",
    "handover", "distribution", "cv", "min", "mode", "max", "spread_by_group", "id", "number",
)
DISTRIBUTIONS = ("lognormal", "gamma", "triangular", "exponential", "fixed")
_MARKS = ("x", "✓", "✔", "√", "*")


@dataclass
class GroupColumns:
    """The columns of one staff group: its mark, and its Tid and Behov if present."""

    group: str
    mark: int
    time: int | None = None
    training: int | None = None


@dataclass
class Layout:
    """Where each column of the task table is."""

    header: int
    name: int
    groups: list[GroupColumns]
    cols: dict[str, int] = field(default_factory=dict)


def read_layout(sheet: Sheet, vocab: Vocab, groups: GroupNames) -> Layout:
    """Find the header row and tell every column's meaning; an unknown header is an error."""
    header = next((r for r in range(sheet.height) if sheet.filled(r)), None)
    if header is None:
        sheet.fail(0, 0, "the task sheet is empty; its first row must hold the headers "
                         f"({vocab.text('col', 'name')}, the groups, ...)")
    allowed = ("name", "time", "training", *TASK_COLUMNS)
    cols: dict[str, int] = {}
    out: list[GroupColumns] = []
    for col in sheet.filled(header):
        text = as_text(sheet.value(header, col))
        key = vocab.lookup("col", text)
        key = key if key in allowed else None
        if key in ("time", "training"):
            if not out:
                sheet.fail(header, col, f"{text!r} comes before any staff group's column; put "
                                        "it right after the group it belongs to")
            if getattr(out[-1], key) is not None:
                sheet.fail(header, col, f"a second {text!r} for group {out[-1].group!r}")
            setattr(out[-1], key, col)
        elif key is not None:
            if key in cols:
                sheet.fail(header, col, f"the column {text!r} is there twice "
                                        f"(also {sheet.ref(header, cols[key])})")
            cols[key] = col
        elif (gid := groups.resolve(text)) is not None:
            if any(g.group == gid for g in out):
                sheet.fail(header, col, f"the group {text!r} has two columns")
            out.append(GroupColumns(gid, col))
        else:
            shown = [vocab.text("col", k) for k in ("name", *TASK_COLUMNS)] + groups.shown
            sheet.fail(header, col, f"unknown column {text!r}{v.expected(text, shown)}")
    if "name" not in cols:
        sheet.fail(header, 0, f"no {vocab.text('col', 'name')!r} column (the task names)")
    if not out:
        sheet.fail(header, cols["name"], "no staff group's column; the headers must name the "
                                         f"groups of the groups sheet: {', '.join(groups.shown)}")
    return Layout(header, cols.pop("name"), out, cols)


def slug(name: str) -> str:
    """Make a task id from its name: ``Tømme urinkateter`` -> ``tomme_urinkateter``."""
    folded = name.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")[:40].strip("_")
    return out or "task"


@dataclass
class Row:
    """What one task row says: its task's fields (with their cells), its interval and rate."""

    index: int
    name: str
    id: str | None
    fields: dict[str, Any]
    cells: dict[str, str]
    interval: str | None = None
    rate: Any = None
    rate_cell: str = ""
    number: float | None = None
    proposal: str | None = None
    proposal_requires: str | None = None


def read_row(sheet: Sheet, r: int, layout: Layout, vocab: Vocab, groups: GroupNames) -> Row:
    """Read a task row's own cells (interval and category come from the caller)."""
    c = layout.cols.get
    name_text = v.text(sheet, r, layout.name) or ""
    name = strip_bullet(name_text)
    cells = {"": sheet.ref(r, layout.name), "name": sheet.ref(r, layout.name)}
    marked = []
    for g in layout.groups:
        mark = sheet.value(r, g.mark)
        if mark is None:
            continue
        if norm(mark) not in _MARKS and vocab.lookup("word", mark) != "yes" and mark is not True:
            sheet.fail(r, g.mark, f"{as_text(mark)!r} is not a mark; put x under the group the "
                                  "task is placed on (its minutes go under Tid)")
        if marked:
            sheet.fail(r, g.mark, f"a second group is marked ({sheet.ref(r, marked[0].mark)} is "
                                  "marked too); a task is placed on exactly one group")
        marked.append(g)
    if not marked:
        sheet.fail(r, layout.name, f"no group is marked for {name!r}; put x under the one "
                                   "group it is placed on")
    placed = marked[0]
    times = {g.group: v.number(sheet, r, g.time, "a time in minutes", gt=0) for g in layout.groups}
    times = {g: t for g, t in times.items() if t is not None}
    training = {g.group: v.text(sheet, r, g.training) for g in layout.groups}
    fields: dict[str, Any] = {"name": name, "group": placed.group}
    cells["group"] = sheet.ref(r, placed.mark)
    if training.get(placed.group):
        fields["requires"] = training[placed.group]
        cells["requires"] = sheet.ref(r, placed.training or 0)
    if times:
        if placed.group not in times:
            col = placed.time if placed.time is not None else placed.mark
            sheet.fail(r, col, f"the marked group's Tid is empty, but another group's is filled; "
                               f"give {placed.group!r} its minutes too")
        fields["minutes"] = times[placed.group] if set(times) == {placed.group} else times
        cells["minutes"] = sheet.ref(r, placed.time or placed.mark)
    _task_fields(sheet, r, layout, vocab, fields, cells)
    if c("spread_by_group") is not None:
        spread = _spread(sheet, r, c("spread_by_group"), vocab, groups)
        if spread:
            fields["duration_by_group"] = spread
            cells["duration_by_group"] = sheet.ref(r, c("spread_by_group"))
    row = Row(r, name, v.text(sheet, r, c("id")), fields, cells)
    row.number = v.number(sheet, r, c("number"), "a row number")
    if (text := v.text(sheet, r, c("proposal"))) is not None:
        row.proposal = groups.resolve(text)
        if row.proposal is None:
            sheet.fail(r, c("proposal") or 0, f"{text!r} is not a staff group"
                                              f"{v.expected(text, groups.shown)}")
        row.proposal_requires = training.get(row.proposal) or None
        cells["proposal"] = sheet.ref(r, c("proposal") or 0)
    _rate(sheet, r, layout, row)
    return row


def _task_fields(sheet: Sheet, r: int, layout: Layout, vocab: Vocab, fields: dict[str, Any],
                 cells: dict[str, str]) -> None:
    c = layout.cols.get
    read = {
        "per": lambda col: v.word(sheet, r, col, vocab, "word", ("patient", "ward"),
                                  "patient or ward"),
        "at": lambda col: v.clocks(sheet, r, col),
        "jitter": lambda col: v.number(sheet, r, col, "a jitter in minutes", ge=0),
        "day_types": lambda col: _day_types(sheet, r, col, vocab),
        "priority": lambda col: v.word(sheet, r, col, vocab, "label.priority", PRIORITIES,
                                       "a priority"),
        "time_use": lambda col: v.word(sheet, r, col, vocab, "label.time_use",
                                       TIME_USE_CLASSES, "a time-use class"),
        "max_wait": lambda col: v.number(sheet, r, col, "a wait in minutes", ge=0),
        "drop_after": lambda col: v.number(sheet, r, col, "a wait in minutes", gt=0),
        "staff": lambda col: v.whole(sheet, r, col, "a number of persons", ge=1),
        "repeat": lambda col: v.yes_no(sheet, r, col, vocab),
        "handover": lambda col: v.yes_no(sheet, r, col, vocab),
    }
    for key, reader in read.items():
        col = c(key)
        value = reader(col) if col is not None else None
        if value is None or (key in ("repeat", "handover") and value is False):
            continue
        fields[key] = "after_done" if key == "repeat" else value
        cells[key] = sheet.ref(r, col or 0)
    duration: dict[str, Any] = {}
    for key in ("distribution", "cv", "min", "mode", "max"):
        col = c(key)
        if col is None:
            continue
        value = v.word(sheet, r, col, vocab, "word", DISTRIBUTIONS, "a distribution") \
            if key == "distribution" else v.number(sheet, r, col, f"a duration {key}", ge=0)
        if value is not None:
            duration[key] = value
            cells[f"duration.{key}"] = sheet.ref(r, col)
    if duration:
        fields["duration"] = duration
        cells["duration"] = next(cells[k] for k in cells if k.startswith("duration."))


def _day_types(sheet: Sheet, r: int, col: int | None, vocab: Vocab) -> list[str] | None:
    text = v.text(sheet, r, col)
    if text is None:
        return None
    out = []
    for part in (p for p in re.split(r"\s*[,;/]\s*", text) if p):
        key = vocab.lookup("label.day_type", part)
        if key not in DAY_TYPES:
            shown = vocab.shown("label.day_type", list(DAY_TYPES))
            sheet.fail(r, col or 0, f"{part!r} is not a day type{v.expected(part, shown)}")
        out.append(key)
    return out


def _spread(sheet: Sheet, r: int, col: int, vocab: Vocab, groups: GroupNames
            ) -> dict[str, dict[str, Any]] | None:
    """``helsefagarbeider: cv 0.8; sekretaer: min 2 mode 3 max 5`` -> duration_by_group."""
    text = v.text(sheet, r, col)
    if text is None:
        return None
    out: dict[str, dict[str, Any]] = {}
    for entry in (e.strip() for e in text.split(";") if e.strip()):
        who, _, rest = entry.partition(":")
        gid = groups.resolve(who.strip())
        words = rest.replace("=", " ").split()
        if gid is None or not words or len(words) % 2:
            sheet.fail(r, col, f"{entry!r}: write each group as 'group: cv 0.8' (keys "
                               "distribution, cv, min, mode, max), groups separated by ';'")
        spec: dict[str, Any] = {}
        for key, value in zip(words[::2], words[1::2], strict=True):
            name = vocab.lookup("col", key)
            if name == "distribution":
                spec[name] = vocab.lookup("word", value)
                if spec[name] not in DISTRIBUTIONS:
                    sheet.fail(r, col, f"{value!r} is not a distribution"
                                       f"{v.expected(value, vocab.shown('word', DISTRIBUTIONS))}")
            elif name in ("cv", "min", "mode", "max"):
                try:
                    spec[name] = float(value.replace(",", "."))
                except ValueError:
                    sheet.fail(r, col, f"{value!r} is not a number (in {entry!r})")
            else:
                sheet.fail(r, col, f"{key!r} is not a spread key; allowed: distribution, cv, "
                                   "min, mode, max")
        out[gid] = spec
    return out


def _rate(sheet: Sheet, r: int, layout: Layout, row: Row) -> None:
    """Read the row's Antall (per day type); none given means 1 per interval."""
    c = layout.cols.get
    counts = {dt: v.number(sheet, r, c(key), "a count per interval", ge=0)
              for dt, key in zip(DAY_TYPES, ("count", "count_weekend", "count_holiday"),
                                 strict=True)}
    given = [dt for dt in DAY_TYPES if counts[dt] is not None]
    first = c({"weekday": "count", "weekend": "count_weekend", "holiday": "count_holiday"}[
        given[0]]) if given else None
    if "at" in row.fields:
        if given:
            sheet.fail(r, first or 0, "give Antall (a count per interval) or Klokkeslett (fixed "
                                      "clock times), not both")
        return
    if given and counts["weekday"] is None:
        sheet.fail(r, first or 0, "a weekend or holiday count needs the weekday count (Antall)")
    row.rate = {dt: counts[dt] for dt in given} if given else {"weekday": 1.0}
    if set(row.rate) == {"weekday"}:
        row.rate = row.rate["weekday"]
    row.rate_cell = sheet.ref(r, c("count") if c("count") is not None else layout.name)
