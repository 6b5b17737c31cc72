"""The scenario format: pydantic models of every key a scenario file may hold.

Types, ranges and allowed words are checked here by pydantic; names that must refer to
something defined elsewhere in the file are checked in :mod:`sim.io.references`, and reading,
merging variants and turning errors into one readable line in :mod:`sim.io.scenario`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from sim.calendar import WEEKDAYS

CATEGORIES: tuple[str, ...] = (
    "pasientbehandling", "prosedyrer", "dokumentasjon", "legemiddelhandtering", "parorende",
    "blodprover", "ernaering", "sjekkerutiner", "opplaering", "bestillinger", "renhold",
    "administrativt",
)
PRIORITIES: tuple[str, ...] = ("acute", "high", "normal", "low")
#: Longest acceptable wait (minutes) by priority when a task gives no `max_wait`.
DEFAULT_MAX_WAIT: dict[str, float] = {"acute": 10.0, "high": 30.0, "normal": 60.0, "low": 240.0}
DISTRIBUTIONS = Literal["lognormal", "gamma", "triangular", "exponential", "fixed"]


def _share(value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError(f"must be a share between 0 and 1, such as 0.85 (got {value!r})")
    return value


#: A share or probability between 0 and 1.
Share = Annotated[float, AfterValidator(_share)]


def _per_day_type(value: Any) -> Any:
    """Let a plain number stand for the same value on every day type."""
    return {"weekday": value} if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _clock_text(value: Any) -> Any:
    """YAML reads an unquoted 14:30 as the number 870 (base 60): ask for quotes."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f'write clock times in quotes, e.g. "07:30" (an unquoted time was read as the number {value})')
    return value


Clock = Annotated[str, BeforeValidator(_clock_text)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DayTypeFloat(_Frozen):
    """A value per day type; weekend falls back to weekday, holiday to weekend."""

    weekday: float = Field(ge=0)
    weekend: float | None = Field(default=None, ge=0)
    holiday: float | None = Field(default=None, ge=0)

    def of(self, day_type: str) -> float:
        """Return the value for ``weekday``, ``weekend`` or ``holiday``."""
        weekend = self.weekday if self.weekend is None else self.weekend
        if day_type == "holiday":
            return weekend if self.holiday is None else self.holiday
        return weekend if day_type == "weekend" else self.weekday


class DayTypeCount(DayTypeFloat):
    """A head count per day type."""

    weekday: int = Field(ge=0)
    weekend: int | None = Field(default=None, ge=0)
    holiday: int | None = Field(default=None, ge=0)


PerDayType = Annotated[DayTypeFloat, BeforeValidator(_per_day_type)]
PerDayTypeCount = Annotated[DayTypeCount, BeforeValidator(_per_day_type)]


class Ward(_Frozen):
    """Beds and the share of them occupied (census) by day type."""

    beds: int = Field(gt=0)
    occupancy: PerDayType = Field(default_factory=lambda: DayTypeFloat(weekday=1.0))

    @model_validator(mode="after")
    def _share(self) -> Ward:
        for day_type in ("weekday", "weekend", "holiday"):
            if self.occupancy.of(day_type) > 1:
                raise ValueError("occupancy is a share of beds and must be between 0 and 1")
        return self


class CalendarSpec(_Frozen):
    """The horizon and its day types."""

    days: int = Field(default=28, gt=0)
    start: Literal[WEEKDAYS] = "monday"  # type: ignore[valid-type]
    holidays: tuple[Annotated[int, Field(ge=0)], ...] = ()
    weekday_daytime: Clock = "08:00-15:00"


class Group(_Frozen):
    """A staff group (yrkesgruppe); list order is the competence hierarchy, broadest first."""

    id: str
    name: str | None = None
    nurse: bool = False
    cost_per_hour: float = Field(default=0.0, ge=0)


class ShiftSpec(_Frozen):
    """A shift (vakt) by clock times; an end before the start runs past midnight."""

    start: Clock
    end: Clock


class DurationSpec(_Frozen):
    """How a task's duration spreads around its estimate."""

    distribution: DISTRIBUTIONS = "lognormal"
    cv: float | None = Field(default=None, gt=0)
    min: float | None = Field(default=None, ge=0)
    mode: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, gt=0)


def _spread_shape(value: Any) -> Any:
    if not isinstance(value, (dict, BaseModel)):
        raise ValueError("give the group's spread as a mapping of duration keys, such as "
                         f"{{cv: 0.8}} or {{distribution: gamma, cv: 0.3}} (got {value!r})")
    return value


class GroupDuration(_Frozen):
    """A staff group's own spread of a task's duration; keys left out are the task's.

    Given under a task's ``duration_by_group``: a key not given here is taken from the
    task's ``duration`` (or the scenario's ``durations``), so ``{cv: 0.8}`` keeps the
    task's distribution and changes only its spread for that group.
    """

    distribution: DISTRIBUTIONS | None = None
    cv: float | None = Field(default=None, gt=0)
    min: float | None = Field(default=None, ge=0)
    mode: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, gt=0)


#: A group's spread under a task's ``duration_by_group``.
GroupSpread = Annotated[GroupDuration, BeforeValidator(_spread_shape)]


class DurationDefaults(DurationSpec):
    """The scenario-wide duration spread, and a multiplier on every duration."""

    cv: float | None = Field(default=0.5, gt=0)
    scale: float = Field(default=1.0, gt=0)


class Arrivals(_Frozen):
    """A multiplier on every arrival rate (for sensitivity runs)."""

    scale: float = Field(default=1.0, ge=0)


class DispatchSpec(_Frozen):
    """Who may take a waiting task: only its own group (strict), or broader ones after a wait."""

    policy: Literal["strict", "glide"] = "glide"
    glide_after: float = Field(default=10.0, ge=0)


def _minutes_shape(value: Any) -> Any:
    """`minutes` is a number or a mapping group -> number; say so for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float, dict)):
        raise ValueError("give the estimated minutes as a number, or per staff group as a "
                         f"mapping such as {{sykepleier: 6, helsefagarbeider: 8}} (got {value!r})")
    return value


#: A duration in minutes, above 0.
PositiveMinutes = Annotated[float, Field(gt=0)]
#: A task's estimated time: one number, or one per staff group.
Minutes = Annotated[PositiveMinutes | dict[str, PositiveMinutes], BeforeValidator(_minutes_shape)]


class Task(_Frozen):
    """One task type of the ward's task mapping (kartlegging).

    ``minutes`` is the estimated time, one number or a mapping group -> minutes (the seed's
    **Tid** per group); the value of the group the task is placed on is the estimate, the
    others are the times of those groups when they do it. ``duration_by_group`` gives a
    group its own spread (:class:`GroupDuration`).
    """

    id: str
    name: str | None = None
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    group: str
    requires: str | None = None
    per: Literal["patient", "ward"] = "patient"
    when: dict[str, PerDayType] | None = None
    at: tuple[Clock, ...] | None = None
    jitter: float = Field(default=0.0, ge=0)
    day_types: tuple[Literal["weekday", "weekend", "holiday"], ...] | None = None
    repeat: Literal["after_done"] | None = None
    minutes: Minutes | None = None
    duration: DurationSpec | None = None
    duration_by_group: dict[str, GroupSpread] | None = None
    priority: Literal[PRIORITIES] = "normal"  # type: ignore[valid-type]
    max_wait: float | None = Field(default=None, ge=0)
    drop_after: float | None = Field(default=None, gt=0)
    staff: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _shape(self) -> Task:
        if (self.when is None) == (self.at is None):
            raise ValueError("give either `when` (rates per interval) or `at` (clock times), not both")
        if self.repeat and (self.when is None or self.per != "patient"):
            raise ValueError("`repeat: after_done` needs `per: patient` and `when` rates")
        if self.day_types is not None and self.at is None:
            raise ValueError("`day_types` filters `at` tasks; for `when` give rates per day type")
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
    max_missed_per_week: float = Field(default=0.0, ge=0)
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

    weekly_hours: float = Field(default=35.5, gt=0, le=60)


class Scenario(_Frozen):
    """A whole ward scenario, validated and frozen. Variants are new objects."""

    name: str
    description: str | None = None
    ward: Ward
    calendar: CalendarSpec = Field(default_factory=CalendarSpec)
    intervals: dict[str, str] | None = None
    groups: tuple[Group, ...] = Field(min_length=1)
    shifts: dict[str, ShiftSpec] = Field(default_factory=dict)
    roster: dict[str, Annotated[int, Field(ge=0)] | dict[str, PerDayTypeCount]]
    certifications: dict[str, dict[str, Literal["all"] | float]] = Field(default_factory=dict)
    absence: dict[str, float] = Field(default_factory=dict)
    dispatch: DispatchSpec = Field(default_factory=DispatchSpec)
    durations: DurationDefaults = Field(default_factory=DurationDefaults)
    arrivals: Arrivals = Field(default_factory=Arrivals)
    tasks: tuple[Task, ...] = Field(min_length=1)
    targets: Targets = Field(default_factory=lambda: Targets())
    fte: FTE = Field(default_factory=lambda: FTE())
    language: Literal["nb", "sv", "en"] | None = None
