"""Where a scenario comes from: a YAML file, a workbook, or a workbook's proposal.

A task-mapping workbook with Forslag cells holds two scenarios: today's ward (``ward.xlsx``)
and the proposal (``ward.xlsx#forslag``; ``#proposal`` and ``#förslag`` are read too).
"""

from __future__ import annotations

from pathlib import Path

PROPOSAL = "forslag"
_PROPOSAL_NAMES = ("forslag", "förslag", "proposal")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def split_source(source: str | Path) -> tuple[Path, bool]:
    """Return the file of a source, and whether it names a workbook's proposal."""
    text = str(source)
    head, sep, tail = text.rpartition("#")
    if sep and is_workbook(head) and tail.casefold() in _PROPOSAL_NAMES:
        return Path(head), True
    return Path(text), False


def is_workbook(path: str | Path) -> bool:
    """Whether a path names an Excel workbook (by its suffix)."""
    return str(path).casefold().endswith(WORKBOOK_SUFFIXES)


def file_of(source: str | Path) -> Path:
    """Return the file a source is read from (``ward.xlsx`` for ``ward.xlsx#forslag``)."""
    return split_source(source)[0]


def proposal_source(path: str | Path) -> str:
    """Return the source naming a workbook's proposal."""
    return f"{path}#{PROPOSAL}"


def label_of(source: str | Path) -> str:
    """Return a short label: the file's stem, ``-forslag`` added for a proposal."""
    path, proposal = split_source(source)
    return path.stem + (f"-{PROPOSAL}" if proposal else "")
