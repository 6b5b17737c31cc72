"""The KPIs of one replication, from the tidy frames of :mod:`sim.metrics`.

Utilisation is busy over available minutes, available being on duty less break
(:mod:`sim.breaks`); warm-up days are left out. Waiting statistics use tasks that started;
a task never started counts as late once it has waited longer than its ``max_wait``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.io.schema_tasks import DEFAULT_TIME_USE, TIME_USE_CLASSES
from sim.metrics import ALL, KPI_KEYS
from sim.model import WardModel


def replication_kpis(tasks: pd.DataFrame, staff: pd.DataFrame, model: WardModel,
                     warmup_days: int = 0, hours: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the KPIs of one replication (warm-up left out) as tidy rows: kpi, keys, value.

    Keys a KPI is broken down by hold a value; keys it is summed over hold ``all``; keys
    that do not apply are empty. ``group`` is a staff group, ``nurses`` (every group marked
    ``nurse: true``) or ``all`` (the ward); for task KPIs it is the group the task is placed on.
    ``nurse_busy_hours_per_week`` by task category (from the ``nurse_crew`` column of
    :func:`sim.metrics.tidy_tasks`) has a row for every category of the catalogue, 0 included,
    so that every replication and scenario has the same rows. ``nurse_time_share`` by time-use class
    (``category`` = a class of :data:`~sim.io.schema_tasks.TIME_USE_CLASSES`, every class, 0
    included) is the nurses' time on tasks of that class over their minutes on duty, the
    measure of a work-sampling or time-and-motion study. With ``hours`` (from
    :func:`sim.hourly.tidy_hours`) the ``utilisation_hour`` rows are added: per group and
    ``nurses``, per day type and ``all``, per hour of the day (``interval`` = ``"00"``-``"23"``).
    """
    weeks = max(model.calendar.days - warmup_days, 1e-9) / 7.0
    rows: list[tuple] = []

    def add(kpi: str, group: str, value: float, category: str = "", shift: str = ALL,
            day_type: str = ALL, interval: str = ALL) -> None:
        rows.append((kpi, group, category, shift, day_type, interval, float(value)))

    st = staff[~staff["warmup"]] if len(staff) else staff
    nurses = [model.group_ids[g] for g in sorted(model.nurse_groups)]
    if len(st):
        for keys, g in st.groupby(["group", "shift", "day_type"], sort=False):
            add("utilisation", keys[0], _ratio(g), shift=keys[1], day_type=keys[2])
        for keys, g in st.groupby(["group", "interval", "day_type"], sort=False):
            add("utilisation", keys[0], _ratio(g), day_type=keys[2], interval=keys[1])
        for group, g in st.groupby("group", sort=False):
            add("utilisation", group, _ratio(g))
            add("overtime_hours_per_week", group, g["overtime_minutes"].sum() / 60 / weeks)
            add("other_group_hours_per_week", group, g["other_group_minutes"].sum() / 60 / weeks)
            add("absent_hours_per_week", group, g["absent_minutes"].sum() / 60 / weeks)
        add("overtime_hours_per_week", ALL, st["overtime_minutes"].sum() / 60 / weeks)
        if model.breaks:  # only then, so a ward without breaks keeps exactly its rows
            _break_kpis(st, model, weeks, add)
        cost = dict(zip(model.group_ids, model.cost_per_hour, strict=True))
        paid = st.groupby("group")["on_duty_minutes"].sum() / 60
        add("staff_cost_per_week", ALL, sum(paid[g] * cost[g] for g in paid.index) / weeks)
        ns = st[st["group"].isin(nurses)]
        if len(ns):
            add("utilisation", "nurses", _ratio(ns))
            for keys, g in ns.groupby(["shift", "day_type"], sort=False):
                add("nurse_busy_hours_per_week", "nurses", g["busy_minutes"].sum() / 60 / weeks,
                    shift=keys[0], day_type=keys[1])
            busy = ns["busy_minutes"].sum() / 60 / weeks
            add("nurse_busy_hours_per_week", "nurses", busy)
            days = range(warmup_days, model.calendar.days)
            patients = np.mean([model.patients[d] for d in days]) if len(days) else np.nan
            add("nurse_busy_hours_per_patient_week", "nurses",
                busy / patients if patients else np.nan)
    tk = tasks[~tasks["warmup"]] if len(tasks) else tasks
    if "nurse_crew" in tasks.columns and model.nurse_groups:
        # each nurse of a crew counts for the whole task, cut at the horizon
        spent = (tk["end"].clip(upper=model.calendar.horizon) - tk["start"]).fillna(0.0)
        crew_minutes = spent * tk["nurse_crew"]
        minutes = crew_minutes.groupby(tk["category"]).sum()
        for category in sorted({t.category for t in model.tasks}):
            add("nurse_busy_hours_per_week", "nurses", minutes.get(category, 0.0) / 60 / weeks,
                category=category)
        on_duty = st.loc[st["group"].isin(nurses), "on_duty_minutes"].sum() if len(st) else 0.0
        if on_duty > 0:
            time_use = {t.id: t.time_use or DEFAULT_TIME_USE[t.category] for t in model.tasks}
            by_class = crew_minutes.groupby(tk["task_id"].map(time_use)).sum()
            for cls in TIME_USE_CLASSES:
                add("nurse_time_share", "nurses", by_class.get(cls, 0.0) / on_duty, category=cls)
    if len(tk):
        # only the columns used: splitting every column of the frame per group is slow
        tk = tk[["group", "category", "wait", "late", "missed", "status"]]
        groups = [(key, "", g) for key, g in tk.groupby("group", sort=False)]
        groups += [("", key, g) for key, g in tk.groupby("category", sort=False)]
        groups.append((ALL, ALL, tk))
        for group, category, g in groups:
            waits = g["wait"].dropna()
            n = len(g)
            for kpi, value in (
                ("tasks_per_week", n / weeks),
                ("wait_p50", waits.quantile(0.5) if len(waits) else np.nan),
                ("wait_p90", waits.quantile(0.9) if len(waits) else np.nan),
                ("late_share", g["late"].mean()),
                ("late_per_week", g["late"].sum() / weeks),
                ("missed_share", g["missed"].mean()),
                ("missed_per_week", g["missed"].sum() / weeks),
                ("waiting_at_end", (g["status"] == "waiting").sum()),
            ):
                add(kpi, group, value, category=category)
    frame = pd.DataFrame(rows, columns=[*KPI_KEYS, "value"])
    if hours is not None and len(hours):
        frame = pd.concat([frame, _hour_kpis(hours, model)], ignore_index=True)
    return frame


def _hour_kpis(hours: pd.DataFrame, model: WardModel) -> pd.DataFrame:
    """``utilisation_hour`` rows: busy over available minutes summed over the measured days.

    Available is on duty less break (``break_minutes``, if the frame has it).
    """
    minutes = ["on_duty_minutes", "busy_minutes"]
    if "break_minutes" in hours:
        minutes.append("break_minutes")
    h = hours.loc[~hours["warmup"], ["group", "day_type", "hour", *minutes]]
    nurses = [model.group_ids[g] for g in sorted(model.nurse_groups)]
    h = pd.concat([h, h[h["group"].isin(nurses)].assign(group="nurses")], ignore_index=True)
    parts = [h.groupby(["group", "day_type", "hour"], as_index=False)[minutes].sum(),
             h.groupby(["group", "hour"], as_index=False)[minutes].sum().assign(day_type=ALL)]
    out = pd.concat(parts, ignore_index=True)
    available = out["on_duty_minutes"] - out["break_minutes"] if "break_minutes" in out \
        else out["on_duty_minutes"]
    out, available = out[available > 0], available[available > 0]
    return pd.DataFrame({
        "kpi": "utilisation_hour", "group": out["group"], "category": "", "shift": ALL,
        "day_type": out["day_type"], "interval": out["hour"].map("{:02d}".format),
        "value": out["busy_minutes"] / available,
    }).reset_index(drop=True)


def _break_kpis(st: pd.DataFrame, model: WardModel, weeks: float, add) -> None:
    """Add the break KPIs of one replication through ``add``.

    ``missed_breaks_per_week`` per group × shift with breaks (× day type and ``all``), per
    group and for the ward; ``break_hours_per_week`` (breaks taken) per group.
    """
    with_breaks = st[st["shift"].isin({b.shift for b in model.breaks})]
    for keys, g in with_breaks.groupby(["group", "shift", "day_type"], sort=False):
        add("missed_breaks_per_week", keys[0], g["missed_breaks"].sum() / weeks, shift=keys[1],
            day_type=keys[2])
    for keys, g in with_breaks.groupby(["group", "shift"], sort=False):
        add("missed_breaks_per_week", keys[0], g["missed_breaks"].sum() / weeks, shift=keys[1])
    for group, g in st.groupby("group", sort=False):
        add("missed_breaks_per_week", group, g["missed_breaks"].sum() / weeks)
        add("break_hours_per_week", group, g["break_minutes"].sum() / 60 / weeks)
    add("missed_breaks_per_week", ALL, st["missed_breaks"].sum() / weeks)


def _ratio(g: pd.DataFrame) -> float:
    """Busy over available minutes: on duty less break (:mod:`sim.breaks`)."""
    on = g["on_duty_minutes"].sum()
    if "break_minutes" in g:
        on -= g["break_minutes"].sum()
    return float(g["busy_minutes"].sum() / on) if on > 0 else np.nan
