"""Reading a task-mapping workbook into scenario mappings: today's ward and the proposal.

The workbook is read once into the mapping of today's ward (what a scenario file would
hold) and, when any Forslag cell is filled, a *variant*: the change that turns today's ward
into the proposal, as a variant file would state it (``move``, ``tasks``, ``roster`` ...).
The proposal is that variant applied by the same code that applies a variant file, so
``wardsim workbook import`` can write it as one. Both are validated here, and an error
the scenario checks find is told with the cell that holds the value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.io.errors import ScenarioError
from sim.io.validate import from_dict
from sim.io.variants import apply_variant
from sim.io.workbook.cells import Sheet, open_workbook
from sim.io.workbook.sheets import (
    Book,
    merge_post_sizes,
    read_absence,
    read_certifications,
    read_groups,
    read_roster,
    read_shifts,
    read_ward,
)
from sim.io.workbook.task_sheet import read_tasks
from sim.io.workbook.values import expected
from sim.io.workbook.vocab import Vocab

#: Sheet keys in the writer's order; the first three must be there.
SHEETS = ("tasks", "ward", "groups", "shifts", "roster", "certifications", "absence")
REQUIRED = ("tasks", "ward", "groups")
IGNORED = ("instructions", "lists")


@dataclass
class WorkbookScenarios:
    """Today's ward, and the proposal's change (None without a proposal)."""

    file: str
    baseline: dict[str, Any]
    change: dict[str, Any] | None
    lang: str

    @property
    def proposal(self) -> dict[str, Any] | None:
        """The proposal's full mapping: today's with the change applied."""
        if self.change is None:
            return None
        return apply_variant(self.baseline, copy.deepcopy(self.change), self.file)


def read_workbook(path: str | Path) -> WorkbookScenarios:
    """Read and check a workbook.

    Raises
    ------
    ScenarioError
        One line naming the file, the sheet and cell, what is there and what is allowed.
    """
    path = Path(path)
    file = str(path)
    names, sheets = open_workbook(path)
    vocab = Vocab()
    found: dict[str, Sheet] = {}
    for name in names:
        key = vocab.lookup("sheet", name)
        if key in IGNORED:
            continue
        if key not in SHEETS:
            if not any(sheets[name].filled(r) for r in range(sheets[name].height)):
                continue
            shown = vocab.shown("sheet", list(SHEETS))
            raise ScenarioError(file, name, f"unknown sheet {name!r}{expected(name, shown)}")
        if key in found:
            raise ScenarioError(file, name, f"a second {key} sheet (also {found[key].name!r})")
        found[key] = sheets[name]
    vocab = Vocab(_language(vocab, found))
    for key in REQUIRED:
        if key not in found:
            have = ", ".join(repr(n) for n in names)
            raise ScenarioError(file, "", f"no sheet {vocab.text('sheet', key)!r} (the sheets are "
                                          f"{have}; needed: "
                                          f"{', '.join(vocab.shown('sheet', list(REQUIRED)))})")
    book = Book()
    groups = read_groups(found["groups"], vocab, book)
    read_ward(found["ward"], vocab, book)
    merge_post_sizes(book, groups)
    if "shifts" in found:
        read_shifts(found["shifts"], vocab, book)
    if "roster" in found:
        read_roster(found["roster"], vocab, book, groups)
    else:
        book.raw["roster"] = {}
    if "certifications" in found:
        read_certifications(found["certifications"], vocab, book, groups)
    if "absence" in found:
        read_absence(found["absence"], vocab, book, groups)
    table = read_tasks(found["tasks"], vocab, groups, book.raw.get("intervals"))
    book.raw["tasks"] = table.tasks
    book.cells.update(table.cells)
    baseline = _tidy(_ordered(book.raw))
    check(baseline, book.cells, file)
    change = None
    if book.has_proposal or table.has_proposal:
        change = _tidy(_proposal_change(book, table, baseline, vocab))
        proposal = WorkbookScenarios(file, baseline, change, vocab.lang).proposal
        assert proposal is not None
        check(proposal, book.cells, file)
    return WorkbookScenarios(file, baseline, change, vocab.lang)


def _language(vocab: Vocab, found: dict[str, Sheet]) -> str:
    """Return the language of the sheet names (nb when they are mixed or unknown)."""
    for lang in ("nb", "sv", "en"):
        names = {Vocab(lang).text("sheet", k) for k in found}
        if names == {s.name for s in found.values()}:
            return lang
    return "nb"


def _proposal_change(book: Book, table: Any, baseline: dict[str, Any], vocab: Vocab
                     ) -> dict[str, Any]:
    change = dict(book.change)
    change.setdefault("name", vocab.text("word", "proposal_name", name=baseline.get("name", "")))
    if table.move:
        change["move"] = dict(table.move)
    if table.requires:
        change["tasks"] = [{"id": tid, "requires": req} for tid, req in table.requires.items()]
    return change


def _ordered(raw: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys in the order of the scenario format (for tidy YAML)."""
    order = ("name", "description", "ward", "calendar", "intervals", "groups", "shifts", "breaks",
             "roster", "certifications", "absence", "absence_cover", "costs", "dispatch",
             "durations", "arrivals", "tasks", "targets", "fte", "language")
    out = {k: raw[k] for k in order if k in raw}
    out.update({k: x for k, x in raw.items() if k not in out})
    return out


def _tidy(value: Any) -> Any:
    """Whole floats as ints, so the YAML reads ``6`` and not ``6.0``."""
    if isinstance(value, dict):
        return {k: _tidy(x) for k, x in value.items()}
    if isinstance(value, list):
        return [_tidy(x) for x in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def check(raw: dict[str, Any], cells: dict[str, str], file: str) -> None:
    """Validate a mapping as a scenario; an error names the cell of the field it is about."""
    try:
        from_dict(copy.deepcopy(raw), source=file)
    except ScenarioError as err:
        raise ScenarioError(file, *_at_cell(err, cells)) from None


def _at_cell(err: ScenarioError, cells: dict[str, str]) -> tuple[str, str]:
    parts = err.field.split(".") if err.field else []
    for n in range(len(parts), 0, -1):
        ref = cells.get(".".join(parts[:n]))
        if ref is not None:
            return ref, f"{err.message} ({err.field})"
    return err.field, err.message
