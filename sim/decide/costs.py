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

:func:`sim.measure.cover.cover_kpis` measures the same from a replication's duties (the
KPIs ``cover_hours_per_week``, ``cover_cost_per_week``, ``agency_cost_share``), so the
simulated mean can be set against the expectation.
"""

from __future__ import annotations

import pandas as pd

from sim.decide.fte import cell_hours, hours_per_week
from sim.i18n import ENGLISH, Messages
from sim.measure.cover import COVER_KPIS, cover_kpis, cover_rate
from sim.measure.tidy import ALL
from sim.model import WardModel
from sim.staff import COVER_SOURCES

#: Columns of :func:`cost_table` (each a cost per week, but the share).
COST_COLUMNS = ["group", "rostered", *COVER_SOURCES, "total", "agency_share"]


def absent_hours_per_week(model: WardModel) -> dict[str, float]:
    """Return each group's expected absent hours per week: hours on shifts x absence rate."""
    hours = dict.fromkeys(model.group_ids, 0.0)
    for g, shift, per_type in model.staffing.counts:
        for day_type, heads in zip(("weekday", "weekend", "holiday"), per_type, strict=True):
            hours[model.group_ids[g]] += heads * cell_hours(model, shift, day_type) \
                * model.staffing.absence[g]
    return hours


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


def cost_lines(model: WardModel, msg: Messages = ENGLISH) -> str:
    """Return the terminal's block on cost by source ("" without absence cover)."""
    table = cost_by_source(model, msg)
    return "" if table.empty else "\n" + msg("cover.table") + "\n" + table.to_string()

__all__ = ["COST_COLUMNS", "COVER_KPIS", "absent_hours_per_week", "cost_by_source", "cost_lines",
           "cost_per_week", "cost_table", "cover_kpis", "cover_rate"]
