"""Typed cell values: numbers, shares, clock times, words; a wrong one names its cell.

Every reader takes the sheet and the cell's row and column, returns None for an empty cell,
and raises the one-line error ``file: Sheet!F12: what is there; what is allowed`` otherwise.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from typing import Any

from sim.io.workbook.cells import Sheet, as_text
from sim.io.workbook.vocab import Vocab, norm

_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})(?::00)?$")
_SPLIT = re.compile(r"\s*[,;\n]\s*")


def number(sheet: Sheet, row: int, col: int | None, what: str = "a number", *,
           gt: float | None = None, ge: float | None = None,
           le: float | None = None) -> float | None:
    """Read a number (decimal comma allowed in text), within the given bounds."""
    value = sheet.value(row, col)
    if value is None:
        return None
    assert col is not None
    got = value
    if isinstance(got, str):
        plain = got.replace(",", ".").replace("\u00a0", "").replace(" ", "")
        percent = plain.endswith("%")
        try:
            got = float(plain.rstrip("%")) / (100 if percent else 1)
        except ValueError:
            got = None
    if isinstance(got, bool) or not isinstance(got, (int, float)) or not math.isfinite(got):
        sheet.fail(row, col, f"{as_text(value)!r} is not {what}; give a number")
    bounds = [f"above {gt:g}" if gt is not None and not got > gt else "",
              f"{ge:g} or more" if ge is not None and not got >= ge else "",
              f"at most {le:g}" if le is not None and not got <= le else ""]
    wrong = [b for b in bounds if b]
    if wrong:
        sheet.fail(row, col, f"{as_text(value)!r} is not allowed; {what} must be {wrong[0]}")
    return float(got)


def whole(sheet: Sheet, row: int, col: int | None, what: str = "a whole number",
          ge: int = 0) -> int | None:
    """Read a whole number, ``ge`` or more."""
    value = number(sheet, row, col, what, ge=ge)
    if value is None:
        return None
    if not value.is_integer():
        sheet.fail(row, col or 0, f"{as_text(sheet.value(row, col))!r} is not {what}; give a "
                                  "whole number")
    return int(value)


def share(sheet: Sheet, row: int, col: int | None, what: str = "a share") -> float | None:
    """Read a share between 0 and 1 (a cell formatted as a percentage holds one)."""
    value = number(sheet, row, col, what)
    if value is not None and not 0 <= value <= 1:
        hint = f" ({as_text(value)} % is {value / 100:g})" if 1 < value <= 100 else ""
        sheet.fail(row, col or 0, f"{as_text(value)!r} is not {what} between 0 and 1{hint}")
    return value


def post_size(sheet: Sheet, row: int, col: int | None) -> float | None:
    """Read a post size (stillingsstørrelse): a share of a full-time post, above 0, at most 1."""
    value = number(sheet, row, col, "a post size")
    if value is not None and value > 1:  # 80 is a percentage; 1.5 is no post size at all
        hint = f" ({as_text(value)} % is {value / 100:g})" if 10 <= value <= 100 else ""
        sheet.fail(row, col or 0, f"{as_text(value)!r} is not a post size between 0 and 1{hint}")
    if value is not None and value <= 0:
        sheet.fail(row, col or 0, f"{as_text(value)!r} is not allowed; a post size must be "
                                  "above 0 (0.8 is a post of 80 %)")
    return value


def text(sheet: Sheet, row: int, col: int | None) -> str | None:
    """Read the cell as text (numbers without ``.0``)."""
    value = sheet.value(row, col)
    return None if value is None else as_text(value)


def clock_of(value: Any) -> str | None:
    """``HH:MM`` for a time cell, a day fraction or text such as ``7:30`` / ``07.30``."""
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}" if 0 <= minutes <= 1440 else None
    if isinstance(value, float) and 0 <= value < 1 and not isinstance(value, bool):
        minutes = round(value * 1440)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    match = _CLOCK.match(str(value).strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        return None
    return f"{hours:02d}:{minutes:02d}"


def clock(sheet: Sheet, row: int, col: int | None) -> str | None:
    """Read one clock time, ``HH:MM``."""
    value = sheet.value(row, col)
    if value is None:
        return None
    out = clock_of(value)
    if out is None:
        sheet.fail(row, col or 0, f"{as_text(value)!r} is not a clock time; write it as HH:MM, "
                                  "e.g. 07:30")
    return out


def clocks(sheet: Sheet, row: int, col: int | None) -> list[str] | None:
    """Read a list of clock times: ``08:00, 14:00, 20:00`` (or one time cell)."""
    value = sheet.value(row, col)
    if value is None:
        return None
    parts = [value] if not isinstance(value, str) else [p for p in _SPLIT.split(value) if p]
    out = []
    for part in parts:
        got = clock_of(part)
        if got is None:
            sheet.fail(row, col or 0, f"{as_text(part)!r} is not a clock time; list times as "
                                      "HH:MM separated by commas, e.g. 08:00, 14:00, 20:00")
        out.append(got)
    return out


def span(sheet: Sheet, row: int, col: int | None) -> str | None:
    """Read a clock span ``HH:MM-HH:MM``."""
    value = sheet.value(row, col)
    if value is None:
        return None
    parts = re.split(r"\s*[-–—]\s*", str(value).strip())
    got = [clock_of(p) for p in parts] if len(parts) == 2 else [None]
    if None in got:
        sheet.fail(row, col or 0, f"{as_text(value)!r} is not a time span; write it as "
                                  "HH:MM-HH:MM, e.g. 08:00-15:00")
    return f"{got[0]}-{got[1]}"


def expected(given: str, allowed: list[str]) -> str:
    """``; allowed: a, b, c; did you mean 'b'?`` (the hint only when one is close)."""
    close = difflib.get_close_matches(given, allowed, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"; allowed: {', '.join(allowed)}{hint}"


def word(sheet: Sheet, row: int, col: int | None, vocab: Vocab, table: str,
         allowed: tuple[str, ...] | list[str], what: str) -> str | None:
    """One of a fixed set of words, in any language; the error lists the writing language's."""
    value = sheet.value(row, col)
    if value is None:
        return None
    key = vocab.lookup(table, value)
    if key not in allowed:
        shown = vocab.shown(table, list(allowed))
        sheet.fail(row, col or 0, f"{as_text(value)!r} is not {what}"
                                  f"{expected(as_text(value), shown)}")
    return key


def yes_no(sheet: Sheet, row: int, col: int | None, vocab: Vocab) -> bool | None:
    """``ja``/``nei`` (``yes``/``no``, ``ja``/``nej``, ``x``, ``1``/``0``, TRUE/FALSE)."""
    value = sheet.value(row, col)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if norm(value) in ("x", "true", "sann", "sant"):
        return True
    if norm(value) in ("false", "usann", "falskt"):
        return False
    key = word(sheet, row, col, vocab, "word", ("yes", "no"), "yes or no")
    return key == "yes"
