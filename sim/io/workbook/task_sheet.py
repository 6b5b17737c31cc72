"""The task sheet (Oppgaver) as a whole: sections, rows, and rows joined into tasks.

A task is one row per interval it comes in; rows are joined by their **ID**, or, without
one, by the id made from the name when the rows agree on everything but the interval (the
seed's table has "Oppgaver fra leger" twice in one interval, for two groups: two tasks).
**Nr** orders the rows (the order of tasks, and of a task's intervals, which the random
streams follow); rows without it keep their place after the numbered ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.io.workbook.cells import Sheet
from sim.io.workbook.groups import GroupNames
from sim.io.workbook.sections import (
    FIXED,
    SKIP,
    category_of,
    interval_names,
    interval_of,
    interval_spans,
)
from sim.io.workbook.task_rows import Row, read_layout, read_row, slug
from sim.io.workbook.values import expected
from sim.io.workbook.vocab import Vocab


@dataclass
class TaskTable:
    """The tasks of the sheet and what its Forslag column proposes."""

    tasks: list[dict[str, Any]]
    cells: dict[str, str]
    move: dict[str, str] = field(default_factory=dict)
    requires: dict[str, str | None] = field(default_factory=dict)
    has_proposal: bool = False


def read_tasks(sheet: Sheet, vocab: Vocab, groups: GroupNames,
               intervals: dict[str, str] | None) -> TaskTable:
    """Read the task sheet in the seed's sectioned layout or as a flat table (or a mix)."""
    layout = read_layout(sheet, vocab, groups)
    spans = interval_spans(intervals)
    section: str | None = None
    category: str | None = None
    rows: list[Row] = []
    for r in range(layout.header + 1, sheet.height):
        filled = sheet.filled(r)
        if not filled:
            continue
        if filled == [layout.name]:
            text = str(sheet.value(r, layout.name)).strip()
            if text.endswith(":"):
                category = category_of(text, vocab)
                if category is None:
                    shown = vocab.shown("label.category")
                    sheet.fail(r, layout.name, f"{text!r} is not a task category"
                                               f"{expected(text.rstrip(':'), shown)}")
                continue
            key = interval_of(text, vocab, spans)
            if key is None:
                sheet.fail(r, layout.name, f"{text!r} is not an interval of the daily-rhythm "
                                           "plan, and a task row needs a group marked; intervals"
                                           f"{expected(text, _intervals_shown(vocab, intervals))}")
            if key != SKIP:
                section = key
            continue
        if layout.name not in filled:
            sheet.fail(r, filled[0], "this row has values but no task name in the "
                                     f"{vocab.text('col', 'name')!r} column")
        row = read_row(sheet, r, layout, vocab, groups)
        row.fields["category"] = _category(sheet, r, layout, vocab, category)
        if "at" not in row.fields:
            row.interval = _interval(sheet, r, layout, vocab, spans, intervals, section)
        rows.append(row)
    if not rows:
        sheet.fail(layout.header, layout.name, "the task sheet has no tasks (a task row has its "
                                               "name and an x under its group)")
    return _join(sheet, rows)


def _intervals_shown(vocab: Vocab, intervals: dict[str, str] | None) -> list[str]:
    return [*interval_names(vocab, intervals), vocab.text("heading", "fixed_times")]


def _category(sheet: Sheet, r: int, layout: Any, vocab: Vocab, section: str | None) -> str:
    col = layout.cols.get("category")
    text = sheet.value(r, col) if col is not None else None
    if text is None:
        if section is None:
            sheet.fail(r, layout.name, "no category for this task; put a heading row such as "
                                       "'Pasientbehandling:' above it, or fill Kategori")
        return section
    got = category_of(str(text), vocab)
    if got is None:
        sheet.fail(r, col, f"{text!r} is not a task category"
                           f"{expected(str(text), vocab.shown('label.category'))}")
    return got


def _interval(sheet: Sheet, r: int, layout: Any, vocab: Vocab, spans: dict, intervals: Any,
              section: str | None) -> str:
    col = layout.cols.get("interval")
    text = sheet.value(r, col) if col is not None else None
    where = col if text is not None else layout.name
    key = interval_of(str(text), vocab, spans) if text is not None else section
    if text is not None and key in (None, SKIP):
        sheet.fail(r, col, f"{text!r} is not an interval"
                           f"{expected(str(text), _intervals_shown(vocab, intervals))}")
    if key is None:
        sheet.fail(r, where, "no interval for this task; put an interval heading row above it "
                             "or fill Intervall")
    if key == FIXED:
        sheet.fail(r, where, "a task under the fixed clock times heading needs its Klokkeslett")
    return key


def _join(sheet: Sheet, rows: list[Row]) -> TaskTable:
    """Join rows into tasks, in Nr order."""
    order = sorted(rows, key=lambda x: (x.number is None, x.number or 0, x.index))
    reserved = {row.id for row in rows if row.id}
    tasks: dict[str, dict[str, Any]] = {}
    first: dict[str, Row] = {}
    table = TaskTable([], {})
    for row in order:
        tid = row.id or _auto_id(row, tasks, first, reserved)
        if tid not in tasks:
            tasks[tid] = {"id": tid, **row.fields}
            if row.id is not None and row.fields["name"] == tid:
                del tasks[tid]["name"]  # the writer shows a task without a name by its id
            first[tid] = row
            table.cells.update({f"tasks.{tid}.{k}".rstrip("."): c for k, c in row.cells.items()})
            if row.interval is not None:
                tasks[tid]["when"] = {}
        else:
            _same_task(sheet, tid, first[tid], row)
        if row.interval is not None:
            when = tasks[tid]["when"]
            if row.interval in when:
                sheet.fail(row.index, 0, f"the task {tid!r} has this interval twice "
                                         f"(also on row {first[tid].index + 1} or after it)")
            when[row.interval] = row.rate
            table.cells[f"tasks.{tid}.when.{row.interval}"] = row.rate_cell
        if row.proposal is not None:
            table.has_proposal = True
            if row.proposal != row.fields["group"]:
                table.move[tid] = row.proposal
            if row.proposal_requires != row.fields.get("requires"):
                table.requires[tid] = row.proposal_requires
    table.tasks = list(tasks.values())
    return table


def _auto_id(row: Row, tasks: dict, first: dict[str, Row], reserved: set[str]) -> str:
    base = slug(row.name)
    n = 1
    while True:
        tid = base if n == 1 else f"{base}_{n}"
        if tid in tasks:
            prior = first[tid]
            if (row.interval is not None and prior.interval is not None and _signature(prior)
                    == _signature(row) and row.interval not in tasks[tid]["when"]):
                return tid
        elif tid not in reserved:
            return tid
        n += 1


def _signature(row: Row) -> tuple:
    return (repr(sorted(row.fields.items())), row.proposal, row.proposal_requires)


def _same_task(sheet: Sheet, tid: str, prior: Row, row: Row) -> None:
    """Rows of one task agree on everything but the interval and the count.

    A cell left empty on a later row keeps the first row's value.
    """
    if "at" in prior.fields or "at" in row.fields or prior.interval is None:
        sheet.fail(row.index, 0, f"the task ID {tid!r} is on two rows; a task at fixed clock "
                                 "times has one row")
    for key in sorted(row.fields):  # a cell left empty on a later row keeps the first's
        if prior.fields.get(key) != row.fields.get(key):
            cell = row.cells.get(key) or row.cells.get(key.split(".")[0]) or row.cells[""]
            ref = cell.split("!")[1]
            sheet_row, col = _split(ref)
            sheet.fail(sheet_row, col, f"{key}: {row.fields.get(key)!r} differs from "
                                       f"{prior.fields.get(key)!r} on row {prior.index + 1} of "
                                       f"the same task {tid!r}; a task's rows differ only in "
                                       "interval and count")
    if (prior.proposal, prior.proposal_requires) != (row.proposal, row.proposal_requires):
        ref = row.cells.get("proposal", row.cells[""]).split("!")[1]
        sheet_row, col = _split(ref)
        sheet.fail(sheet_row, col, f"the proposal {row.proposal!r} differs from "
                                   f"{prior.proposal!r} on row {prior.index + 1} of the same "
                                   f"task {tid!r}")


def _split(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]) - 1, col - 1
