"""Workbooks built the way a user's Excel leaves them (openpyxl), for the workbook tests.

``seed_workbook`` types the seed's own task table (``tests/data/seed_001_task_table.txt``,
the rows under "Oppgaven ..." in ``shared/seeds/001_*.txt``) into a workbook in the seed's
sectioned layout, with the sheets a simulation needs beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

DATA = Path(__file__).parent / "data"
SEED_TABLE = DATA / "seed_001_task_table.txt"
GROUPS = [("spesialsykepleier", "Sykepleier medisinsk overvåkning", "ja"),
          ("sykepleier", "Sykepleier sengepost", "ja"),
          ("helsefagarbeider", "Helsefagarbeider", "nei"),
          ("sekretaer", "Sekretær", "nei"),
          ("assistent", "Assistent", "nei")]
#: The seed's six blocks of task rows, in order, and the group each is placed on here
#: (the order of the seed's group columns, as scenarios/hnt_medisin_baseline.yaml reads them).
BLOCK_GROUPS = ["Sykepleier medisinsk overvåkning", "Sykepleier sengepost", "Helsefagarbeider",
                "Helsefagarbeider", "Sekretær", "Assistent"]


def seed_rows() -> list[list[str]]:
    """Return the seed's task table as cells (tab-separated), trailing empty cells dropped."""
    rows = []
    for line in SEED_TABLE.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        while cells and not cells[-1].strip():
            cells.pop()
        rows.append(cells)
    return rows


def save(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Write sheets of rows (None = empty cell) with openpyxl, as a user's Excel would."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def support_sheets() -> dict[str, list[list[Any]]]:
    """Post, Grupper, Vakter and Bemanning for the seed's five groups."""
    return {
        "Post": [["Felt", "Verdi"], ["Navn", "Medisin SN – kartlegging"], ["Senger", 24],
                 ["Belegg hverdag", 0.9], ["Dager", 7]],
        "Grupper": [["ID", "Navn", "Sykepleier", "Kostnad per time"],
                    *[[i, n, x, 500] for i, n, x in GROUPS]],
        "Vakter": [["Vakt", "Start", "Slutt"], ["dag", "07:00", "15:00"],
                   ["kveld", "15:00", "22:30"], ["natt", "22:00", "07:30"]],
        "Bemanning": [["Gruppe", "Vakt", "Hverdag", "Helg"],
                      *[[n, s, 2, 1] for _, n, _ in GROUPS for s in ("dag", "kveld", "natt")]],
    }


def seed_task_sheet() -> tuple[list[list[Any]], list[tuple[str, str]]]:
    """Return the seed's table with an x and a Tid under each block's group.

    The text version of the seed cuts its header after "Assistent"; the assistant's Tid
    column is added. Returns the rows and, per task row, (name, group name).
    """
    rows = seed_rows()
    header = rows[0] + ["Tid"]
    columns = {name: i for i, name in enumerate(header) if name in dict(
        (n, None) for _, n, _ in GROUPS)}
    out: list[list[Any]] = [header]
    expected: list[tuple[str, str]] = []
    block = -1
    for cells in rows[1:]:
        first = cells[0].strip()
        if first.endswith(":"):
            block += 1
            out.append([first])
            continue
        if not first.startswith("•"):
            out.append([first])
            continue
        group = BLOCK_GROUPS[block]
        row: list[Any] = [first] + [None] * (len(header) - 1)
        row[columns[group]] = "x"
        row[columns[group] + 1] = 5 + len(expected) % 7
        out.append(row)
        expected.append((first.lstrip("• ").strip(), group))
    return out, expected


def seed_workbook(path: Path) -> tuple[Path, list[tuple[str, str]]]:
    """Write the seed's task table in its sectioned layout, and the sheets beside it."""
    tasks, expected = seed_task_sheet()
    return save(path, {"Oppgaver": tasks, **support_sheets()}), expected
