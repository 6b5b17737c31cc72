"""The tables of a pilot file, each cell told by where it is.

A pilot is an ``.xlsx`` workbook with the sheets ``census``, ``staffing`` and ``measured``,
or a folder holding ``census.csv``, ``staffing.csv`` and ``measured.csv``, or those files
named one by one. Only ``measured`` is required: without a census the scenario's calendar
and occupancy are used, without a staffing its roster and absence (a check against the
plan, e.g. of published shares). Each table has one header row; column names are read
case-insensitively (``On duty`` is ``on_duty``), columns it does not know are ignored unless
one looks like a misspelt known column, and empty rows are skipped.

Every problem is one :class:`~sim.io.errors.ScenarioError` naming the file and the cell: in
a workbook ``pilot.xlsx: census!B7 (patients): …`` (sheet, cell and column), in a CSV file
``census.csv: row 7, patients: …`` (the header is row 1). CSV files are read as
:func:`calibration.timestudy.read_table` reads a time study (any separator Excel writes, a
decimal comma allowed), workbooks with python-calamine as :mod:`sim.io.workbook` does.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calibration.timestudy import is_blank, read_table
from sim.i18n import Messages
from sim.io.errors import ScenarioError, quoted, short
from sim.io.workbook.cells import as_text, column_letter, open_workbook

#: The tables of a pilot, in the order they are read.
TABLES = ("census", "staffing", "measured")
#: Most data rows a pilot table may hold (a year of shifts of a large ward fits).
MAX_ROWS = 100_000


@dataclass(frozen=True)
class PilotFiles:
    """Where a pilot's tables are: a workbook, or a CSV file per table of :data:`TABLES`.

    ``csv`` is aligned with :data:`TABLES`; None for a table not given.
    """

    label: str
    workbook: Path | None = None
    csv: tuple[Path | None, ...] = ()

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file read (for the checksums of the run's record)."""
        if self.workbook is not None:
            return (self.workbook,)
        return tuple(p for p in self.csv if p is not None)


@dataclass
class Table:
    """One table's cells, its column names (normalised) and each row's spreadsheet number."""

    file: str
    sheet: str | None
    columns: list[str]
    rows: list[tuple[int, list[Any]]]
    msg: Messages

    def where(self, row: int | None, column: str | None) -> str:
        """``census!B7 (patients)`` in a workbook, ``row 7, patients`` in a CSV file."""
        if row is None:
            return self.sheet or ""
        if self.sheet is None:
            return self.msg("pilot.error.at_row", row=str(row), column=column or "")
        col = self.columns.index(column) if column in self.columns else 0
        return f"{self.sheet}!{column_letter(col)}{row} ({column})"

    def fail(self, row: int | None, column: str | None, key: str, **args: Any) -> ScenarioError:
        """Return the error ``pilot.error.<key>`` at a cell (a row of None: the whole table)."""
        return ScenarioError(self.file, self.where(row, column),
                             self.msg(f"pilot.error.{key}", **args))

    def has(self, column: str) -> bool:
        """Whether the table has the column."""
        return column in self.columns

    def cell(self, cells: list[Any], column: str) -> Any:
        """Return a row's cell in a column (None if the table has no such column)."""
        if column not in self.columns:
            return None
        i = self.columns.index(column)
        value = cells[i] if i < len(cells) else None
        return None if is_blank(value) else value

    def check_columns(self, required: list[str], optional: list[str]) -> None:
        """Refuse a missing column and a misspelt known one."""
        known = required + optional
        for column in self.columns:
            if column and column not in known:
                close = difflib.get_close_matches(column, known, n=1, cutoff=0.8)
                if close and close[0] not in self.columns:
                    raise self.fail(None, None, "column_typo", name=short(column),
                                    close=close[0])
        for column in required:
            if column not in self.columns:
                raise self.fail(None, None, "missing_column", column=column,
                                table=self.sheet or Path(self.file).stem,
                                required=", ".join(required), optional=", ".join(optional),
                                found=", ".join(short(c, 30) for c in self.columns) or "–")


def plain(cell: Any) -> str:
    """Return a cell's value as the sheet shows it (``-1``, not ``-1.0``; "" for an empty cell)."""
    return "" if is_blank(cell) else as_text(cell).strip()


def shown(cell: Any) -> str:
    """Return a cell's value quoted for a message, as the sheet shows it (``'-1'``)."""
    return quoted(plain(cell))


def normalise(name: Any) -> str:
    """Return a column name as the reader compares it: lower case, words joined by ``_``."""
    return "_".join(str(name).strip().lower().replace("-", " ").split()) if not is_blank(name) \
        else ""


def pilot_files(paths: list[str], explicit: dict[str, str | None], msg: Messages
                ) -> list[PilotFiles]:
    """Return the pilots named on the command line, each checked to exist.

    ``paths`` are workbooks or folders; ``explicit`` maps ``census``, ``staffing`` and
    ``measured`` to files given one by one (``measured`` at least, or none).
    """
    out: list[PilotFiles] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            files = tuple(f if f.is_file() else None for f in
                          (path / f"{name}.csv" for name in TABLES))
            if files[-1] is None:
                raise ScenarioError(str(path), "", msg("pilot.error.folder_lacks"))
            out.append(PilotFiles(path.name or str(path), csv=files))
        elif path.suffix.lower() == ".xlsx":
            if not path.is_file():
                raise ScenarioError(str(path), "", msg("pilot.error.not_found"))
            out.append(PilotFiles(path.stem, workbook=path))
        elif not path.exists():
            raise ScenarioError(str(path), "", msg("pilot.error.not_found"))
        else:
            raise ScenarioError(str(path), "", msg("pilot.error.not_a_pilot"))
    given = {k: v for k, v in explicit.items() if v}
    if given:
        if "measured" not in given:
            raise ScenarioError(str(next(iter(given.values()))), "",
                                msg("pilot.error.explicit"))
        files = tuple(Path(given[k]) if k in given else None for k in TABLES)
        out.append(PilotFiles(Path(given["measured"]).stem, csv=files))
    labels = [p.label for p in out]
    for i, pilot in enumerate(out):  # side by side, each needs a name of its own
        if labels.count(pilot.label) > 1:
            out[i] = PilotFiles(f"{pilot.label}_{i + 1}", pilot.workbook, pilot.csv)
    return out


def read_tables(pilot: PilotFiles, msg: Messages) -> dict[str, Table]:
    """Return the tables of a pilot that it gives (``measured`` always)."""
    if pilot.workbook is not None:
        return _workbook_tables(pilot.workbook, msg)
    out = {}
    for name, path in zip(TABLES, pilot.csv, strict=True):
        if path is None:
            continue
        frame = read_table(path, msg).frame
        rows = [(int(r), list(values)) for r, values in zip(frame.index, frame.itertuples(
            index=False, name=None), strict=True)]
        table = Table(str(path), None, list(frame.columns), rows, msg)
        _check_size(table)
        out[name] = table
    return out


def _workbook_tables(path: Path, msg: Messages) -> dict[str, Table]:
    names, sheets = open_workbook(path)
    by_key = {normalise(n): n for n in names}
    out = {}
    for key in TABLES:
        if key not in by_key and key != TABLES[-1]:
            continue  # the scenario's plan
        if key not in by_key:
            raise ScenarioError(str(path), "", msg("pilot.error.missing_sheet", sheet=key,
                                                   found=", ".join(short(n, 30) for n in names)))
        sheet = sheets[by_key[key]]
        grid = sheet.rows
        head = 0
        while head < len(grid) and all(is_blank(v) for v in grid[head]):
            head += 1
        if head == len(grid):
            raise ScenarioError(str(path), sheet.name, msg("pilot.error.empty"))
        columns = [normalise(c) for c in grid[head]]
        rows = []
        for r in range(head + 1, len(grid)):
            cells = [sheet.value(r, c) for c in range(len(grid[r]))]
            if not all(is_blank(v) for v in cells):
                rows.append((r + 1, cells))
        table = Table(str(path), sheet.name, columns, rows, msg)
        if not rows:
            raise table.fail(None, None, "empty")
        _check_size(table)
        out[key] = table
    return out


def _check_size(table: Table) -> None:
    if len(table.rows) > MAX_ROWS:
        raise table.fail(None, None, "too_many_rows", rows=len(table.rows), most=MAX_ROWS)
