"""Unit tests of :mod:`sim.calendar`: clock parsing, intervals, shifts and day types.

Boundaries are where calendars go wrong: the first and last minute of an interval, the
22-07 interval that wraps midnight (two pieces of the *same* calendar day), shifts that run
past midnight or overlap (day 07-15 and evening 14:30-22:30), the weekday a horizon starts
on, and holidays, which override the weekday/weekend type.
"""

from __future__ import annotations

import pytest
from conftest import base_dict

from sim.calendar import (
    DEFAULT_INTERVALS,
    MINUTES_PER_DAY,
    WEEKDAYS,
    Calendar,
    Interval,
    check_partition,
    parse_clock,
    parse_span,
    span_pieces,
)
from sim.io.errors import ScenarioError
from sim.io.scenario import from_dict
from sim.model import build_model
from sim.staff import Shift


def _calendar(days: int = 14, start: str = "monday", holidays: tuple[int, ...] = ()) -> Calendar:
    intervals = tuple(Interval(i, *parse_span(s)) for i, s in DEFAULT_INTERVALS)
    return Calendar(days, WEEKDAYS.index(start), frozenset(holidays), intervals,
                    parse_span("08:00-15:00"))


def _hm(clock: str) -> int:
    return parse_clock(clock)


# -- clock times and spans ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "minute"), [
    ("00:00", 0), ("06:59", 419), ("07:00", 420), ("7:05", 425), ("14:30", 870), ("23:59", 1439),
    ("24:00", 1440),
])
def test_parse_clock(text: str, minute: int) -> None:
    assert parse_clock(text) == minute


@pytest.mark.parametrize(
    "text", ["24:01", "25:00", "12:60", "-1:00", "noon", "0700", "07:00:00", "", "07:xx"])
def test_parse_clock_rejects_what_is_not_a_clock_time(text: str) -> None:
    with pytest.raises(ValueError, match="clock time"):
        parse_clock(text)


def test_parse_clock_rejects_non_text() -> None:
    with pytest.raises(ValueError, match="clock time"):
        parse_clock(None)  # type: ignore[arg-type]


def test_parse_span() -> None:
    assert parse_span("22:00-07:00") == (1320, 420)
    assert parse_span("07:00 - 09:00") == (420, 540)
    with pytest.raises(ValueError, match="time span"):
        parse_span("07:00")
    with pytest.raises(ValueError, match="time span"):
        parse_span("07:00-08:00-09:00")
    with pytest.raises(ValueError, match="clock time"):
        parse_span("07:00-31:00")


@pytest.mark.parametrize(("start", "end", "pieces"), [
    ("07:00", "09:00", ((420, 540),)),
    ("22:00", "07:00", ((0, 420), (1320, 1440))),
    ("22:00", "24:00", ((1320, 1440),)),
    ("22:00", "00:00", ((1320, 1440),)),
    ("00:00", "07:00", ((0, 420),)),
    ("07:00", "07:00", ((0, 1440),)),
])
def test_span_pieces_within_one_day(start: str, end: str, pieces: tuple) -> None:
    assert span_pieces(_hm(start), _hm(end)) == pieces


def test_wrapping_interval_is_two_pieces_of_the_same_day() -> None:
    night = Interval("22-07", _hm("22:00"), _hm("07:00"))
    assert night.pieces == ((0, 420), (1320, 1440))
    assert night.minutes == 9 * 60


# -- interval lookup and partitions ------------------------------------------------------------


@pytest.mark.parametrize(("clock", "interval"), [
    ("00:00", "22-07"), ("06:59", "22-07"), ("07:00", "07-09"), ("08:59", "07-09"),
    ("09:00", "09-12"), ("14:59", "12-15"), ("15:00", "15-18"), ("21:59", "18-22"),
    ("22:00", "22-07"), ("23:59", "22-07"),
])
def test_interval_lookup_at_boundaries(clock: str, interval: str) -> None:
    calendar = _calendar()
    lookup = calendar.interval_lookup()
    assert lookup.shape == (MINUTES_PER_DAY,)
    assert calendar.interval_ids()[lookup[_hm(clock)]] == interval


def test_default_intervals_partition_the_day() -> None:
    calendar = _calendar()
    assert check_partition(calendar.intervals) is None
    assert (calendar.interval_lookup() >= 0).all()
    assert sum(i.minutes for i in calendar.intervals) == MINUTES_PER_DAY


def test_hourly_intervals_partition_the_day() -> None:
    hourly = tuple(Interval(f"{h:02d}", h * 60, (h + 1) * 60 % MINUTES_PER_DAY) for h in range(24))
    assert check_partition(hourly) is None
    assert hourly[-1].pieces == ((1380, 1440),)


def test_check_partition_reports_the_first_gap() -> None:
    gap = (Interval("a", _hm("07:00"), _hm("09:00")), Interval("b", _hm("09:30"), _hm("07:00")))
    message = check_partition(gap)
    assert message is not None
    assert "09:00" in message and "no interval" in message


def test_check_partition_reports_the_first_overlap() -> None:
    overlap = (Interval("a", _hm("07:00"), _hm("15:00")), Interval("b", _hm("14:30"), _hm("07:00")))
    message = check_partition(overlap)
    assert message is not None
    assert "14:30" in message and "2 intervals" in message


def test_check_partition_overlap_across_midnight() -> None:
    overlap = (Interval("day", _hm("06:00"), _hm("22:00")),
               Interval("night", _hm("22:00"), _hm("07:00")))
    message = check_partition(overlap)
    assert message is not None and "06:00" in message


def test_scenario_intervals_with_a_gap_are_an_error_naming_the_field() -> None:
    raw = base_dict(intervals={"day": "07:00-15:00", "night": "16:00-07:00"})
    raw["tasks"][0]["when"] = {"day": 1.0}
    with pytest.raises(ScenarioError, match="15:00 belongs to no interval") as err:
        from_dict(raw)
    assert err.value.field == "intervals"


# -- shifts ------------------------------------------------------------------------------------


def test_shift_span_within_a_day() -> None:
    day = Shift("day", _hm("07:00"), _hm("15:00"))
    assert day.span(0) == (420.0, 900.0)
    assert day.span(2) == (2 * 1440 + 420.0, 2 * 1440 + 900.0)


def test_shift_span_over_midnight() -> None:
    night = Shift("night", _hm("22:00"), _hm("07:30"))
    assert night.span(0) == (1320.0, 1440.0 + 450.0)
    assert night.span(-1) == (-120.0, 450.0)  # the night before day 0 ends 07:30 of day 0
    assert night.span(3)[1] - night.span(3)[0] == 9.5 * 60


def test_shift_span_ending_at_midnight_and_around_the_clock() -> None:
    assert Shift("late", _hm("16:00"), _hm("24:00")).span(1) == (1440.0 + 960.0, 2880.0)
    assert Shift("late", _hm("16:00"), _hm("00:00")).span(1) == (1440.0 + 960.0, 2880.0)
    assert Shift("round", _hm("08:00"), _hm("08:00")).span(0) == (480.0, 480.0 + 1440.0)


def test_overlapping_shifts_are_allowed() -> None:
    day = Shift("day", _hm("07:00"), _hm("15:00"))
    evening = Shift("evening", _hm("14:30"), _hm("22:30"))
    d0, d1 = day.span(0)
    e0, e1 = evening.span(0)
    assert (max(d0, e0), min(d1, e1)) == (870.0, 900.0)


# -- day types ---------------------------------------------------------------------------------


def test_day_types_follow_the_start_weekday() -> None:
    week = ["weekday"] * 5 + ["weekend"] * 2
    assert _calendar(days=8, start="monday").day_types() == [*week, "weekday"]
    assert _calendar(days=4, start="friday").day_types() == week[4:] + week[:1]
    assert _calendar(days=3, start="sunday").day_types() == ["weekend", "weekday", "weekday"]


def test_day_before_day_zero_has_the_previous_weekdays_type() -> None:
    # the night shift that started the evening before day 0 is staffed by that day's type
    assert _calendar(start="monday").day_type(-1) == "weekend"
    assert _calendar(start="saturday").day_type(-1) == "weekday"
    assert _calendar(start="tuesday").day_type(-1) == "weekday"


def test_holidays_override_weekday_and_weekend() -> None:
    calendar = _calendar(days=9, start="friday", holidays=(0, 2, 8))
    assert calendar.day_types() == ["holiday", "weekend", "holiday", "weekday", "weekday",
                                    "weekday", "weekday", "weekday", "holiday"]


def test_horizon_in_minutes() -> None:
    assert _calendar(days=3).horizon == 3 * 1440.0


def test_scenario_calendar_builds_start_weekday_and_holidays() -> None:
    raw = base_dict(calendar={"days": 7, "start": "thursday", "holidays": [4]})
    model = build_model(from_dict(raw))
    assert model.calendar.day_types() == ["weekday", "weekday", "weekend", "weekend", "holiday",
                                          "weekday", "weekday"]
    assert model.calendar.interval_ids() == [i for i, _ in DEFAULT_INTERVALS]


def test_holiday_past_the_horizon_is_an_error() -> None:
    with pytest.raises(ScenarioError, match="past the horizon") as err:
        from_dict(base_dict(calendar={"days": 7, "holidays": [7]}))
    assert err.value.field == "calendar.holidays"
