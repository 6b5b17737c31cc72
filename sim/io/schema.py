"""The scenario format: pydantic models of every key a scenario file may hold.

Types, ranges and allowed words are checked here by pydantic; every number has finite
bounds a real ward respects (:mod:`sim.io.bounds`, the table "Limits" in
``scenarios/README.md``). Names that must refer to something defined elsewhere in the file
are checked in :mod:`sim.io.references`, and reading, merging variants and turning errors
into one readable line in :mod:`sim.io.scenario`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from sim.calendar import WEEKDAYS
from sim.io.bounds import (
    MAX_CERTIFICATIONS,
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
from sim.io.schema_targets import FTE, LateShares, Targets
from sim.io.schema_tasks import (
    CATEGORIES,
    DEFAULT_MAX_WAIT,
    PRIORITIES,
    TIME_USE_CLASSES,
    DurationDefaults,
    Task,
)
from sim.io.schema_types import (
    AbsenceRate,
    ArrivalScale,
    Certified,
    Clock,
    Cost,
    DayTypeCount,
    DayTypeFloat,
    DayTypeShare,
    HeadCount,
    PerDayTypeShare,
    RosterEntry,
    Share,
    Span,
    _Frozen,
    _same_clock,
    _strict_bool,
)

__all__ = [
    "CATEGORIES", "COVER_SOURCES", "DEFAULT_MAX_WAIT", "DEFAULT_PREMIUMS", "FTE", "PRIORITIES",
    "TIME_USE_CLASSES", "Arrivals", "BreakSpec", "CalendarSpec", "Costs", "CoverShares",
    "DayTypeCount", "DayTypeFloat", "DayTypeShare", "DispatchSpec", "DurationDefaults", "Group",
    "LateShares", "Premiums", "Scenario", "ShiftSpec", "Targets", "Task", "Ward",
]


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



class Arrivals(_Frozen):
    """A multiplier on every arrival rate (for sensitivity runs)."""

    scale: ArrivalScale = 1.0


class DispatchSpec(_Frozen):
    """Who may take a waiting task: only its own group (strict), or broader ones after a wait."""

    policy: Literal["strict", "glide"] = "glide"
    glide_after: number(0, 1440, unit="minutes") = 10.0  # type: ignore[valid-type]



#: Who covers an absent person's shift, in the order their shares are added up when the
#: source of a cover is drawn (:func:`sim.staff.cover_source`, which has the same tuple).
COVER_SOURCES = ("extra_shift", "overtime", "agency")
#: What a covering hour costs on top of the group's ``cost_per_hour`` (0.5 = 50 % more):
#: an extra shift (ekstravakt) of the ward's own part-timer is paid at the ordinary rate
#: (merarbeid), overtime at the tariff's 50 % supplement (the Working Environment Act asks
#: at least 40 %), an agency hour about twice an own employee's.
DEFAULT_PREMIUMS = {"extra_shift": 0.0, "overtime": 0.5, "agency": 1.0}
#: A premium: at most ten times the group's hourly cost on top.
Premium = number(0, 10)


class CoverShares(_Frozen):
    """Shares of a group's absences covered by each source; the rest stays uncovered."""

    extra_shift: Share = 0.0
    overtime: Share = 0.0
    agency: Share = 0.0

    @model_validator(mode="after")
    def _at_most_all(self) -> CoverShares:
        total = self.extra_shift + self.overtime + self.agency
        if total > 1 + 1e-9:
            raise ValueError(f"the shares add up to {total:g}, more than every absence: together "
                             "at most 1 (what is left of the absences stays uncovered)")
        return self

    def shares(self) -> tuple[float, float, float]:
        """Return the shares in the order of :data:`COVER_SOURCES`."""
        return (float(self.extra_shift), float(self.overtime), float(self.agency))


class Premiums(_Frozen):
    """What an hour of each cover source costs on top of the group's ``cost_per_hour``."""

    extra_shift: Premium = DEFAULT_PREMIUMS["extra_shift"]  # type: ignore[valid-type]
    overtime: Premium = DEFAULT_PREMIUMS["overtime"]  # type: ignore[valid-type]
    agency: Premium = DEFAULT_PREMIUMS["agency"]  # type: ignore[valid-type]

    def of(self) -> tuple[float, float, float]:
        """Return the premiums in the order of :data:`COVER_SOURCES`."""
        return (float(self.extra_shift), float(self.overtime), float(self.agency))


class Costs(_Frozen):
    """Cost settings beyond each group's ``cost_per_hour``: the premiums of absence cover."""

    premiums: Premiums = Field(default_factory=Premiums)


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
    absence_cover: dict[str, CoverShares] = Field(default_factory=dict, max_length=MAX_GROUPS)
    costs: Costs = Field(default_factory=Costs)
    dispatch: DispatchSpec = Field(default_factory=DispatchSpec)
    durations: DurationDefaults = Field(default_factory=DurationDefaults)
    arrivals: Arrivals = Field(default_factory=Arrivals)
    tasks: tuple[Task, ...] = Field(min_length=1, max_length=MAX_TASKS)
    targets: Targets = Field(default_factory=lambda: Targets())
    fte: FTE = Field(default_factory=lambda: FTE())
    language: Literal["nb", "sv", "en"] | None = None
