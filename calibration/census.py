"""Reading the task events and the census of ``wardsim calibrate arrivals``.

- **Events**: ``task_id`` and when the task arose: ``time`` (an ISO date and time), or
  ``date`` and ``clock``, or ``day`` (0 = the scenario's first day) and ``clock``.
- **Census**: ``date`` or ``day``, ``patients`` (present that day), optional ``day_type``
  (``weekday``/``weekend``/``holiday``, or their label in nb, sv or en; without it a date
  gives weekday or weekend, and a day number the scenario's calendar).

Files are read as in :mod:`calibration.timestudy`, with the same one-line errors.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from calibration.timestudy import (
    Table,
    cell_date,
    cell_text,
    check_columns,
    number,
    read_table,
    task_ids,
)
from sim.calendar import DAY_TYPES, MINUTES_PER_DAY, Calendar
from sim.i18n import LANGUAGES, Messages, catalogue
from sim.io.schema import Scenario


def _clock(table: Table, row: int, column: str, cell: Any) -> int:
    if isinstance(cell, dt.datetime):
        return cell.hour * 60 + cell.minute
    if isinstance(cell, dt.time):
        return cell.hour * 60 + cell.minute
    if isinstance(cell, float) and 0 <= cell < 1:  # an Excel time is a share of the day
        return int(round(cell * MINUTES_PER_DAY)) % MINUTES_PER_DAY
    parts = cell_text(cell).split(":")
    try:
        h, m = int(parts[0]), int(parts[1])
        if len(parts) > 3 or not (0 <= h < 24 and 0 <= m < 60):
            raise ValueError
    except (ValueError, IndexError):
        raise table.fail(row, column, "not_clock", value=repr(cell_text(cell))) from None
    return h * 60 + m


def _date(table: Table, row: int, column: str, cell: Any) -> dt.date:
    try:
        return cell_date(cell)
    except ValueError:
        raise table.fail(row, column, "not_date", value=repr(cell_text(cell))) from None


def _datetime(table: Table, row: int, cell: Any) -> tuple[dt.date, int]:
    if isinstance(cell, dt.datetime):
        stamp = cell
    else:
        try:
            stamp = dt.datetime.fromisoformat(cell_text(cell))
        except ValueError:
            raise table.fail(row, "time", "not_time", value=repr(cell_text(cell))) from None
    return stamp.date(), stamp.hour * 60 + stamp.minute


def _day(table: Table, row: int, cell: Any) -> int:
    value = number(cell)
    if value is None or value < 0 or value != int(value):
        raise table.fail(row, "day", "not_day", value=repr(cell_text(cell)))
    return int(value)


def read_events(path: str | Path, scenario: Scenario, msg: Messages) -> tuple[pd.DataFrame, str]:
    """Task events: a frame (row, task_id, day, minute) and the kind of day key (date or day)."""
    table = read_table(path, msg)
    columns = set(table.frame.columns)
    check_columns(table, ["task_id"], [], [["time"], ["date", "clock"], ["day", "clock"]])
    if "time" in columns:
        kind = "date"
    elif {"date", "clock"} <= columns:
        kind = "date"
    elif {"day", "clock"} <= columns:
        kind = "day"
    else:
        raise table.fail(None, None, "time_columns", found=", ".join(table.frame.columns))
    ids = task_ids(table, scenario)
    days, minutes = [], []
    for i, row in enumerate(table.frame.index):
        if "time" in columns:
            day, minute = _datetime(table, row, table.frame["time"].iloc[i])
        else:
            key = table.frame[kind].iloc[i]
            day = _date(table, row, "date", key) if kind == "date" else _day(table, row, key)
            minute = _clock(table, row, "clock", table.frame["clock"].iloc[i])
        days.append(day)
        minutes.append(minute)
    frame = pd.DataFrame({"row": table.frame.index, "task_id": ids, "day": days, "minute": minutes})
    frame.attrs["day_column"] = "time" if "time" in columns else kind
    return frame, kind


def _day_type_words() -> dict[str, str]:
    """Day types by their id and their label in every language (``helg``, ``helgdag`` …)."""
    words = {d: d for d in DAY_TYPES}
    for lang in LANGUAGES:
        for d in DAY_TYPES:
            words[catalogue(lang)[f"label.day_type.{d}"].lower()] = d
    return words


def read_census(path: str | Path, calendar: Calendar, msg: Messages) -> tuple[pd.DataFrame, str]:
    """Patients present per day: a frame (row, day, patients, day_type) and the day key kind."""
    table = read_table(path, msg)
    columns = set(table.frame.columns)
    check_columns(table, ["patients"], ["day_type"], [["date"], ["day"]])
    if "date" not in columns and "day" not in columns:
        raise table.fail(None, "date", "census_day", found=", ".join(table.frame.columns))
    kind = "date" if "date" in columns else "day"
    words = _day_type_words()
    days, patients, types, seen = [], [], [], {}
    for i, row in enumerate(table.frame.index):
        cell = table.frame[kind].iloc[i]
        day = _date(table, row, "date", cell) if kind == "date" else _day(table, row, cell)
        if day in seen:
            raise table.fail(row, kind, "duplicate_day", day=str(day), first=str(seen[day]))
        seen[day] = row
        count = number(table.frame["patients"].iloc[i])
        if count is None or count < 0 or count != int(count):
            raise table.fail(row, "patients", "not_patients",
                             value=repr(cell_text(table.frame["patients"].iloc[i])))
        given = cell_text(table.frame["day_type"].iloc[i]).lower() if "day_type" in columns else ""
        if given and given not in words:
            raise table.fail(row, "day_type", "not_day_type", value=repr(given))
        if given:
            day_type = words[given]
        elif kind == "date":
            day_type = "weekend" if day.weekday() >= 5 else "weekday"
        else:
            day_type = calendar.day_type(day)
        days.append(day)
        patients.append(int(count))
        types.append(day_type)
    frame = pd.DataFrame({"row": table.frame.index, "day": days, "patients": patients,
                          "day_type": types})
    return frame, kind


def check_event_days(events: pd.DataFrame, event_kind: str, events_path: str,
                     census: pd.DataFrame, census_kind: str, census_path: str,
                     msg: Messages) -> None:
    """Events and census must key days alike, and every event's day must be in the census."""
    table = Table(events_path, events, msg)
    if event_kind != census_kind:
        raise table.fail(None, None, "mixed_days", census=census_path,
                         events_kind=msg(f"calibrate.error.kind_{event_kind}"),
                         census_kind=msg(f"calibrate.error.kind_{census_kind}"))
    known = set(census["day"])
    for row, day in zip(events["row"], events["day"], strict=True):
        if day not in known:
            raise table.fail(int(row), events.attrs.get("day_column", event_kind),
                             "day_not_in_census", day=str(day), census=census_path)
