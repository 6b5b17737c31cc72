"""Absence cover measured in one replication: hours and cost per week by group and source.

A covering person (extra shift, overtime, agency; :attr:`sim.staff.Duty.cover`) is on duty
for the absent person's shift. Their hours cost ``cost_per_hour x (1 + premium)``; the
agency share is agency cover over the personnel cost (the rostered, absent included, plus
every cover). :mod:`sim.decide.costs` gives the same as an expectation, so the simulated
mean can be set against it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calendar import MINUTES_PER_DAY
from sim.measure.tidy import ALL, KPI_KEYS
from sim.model import WardModel
from sim.staff import COVER_SOURCES, Duty

#: KPIs of :func:`cover_kpis`; ``category`` holds the source (or ``all``).
COVER_KPIS = ("cover_hours_per_week", "cover_cost_per_week", "agency_cost_share")


def cover_rate(model: WardModel, group: int, source: int) -> float:
    """Cost of one hour of a group's cover by ``COVER_SOURCES[source]``."""
    return model.cost_per_hour[group] * (1.0 + model.staffing.premiums[source])


def cover_kpis(duties: list[Duty] | tuple[Duty, ...], model: WardModel,
               warmup_days: int = 0) -> pd.DataFrame:
    """Cover hours and cost per week and the agency share of one replication, as KPI rows.

    Columns are those of :func:`sim.measure.kpis.replication_kpis` (``category`` = the source or
    ``all``); duties count from the end of the warm-up to the horizon. Rows for every
    group with cover shares and every source, 0 included, and the ward (``all``); none
    when no group has cover, so a scenario without ``absence_cover`` keeps its rows.
    """
    covered = [g for g in range(len(model.group_ids)) if any(model.staffing.cover_of(g))]
    if not covered:  # as Staffing.has_cover
        return pd.DataFrame(columns=[*KPI_KEYS, "value"])
    weeks = max(model.calendar.days - warmup_days, 1e-9) / 7.0
    begin, end = warmup_days * MINUTES_PER_DAY, model.calendar.horizon
    n_groups, n_sources = len(model.group_ids), len(COVER_SOURCES)
    hours = np.zeros((n_groups, n_sources))
    paid = np.zeros(n_groups)  # rostered hours, the absent included
    for d in duties:
        h = max(0.0, min(d.end, end) - max(d.start, begin)) / 60.0
        if d.cover:
            hours[d.group, COVER_SOURCES.index(d.cover)] += h
        else:
            paid[d.group] += h
    rate = np.array([[cover_rate(model, g, s) for s in range(n_sources)]
                     for g in range(n_groups)])
    cost = hours * rate
    personnel = paid * np.array(model.cost_per_hour) + cost.sum(axis=1)
    rows: list[tuple] = []

    def add(kpi: str, group: str, source: str, value: float) -> None:
        rows.append((kpi, group, source, ALL, ALL, ALL, float(value)))

    agency = COVER_SOURCES.index("agency")
    for g in covered:
        group = model.group_ids[g]
        for s, source in enumerate(COVER_SOURCES):
            add("cover_hours_per_week", group, source, hours[g, s] / weeks)
            add("cover_cost_per_week", group, source, cost[g, s] / weeks)
        add("cover_hours_per_week", group, ALL, hours[g].sum() / weeks)
        add("cover_cost_per_week", group, ALL, cost[g].sum() / weeks)
        add("agency_cost_share", group, ALL, _share(cost[g, agency], personnel[g]))
    for s, source in enumerate(COVER_SOURCES):
        add("cover_hours_per_week", ALL, source, hours[:, s].sum() / weeks)
        add("cover_cost_per_week", ALL, source, cost[:, s].sum() / weeks)
    add("cover_hours_per_week", ALL, ALL, hours.sum() / weeks)
    add("cover_cost_per_week", ALL, ALL, cost.sum() / weeks)
    add("agency_cost_share", ALL, ALL, _share(cost[:, agency].sum(), personnel.sum()))
    return pd.DataFrame(rows, columns=[*KPI_KEYS, "value"])


def _share(part: float, whole: float) -> float:
    return part / whole if whole > 0 else 0.0
