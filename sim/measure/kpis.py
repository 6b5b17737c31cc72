"""The KPIs of one replication, from the tidy frames of :mod:`sim.measure.tidy` or their arrays.

Utilisation is busy over available minutes, available being on duty less break
(:mod:`sim.breaks`); warm-up days are left out. Waiting statistics use tasks that started;
a task never started counts as late once it has waited longer than its ``max_wait``.

The KPIs are computed on columns (:class:`TaskTable` and plain dicts of arrays), so a
replication run without per-task rows never builds a per-task frame
(:func:`kpi_columns`); :func:`replication_kpis` takes the frames and gives the same
numbers. Both go through :mod:`sim.measure.grouping`, which reproduces pandas' group order and
sums exactly. More KPI rows (the absence cover's, :func:`sim.measure.cover.cover_columns`)
are appended to the columns by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.engine.eventlog import WAITING
from sim.io.schema_tasks import DEFAULT_TIME_USE, TIME_USE_CLASSES
from sim.measure.grouping import Groups, grouped, kahan_sums, kept, run_quantiles
from sim.measure.log_columns import LogColumns
from sim.measure.tidy import ALL, KPI_KEYS
from sim.model import WardModel

Columns = dict[str, np.ndarray]
#: ``interval`` of the ``utilisation_hour`` rows, by hour of the day.
HOURS = np.array([f"{h:02d}" for h in range(24)], dtype=object)
#: Per group of tasks, the task KPIs in this row order.
TASK_KPIS = ("tasks_per_week", "wait_p50", "wait_p90", "late_share", "late_per_week",
             "missed_share", "missed_per_week", "waiting_at_end")


class KpiRows:
    """KPI rows in the order added: one by one (calling it) or many.

    Kept as the frame's columns, so a block of rows made from arrays is appended as lists.
    """

    def __init__(self) -> None:
        self.columns: dict[str, list] = {k: [] for k in [*KPI_KEYS, "value"]}

    def __call__(self, kpi: str, group: str, value: float, category: str = "",
                 shift: str = ALL, day_type: str = ALL, interval: str = ALL) -> None:
        """Append one row."""
        for name, x in zip(self.columns, (kpi, group, category, shift, day_type, interval,
                                          float(value)), strict=True):
            self.columns[name].append(x)

    def many(self, n: int, value: np.ndarray, **keys: str | list[str]) -> None:
        """Append ``n`` rows; a key given as one string holds it in every row."""
        defaults = {"category": "", "shift": ALL, "day_type": ALL, "interval": ALL}
        for name in KPI_KEYS:
            x = keys.get(name, defaults.get(name))
            self.columns[name] += [x] * n if isinstance(x, str) else x
        self.columns["value"] += value.tolist()


@dataclass(frozen=True)
class TaskTable:
    """Per task: placed group and category (codes into labels), wait, late, missed, ...

    ``crew_minutes`` (nurse minutes on the task, every nurse of a crew counted, cut at the
    horizon) and ``time_use`` (codes into TIME_USE_CLASSES) are None when unknown.
    """

    group: np.ndarray
    group_labels: np.ndarray
    category: np.ndarray
    category_labels: np.ndarray
    wait: np.ndarray
    late: np.ndarray
    missed: np.ndarray
    waiting: np.ndarray
    warmup: np.ndarray
    crew_minutes: np.ndarray | None = None
    time_use: np.ndarray | None = None


def time_use_codes(model: WardModel) -> np.ndarray:
    """Index into TIME_USE_CLASSES of every task type's time-use class."""
    classes = {c: i for i, c in enumerate(TIME_USE_CLASSES)}
    return np.array([classes[t.time_use or DEFAULT_TIME_USE[t.category]] for t in model.tasks],
                    dtype=np.int64)


def task_table(tasks: pd.DataFrame, model: WardModel) -> TaskTable | None:
    """Read a tidy task frame (:func:`sim.measure.tidy.tidy_tasks`); None if it has no columns."""
    if not len(tasks.columns):
        return None
    group, group_labels = pd.factorize(tasks["group"])
    category, category_labels = pd.factorize(tasks["category"])
    crew = time_use = None
    if "nurse_crew" in tasks.columns:
        spent = (tasks["end"].clip(upper=model.calendar.horizon) - tasks["start"]).fillna(0.0)
        crew = (spent * tasks["nurse_crew"]).to_numpy(float)
        code = dict(zip((t.id for t in model.tasks), time_use_codes(model).tolist(), strict=True))
        time_use = tasks["task_id"].map(code).to_numpy(np.int64)
    return TaskTable(group.astype(np.int64), np.asarray(group_labels, dtype=object),
                     category.astype(np.int64), np.asarray(category_labels, dtype=object),
                     tasks["wait"].to_numpy(float), tasks["late"].to_numpy(bool),
                     tasks["missed"].to_numpy(bool), (tasks["status"] == "waiting").to_numpy(),
                     tasks["warmup"].to_numpy(bool), crew, time_use)


def frame_columns(frame: pd.DataFrame | None) -> Columns | None:
    """Return a frame's columns as arrays; None for no frame or no rows."""
    if frame is None or not len(frame):
        return None
    return {c: frame[c].to_numpy() for c in frame.columns}


def replication_kpis(tasks: pd.DataFrame, staff: pd.DataFrame, model: WardModel,
                     warmup_days: int = 0, hours: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the KPIs of one replication (warm-up left out) as tidy rows: kpi, keys, value.

    Keys a KPI is broken down by hold a value; keys it is summed over hold ``all``; keys
    that do not apply are empty. ``group`` is a staff group, ``nurses`` (every group marked
    ``nurse: true``) or ``all`` (the ward); for task KPIs it is the group the task is placed on.
    ``nurse_busy_hours_per_week`` by task category (from the ``nurse_crew`` column of
    :func:`sim.measure.tidy.tidy_tasks`) has a row for every category of the catalogue, 0 included,
    so that every replication and scenario has the same rows. ``nurse_time_share`` by time-use class
    (``category`` = a class of :data:`~sim.io.schema_tasks.TIME_USE_CLASSES`, every class, 0
    included) is the nurses' time on tasks of that class over their minutes on duty, the
    measure of a work-sampling or time-and-motion study. With ``hours`` (from
    :func:`sim.measure.hourly.tidy_hours`) the ``utilisation_hour`` rows are added: per group and
    ``nurses``, per day type and ``all``, per hour of the day (``interval`` = ``"00"``-``"23"``).
    """
    columns = kpi_columns(task_table(tasks, model), frame_columns(staff), model, warmup_days,
                          frame_columns(hours))
    return pd.DataFrame(columns)


def kpi_columns(tasks: TaskTable | None, staff: Columns | None, model: WardModel,
                warmup_days: int = 0, hours: Columns | None = None) -> dict[str, list]:
    """Return the KPI frame's columns (KPI_KEYS and ``value``) of :func:`replication_kpis`.

    ``staff`` and ``hours`` are the columns of the tidy staff and hour frames.
    """
    weeks = max(model.calendar.days - warmup_days, 1e-9) / 7.0
    add = KpiRows()

    st = None
    if staff is not None:
        keep = ~staff["warmup"].astype(bool)
        st = {c: v[keep] for c, v in staff.items()} if not keep.all() else staff
        if not len(st["group"]):
            st = None
    nurses = [model.group_ids[g] for g in sorted(model.nurse_groups)]
    if st is not None:
        _staff_kpis(st, model, nurses, weeks, warmup_days, add)
    if tasks is not None:
        _task_kpis(tasks, st, model, nurses, weeks, add)
    columns = add.columns
    if hours is not None:
        for name, values in _hour_kpis(hours, model).items():
            columns[name] = columns[name] + values
    return columns


def _ratios(sums: np.ndarray, with_break: bool) -> list[float]:
    """Busy over available minutes from sums (busy, on duty[, break]): NaN if none available."""
    available = sums[1] - sums[2] if with_break else sums[1]
    return [float(b / a) if a > 0 else np.nan for b, a in zip(sums[0], available, strict=True)]


def _factorized(key: np.ndarray) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(key)
    return codes.astype(np.int64), len(uniques)


def _staff_kpis(st: Columns, model: WardModel, nurses: list[str], weeks: float,
                warmup_days: int, add: KpiRows) -> None:
    group, shift, day_type = st["group"], st["shift"], st["day_type"]
    # each key is coded once (pandas' factorize numbering), its groupings combine the codes
    code = {k: _factorized(st[k]) for k in ("group", "shift", "day_type", "interval")}
    with_break = "break_minutes" in st
    ratio = [st["busy_minutes"], st["on_duty_minutes"]] + \
        ([st["break_minutes"]] if with_break else [])
    for keys in (("group", "shift", "day_type"), ("group", "interval", "day_type")):
        g = Groups.of(*(code[k] for k in keys))
        first = g.first()
        add.many(g.n, np.array(_ratios(g.sums(*ratio), with_break)), kpi="utilisation",
                 **{k: st[k][first].tolist() for k in keys})
    g = Groups.of(code["group"])
    sums = g.sums(*ratio, st["overtime_minutes"], st["other_group_minutes"],
                  st["absent_minutes"])
    n = len(ratio)
    per_group = np.column_stack((_ratios(sums, with_break), sums[n] / 60 / weeks,
                                 sums[n + 1] / 60 / weeks, sums[n + 2] / 60 / weeks))
    add.many(per_group.size, per_group.ravel(),
             kpi=["utilisation", "overtime_hours_per_week", "other_group_hours_per_week",
                  "absent_hours_per_week"] * g.n, group=group[g.first()].repeat(4).tolist())
    add("overtime_hours_per_week", ALL, st["overtime_minutes"].sum() / 60 / weeks)
    if model.breaks:  # only then, so a ward without breaks keeps exactly its rows
        _break_kpis(st, code, model, weeks, add)
    cost = dict(zip(model.group_ids, model.cost_per_hour, strict=True))
    codes, labels = pd.factorize(group, sort=True)
    paid = kahan_sums(codes, len(labels), st["on_duty_minutes"])[0] / 60
    add("staff_cost_per_week", ALL,
        sum(paid[i] * cost[name] for i, name in enumerate(labels)) / weeks)
    ns = np.isin(group, nurses)
    if ns.any():
        ns_ratio = [c[ns] for c in ratio]
        add("utilisation", "nurses", _ratios(np.array([[c.sum()] for c in ns_ratio]),
                                             with_break)[0])
        busy_ns = ns_ratio[0]
        g = Groups.of(code["shift"][0][ns], code["day_type"][0][ns])
        first = np.flatnonzero(ns)[g.first()]
        add.many(g.n, g.sums(busy_ns)[0] / 60 / weeks, kpi="nurse_busy_hours_per_week",
                 group="nurses", shift=shift[first].tolist(), day_type=day_type[first].tolist())
        busy = busy_ns.sum() / 60 / weeks
        add("nurse_busy_hours_per_week", "nurses", busy)
        days = range(warmup_days, model.calendar.days)
        patients = np.mean([model.patients[d] for d in days]) if len(days) else np.nan
        add("nurse_busy_hours_per_patient_week", "nurses",
            busy / patients if patients else np.nan)


def _break_kpis(st: Columns, code: dict[str, tuple[np.ndarray, int]], model: WardModel,
                weeks: float, add: KpiRows) -> None:
    """Add the break KPIs of one replication through ``add``.

    ``missed_breaks_per_week`` per group × shift with breaks (× day type and ``all``), per
    group and for the ward; ``break_hours_per_week`` (breaks taken) per group. ``code`` are
    the staff keys' codes.
    """
    missed = st["missed_breaks"]
    sel = np.flatnonzero(np.isin(st["shift"], list({b.shift for b in model.breaks})))
    for keys in (("group", "shift", "day_type"), ("group", "shift")):
        g = Groups.of(*(code[k][0][sel] for k in keys))
        first = sel[g.first()]
        add.many(g.n, g.sums(missed[sel])[0] / weeks, kpi="missed_breaks_per_week",
                 **{k: st[k][first].tolist() for k in keys})
    g = Groups.of(code["group"])
    sums = g.sums(missed, st["break_minutes"])
    per_group = np.column_stack((sums[0] / weeks, sums[1] / 60 / weeks))
    add.many(per_group.size, per_group.ravel(),
             kpi=["missed_breaks_per_week", "break_hours_per_week"] * g.n,
             group=st["group"][g.first()].repeat(2).tolist())
    add("missed_breaks_per_week", ALL, missed.sum() / weeks)


def _task_kpis(t: TaskTable, st: Columns | None, model: WardModel, nurses: list[str],
               weeks: float, add: KpiRows) -> None:
    measured = ~t.warmup
    tk = kept(measured)
    category = t.category[tk]
    if t.crew_minutes is not None and model.nurse_groups:
        crew = t.crew_minutes[tk]
        # a Kahan sum per category, as groupby(category).sum(); 0 for a category not seen
        minutes = kahan_sums(category, len(t.category_labels), crew)[0]
        code = {name: i for i, name in enumerate(t.category_labels.tolist())}
        names = sorted({task.category for task in model.tasks})
        found = np.append(minutes, 0.0)[[code.get(name, minutes.size) for name in names]]
        add.many(len(names), found / 60 / weeks, kpi="nurse_busy_hours_per_week",
                 group="nurses", category=names)
        on_duty = st["on_duty_minutes"][np.isin(st["group"], nurses)].sum() \
            if st is not None else 0.0
        if on_duty > 0:
            use = t.time_use[tk]
            by_class = kahan_sums(use, len(TIME_USE_CLASSES), crew)[0]
            add.many(len(TIME_USE_CLASSES), by_class / on_duty, kpi="nurse_time_share",
                     group="nurses", category=list(TIME_USE_CLASSES))
    if not measured.any():
        return
    # by placed group, by category and for all tasks: codes 0..G-1, G..G+C-1 and G+C
    n_g, n_c = len(t.group_labels), len(t.category_labels)
    group, wait = t.group[tk], t.wait[tk]
    cell = group * n_c + category
    counts = [np.bincount(cell, weights=x, minlength=n_g * n_c).reshape(n_g, n_c)
              for x in (None, t.late[tk], t.missed[tk], t.waiting[tk])]
    # counts are whole numbers: any order of summing them gives the same
    n, n_late, n_missed, n_waiting = (np.concatenate((c.sum(axis=1), c.sum(axis=0), [c.sum()]))
                                      for c in counts)
    # in order of first appearance within each grouping, as groupby(sort=False)
    rows = np.arange(group.size)
    first = np.full(n_g + n_c + 1, 2 * group.size)
    np.minimum.at(first, group, rows)
    np.minimum.at(first, n_g + category, rows + group.size)
    seen = np.flatnonzero(n)
    seen = seen[np.argsort(first[seen])]
    valid = ~np.isnan(wait)
    runs = [grouped(wait[valid], group[valid], n_g), grouped(wait[valid], category[valid], n_c),
            (np.sort(wait[valid]), np.array([valid.sum()]))]
    p50, p90 = run_quantiles(np.concatenate([v for v, _ in runs]),
                             np.concatenate([c for _, c in runs]), (0.5, 0.9))[seen].T
    size, n_late, n_missed, n_waiting = n[seen], n_late[seen], n_missed[seen], n_waiting[seen]
    values = np.column_stack((size / weeks, p50, p90, n_late / size, n_late / weeks,
                              n_missed / size, n_missed / weeks, n_waiting)).ravel()
    group_of = np.concatenate((t.group_labels, [""] * n_c, [ALL])).astype(object)
    category_of = np.concatenate(([""] * n_g, t.category_labels, [ALL])).astype(object)
    k = len(TASK_KPIS)
    add.many(values.size, values, kpi=list(TASK_KPIS) * seen.size,
             group=group_of[seen].repeat(k).tolist(), category=category_of[seen].repeat(k).tolist())


def _hour_kpis(hours: Columns, model: WardModel) -> dict[str, list]:
    """``utilisation_hour`` rows: busy over available minutes summed over the measured days.

    Available is on duty less break (``break_minutes``, if the table has it).
    """
    minutes = ["on_duty_minutes", "busy_minutes"]
    if "break_minutes" in hours:
        minutes.append("break_minutes")
    keep = ~hours["warmup"].astype(bool)
    group, day_type, hour = hours["group"][keep], hours["day_type"][keep], hours["hour"][keep]
    values = [hours[m][keep] for m in minutes]
    nurses = [model.group_ids[g] for g in sorted(model.nurse_groups)]
    # the nurses' rows once more as group "nurses": labels sorted with it, codes moved along
    g_code, g_labels = pd.factorize(group, sort=True)
    g_labels = np.asarray(g_labels, dtype=object)
    ns = np.isin(g_labels, nurses)[g_code]
    if ns.any():
        labels = np.unique(np.append(g_labels, "nurses"))
        g_code = np.concatenate((np.searchsorted(labels, g_labels)[g_code],
                                 np.full(int(ns.sum()), np.searchsorted(labels, "nurses"))))
        g_labels = labels
    d_code, d_labels = pd.factorize(day_type, sort=True)
    d_code = np.concatenate((d_code, d_code[ns]))
    hour = np.concatenate((hour, hour[ns])).astype(np.int64)
    values = [np.concatenate((v, v[ns])) for v in values]
    out: dict[str, list] = {k: [] for k in [*KPI_KEYS, "value"]}
    for key, n_dt, dts in ((g_code * len(d_labels) + d_code, len(d_labels), d_labels),
                           (g_code, 1, None)):
        code = key * 24 + hour
        sums = kahan_sums(code, len(g_labels) * n_dt * 24, *values)
        on, busy = sums[0], sums[1]
        available = on - sums[2] if len(minutes) == 3 else on
        index = np.flatnonzero(available > 0)
        gi, rest = np.divmod(index, n_dt * 24)
        di, hi = np.divmod(rest, 24)
        n = len(index)
        out["kpi"] += ["utilisation_hour"] * n
        out["group"] += g_labels[gi].tolist()
        out["category"] += [""] * n
        out["shift"] += [ALL] * n
        out["day_type"] += dts[di].tolist() if dts is not None else [ALL] * n
        out["interval"] += HOURS[hi].tolist()
        out["value"] += (busy[index] / available[index]).tolist()
    return out


def log_task_table(cols: LogColumns, model: WardModel, derived: Columns,
                   warmup_days: int = 0) -> TaskTable:
    """Read the log's tasks (:mod:`sim.measure.log_columns`) without making a per-task frame.

    ``derived`` is :func:`sim.measure.tidy.task_derived` of the same columns.
    """
    t = cols.tasks
    placed = np.array([task.group for task in model.tasks], dtype=np.int64)
    labels, of_kind = np.unique(np.array([task.category for task in model.tasks], dtype=object),
                                return_inverse=True)
    spent = np.minimum(t.end, model.calendar.horizon) - t.start
    spent[np.isnan(spent)] = 0.0
    return TaskTable(placed[t.kind], np.array(model.group_ids, dtype=object),
                     of_kind.astype(np.int64)[t.kind], labels, derived["wait"], derived["late"],
                     derived["missed"], t.status == WAITING, derived["day"] < warmup_days,
                     spent * t.nurse_crew, time_use_codes(model)[t.kind])
