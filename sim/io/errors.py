"""The one error a user's input file can raise, and the "did you mean" hint it carries."""

from __future__ import annotations

import difflib
from typing import Any


class ScenarioError(Exception):
    """A problem in a scenario file, told as ``file: field: message``."""

    def __init__(self, file: str, field: str, message: str) -> None:
        self.file, self.field, self.message = file, field, message
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {message}")


def suggest(word: Any, allowed: Any) -> str:
    """``; did you mean 'x'?`` for a close name, else the allowed names (at most 12)."""
    names = [str(a) for a in allowed]
    close = difflib.get_close_matches(str(word), names, n=1)
    if close:
        return f"; did you mean {close[0]!r}?"
    shown = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
    return f"; allowed: {shown}"
