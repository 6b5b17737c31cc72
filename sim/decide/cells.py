"""Roster cells an optimiser varies: ``--vary roster.…=LOW:HIGH`` and ``--fix`` rules.

A *cell* is one head count of the roster: a group on a shift on a day type, or a group
given one head count round the clock (shift ``continuous``, day type ``all``). A
``--vary`` names cells and their whole-number range:

* ``roster.GROUP=0:6`` – every shift × day type the group is rostered on (every shift if
  it is on none), each on its own;
* ``roster.GROUP.SHIFT=0:3`` – every day type of that shift;
* ``roster.GROUP.SHIFT.DAY_TYPE=1:4`` – one cell.

Only day types the calendar holds are cells. A ``--fix`` is a rule on heads that every
roster tried must keep, ``GROUP[.SHIFT[.DAY_TYPE]] >= N`` (or ``<=``, ``=``), optionally
followed by the words ``every shift`` (the meaning anyway: a rule holds on each of its
cells). The paths reuse the sweep's messages (:class:`~sim.decide.sweep.SweepError`, one
line, exit code 2).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from sim.calendar import DAY_TYPES
from sim.decide.sweep import SweepError, parse_vary
from sim.io.errors import suggest
from sim.staff import CONTINUOUS

ALL = "all"
_FIX = re.compile(r"^\s*([^\s<>=]+)\s*(>=|<=|=)\s*(\d+)\s*(every shift)?\s*$")


@dataclass(frozen=True)
class Cell:
    """One varied head count and its range."""

    group: str
    shift: str
    day_type: str
    low: int
    high: int

    @property
    def key(self) -> str:
        """``group.shift.day_type`` (``group`` alone for a round-the-clock count)."""
        if self.shift == CONTINUOUS:
            return self.group
        return f"{self.group}.{self.shift}.{self.day_type}"


def _cells_of(raw: dict, path: str, day_types: list[str], what: str) -> list[tuple[str, str, str]]:
    """Return the (group, shift, day type) cells ``path`` (without ``roster.``) names."""
    parts = path.split(".")
    groups = [g.get("id") for g in raw.get("groups", []) if isinstance(g, dict)]
    shifts = list(raw.get("shifts") or {})
    group = parts[0]
    if group not in groups:
        raise SweepError(f"{what}: no group {group!r}{suggest(group, groups)}")
    entry = (raw.get("roster") or {}).get(group)
    if isinstance(entry, (int, float)) and not isinstance(entry, bool):
        if len(parts) > 1:
            raise SweepError(f"{what}: {group} has one head count round the clock; "
                             f"vary roster.{group}")
        return [(group, CONTINUOUS, ALL)]
    if len(parts) > 3:
        raise SweepError(f"{what}: write roster.GROUP, roster.GROUP.SHIFT or "
                         "roster.GROUP.SHIFT.DAY_TYPE")
    if not shifts:
        raise SweepError(f"{what}: the scenario has no shifts")
    if len(parts) > 1 and parts[1] not in shifts:
        raise SweepError(f"{what}: no shift {parts[1]!r}{suggest(parts[1], shifts)}")
    if len(parts) > 2 and parts[2] not in day_types:
        raise SweepError(f"{what}: no day type {parts[2]!r} in this calendar "
                         f"(choose {', '.join(day_types)})")
    own = [s for s in (entry if isinstance(entry, dict) else {}) if s in shifts]
    chosen = (own or shifts) if len(parts) == 1 else [parts[1]]
    types = day_types if len(parts) < 3 else [parts[2]]
    return [(group, s, d) for s in chosen for d in types]


def parse_cells(raw: dict, specs: list[str], day_types: list[str]) -> list[Cell]:
    """Every cell of the ``--vary`` specs, in the order given; a cell given twice is refused."""
    if not specs:
        raise SweepError("give at least one --vary roster.GROUP[.SHIFT[.DAY_TYPE]]=LOW:HIGH")
    cells: dict[tuple[str, str, str], Cell] = {}
    for text in specs:
        factor = parse_vary(text)
        what = f"--vary {factor.path}"
        if not factor.path.startswith("roster."):
            raise SweepError(f"{what}: the optimiser varies head counts; write "
                             "roster.GROUP[.SHIFT[.DAY_TYPE]]=LOW:HIGH")
        if factor.low != int(factor.low) or factor.high != int(factor.high) or factor.low < 0:
            raise SweepError(f"{what}: head counts need whole LOW and HIGH, 0 or more")
        if factor.high > 100:
            raise SweepError(f"{what}: at most 100 heads of a group on a shift")
        for cell in _cells_of(raw, factor.path[len("roster."):], day_types, what):
            if cell in cells:
                raise SweepError(f"{what}: the cell {'.'.join(cell)} is varied twice")
            cells[cell] = Cell(*cell, int(factor.low), int(factor.high))
    return list(cells.values())


@dataclass(frozen=True)
class Fix:
    """A rule every roster tried keeps: heads ``op`` ``value`` on each of its cells."""

    text: str
    cells: tuple[tuple[str, str, str], ...]
    op: str
    value: int

    def holds(self, heads: int) -> bool:
        """Whether a cell with ``heads`` keeps the rule."""
        ops = {">=": heads >= self.value, "<=": heads <= self.value, "=": heads == self.value}
        return ops[self.op]


def parse_fix(raw: dict, text: str, day_types: list[str]) -> Fix:
    """Read ``GROUP[.SHIFT[.DAY_TYPE]] >= N [every shift]``."""
    match = _FIX.match(text)
    if not match:
        raise SweepError(f"--fix {text[:60]!r}: write it as GROUP[.SHIFT[.DAY_TYPE]]>=N, "
                         'e.g. "sykepleier>=2 every shift"')
    path, op, value = match[1], match[2], int(match[3])
    if value > 100:
        raise SweepError(f"--fix {text[:60]!r}: at most 100 heads")
    cells = _cells_of(raw, path.removeprefix("roster."), day_types, f"--fix {text[:60]!r}")
    return Fix(text, tuple(cells), op, value)


def apply_fixes(cells: list[Cell], fixes: list[Fix], raw: dict) -> list[Cell]:
    """Narrow the ranges of the varied cells to the fixes; refuse a fix a fixed cell breaks."""
    out = {(c.group, c.shift, c.day_type): c for c in cells}
    for fix in fixes:
        for cell in fix.cells:
            if cell in out:
                c = out[cell]
                low = max(c.low, fix.value) if fix.op in (">=", "=") else c.low
                high = min(c.high, fix.value) if fix.op in ("<=", "=") else c.high
                if low > high:
                    raise SweepError(f"--fix {fix.text!r} leaves no head count in the range "
                                     f"{c.low}:{c.high} of {c.key}")
                out[cell] = Cell(*cell, low, high)
            elif not fix.holds(heads_in(raw, *cell)):
                raise SweepError(f"--fix {fix.text!r}: {'.'.join(cell)} is not varied and has "
                                 f"{heads_in(raw, *cell)} heads")
    return list(out.values())


def _resolved(entry: object) -> dict[str, int]:
    """Return a shift's head count per day type, explicit (weekend falls back to weekday)."""
    if isinstance(entry, dict):
        weekday = int(entry.get("weekday", 0))
        weekend = int(entry.get("weekend", weekday))
        holiday = int(entry.get("holiday", weekend))
        return {"weekday": weekday, "weekend": weekend, "holiday": holiday}
    return dict.fromkeys(DAY_TYPES, int(entry or 0))


def heads_in(raw: dict, group: str, shift: str, day_type: str) -> int:
    """Return the head count of a cell in a scenario mapping (0 if not rostered)."""
    entry = (raw.get("roster") or {}).get(group)
    if shift == CONTINUOUS:
        return int(entry or 0)
    shifts = entry if isinstance(entry, dict) else {}
    return _resolved(shifts.get(shift, 0))[day_type]


def with_roster(raw: dict, cells: list[Cell], values: list[int] | tuple[int, ...]) -> dict:
    """Return a copy of ``raw`` with every cell set to its value (``raw`` is not modified)."""
    out = copy.deepcopy(raw)
    roster = out.setdefault("roster", {})
    for cell, value in zip(cells, values, strict=True):
        if cell.shift == CONTINUOUS:
            roster[cell.group] = int(value)
            continue
        entry = roster.get(cell.group)
        if not isinstance(entry, dict):
            entry = roster[cell.group] = {}
        counts = _resolved(entry.get(cell.shift, 0))
        counts[cell.day_type] = int(value)
        entry[cell.shift] = counts
    return out


def roster_of(raw: dict, cells: list[Cell], values: list[int] | tuple[int, ...]) -> dict:
    """Just the ``roster:`` of ``raw`` with the cells set (for a variant file)."""
    return with_roster(raw, cells, values)["roster"]
