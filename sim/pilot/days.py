"""A pilot's census and staffing, day by day.

- **census**: ``date`` (an ISO date, ``2024-03-04``) or ``day`` (0 = the first day), and
  ``patients`` present that day. The days must follow one another without a gap; with dates
  day 0 is the first date (the census may be in any order).
- **staffing**: ``date`` or ``day`` (as in the census), ``group``, ``shift`` and ``on_duty``,
  the members of the group who actually worked that shift, starting that day (after absence
  and extra shifts). A row may also give the night before the first census day (the date
  before it, or day -1); without one that night is the roster's.

A group the staffing names must have a row for every shift and day on which the roster
plans it (0 if nobody came); on shifts the roster does not plan it, a missing row is 0.
A group the staffing does not name keeps the roster and absence rate of the scenario.
Without a census the days are the scenario's (:func:`plan`): its calendar and occupancy,
and a staffing then numbers its days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from calibration.timestudy import cell_date, hint, number
from sim.calendar import Calendar
from sim.i18n import Messages
from sim.io.errors import quoted
from sim.io.limits import MAX_DAYS
from sim.model import WardModel
from sim.pilot.files import Table, plain, shown
from sim.pilot.trace import trace_calendar

#: Most members of one group on one shift a staffing row may give.
MAX_ON_DUTY = 200


@dataclass(frozen=True)
class Census:
    """Patients per day 0 .. days - 1, and how the file named its days."""

    kind: str  # "date" or "day"
    first: dt.date | None
    patients: tuple[int, ...]
    calendar: Calendar

    def label(self, day: int, msg: Messages) -> str:
        """Return the day as the file names it: its date, or ``day 4``."""
        if self.first is None:
            return msg("pilot.day", day=str(day))
        return (self.first + dt.timedelta(days=day)).isoformat()


def plan(model: WardModel) -> Census:
    """Return the scenario's own days: its calendar and the patients its occupancy gives."""
    return Census("day", None, model.patients, model.calendar)


def _date(table: Table, row: int, column: str, cell: Any) -> dt.date:
    try:
        return cell_date(cell)
    except ValueError:
        raise table.fail(row, column, "not_date", value=shown(cell)) from None


def whole(table: Table, row: int, column: str, cell: Any, low: int, high: int) -> int:
    """Return a whole number from ``low`` to ``high`` in a cell, or the cell's one-line error."""
    value = number(cell)
    if value is None or value != int(value) or not low <= value <= high:
        raise table.fail(row, column, "not_whole", value=shown(cell),
                         low=low, high=high)
    return int(value)


def _kind(table: Table) -> str:
    if table.has("date") == table.has("day"):
        raise table.fail(None, None, "day_column", table=table.sheet or "",
                         found=", ".join(table.columns))
    return "date" if table.has("date") else "day"


def read_census(table: Table, model: WardModel) -> Census:
    """Patients per day, the days numbered from the first."""
    kind = _kind(table)
    table.check_columns([kind, "patients"], [])
    beds = model.beds
    most = max(2 * beds, beds + 10)
    keys: dict[Any, int] = {}
    counts: dict[Any, int] = {}
    for row, cells in table.rows:
        cell = table.cell(cells, kind)
        if cell is None:
            raise table.fail(row, kind, f"empty_{kind}")
        key = _date(table, row, kind, cell) if kind == "date" else \
            whole(table, row, kind, cell, 0, MAX_DAYS - 1)
        if key in keys:
            raise table.fail(row, kind, "duplicate_day", day=str(key), first=keys[key])
        keys[key] = row
        counts[key] = whole(table, row, "patients", table.cell(cells, "patients"), 0, most)
    if kind == "date":
        first = min(keys)
        days = [(k - first).days for k in keys]
    else:
        first = None
        days = list(keys)
    n = max(days) + 1
    if n > MAX_DAYS:
        raise table.fail(None, None, "too_many_days", days=n, most=MAX_DAYS)
    by_day = dict(zip(days, counts.values(), strict=True))
    for day in range(n):
        if day not in by_day:
            label = (first + dt.timedelta(days=day)).isoformat() if first else str(day)
            raise table.fail(None, None, "gap", day=label)
    calendar = trace_calendar(model.calendar, first, n)
    return Census(kind, first, tuple(by_day[d] for d in range(n)), calendar)


def read_staffing(table: Table, census: Census, model: WardModel
                  ) -> dict[tuple[int, str], tuple[int, ...]]:
    """Head counts on duty per (group index, shift) for days -1 .. days - 1 (see the module)."""
    kind = _kind(table)
    table.check_columns([kind, "group", "shift", "on_duty"], [])
    if kind != census.kind:
        raise table.fail(None, None, "mixed_days", staffing=table.msg(f"pilot.error.kind_{kind}"),
                         census=table.msg(f"pilot.error.kind_{census.kind}"))
    groups = list(model.group_ids)
    shifts = [s.name for s in model.staffing.shifts]
    continuous = {g for g, n in model.staffing.continuous if n > 0}
    days = census.calendar.days
    given: dict[tuple[int, str], dict[int, int]] = {}
    seen: dict[tuple[int, int, str], int] = {}
    for row, cells in table.rows:
        cell = table.cell(cells, kind)
        if cell is None:
            raise table.fail(row, kind, f"empty_{kind}")
        if kind == "date":
            day = (_date(table, row, kind, cell) - census.first).days
        else:
            day = whole(table, row, kind, cell, -1, MAX_DAYS)
        if not -1 <= day < days:
            raise table.fail(row, kind, "not_in_census", day=plain(cell) if kind == "day"
                             else _date(table, row, kind, cell).isoformat())
        group = _name(table, row, "group", cells, groups)
        index = groups.index(group)
        if index in continuous:
            raise table.fail(row, "group", "continuous", group=group)
        shift = _name(table, row, "shift", cells, shifts)
        if (day, index, shift) in seen:
            raise table.fail(row, "shift", "duplicate_staffing", group=group, shift=shift,
                             day=census.label(day, table.msg), first=seen[(day, index, shift)])
        seen[(day, index, shift)] = row
        n = whole(table, row, "on_duty", table.cell(cells, "on_duty"), 0, MAX_ON_DUTY)
        given.setdefault((index, shift), {})[day] = n
    named = {g for g, _ in given}
    out: dict[tuple[int, str], tuple[int, ...]] = {}
    for group in sorted(named):
        for shift in shifts:
            mine = given.get((group, shift), {})
            per_day = []
            for day in range(-1, days):
                planned = model.staffing.head_count(group, shift, census.calendar.day_type(day))
                if day in mine:
                    per_day.append(mine[day])
                elif day < 0 or planned == 0:
                    per_day.append(planned if day < 0 else 0)
                else:
                    raise table.fail(None, None, "missing_staffing", group=groups[group],
                                     shift=shift, day=census.label(day, table.msg),
                                     planned=planned)
            if any(per_day) or (group, shift) in given:
                out[(group, shift)] = tuple(per_day)
    return out


def _name(table: Table, row: int, column: str, cells: list[Any], allowed: list[str]) -> str:
    text = plain(table.cell(cells, column))
    if not text:
        raise table.fail(row, column, f"empty_{column}", allowed=", ".join(allowed))
    if text not in allowed:
        raise table.fail(row, column, f"unknown_{column}", value=quoted(text),
                         hint=hint(table.msg, text, allowed))
    return text
