"""The ward sheet (Post): one setting per row, today's value and the proposal's.

Each row names a key of the scenario format (:data:`FIELDS`); an empty value takes the
format's default, shown in the Standard column. Holidays are day numbers, or dates when the
sheet has a Startdato (the date of day 0).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sim.calendar import WEEKDAYS
from sim.io.workbook import values as v
from sim.io.workbook.cells import Sheet, as_text
from sim.io.workbook.vocab import Vocab

#: (row key, path in the scenario, kind, default shown) for every row of the ward sheet.
FIELDS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("name", ("name",), "text", ""),
    ("description", ("description",), "text", ""),
    ("beds", ("ward", "beds"), "count", ""),
    ("occupancy_weekday", ("ward", "occupancy", "weekday"), "share", "1"),
    ("occupancy_weekend", ("ward", "occupancy", "weekend"), "share", "= weekday"),
    ("occupancy_holiday", ("ward", "occupancy", "holiday"), "share", "= weekend"),
    ("days", ("calendar", "days"), "count", "28"),
    ("start", ("calendar", "start"), "weekday", "monday"),
    ("start_date", (), "date", ""),
    ("holidays", ("calendar", "holidays"), "holidays", ""),
    ("weekday_daytime", ("calendar", "weekday_daytime"), "span", "08:00-15:00"),
    ("intervals", ("intervals",), "intervals", "07-09, 09-12, 12-15, 15-18, 18-22, 22-07"),
    ("glide", ("dispatch", "policy"), "glide", "yes"),
    ("glide_after", ("dispatch", "glide_after"), "minutes", "10"),
    ("distribution", ("durations", "distribution"), "distribution", "lognormal"),
    ("cv", ("durations", "cv"), "positive", "0.5"),
    ("min", ("durations", "min"), "minutes", ""),
    ("mode", ("durations", "mode"), "minutes", ""),
    ("max", ("durations", "max"), "positive", ""),
    ("duration_scale", ("durations", "scale"), "positive", "1"),
    ("arrival_scale", ("arrivals", "scale"), "minutes", "1"),
    ("max_utilisation", ("targets", "max_utilisation"), "share", "0.85"),
    ("late_acute", ("targets", "max_late_share", "acute"), "share", "0.01"),
    ("late_high", ("targets", "max_late_share", "high"), "share", "0.05"),
    ("late_normal", ("targets", "max_late_share", "normal"), "share", "0.1"),
    ("late_low", ("targets", "max_late_share", "low"), "share", "0.2"),
    ("max_missed_per_week", ("targets", "max_missed_per_week"), "minutes", "0"),
    ("max_glide_back_share", ("targets", "max_glide_back_share"), "share", "0.1"),
    ("coverage_probability", ("targets", "coverage_probability"), "share", "0.99"),
    ("shift_tail", ("targets", "shift_tail"), "share", "0.1"),
    ("weekly_hours", ("fte", "weekly_hours"), "positive", "35.5"),
    ("night_weekly_hours", ("fte", "night_weekly_hours"), "positive", ""),
    ("holiday_weeks", ("fte", "holiday_weeks"), "minutes", "5"),
    ("public_holidays", ("fte", "public_holidays"), "minutes", "8.6"),
    ("post_size", ("fte", "post_size"), "post_size", "1"),
    ("premium_extra_shift", ("costs", "premiums", "extra_shift"), "minutes", "0"),
    ("premium_overtime", ("costs", "premiums", "overtime"), "minutes", "0.5"),
    ("premium_agency", ("costs", "premiums", "agency"), "minutes", "1"),
    ("language", ("language",), "language", ""),
)
DISTRIBUTIONS = ("lognormal", "gamma", "triangular", "exponential", "fixed")
#: Settings that may instead be given per staff group, on the Grupper sheet; a mapping is
#: not written on the Post sheet.
PER_GROUP = ("max_utilisation", "post_size")


@dataclass(frozen=True)
class Limit:
    """The numbers a setting's cell allows, for Excel's data validation (the reader checks)."""

    low: float
    high: float | None = None
    above: bool = False  # the low end itself is not allowed
    whole: bool = False


#: Limits by kind, and the settings whose own range is narrower (as the scenario format has it).
KIND_LIMITS = {"count": Limit(1, whole=True), "share": Limit(0, 1), "minutes": Limit(0),
               "positive": Limit(0, above=True), "post_size": Limit(0, 1, above=True)}
FIELD_LIMITS = {"weekly_hours": Limit(0, 60, above=True),
                "night_weekly_hours": Limit(0, 60, above=True),
                "holiday_weeks": Limit(0, 20), "public_holidays": Limit(0, 30)}


def limit_of(key: str, kind: str) -> Limit | None:
    """Return the numbers a setting allows (None for one that is not a number)."""
    return FIELD_LIMITS.get(key, KIND_LIMITS.get(kind))


def put(raw: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set ``raw[a][b]... = value``, making the mappings on the way."""
    node = raw
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def get(raw: dict[str, Any], path: tuple[str, ...]) -> Any:
    """``raw[a][b]...`` or None."""
    node: Any = raw
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def read_value(sheet: Sheet, r: int, col: int, kind: str, vocab: Vocab,
               start_date: dt.date | None) -> Any:
    """One setting's cell, by its kind."""
    if kind == "text":  # as written, so a description's closing newline survives a round trip
        raw = sheet.rows[r][col] if col < len(sheet.rows[r]) else None
        return raw if isinstance(raw, str) and raw.strip() else v.text(sheet, r, col)
    if kind == "count":
        return v.whole(sheet, r, col, "a whole number", ge=1)
    if kind == "share":
        return v.share(sheet, r, col)
    if kind == "minutes":
        return v.number(sheet, r, col, "a number", ge=0)
    if kind == "positive":
        return v.number(sheet, r, col, "a number", gt=0)
    if kind == "post_size":
        return v.post_size(sheet, r, col)
    if kind == "weekday":
        return v.word(sheet, r, col, vocab, "word", WEEKDAYS, "a weekday")
    if kind == "span":
        return v.span(sheet, r, col)
    if kind == "glide":
        got = v.yes_no(sheet, r, col, vocab)
        return None if got is None else ("glide" if got else "strict")
    if kind == "distribution":
        return v.word(sheet, r, col, vocab, "word", DISTRIBUTIONS, "a distribution")
    if kind == "language":
        value = v.text(sheet, r, col)
        if value is not None and value.lower() not in ("nb", "sv", "en"):
            sheet.fail(r, col, f"{value!r} is not a language; allowed: nb, sv, en")
        return None if value is None else value.lower()
    if kind == "date":
        return _date(sheet, r, col)
    if kind == "holidays":
        return _holidays(sheet, r, col, start_date)
    if kind == "intervals":
        return _intervals(sheet, r, col)
    raise AssertionError(kind)


def _date(sheet: Sheet, r: int, col: int) -> dt.date | None:
    value = sheet.value(r, col)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(as_text(value).strip())
    except ValueError:
        sheet.fail(r, col, f"{as_text(value)!r} is not a date; write it as YYYY-MM-DD or as an "
                           "Excel date")


def _holidays(sheet: Sheet, r: int, col: int, start: dt.date | None) -> list[int] | None:
    value = sheet.value(r, col)
    if value is None:
        return None
    parts: list[Any] = [value] if not isinstance(value, str) else \
        [p for p in re.split(r"\s*[,;\n]\s*", value) if p]
    out = []
    for part in parts:
        number = isinstance(part, (int, float)) and not isinstance(part, bool)
        if number and float(part).is_integer():
            out.append(int(part))
            continue
        if isinstance(part, str) and re.fullmatch(r"\d+", part.strip()):
            out.append(int(part))
            continue
        day = part.date() if isinstance(part, dt.datetime) else part
        if isinstance(day, str):
            try:
                day = dt.date.fromisoformat(day.strip())
            except ValueError:
                sheet.fail(r, col, f"{part!r} is neither a day number nor a date (YYYY-MM-DD)")
        if not isinstance(day, dt.date):
            sheet.fail(r, col, f"{as_text(part)!r} is neither a day number nor a date")
        if start is None:
            sheet.fail(r, col, f"{as_text(part)!r} is a date; give the Startdato (the date of "
                               "day 0) too, or write day numbers")
        if day < start:
            sheet.fail(r, col, f"{day.isoformat()} is before the Startdato {start.isoformat()}")
        out.append((day - start).days)
    return out


def _intervals(sheet: Sheet, r: int, col: int) -> dict[str, str] | None:
    """``07-15 = 07:00-15:00; 15-22 = 15:00-22:00`` (the id may be left out)."""
    value = v.text(sheet, r, col)
    if value is None:
        return None
    out = {}
    for entry in (e.strip() for e in re.split(r"[;\n]", value) if e.strip()):
        name, _, span = entry.rpartition("=")
        got = [v.clock_of(p) for p in re.split(r"\s*[-–]\s*", span.strip())]
        if len(got) != 2 or None in got:
            sheet.fail(r, col, f"{entry!r} is not an interval; write 'id = HH:MM-HH:MM' "
                               "entries separated by ';', e.g. 07-15 = 07:00-15:00")
        iid = name.strip() or f"{got[0][:2]}-{got[1][:2]}"
        out[iid] = f"{got[0]}-{got[1]}"
    return out


def show_value(kind: str, value: Any, vocab: Vocab) -> Any:
    """Return a setting as the writer puts it in its cell."""
    if value is None:
        return None
    if kind == "weekday":
        return vocab.text("word", value)
    if kind == "glide":
        return vocab.text("word", "yes" if value == "glide" else "no")
    if kind == "distribution":
        return vocab.text("word", value)
    if kind == "holidays":
        return ", ".join(str(d) for d in value)
    if kind == "intervals":
        return "; ".join(f"{k} = {s}" for k, s in value.items())
    return value
