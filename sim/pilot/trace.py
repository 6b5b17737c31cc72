"""A scenario run trace-driven: the pilot's census and staffing instead of the plan.

:func:`trace_model` turns a scenario's model into the model of one pilot period: its
calendar has the pilot's days (day 0 = the first census day; with dates, the weekday of the
first date, the scenario's ``holidays`` counted from it), ``patients`` is the census day by
day, and every (group, shift) the staffing gives is on duty with the head count worked each
day (:attr:`sim.staff.Staffing.daily`) and without absence: the staffing is what was
actually on duty, after absence and extra shifts. Groups the staffing does not give keep
their roster and absence rate.

The engine path is unchanged: the inputs are drawn by :func:`sim.inputs.draw_inputs` from
the same named streams as a normal run of the scenario (``arrivals``/``durations`` per task
id), so a pilot whose census is the scenario's gets the very arrivals and durations of the
scenario's run with that seed (common random numbers).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from sim.calendar import DAY_TYPES, Calendar
from sim.model import WardModel


def trace_calendar(calendar: Calendar, first: dt.date | None, days: int) -> Calendar:
    """Return the scenario's calendar over the pilot's ``days``, starting on ``first``'s weekday."""
    start = calendar.start_weekday if first is None else first.weekday()
    return dataclasses.replace(calendar, days=days, start_weekday=start)


def trace_model(model: WardModel, calendar: Calendar, patients: Sequence[int],
                on_duty: Mapping[tuple[int, str], Sequence[int]]) -> WardModel:
    """Return the model of a pilot period.

    Parameters
    ----------
    calendar
        From :func:`trace_calendar`; ``patients`` has one entry per day of it.
    on_duty
        Per (group index, shift name), the head count on duty for days -1 .. days - 1 (the
        night before day 0 first). The groups named here lose their absence rate.
    """
    if len(patients) != calendar.days:
        raise ValueError(f"{len(patients)} census days for a calendar of {calendar.days}")
    staffing = model.staffing
    counts = {(g, s): per_type for g, s, per_type in staffing.counts}
    daily = []
    for (group, shift), per_day in sorted(on_duty.items()):
        if len(per_day) != calendar.days + 1:
            raise ValueError(f"{len(per_day)} head counts for days -1 .. {calendar.days - 1}")
        per_type = tuple(max((per_day[d + 1] for d in range(-1, calendar.days)
                              if calendar.day_type(d) == day_type), default=0)
                         for day_type in DAY_TYPES)
        counts[(group, shift)] = per_type
        daily.append((group, shift, tuple(int(n) for n in per_day)))
    traced = {g for g, _ in on_duty}
    staffing = dataclasses.replace(
        staffing, counts=tuple((g, s, c) for (g, s), c in counts.items()),
        absence=tuple(0.0 if g in traced else a for g, a in enumerate(staffing.absence)),
        daily=tuple(daily))
    return dataclasses.replace(model, calendar=calendar, patients=tuple(int(p) for p in patients),
                               staffing=staffing)
