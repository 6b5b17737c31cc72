"""The scenario format: pydantic models of every key a scenario file may hold.

Types, ranges and allowed words are checked here by pydantic; every number has finite
bounds a real ward respects (:mod:`sim.io.bounds`, the table "Limits" in
``scenarios/README.md``). Names that must refer to something defined elsewhere in the file
are checked in :mod:`sim.io.references`, and reading, merging variants and turning errors
into one readable line in :mod:`sim.io.scenario`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from sim.calendar import WEEKDAYS, parse_clock
from sim.io.bounds import (
    MAX_CERTIFICATIONS,
    MAX_CLOCK_TIMES,
    MAX_GROUPS,
    MAX_HOLIDAYS,
    MAX_INTERVALS,
    MAX_SHIFTS,
    MAX_TASKS,
    Description,
    Ident,
    Label,
    Name,
    number,
)
from sim.io.errors import shown

CATEGORIES: tuple[str, ...] = (
    "pasientbehandling", "prosedyrer", "dokumentasjon", "legemiddelhandtering", "parorende",
    "blodprover", "ernaering", "sjekkerutiner", "opplaering", "bestillinger", "renhold",
    "administrativt",
)
#: Time-use classes of nurse work (Westbrook et al. 2011, BMC Health Serv Res 11:319, Table 1).
TIME_USE_CLASSES: tuple[str, ...] = (
    "direct_care", "indirect_care", "medication", "documentation", "professional_communication",
    "ward_related", "supervision", "other",
)
#: A task's time-use class when it gives no ``time_use``: by its category.
DEFAULT_TIME_USE: dict[str, str] = {
    "pasientbehandling": "direct_care", "prosedyrer": "direct_care",
    "dokumentasjon": "documentation", "legemiddelhandtering": "medication",
    "parorende": "direct_care", "blodprover": "direct_care", "ernaering": "direct_care",
    "sjekkerutiner": "ward_related", "opplaering": "supervision", "bestillinger": "ward_related",
    "renhold": "ward_related", "administrativt": "ward_related",
}
PRIORITIES: tuple[str, ...] = ("acute", "high", "normal", "low")
#: Longest acceptable wait (minutes) by priority when a task gives no `max_wait`.
DEFAULT_MAX_WAIT: dict[str, float] = {"acute": 10.0, "high": 30.0, "normal": 60.0, "low": 240.0}
DISTRIBUTIONS = Literal["lognormal", "gamma", "triangular", "exponential", "fixed"]


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
        raise ValueError(f'write clock times in quotes, e.g. "07:30" (an unquoted time was read as the number {value})')
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


class Ward(_Frozen):
    """Beds and the share of them occupied (census) by day type."""

    beds: number(1, 500, whole=True)  # type: ignore[valid-type]
    occupancy: PerDayTypeShare = Field(default_factory=lambda: DayTypeShare(weekday=1.0))


class CalendarSpec(_Frozen):
    """The horizon and its day types."""

    days: number(1, 366, whole=True, unit="days") = 28  # type: ignore[valid-type]
    start: Literal[WEEKDAYS] = "monday"  # type: ignore[valid-type]
    holidays: tuple[number(0, 365, whole=True), ...] = Field(default=(), max_length=MAX_HOLIDAYS)  # type: ignore[valid-type]
    weekday_daytime: Span = "08:00-15:00"


class Group(_Frozen):
    """A staff group (yrkesgruppe); list order is the competence hierarchy, broadest first."""

    id: Ident
    name: Name | None = None
    nurse: Annotated[bool, BeforeValidator(_strict_bool)] = False
    cost_per_hour: Cost = 0.0


class ShiftSpec(_Frozen):
    """A shift (vakt) by clock times; an end before the start runs past midnight."""

    start: Clock
    end: Clock

    @model_validator(mode="after")
    def _length(self) -> ShiftSpec:
        if _same_clock(self.start, self.end):
            raise ValueError(f"start and end are both {shown(self.start)}, which would be a "
                             'shift of no length: for round the clock write start "00:00", '
                             'end "24:00", or give the group a plain head count in `roster`')
        return self


class BreakSpec(_Frozen):
    """A shift's meal break (pause): how long, when it may start, who must stay on the floor.

    ``window`` is when a member may *start* her break (a clock span inside the shift, ending
    at least ``minutes`` before the shift does); ``keep_on_floor`` the fewest members of a
    group on duty who must stay off break while one of this shift takes hers (0 if not given).
    The rules are in :mod:`sim.breaks`.
    """

    minutes: number(0, 240, above=True, unit="minutes")  # type: ignore[valid-type]
    window: Span
    keep_on_floor: dict[str, HeadCount] = Field(default_factory=dict, max_length=MAX_GROUPS)


class DurationSpec(_Frozen):
    """How a task's duration spreads around its estimate."""

    distribution: DISTRIBUTIONS = "lognormal"
    cv: CV | None = None
    min: TriangleMinutes | None = None
    mode: TriangleMinutes | None = None
    max: TriangleMinutes | None = None


def _spread_shape(value: Any) -> Any:
    if not isinstance(value, (dict, BaseModel)):
        raise ValueError("give the group's spread as a mapping of duration keys, such as "
                         f"{{cv: 0.8}} or {{distribution: gamma, cv: 0.3}} (got {shown(value)})")
    return value


class GroupDuration(_Frozen):
    """A staff group's own spread of a task's duration; keys left out are the task's.

    Given under a task's ``duration_by_group``: a key not given here is taken from the
    task's ``duration`` (or the scenario's ``durations``), so ``{cv: 0.8}`` keeps the
    task's distribution and changes only its spread for that group.
    """

    distribution: DISTRIBUTIONS | None = None
    cv: CV | None = None
    min: TriangleMinutes | None = None
    mode: TriangleMinutes | None = None
    max: TriangleMinutes | None = None


#: A group's spread under a task's ``duration_by_group``.
GroupSpread = Annotated[GroupDuration, BeforeValidator(_spread_shape)]


class DurationDefaults(DurationSpec):
    """The scenario-wide duration spread, and a multiplier on every duration."""

    cv: CV | None = 0.5
    scale: Scale = 1.0


class Arrivals(_Frozen):
    """A multiplier on every arrival rate (for sensitivity runs)."""

    scale: ArrivalScale = 1.0


class DispatchSpec(_Frozen):
    """Who may take a waiting task: only its own group (strict), or broader ones after a wait."""

    policy: Literal["strict", "glide"] = "glide"
    glide_after: number(0, 1440, unit="minutes") = 10.0  # type: ignore[valid-type]


def _minutes_shape(value: Any) -> Any:
    """`minutes` is a number or a mapping group -> number; say so for anything else."""
    if isinstance(value, str):  # YAML 1.1 reads 1e3 (no dot) as text
        try:
            return float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float, dict)):
        raise ValueError("give the estimated minutes as a number, or per staff group as a "
                         "mapping such as {sykepleier: 6, helsefagarbeider: 8} "
                         f"(got {shown(value)})")
    return value


#: A task's estimated time: one number, or one per staff group.
Minutes = Annotated[TaskMinutes | dict[str, TaskMinutes], BeforeValidator(_minutes_shape)]


class Task(_Frozen):
    """One task type of the ward's task mapping (kartlegging).

    ``minutes`` is the estimated time, one number or a mapping group -> minutes (the seed's
    **Tid** per group); the value of the group the task is placed on is the estimate, the
    others are the times of those groups when they do it. ``duration_by_group`` gives a
    group its own spread (:class:`GroupDuration`).
    """

    id: Ident
    name: Name | None = None
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    time_use: Literal[TIME_USE_CLASSES] | None = None  # type: ignore[valid-type]
    group: str
    requires: str | None = None
    per: Literal["patient", "ward"] = "patient"
    when: dict[str, PerDayType] | None = Field(default=None, min_length=1,
                                               max_length=MAX_INTERVALS + 2)
    at: tuple[Clock, ...] | None = Field(default=None, min_length=1, max_length=MAX_CLOCK_TIMES)
    jitter: number(0, 1440, unit="minutes") = 0.0  # type: ignore[valid-type]
    day_types: tuple[Literal["weekday", "weekend", "holiday"], ...] | None = Field(
        default=None, min_length=1)
    repeat: Literal["after_done"] | None = None
    minutes: Minutes | None = None
    duration: DurationSpec | None = None
    duration_by_group: dict[str, GroupSpread] | None = None
    priority: Literal[PRIORITIES] = "normal"  # type: ignore[valid-type]
    max_wait: WaitMinutes | None = None
    drop_after: number(0, 10080, above=True, unit="minutes") | None = None  # type: ignore[valid-type]
    staff: number(1, 20, whole=True) = 1  # type: ignore[valid-type]
    handover: Annotated[bool, BeforeValidator(_strict_bool)] = False

    @model_validator(mode="after")
    def _shape(self) -> Task:
        if (self.when is None) == (self.at is None):
            raise ValueError("give either `when` (rates per interval) or `at` (clock times), not both")
        if self.repeat and (self.when is None or self.per != "patient"):
            raise ValueError("`repeat: after_done` needs `per: patient` and `when` rates")
        if self.day_types is not None and self.at is None:
            raise ValueError("`day_types` filters `at` tasks; for `when` give rates per day type")
        if self.handover and self.staff != 2:
            raise ValueError("`handover: true` is a report from one shift to the next, done by "
                             "two people at once: give `staff: 2`")
        triangular = self.duration is not None and self.duration.distribution == "triangular"
        if self.minutes is None and not triangular:
            raise ValueError("`minutes` (the estimated time) is required")
        return self

    def minutes_of(self, group: str) -> float | None:
        """The estimated minutes of ``group``, None if it has none of its own.

        A single number is the placed group's.
        """
        if isinstance(self.minutes, dict):
            return self.minutes.get(group)
        return self.minutes if group == self.group else None

    @property
    def time_use_class(self) -> str:
        """The task's time-use class: its ``time_use``, else its category's default."""
        return self.time_use or DEFAULT_TIME_USE[self.category]

    @property
    def estimate(self) -> float | None:
        """The placed group's estimated minutes (None for a triangular task without them)."""
        return self.minutes_of(self.group)

    def spread_of(self, group: str, defaults: DurationSpec) -> DurationSpec:
        """The duration spread ``group`` works with: its own keys over the task's spread.

        The task's spread is its ``duration``, or ``defaults`` (the scenario's
        ``durations``) without one; a ``cv`` left out everywhere is the scenario's.
        """
        base = self.duration or defaults
        own = (self.duration_by_group or {}).get(group)
        if own is None:
            return base
        keys = ("distribution", "cv", "min", "mode", "max")
        values = {k: getattr(base, k) for k in keys}
        values.update({k: getattr(own, k) for k in keys if getattr(own, k) is not None})
        return DurationSpec(**values)

    @property
    def own_time_groups(self) -> tuple[str, ...]:
        """Groups with a time or spread of their own for this task, the placed one included."""
        named = [*(self.minutes if isinstance(self.minutes, dict) else ()),
                 *(self.duration_by_group or ())]
        return tuple(dict.fromkeys([self.group, *named]))

    @property
    def max_wait_minutes(self) -> float:
        """The longest acceptable wait, from the task or its priority's default."""
        return DEFAULT_MAX_WAIT[self.priority] if self.max_wait is None else self.max_wait


#: Default longest share of late tasks by priority.
DEFAULT_MAX_LATE_SHARE = {"acute": 0.01, "high": 0.05, "normal": 0.10, "low": 0.20}


class LateShares(_Frozen):
    """The largest acceptable share of late tasks, per priority."""

    acute: Share = DEFAULT_MAX_LATE_SHARE["acute"]
    high: Share = DEFAULT_MAX_LATE_SHARE["high"]
    normal: Share = DEFAULT_MAX_LATE_SHARE["normal"]
    low: Share = DEFAULT_MAX_LATE_SHARE["low"]

    def of(self, priority: str) -> float:
        """The target for ``acute``, ``high``, ``normal`` or ``low``."""
        return float(getattr(self, priority))


class Targets(_Frozen):
    """Service targets of ``wardsim assess``; see the module docstring for their meaning."""

    max_utilisation: Share | dict[str, Share] = 0.85
    max_late_share: LateShares = Field(default_factory=LateShares)
    max_missed_per_week: number(0, 1_000_000) = 0.0  # type: ignore[valid-type]
    max_glide_back_share: Share = 0.10
    coverage_probability: Share = 0.99
    shift_tail: Share = 0.10

    @field_validator("max_utilisation", mode="before")
    @classmethod
    def _no_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("give a share between 0 and 1, such as 0.85")
        return value

    def max_utilisation_of(self, group: str) -> float:
        """The utilisation target of a group (groups not listed get the default 0.85)."""
        if isinstance(self.max_utilisation, dict):
            return float(self.max_utilisation.get(group, 0.85))
        return float(self.max_utilisation)


class FTE(_Frozen):
    """What one full-time person works: hours per week (35.5 h is the Norwegian rota week)."""

    weekly_hours: number(0, 60, above=True, unit="hours") = 35.5  # type: ignore[valid-type]


class Scenario(_Frozen):
    """A whole ward scenario, validated and frozen. Variants are new objects."""

    name: Name
    description: Description | None = None
    ward: Ward
    calendar: CalendarSpec = Field(default_factory=CalendarSpec)
    intervals: dict[Label, Span] | None = Field(default=None, min_length=1,
                                                max_length=MAX_INTERVALS)
    groups: tuple[Group, ...] = Field(min_length=1, max_length=MAX_GROUPS)
    shifts: dict[Label, ShiftSpec] = Field(default_factory=dict, max_length=MAX_SHIFTS)
    breaks: dict[Label, BreakSpec] = Field(default_factory=dict, max_length=MAX_SHIFTS)
    roster: dict[str, RosterEntry]
    certifications: dict[Label, dict[str, Certified]] = Field(default_factory=dict,
                                                              max_length=MAX_CERTIFICATIONS)
    absence: dict[str, AbsenceRate] = Field(default_factory=dict)
    dispatch: DispatchSpec = Field(default_factory=DispatchSpec)
    durations: DurationDefaults = Field(default_factory=DurationDefaults)
    arrivals: Arrivals = Field(default_factory=Arrivals)
    tasks: tuple[Task, ...] = Field(min_length=1, max_length=MAX_TASKS)
    targets: Targets = Field(default_factory=lambda: Targets())
    fte: FTE = Field(default_factory=lambda: FTE())
    language: Literal["nb", "sv", "en"] | None = None
