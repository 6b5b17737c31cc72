r"""The one error a user's input file can raise, and the "did you mean" hint it carries.

A message is always one printable line: control characters a file may carry (a newline
in a key, a terminal escape code in a name) are shown as ``\x1b``-style escapes, and every
value quoted from a file is cut to a short excerpt (:func:`short`), so a hostile file can
neither colour nor flood the terminal.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

#: Longest field and message of an error (characters); the file name is kept whole.
MAX_FIELD_CHARS = 160
MAX_MESSAGE_CHARS = 1000

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters (C0, C1, line and bidi controls) shown as escapes."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def short(value: Any, limit: int = 60) -> str:
    """Return a printable excerpt of ``value``: its text cut to ``limit`` characters."""
    text = printable(value if isinstance(value, str) else str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(value: Any, limit: int = 60) -> str:
    """``repr``-like quoting of a value from a file, cut to a short excerpt."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[: limit - 1] + "…"
        return printable(repr(text))
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 60:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    try:
        return short(repr(value), limit)
    except (ValueError, RecursionError):  # a structure holding such a number, or too deep
        return "a mapping" if isinstance(value, dict) else f"a {type(value).__name__}"


def shown(value: Any, limit: int = 60) -> str:
    """Show a value from a file as its user wrote it, cut short: true, null, 'text', 6."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return quoted(value, limit) if len(value) <= 4 else f"a mapping of {len(value):,} keys"
    if isinstance(value, (list, tuple)):
        return quoted(list(value), limit) if len(value) <= 6 else f"a list of {len(value):,} items"
    return quoted(value, limit)


class OutFolderError(Exception):
    """The results folder cannot be made where asked; told in one line, exit code 2.

    Here, not in :mod:`sim.io.results` (which re-exports it), so that the command line
    can catch it without importing pandas and pyarrow.
    """


class ScenarioError(Exception):
    """A problem in a scenario file, told as ``file: field: message`` on one line."""

    def __init__(self, file: str, field: str, message: str) -> None:
        file, field = printable(str(file)), short(field, MAX_FIELD_CHARS)
        message = printable(str(message))
        if len(message) > MAX_MESSAGE_CHARS:  # keep the start and the hint at the end
            message = f"{message[: MAX_MESSAGE_CHARS - 300]} … {message[-300:]}"
        self.file, self.field, self.message = file, field, message
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {message}")


def suggest(word: Any, allowed: Any) -> str:
    """``; did you mean 'x'?`` for a close name, else the allowed names (at most 12)."""
    names = [str(a) for a in allowed]
    if not names:
        return ""
    target = str(word)[:80]
    close = difflib.get_close_matches(target, [n for n in names if len(n) <= 80], n=1) \
        if len(names) <= 5000 else [n for n in names if n.casefold() == target.casefold()][:1]
    if close:
        return f"; did you mean {quoted(close[0])}?"
    shown = ", ".join(short(n, 40) for n in names[:12]) + (" ..." if len(names) > 12 else "")
    return f"; allowed: {shown}"
