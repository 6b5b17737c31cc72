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
    columns = cover_columns(duties, model, warmup_days)
    return pd.DataFrame(columns if columns["kpi"] else None, columns=[*KPI_KEYS, "value"])


def cover_columns(duties: list[Duty] | tuple[Duty, ...], model: WardModel,
                  warmup_days: int = 0) -> dict[str, list]:
    """Return the columns of :func:`cover_kpis` as lists, for KPI columns to extend."""
    columns: dict[str, list] = {k: [] for k in [*KPI_KEYS, "value"]}
    covered = [g for g in range(len(model.group_ids)) if any(model.staffing.cover_of(g))]
    if not covered:  # as Staffing.has_cover
        return columns
    weeks = max(model.calendar.days - warmup_days, 1e-9) / 7.0
    begin, end = warmup_days * MINUTES_PER_DAY, model.calendar.horizon
    n_groups, n_sources = len(model.group_ids), len(COVER_SOURCES)
    source = {"": n_sources, **{c: i for i, c in enumerate(COVER_SOURCES)}}
    group = np.array([d.group for d in duties], dtype=np.int64)
    by = np.array([source[d.cover] for d in duties], dtype=np.int64)
    start = np.array([d.start for d in duties], dtype=float)
    stop = np.array([d.end for d in duties], dtype=float)
    h = np.maximum(0.0, np.minimum(stop, end) - np.maximum(start, begin)) / 60.0
    # summed in duty order from 0, as one += per duty; the last column is the rostered
    # hours, the absent included
    summed = np.bincount(group * (n_sources + 1) + by, weights=h,
                         minlength=n_groups * (n_sources + 1)).reshape(n_groups, n_sources + 1)
    hours, paid = np.ascontiguousarray(summed[:, :n_sources]), summed[:, n_sources]
    rate = np.array([[cover_rate(model, g, s) for s in range(n_sources)]
                     for g in range(n_groups)])
    cost = hours * rate
    personnel = paid * np.array(model.cost_per_hour) + cost.sum(axis=1)

    def add(kpi: str, group: str, source: str, value: float) -> None:
        for name, x in zip(columns, (kpi, group, source, ALL, ALL, ALL, float(value)),
                           strict=True):
            columns[name].append(x)

    agency = COVER_SOURCES.index("agency")
    for g in covered:
        group_id = model.group_ids[g]
        for s, name in enumerate(COVER_SOURCES):
            add("cover_hours_per_week", group_id, name, hours[g, s] / weeks)
            add("cover_cost_per_week", group_id, name, cost[g, s] / weeks)
        add("cover_hours_per_week", group_id, ALL, hours[g].sum() / weeks)
        add("cover_cost_per_week", group_id, ALL, cost[g].sum() / weeks)
        add("agency_cost_share", group_id, ALL, _share(cost[g, agency], personnel[g]))
    for s, name in enumerate(COVER_SOURCES):
        add("cover_hours_per_week", ALL, name, hours[:, s].sum() / weeks)
        add("cover_cost_per_week", ALL, name, cost[:, s].sum() / weeks)
    add("cover_hours_per_week", ALL, ALL, hours.sum() / weeks)
    add("cover_cost_per_week", ALL, ALL, cost.sum() / weeks)
    add("agency_cost_share", ALL, ALL, _share(cost[:, agency].sum(), personnel.sum()))
    return columns


def _share(part: float, whole: float) -> float:
    return part / whole if whole > 0 else 0.0
