"""Field types shared by the scenario format's models: bounded numbers, clocks, day types.

Every number has finite bounds a real ward respects (:mod:`sim.io.bounds`); the models
that use these types are in :mod:`sim.io.schema`, :mod:`sim.io.schema_tasks` and
:mod:`sim.io.schema_targets`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from sim.calendar import parse_clock
from sim.io.bounds import Label, number
from sim.io.errors import shown

#: A share or probability between 0 and 1.
Share = number(0, 1)
#: A chance that a rostered person is absent: 1 would mean nobody ever comes.
AbsenceRate = number(0, 1, below=True)
#: Minutes of a task's duration (one day at most).
TaskMinutes = number(0, 1440, above=True, unit="minutes")
#: Minutes of a wait, a window or a jitter (a week at most).
WaitMinutes = number(0, 10080, unit="minutes")
#: Expected count of a task per interval occurrence (per patient or per ward).
Rate = number(0, 1000)
#: People of one group on one shift.
HeadCount = number(0, 100, whole=True)
#: Spread of a duration: its standard deviation as a share of its mean.
CV = number(0, 5, above=True)
#: A multiplier on every duration or arrival rate (sensitivity runs).
Scale = number(0, 10, above=True)
ArrivalScale = number(0, 10)
#: Cost of one hour on duty, in any currency.
Cost = number(0, 100_000)


def _per_day_type(value: Any) -> Any:
    """Let a plain number stand for the same value on every day type."""
    return {"weekday": value} if isinstance(value, (int, float)) else value


def _clock_text(value: Any) -> Any:
    """YAML reads an unquoted 14:30 as the number 870 (base 60): ask for quotes."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f'write clock times in quotes, e.g. "07:30" (an unquoted time was read '
                         f'as the number {value})')
    if not isinstance(value, str):
        raise ValueError(f'write clock times in quotes, e.g. "07:30" (got {shown(value)})')
    return value


Clock = Annotated[str, BeforeValidator(_clock_text)]


def _same_clock(start: str, end: str) -> bool:
    """Whether two clock texts are the same time (False if either is not a clock time)."""
    try:
        return parse_clock(start.strip()) == parse_clock(end.strip())
    except ValueError:
        return False


def _span(value: str) -> str:
    """Refuse a span whose start equals its end: it would silently be the whole day."""
    start, sep, end = value.partition("-")
    if sep and _same_clock(start, end):
        raise ValueError(f"{shown(value)} starts and ends at the same time; for the whole day "
                         'write "00:00-24:00"')
    return value


#: A clock span ``"HH:MM-HH:MM"`` (an end before the start runs past midnight).
Span = Annotated[str, BeforeValidator(_clock_text), AfterValidator(_span)]


def _certified(value: Any) -> Any:
    """``all``, a whole number of people per shift, or a share between 0 and 1."""
    rule = "give `all`, a whole number per shift (0 to 100) or a share between 0 and 1, such as 0.5"
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{rule} (got {shown(value)})")
    if isinstance(value, str):
        if value != "all":
            raise ValueError(f"{rule} (got {shown(value)})")
        return value
    if not (0 <= value <= 1 or (float(value).is_integer() and 1 < value <= 100)):
        raise ValueError(f"{rule} (got {shown(value)})")
    return value


#: Who of a group holds a certificate.
Certified = Annotated[Literal["all"] | float, BeforeValidator(_certified)]


#: A triangular duration's min, mode or max.
TriangleMinutes = number(0, 1440, unit="minutes")


def _strict_bool(value: Any) -> Any:
    """``true``/``false`` (YAML's yes/no too), never a number or a word such as "ja"."""
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false (got {shown(value)})")
    return value


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DayTypeFloat(_Frozen):
    """A rate per day type; weekend falls back to weekday, holiday to weekend."""

    weekday: Rate
    weekend: Rate | None = None
    holiday: Rate | None = None

    def of(self, day_type: str) -> float:
        """Return the value for ``weekday``, ``weekend`` or ``holiday``."""
        weekend = self.weekday if self.weekend is None else self.weekend
        if day_type == "holiday":
            return weekend if self.holiday is None else self.holiday
        return weekend if day_type == "weekend" else self.weekday


class DayTypeShare(DayTypeFloat):
    """A share (such as occupancy) per day type."""

    weekday: Share
    weekend: Share | None = None
    holiday: Share | None = None


class DayTypeCount(DayTypeFloat):
    """A head count per day type."""

    weekday: HeadCount
    weekend: HeadCount | None = None
    holiday: HeadCount | None = None


PerDayType = Annotated[DayTypeFloat, BeforeValidator(_per_day_type)]
PerDayTypeShare = Annotated[DayTypeShare, BeforeValidator(_per_day_type)]
PerDayTypeCount = Annotated[DayTypeCount, BeforeValidator(_per_day_type)]


def _roster_shape(value: Any) -> Any:
    """Refuse a roster entry that is neither a head count nor a mapping shift -> head count."""
    if isinstance(value, bool) or not isinstance(value, (int, float, dict)):
        raise ValueError("give a head count around the clock (a whole number from 0 to 100) or "
                         "one per shift, such as {day: 5, evening: 4, night: 2} "
                         f"(got {shown(value)})")
    return value


#: A group's entry of the roster.
RosterEntry = Annotated[HeadCount | dict[Label, PerDayTypeCount], BeforeValidator(_roster_shape)]
