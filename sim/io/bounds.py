"""Finite bounds for every number of a scenario file, and the shapes of its names.

A number a real ward could never have (``.inf``, ``1e308``, ten million staff on a shift,
``yes`` as a head count) is refused with the range it must lie in, in the same words the
format reference (``scenarios/README.md``, "Limits") uses. Names are refused if they hold
control characters (a terminal escape code would otherwise be printed raw), ids if they
are anything but letters, digits and ``_``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from sim.io.errors import quoted, shown

#: Most items in a scenario's lists and mappings.
MAX_TASKS = 10_000
MAX_GROUPS = 50
MAX_SHIFTS = 50
MAX_INTERVALS = 96
MAX_CERTIFICATIONS = 100
MAX_CLOCK_TIMES = 288  # a task's `at`: every 5 minutes of the day
MAX_HOLIDAYS = 366
#: Longest id, name of a shift, certification or interval; longest free-text name and description.
MAX_ID_CHARS = 64
MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 10_000


def _text(x: float) -> str:
    if isinstance(x, int) and not abs(x) < 10**15:
        return quoted(x)
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def _got(value: float) -> str:
    """Show a number as the file wrote it (1.0 stays 1.0), a huge whole number short."""
    if isinstance(value, int) and not abs(value) < 10**15:
        return quoted(value)
    return repr(value)


def number(low: float, high: float, *, above: bool = False, below: bool = False,
           whole: bool = False, unit: str = "") -> Any:
    """Return a number type from ``low`` to ``high`` (``above``/``below``: that end left out).

    Refuses yes/no (YAML's booleans), infinity and NaN, and for ``whole`` a fraction.
    """
    kind = "a whole number" if whole else "a number"
    unit = f" {unit}" if unit else ""
    if above:
        span = f"greater than {_text(low)} and at most {_text(high)}{unit}"
    elif below:
        span = f"of at least {_text(low)} and less than {_text(high)}{unit}"
    else:
        span = f"between {_text(low)} and {_text(high)}{unit}"
    rule = f"must be {kind} {span}"

    def inside(value: float) -> bool:
        over = low < value if above else low <= value
        return over and (value < high if below else value <= high)

    def before(value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"{rule}, not yes/no or true/false (got {shown(value)})")
        if isinstance(value, (int, float)):
            if not inside(value):
                raise ValueError(f"{rule} (got {_got(value)})")
            if whole and isinstance(value, float):
                if not value.is_integer():
                    raise ValueError(f"{rule} (got {_got(value)})")
                return int(value)
        return value

    def after(value: float) -> float:
        if not inside(value):  # a number given as text, such as "inf"
            raise ValueError(f"{rule} (got {_got(value)})")
        return value

    return Annotated[int if whole else float, BeforeValidator(before), AfterValidator(after)]


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ID = re.compile(r"\w+")


def _no_number(what: str, example: str) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or isinstance(value, (int, float)):
            raise ValueError(f"must be {what} such as {example}; put it in quotes if it is "
                             f'meant as text ("{shown(value)}") (got {shown(value)})')
        return value
    return check


def _ident(value: str) -> str:
    if not 1 <= len(value) <= MAX_ID_CHARS or not _ID.fullmatch(value):
        raise ValueError(f"{quoted(value, 40)} is not an id: use 1 to {MAX_ID_CHARS} letters, "
                         "digits and _, such as blodprove or natt_2")
    return value


def _label(value: str) -> str:
    if not 1 <= len(value) <= MAX_ID_CHARS or _CONTROL.search(value) or not value.strip():
        raise ValueError(f"{quoted(value, 40)} is not a usable name: give 1 to {MAX_ID_CHARS} "
                         "characters, without control characters")
    return value


def _name(value: str) -> str:
    if len(value) > MAX_NAME_CHARS:
        raise ValueError(f"is {len(value):,} characters long; a name has at most {MAX_NAME_CHARS}")
    if _CONTROL.search(value):
        raise ValueError(f"{quoted(value, 40)} holds a control character (such as a terminal "
                         "escape code or a line break); write plain text")
    return value


def _description(value: str) -> str:
    if len(value) > MAX_DESCRIPTION_CHARS:
        raise ValueError(f"is {len(value):,} characters long; at most {MAX_DESCRIPTION_CHARS:,}")
    if _CONTROL_BUT_LINES.search(value):
        raise ValueError("holds a control character (such as a terminal escape code); "
                         "write plain text")
    return value


#: A task or group id: letters, digits and ``_``.
Ident = Annotated[str, BeforeValidator(_no_number("text", "blodprove")), AfterValidator(_ident)]
#: The name of a shift, certification or interval (a mapping key): short, printable.
Label = Annotated[str, AfterValidator(_label)]
#: Free text shown on results: printable, one line.
Name = Annotated[str, BeforeValidator(_no_number("text", "Blodprøver")), AfterValidator(_name)]
#: Free text of several lines.
Description = Annotated[str, AfterValidator(_description)]
