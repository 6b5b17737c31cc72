"""Personnel cost per week: the rostered hours and the expected cost of absence cover.

Rostered cost per group = hours per week (:func:`sim.decide.fte.hours_per_week`: heads x
shift hours x days of each type in a week) x ``cost_per_hour``; the absent are paid too.
On top of that comes absence cover (``absence_cover`` in the scenario): per group and
source (extra shift, overtime, agency)::

    cover cost per week = hours on shifts x absence rate x share x cost_per_hour x (1 + premium)

with ``costs.premiums`` (defaults 0 / 0.5 / 1.0). A head count around the clock is never
absent, so its hours count in the rostered cost only. The agency share of personnel cost
is agency cover over rostered plus all cover, per group and for the ward – the Swedish
national indicator asks at most 2 % of a profession's personnel cost
(``seeds/004_*``, Region Jämtland Härjedalen 2018).

:func:`cover_kpis` measures the same from a replication's duties, so the simulated mean
can be set against the expectation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calendar import MINUTES_PER_DAY
from sim.decide.fte import cell_hours, hours_per_week
from sim.i18n import ENGLISH, Messages
from sim.metrics import ALL, KPI_KEYS
from sim.model import WardModel
from sim.staff import COVER_SOURCES, Duty

#: Columns of :func:`cost_table` (each a cost per week, but the share).
COST_COLUMNS = ["group", "rostered", *COVER_SOURCES, "total", "agency_share"]
#: KPIs of :func:`cover_kpis`; ``category`` holds the source (or ``all``).
COVER_KPIS = ("cover_hours_per_week", "cover_cost_per_week", "agency_cost_share")


def absent_hours_per_week(model: WardModel) -> dict[str, float]:
    """Return each group's expected absent hours per week: hours on shifts x absence rate."""
    hours = dict.fromkeys(model.group_ids, 0.0)
    for g, shift, per_type in model.staffing.counts:
        for day_type, heads in zip(("weekday", "weekend", "holiday"), per_type, strict=True):
            hours[model.group_ids[g]] += heads * cell_hours(model, shift, day_type) \
                * model.staffing.absence[g]
    return hours


def cover_rate(model: WardModel, group: int, source: int) -> float:
    """Cost of one hour of a group's cover by ``COVER_SOURCES[source]``."""
    return model.cost_per_hour[group] * (1.0 + model.staffing.premiums[source])


def cost_table(model: WardModel) -> pd.DataFrame:
    """Return the expected cost per week by group and source, the ward (``all``) last."""
    absent = absent_hours_per_week(model)
    rows = []
    for g, (group, hours) in enumerate(hours_per_week(model).items()):
        shares = model.staffing.cover_of(g)
        row: dict[str, object] = {"group": group, "rostered": hours * model.cost_per_hour[g]}
        for s, source in enumerate(COVER_SOURCES):
            row[source] = absent[group] * shares[s] * cover_rate(model, g, s)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=COST_COLUMNS[:-2])
    total = {"group": ALL, **{c: float(frame[c].sum()) for c in COST_COLUMNS[1:-2]}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame["total"] = frame[["rostered", *COVER_SOURCES]].sum(axis=1)
    frame["agency_share"] = (frame["agency"] / frame["total"].where(frame["total"] > 0)).fillna(0.0)
    return frame


def cost_per_week(model: WardModel) -> float:
    """Return the expected personnel cost per week: rostered plus expected absence cover."""
    return float(cost_table(model)["total"].iloc[-1])


def cost_by_source(model: WardModel, msg: Messages = ENGLISH) -> pd.DataFrame:
    """Return :func:`cost_table` as the terminal shows it: texts in ``msg``'s language.

    One row per group on the roster or with cover, and all groups; empty when no group
    has absence cover (the cost is then the FTE table's).
    """
    if not any(any(model.staffing.cover_of(g)) for g in range(len(model.group_ids))):
        return pd.DataFrame()
    table = cost_table(model)
    names = dict(zip(model.group_ids, model.group_names, strict=True))
    rows = {}
    for _, row in table.iterrows():
        if row["group"] != ALL and row["total"] <= 0:
            continue
        label = msg("cover.all") if row["group"] == ALL else names[row["group"]]
        cells = {msg(f"cover.{c}"): msg.number(row[c], "num0") for c in COST_COLUMNS[1:-1]}
        cells[msg("cover.agency_share")] = msg.number(row["agency_share"], "pct1")
        rows[label] = cells
    return pd.DataFrame.from_dict(rows, orient="index")


def cover_kpis(duties: list[Duty] | tuple[Duty, ...], model: WardModel,
               warmup_days: int = 0) -> pd.DataFrame:
    """Cover hours and cost per week and the agency share of one replication, as KPI rows.

    Columns are those of :func:`sim.kpis.replication_kpis` (``category`` = the source or
    ``all``); duties count from the end of the warm-up to the horizon. Rows for every
    group with cover shares and every source, 0 included, and the ward (``all``); none
    when no group has cover, so a scenario without ``absence_cover`` keeps its rows.
    """
    covered = [g for g in range(len(model.group_ids)) if any(model.staffing.cover_of(g))]
    if not covered:
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
