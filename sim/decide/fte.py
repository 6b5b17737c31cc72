"""Full-time equivalents (årsverk), persons with holiday cover and posts, from a roster.

For a roster, a group's hours per week are::

    sum over its shifts and day types of heads x shift hours x days of that type in a week

with 5 weekdays and 2 weekend days in a week (holidays replace ordinary days and add no
weekly hours), and 24 h x 7 days for a head count given round the clock. Rostered heads are
counted, absent or not: the absent must be paid and their shifts covered. From the hours,
with the scenario's ``fte:`` settings (:class:`sim.io.schema_targets.FTE`):

``fte``
    hours per week / ``weekly_hours`` (35.5 h, the Norwegian rota week; 38.25 h Swedish).
``fte_night``
    the same, but the hours of night shifts count at ``night_weekly_hours`` (a shorter
    full-time week for night work): day hours / ``weekly_hours`` + night hours /
    ``night_weekly_hours``. A shift is a night shift when more than half of its hours lie
    between 21:00 and 06:00 (night work in the Norwegian Working Environment Act § 10-11);
    round-the-clock heads are not (9 of 24 hours). Without ``night_weekly_hours``
    ``fte_night`` equals ``fte``.
``persons``
    full-time persons needed to staff the roster all year, holidays covered: the roster
    runs 52 weeks, one full-time person works ``52 - holiday_weeks - public_holidays / 5``
    of them (public holidays counted on weekdays, a fifth of a week each), so
    ``persons = fte_night x 52 / (52 - holiday_weeks - public_holidays / 5)``. Sickness
    absence is not in it: its cover is ``absence_cover``.
``posts``
    posts (stillinger) at the mean post size (``post_size``, 0.8 = 80 % posts): persons /
    post size, rounded up per group; the total is the sum of the groups'.

Defaults: 5 holiday weeks (ferie, the collective agreements in Norway; 25 days in Sweden)
and 8.6 public holidays on weekdays, the long-run mean of a Norwegian year (Maundy Thursday,
Good Friday, Easter Monday, Ascension Day and Whit Monday always fall on a weekday; New
Year's Day, 1 May, 17 May, Christmas Day and Boxing Day do five years in seven:
5 + 5 x 5/7 = 8.57). Cost per week = hours per week x the group's ``cost_per_hour``, and
per year = 52 x that.
"""

from __future__ import annotations

import math

import pandas as pd

from sim.calendar import MINUTES_PER_DAY
from sim.decide.training import DAYS_PER_WEEK, shift_hours
from sim.io.schema_targets import FTE
from sim.model import WardModel
from sim.staff import CONTINUOUS

#: The columns of :func:`fte_table`; the first five are those of earlier versions.
FTE_COLUMNS = ["group", "hours_per_week", "fte", "cost_per_week", "cost_per_year",
               "night_hours_per_week", "fte_night", "persons", "post_size", "posts"]
#: Weeks in the year a cost per week is multiplied by, and the roster runs.
WEEKS_PER_YEAR = 52
#: Night (Norwegian Working Environment Act § 10-11): 21:00 to 06:00, in minutes of the day.
NIGHT_START, NIGHT_END = 21 * 60, 6 * 60


def cell_hours(model: WardModel, shift: str, day_type: str) -> float:
    """Hours per week one head on ``shift`` of ``day_type`` adds (round the clock: 168)."""
    if shift == CONTINUOUS:
        return 24.0 * 7 if day_type == "weekday" else 0.0
    return shift_hours(model, shift) * DAYS_PER_WEEK[day_type]


def night_minutes(start: int, length: int) -> int:
    """Minutes of a shift from ``start`` (minute of the day), ``length`` long, in 21:00–06:00."""
    return sum(1 for m in range(start, start + length)
               if m % MINUTES_PER_DAY >= NIGHT_START or m % MINUTES_PER_DAY < NIGHT_END)


def night_shifts(model: WardModel) -> frozenset[str]:
    """Names of the shifts more than half of whose hours lie between 21:00 and 06:00."""
    out = set()
    for s in model.staffing.shifts:
        length = (s.end - s.start) % MINUTES_PER_DAY or MINUTES_PER_DAY
        if 2 * night_minutes(s.start, length) > length:
            out.add(s.name)
    return frozenset(out)


def hours_per_week(model: WardModel, only: frozenset[str] | None = None) -> dict[str, float]:
    """Rostered hours per week of each group (every group, 0 if not rostered).

    With ``only``, just the hours of those shifts (round-the-clock heads left out).
    """
    hours = dict.fromkeys(model.group_ids, 0.0)
    for g, shift, per_type in model.staffing.counts:
        if only is not None and shift not in only:
            continue
        for day_type, heads in zip(("weekday", "weekend", "holiday"), per_type, strict=True):
            hours[model.group_ids[g]] += heads * cell_hours(model, shift, day_type)
    if only is None:
        for g, heads in model.staffing.continuous:
            hours[model.group_ids[g]] += heads * 24.0 * 7
    return hours


def working_weeks(fte: FTE) -> float:
    """Weeks a year one full-time person works: 52 less holiday weeks and public holidays."""
    return WEEKS_PER_YEAR - fte.holiday_weeks - fte.public_holidays / 5


def fte_table(model: WardModel, fte: FTE | float) -> pd.DataFrame:
    """Per group: hours, årsverk, cost, persons with holiday cover, posts; ``total`` row last.

    ``fte`` is the scenario's ``fte:`` settings; a number is taken as ``weekly_hours`` with
    every other setting at its default.
    """
    settings = fte if isinstance(fte, FTE) else FTE(weekly_hours=fte)
    night_week = settings.night_weekly_hours
    nights = hours_per_week(model, night_shifts(model)) if night_week else {}
    cover = WEEKS_PER_YEAR / working_weeks(settings)
    rows = []
    for g, (group, hours) in enumerate(hours_per_week(model).items()):
        cost = hours * model.cost_per_hour[g]
        night = nights.get(group, 0.0)
        adjusted = (hours - night) / settings.weekly_hours + (night / night_week if night else 0)
        persons = adjusted * cover
        size = settings.post_size_of(group)
        rows.append({"group": group, "hours_per_week": round(hours, 2),
                     "fte": round(hours / settings.weekly_hours, 2),
                     "cost_per_week": round(cost, 2),
                     "cost_per_year": round(cost * WEEKS_PER_YEAR, 2),
                     "night_hours_per_week": round(night, 2), "fte_night": round(adjusted, 2),
                     "persons": round(persons, 2), "post_size": size,
                     "posts": math.ceil(round(persons / size, 6))})
    frame = pd.DataFrame(rows, columns=FTE_COLUMNS)
    total = {"group": "total", **{c: round(float(frame[c].sum()), 2) for c in FTE_COLUMNS[1:]}}
    total["posts"] = int(frame["posts"].sum())
    total["post_size"] = float("nan")  # the groups' sizes may differ; each is in its row
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def cost_per_week(model: WardModel) -> float:
    """Staff cost per week of the model's roster (cost per hour x rostered hours)."""
    return sum(h * model.cost_per_hour[g] for g, h in enumerate(hours_per_week(model).values()))
