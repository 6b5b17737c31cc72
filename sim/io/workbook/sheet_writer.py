"""XlsxWriter details shared by every sheet: formats, headers, drop-down lists, instructions."""

from __future__ import annotations

from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sim.io.workbook.cells import column_letter
from sim.io.workbook.settings import Limit
from sim.io.workbook.vocab import Vocab

HELP_KEYS = ("intro", "tasks", "marks", "proposal", "columns", "number", "sheets", "file")


class SheetWriter:
    """Writes the sheets of one workbook in one language, with its drop-down lists.

    Parameters
    ----------
    book
        The XlsxWriter workbook.
    vocab
        The words of the writing language.
    lists
        The drop-down lists by kind (``groups``, ``category`` ...), kept on a hidden sheet.
    """

    def __init__(self, book: Workbook, vocab: Vocab, lists: dict[str, list[str]]) -> None:
        self.book, self.vocab, self.lists = book, vocab, lists
        self.header_format = book.add_format({"bold": True, "bg_color": "#D9E2F3",
                                              "text_wrap": True, "valign": "top",
                                              "border": 1})
        self.interval_format = book.add_format({"bold": True, "bg_color": "#FCE4D6"})
        self.category_format = book.add_format({"bold": True, "italic": True})
        self.mark_format = book.add_format({"align": "center"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self._list_sheet = vocab.text("sheet", "lists")

    def sheet(self, key: str, headers: list[str], freeze: tuple[int, int]) -> Worksheet:
        """Add a sheet named in the writing language, its header row written and frozen."""
        sheet = self.book.add_worksheet(self.vocab.text("sheet", key))
        for col, text in enumerate(headers):
            sheet.write_string(0, col, text, self.header_format)
        sheet.freeze_panes(*freeze)
        return sheet

    def row(self, sheet: Worksheet, row: int, values: list[Any]) -> None:
        """Write a row of plain values; None leaves the cell empty."""
        for col, value in enumerate(values):
            self.cell(sheet, row, col, value)

    def cell(self, sheet: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Write one value: text as text (never read as a number or formula), numbers as numbers."""
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value, fmt)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, col, value, fmt)
        else:
            sheet.write_string(row, col, str(value), fmt)

    def task_rows(self, sheet: Worksheet, rows: list[tuple[str, Any]]) -> int:
        """Write the task sheet's headings and rows; return the last row written."""
        r = 0
        for kind, content in rows:
            r += 1
            if kind == "interval":
                sheet.write_string(r, 0, content, self.interval_format)
            elif kind == "category":
                sheet.write_string(r, 0, content, self.category_format)
            else:
                for col, value in content.items():
                    if isinstance(col, int):
                        self.cell(sheet, r, col, value, self.mark_format if value == "x" else None)
        return r

    def choose(self, sheet: Worksheet, col: int, first: int, last: int, kind: str,
               strict: bool = True) -> None:
        """Put a drop-down list of ``kind`` on rows ``first``..``last`` of a column.

        ``strict`` refuses other values; otherwise Excel only warns (a certification may be
        new, a holder a number).
        """
        values = self.lists[kind]
        ref = f"='{self._list_sheet}'!${column_letter(list(self.lists).index(kind))}$1:" \
              f"${column_letter(list(self.lists).index(kind))}${max(len(values), 1)}"
        sheet.data_validation(first, col, last, col, {
            "validate": "list", "source": ref, "ignore_blank": True,
            "error_type": "stop" if strict else "warning",
            "error_title": "wardsim",
            "error_message": ", ".join(values)[:255],
        })

    def number(self, sheet: Worksheet, first: tuple[int, int], last: tuple[int, int],
               limit: Limit) -> None:
        """Let the cells ``first``..``last`` (row, column) take only a number within ``limit``.

        A custom formula, as Excel's decimal rule cannot leave out the low end (a post size
        above 0, at most 1); an empty cell is allowed (it takes the default).
        """
        cell = f"{column_letter(first[1])}{first[0] + 1}"
        tests = [f"ISNUMBER({cell})", f"{cell}{'>' if limit.above else '>='}{limit.low:g}"]
        if limit.high is not None:
            tests.append(f"{cell}<={limit.high:g}")
        if limit.whole:
            tests.append(f"INT({cell})={cell}")
        key = "whole" if limit.whole else ("above" if limit.above else "at_least") \
            if limit.high is None else ("above_to" if limit.above else "between")
        sheet.data_validation(*first, *last, {
            "validate": "custom", "value": f"=AND({','.join(tests)})", "ignore_blank": True,
            "error_type": "stop", "error_title": "wardsim",
            "error_message": self.vocab.text("limit", key, low=limit.low, high=limit.high),
        })

    def write_lists(self) -> None:
        """Write the hidden sheet that holds the drop-down lists, one per column."""
        sheet = self.book.add_worksheet(self._list_sheet)
        for col, values in enumerate(self.lists.values()):
            for row, value in enumerate(values):
                sheet.write_string(row, col, value)
        sheet.hide()

    def instructions(self) -> None:
        """Write the instruction sheet: what goes where, in the writing language."""
        sheet = self.book.add_worksheet(self.vocab.text("sheet", "instructions"))
        sheet.set_column(0, 0, 120, self.wrap)
        sheet.write_string(0, 0, self.vocab.text("help", "title"), self.title)
        for row, key in enumerate(HELP_KEYS, start=2):
            sheet.write_string(row, 0, self.vocab.text("help", key), self.wrap)
