"""The task models of the scenario format: a task type and the spread of its duration.

The vocabulary a task is described in (categories, time-use classes, priorities) is here
too; the whole scenario is :class:`sim.io.schema.Scenario`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, model_validator

from sim.io.bounds import MAX_CLOCK_TIMES, MAX_INTERVALS, Ident, Name, number
from sim.io.errors import shown
from sim.io.schema_types import (
    CV,
    Clock,
    PerDayType,
    Scale,
    TaskMinutes,
    TriangleMinutes,
    WaitMinutes,
    _Frozen,
    _strict_bool,
)

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
            raise ValueError("give either `when` (rates per interval) or `at` (clock times), "
                             "not both")
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
        """Return the estimated minutes of ``group``, None if it has none of its own.

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
        """Return the duration spread ``group`` works with: its own keys over the task's spread.

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
