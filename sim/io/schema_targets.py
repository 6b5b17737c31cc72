"""Service targets of ``wardsim assess`` and what one full-time person works.

Reading a ``--targets`` file on its own is :mod:`sim.io.targets`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from sim.io.bounds import number
from sim.io.schema_types import Share, _Frozen

#: Default longest share of late tasks by priority.
DEFAULT_MAX_LATE_SHARE = {"acute": 0.01, "high": 0.05, "normal": 0.10, "low": 0.20}


class LateShares(_Frozen):
    """The largest acceptable share of late tasks, per priority."""

    acute: Share = DEFAULT_MAX_LATE_SHARE["acute"]
    high: Share = DEFAULT_MAX_LATE_SHARE["high"]
    normal: Share = DEFAULT_MAX_LATE_SHARE["normal"]
    low: Share = DEFAULT_MAX_LATE_SHARE["low"]

    def of(self, priority: str) -> float:
        """Return the target for ``acute``, ``high``, ``normal`` or ``low``."""
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
        """Return the utilisation target of a group (groups not listed get the default 0.85)."""
        if isinstance(self.max_utilisation, dict):
            return float(self.max_utilisation.get(group, 0.85))
        return float(self.max_utilisation)


#: A mean post size (stillingsstørrelse): a share of a full-time post, above 0 and at most 1.
PostSize = number(0, 1, above=True)


class FTE(_Frozen):
    """What one full-time person works, and the posts a roster needs (see :mod:`sim.decide.fte`).

    ``weekly_hours``: the full-time week (35.5 h, the Norwegian rota week; 38.25 h Swedish).
    ``night_weekly_hours``: a shorter full-time week for hours on night shifts (off if unset).
    ``holiday_weeks`` and ``public_holidays`` (on weekdays, per year) are the time a full-time
    person is off and someone else covers; ``post_size`` the mean post size (0.8 = 80 %),
    one number or per group.
    """

    weekly_hours: number(0, 60, above=True, unit="hours") = 35.5  # type: ignore[valid-type]
    night_weekly_hours: number(0, 60, above=True, unit="hours") | None = None  # type: ignore[valid-type]
    holiday_weeks: number(0, 20, unit="weeks") = 5.0  # type: ignore[valid-type]
    public_holidays: number(0, 30, unit="days") = 8.6  # type: ignore[valid-type]
    post_size: PostSize | dict[str, PostSize] = 1.0  # type: ignore[valid-type]

    @field_validator("post_size", mode="before")
    @classmethod
    def _no_bool_post(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("give a share of a full-time post above 0 and at most 1, such as 0.8")
        return value

    @model_validator(mode="after")
    def _room_for_work(self) -> FTE:
        if self.holiday_weeks + self.public_holidays / 5 >= 52:
            raise ValueError("holiday_weeks and public_holidays leave no working weeks in the year")
        return self

    def post_size_of(self, group: str) -> float:
        """Return the mean post size of a group (groups not listed: 1.0, full-time posts)."""
        if isinstance(self.post_size, dict):
            return float(self.post_size.get(group, 1.0))
        return float(self.post_size)
