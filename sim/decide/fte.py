"""Full-time equivalents (årsverk): rostered hours per week per group, and their cost.

For a roster, a group's hours per week are::

    sum over its shifts and day types of heads x shift hours x days of that type in a week

with 5 weekdays and 2 weekend days in a week (holidays replace ordinary days and add no
weekly hours), and 24 h x 7 days for a head count given round the clock. Then

    årsverk (FTE) = hours per week / fte.weekly_hours

with ``fte.weekly_hours`` from the scenario (default 35.5 h, the Norwegian rota week; 38.25 h
is a Swedish full-time week). Rostered heads are counted, absent or not: the absent must be
paid and their shifts covered. Cost per week = hours per week x the group's
``cost_per_hour``, and per year = 52 x that.
"""

from __future__ import annotations

import pandas as pd

from sim.decide.training import DAYS_PER_WEEK, shift_hours
from sim.model import WardModel
from sim.staff import CONTINUOUS

FTE_COLUMNS = ["group", "hours_per_week", "fte", "cost_per_week", "cost_per_year"]
#: Weeks in the year a cost per week is multiplied by.
WEEKS_PER_YEAR = 52


def cell_hours(model: WardModel, shift: str, day_type: str) -> float:
    """Hours per week one head on ``shift`` of ``day_type`` adds (round the clock: 168)."""
    if shift == CONTINUOUS:
        return 24.0 * 7 if day_type == "weekday" else 0.0
    return shift_hours(model, shift) * DAYS_PER_WEEK[day_type]


def hours_per_week(model: WardModel) -> dict[str, float]:
    """Rostered hours per week of each group (every group, 0 if not rostered)."""
    hours = dict.fromkeys(model.group_ids, 0.0)
    for g, shift, per_type in model.staffing.counts:
        for day_type, heads in zip(("weekday", "weekend", "holiday"), per_type, strict=True):
            hours[model.group_ids[g]] += heads * cell_hours(model, shift, day_type)
    for g, heads in model.staffing.continuous:
        hours[model.group_ids[g]] += heads * 24.0 * 7
    return hours


def fte_table(model: WardModel, weekly_hours: float) -> pd.DataFrame:
    """Per group: hours per week, årsverk, cost per week and per year; a ``total`` row last."""
    rows = []
    for g, (group, hours) in enumerate(hours_per_week(model).items()):
        cost = hours * model.cost_per_hour[g]
        rows.append({"group": group, "hours_per_week": round(hours, 2),
                     "fte": round(hours / weekly_hours, 2), "cost_per_week": round(cost, 2),
                     "cost_per_year": round(cost * WEEKS_PER_YEAR, 2)})
    frame = pd.DataFrame(rows, columns=FTE_COLUMNS)
    total = {"group": "total", **{c: round(float(frame[c].sum()), 2) for c in FTE_COLUMNS[1:]}}
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def cost_per_week(model: WardModel) -> float:
    """Staff cost per week of the model's roster (cost per hour x rostered hours)."""
    return sum(h * model.cost_per_hour[g] for g, h in enumerate(hours_per_week(model).values()))
