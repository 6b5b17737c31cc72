"""Reading and checking the files of a time study, and the observed task times.

A file is a CSV (comma, semicolon or tab separated, as Excel writes it in any locale, a
decimal comma allowed) or the first sheet of an ``.xlsx`` workbook, with one header row.
Column names are read case-insensitively (``Task ID`` is ``task_id``); columns the
calibration does not know are ignored, unless one looks like a misspelt known column.
Every problem is one :class:`ObservationError` naming the file, the row as a spreadsheet
numbers it (the header is row 1) and the column, and what is allowed there.

**Observations** (``calibrate durations``): ``task_id``, ``minutes``, optional ``group``
(who did it; empty = the group the task is placed on) and ``interrupted`` (yes/no). The
events and the census of ``calibrate arrivals`` are read in :mod:`calibration.census`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.i18n import Messages
from sim.io.errors import ScenarioError
from sim.io.schema import Scenario

SUFFIXES = (".csv", ".xlsx")
_YES = {"1", "true", "yes", "y", "x", "ja", "j", "sant", "avbrutt"}
_NO = {"", "0", "false", "no", "n", "nei", "nej", "usant", "falsk", "falskt"}


class ObservationError(ScenarioError):
    """A problem in a time-study file, told as ``file: row R, column: message``."""


@dataclass
class Table:
    """The cells of one file (column names normalised) and each row's spreadsheet number."""

    path: str
    frame: pd.DataFrame
    msg: Messages

    def fail(self, row: int | None, column: str | None, key: str, **args: Any) -> ObservationError:
        """Return the error ``calibrate.error.<key>`` at a row and column (either may be None)."""
        msg = self.msg
        if row is not None and column is not None:
            field = msg("calibrate.error.at_cell", row=str(row), column=column)
        elif column is not None:
            field = msg("calibrate.error.at_column", column=column)
        else:
            field = ""
        return ObservationError(self.path, field, msg(f"calibrate.error.{key}", **args))

    def cells(self, column: str) -> list[tuple[int, Any]]:
        """(row number, cell) of every row in a column."""
        return list(zip(self.frame.index, self.frame[column], strict=True))


def excel_engine() -> str | None:
    """Return the xlsx reader pandas should use: python-calamine if installed, else openpyxl."""
    for module, engine in (("python_calamine", "calamine"), ("openpyxl", "openpyxl")):
        if importlib.util.find_spec(module) is not None:
            return engine
    return None


def read_table(path: str | Path, msg: Messages) -> Table:
    """Read a CSV or xlsx file into a :class:`Table`; any failure is one ObservationError."""
    path = Path(path)
    file = str(path)
    empty = Table(file, pd.DataFrame(), msg)
    if path.suffix.lower() not in SUFFIXES:
        raise empty.fail(None, None, "suffix", suffix=path.suffix or "–")
    if not path.is_file():
        raise empty.fail(None, None, "not_found")
    try:
        frame = _read_xlsx(path, msg, empty) if path.suffix.lower() == ".xlsx" else _read_csv(path)
    except ObservationError:
        raise
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise empty.fail(None, None, "unreadable", kind=path.suffix.lower().lstrip("."),
                         reason=reason) from None
    except Exception as err:  # noqa: BLE001 - a reader's own error on a damaged file
        raise empty.fail(None, None, "unreadable", kind=path.suffix.lower().lstrip("."),
                         reason=type(err).__name__) from None
    frame.columns = [_column_name(c) for c in frame.columns]
    frame.index = frame.index + 2  # the header is row 1
    frame = frame[[not all(is_blank(v) for v in row) for row in frame.itertuples(index=False)]]
    table = Table(file, frame, msg)
    if frame.empty:
        raise table.fail(None, None, "empty")
    return table


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # Excel's "CSV" on Windows
    if not text.strip():
        return pd.DataFrame()
    first = text.splitlines()[0]
    sep = max((";", ",", "\t"), key=first.count)
    from io import StringIO

    # no header row for pandas: a row longer than the first is then an error, never an index
    cells = pd.read_csv(StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                        skip_blank_lines=False)
    frame = cells.iloc[1:].reset_index(drop=True)
    frame.columns = list(cells.iloc[0]) if len(cells) else []
    return frame


def _read_xlsx(path: Path, msg: Messages, empty: Table) -> pd.DataFrame:
    engine = excel_engine()
    if engine is None:
        raise empty.fail(None, None, "no_excel")
    from sim.io.workbook.cells import check_xlsx  # the limits every workbook reader keeps

    try:
        check_xlsx(path, msg)
    except ScenarioError as err:
        raise ObservationError(err.file, err.field, err.message) from None
    return pd.read_excel(path, sheet_name=0, dtype=object, engine=engine).reset_index(drop=True)


def _column_name(name: Any) -> str:
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def is_blank(value: Any) -> bool:
    """Whether a cell is empty (None, NaN, NaT or only spaces)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str) and not value.strip() or value is pd.NaT


def cell_text(value: Any) -> str:
    """Return a cell as stripped text ("" for an empty one)."""
    return "" if is_blank(value) else str(value).strip()


def cell_date(value: Any) -> dt.date:
    """Return a cell as a date: a spreadsheet date, or text starting with an ISO date.

    Raises
    ------
    ValueError
        If the cell holds no date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(cell_text(value)[:10])


def check_columns(table: Table, required: list[str], optional: list[str],
                  choices: list[list[str]] | None = None) -> None:
    """Refuse a missing column (or none of a set of alternatives) and a misspelt known one."""
    found = list(table.frame.columns)
    known = required + optional + [c for group in choices or [] for c in group]
    for column in found:
        if column not in known:
            close = difflib.get_close_matches(column, known, n=1, cutoff=0.8)
            if close and close[0] not in found:
                raise table.fail(None, column, "column_typo", close=close[0])
    for column in required:
        if column not in found:
            raise table.fail(None, column, "missing_column", required=", ".join(required),
                             optional=", ".join(optional) or "–", found=", ".join(found))


def hint(msg: Messages, word: str, allowed: list[str]) -> str:
    """``; did you mean 'x'?`` for a close name, else the allowed names (at most 12)."""
    close = difflib.get_close_matches(word, allowed, n=1)
    if close:
        return msg("calibrate.error.did_you_mean", name=repr(close[0]))
    shown = ", ".join(allowed[:12]) + (" …" if len(allowed) > 12 else "")
    return msg("calibrate.error.allowed", names=shown)


def number(value: Any) -> float | None:
    """Return a finite number from a cell (``6,5`` as well as ``6.5``), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    text = cell_text(value).replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        out = float(text)
    except ValueError:
        return None
    return out if math.isfinite(out) else None


def task_ids(table: Table, scenario: Scenario) -> list[str]:
    """Return the ``task_id`` of every row, each checked to be a task of the scenario."""
    ids = [t.id for t in scenario.tasks]
    out = []
    for row, cell in table.cells("task_id"):
        text = cell_text(cell)
        if not text:
            raise table.fail(row, "task_id", "empty_task")
        if text not in ids:
            raise table.fail(row, "task_id", "unknown_task", value=repr(text),
                             hint=hint(table.msg, text, ids))
        out.append(text)
    return out


def read_observations(path: str | Path, scenario: Scenario,
                      msg: Messages) -> tuple[pd.DataFrame, bool]:
    """Observed task times, and whether every time is a whole number of minutes.

    The frame has the columns row, task_id, group, minutes and interrupted; whole minutes
    are read as interval-censored.
    """
    table = read_table(path, msg)
    check_columns(table, ["task_id", "minutes"], ["group", "interrupted"])
    tasks = {t.id: t for t in scenario.tasks}
    ids = task_ids(table, scenario)
    groups = [g.id for g in scenario.groups]
    minutes, who, flags = [], [], []
    has_group, has_flag = "group" in table.frame, "interrupted" in table.frame
    for i, (row, cell) in enumerate(table.cells("minutes")):
        if is_blank(cell):
            raise table.fail(row, "minutes", "empty_minutes")
        value = number(cell)
        if value is None:
            raise table.fail(row, "minutes", "not_minutes", value=repr(cell_text(cell)))
        if value < 0:
            raise table.fail(row, "minutes", "negative", value=cell_text(cell))
        minutes.append(value)
        group = cell_text(table.frame["group"].iloc[i]) if has_group else ""
        if group and group not in groups:
            raise table.fail(row, "group", "unknown_group", value=repr(group),
                             hint=hint(msg, group, groups))
        who.append(group or tasks[ids[i]].group)
        flags.append(_flag(table, row, table.frame["interrupted"].iloc[i]) if has_flag else False)
    whole = all(m == round(m) for m in minutes)
    if not whole:
        for row, value in zip(table.frame.index, minutes, strict=True):
            if value == 0:
                raise table.fail(row, "minutes", "zero_exact")
    frame = pd.DataFrame({"row": table.frame.index, "task_id": ids, "group": who,
                          "minutes": minutes, "interrupted": flags})
    return frame, whole


def _flag(table: Table, row: int, cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    text = cell_text(cell).lower()
    if isinstance(cell, (int, float)) and not is_blank(cell) and cell in (0, 1):
        return bool(cell)
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise table.fail(row, "interrupted", "not_flag", value=repr(cell_text(cell)))
