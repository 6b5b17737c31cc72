"""Replications: run a model many times with independent, reproducible streams.

Each replication r of seed s draws its inputs (:func:`sim.inputs.draw_inputs`) from
``Streams(s, r)`` only, before the engine runs, so its numbers do not depend on which
process ran it or in which order: one worker or many give identical tables.
Per-replication KPIs are small and kept; per-task and per-staff rows are handed to an
``on_replication`` callback (e.g. a writer) and not kept, so memory stays flat. Also kept:
the wait histogram of every replication and, with ``by_shift``, the per-shift-instance
tallies ``assess`` needs (a few rows per shift, not per task).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.engine import simulate
from sim.engine.eventlog import EventLog
from sim.inputs import Inputs, draw_inputs
from sim.io.schema_tasks import PRIORITIES
from sim.measure.cover import cover_columns
from sim.measure.grouping import kept
from sim.measure.hourly import hour_table
from sim.measure.kpis import TaskTable, kpi_columns, log_task_table
from sim.measure.log_columns import LogColumns, log_columns
from sim.measure.shifts import TASK_COLUMNS, shift_staff, shift_task_counts
from sim.measure.staff_minutes import staff_frame, staff_table
from sim.measure.text import text_column
from sim.measure.tidy import HISTOGRAM_COLUMNS, summarise, task_derived, tidy_tasks, wait_counts
from sim.model import WardModel
from sim.parallel import map_unordered
from sim.rng import Streams


@dataclass
class Replication:
    """The tidy outputs of one replication.

    ``waits`` is :func:`~sim.measure.tidy.wait_histogram`; ``shift_staff`` and ``shift_tasks``
    (see :mod:`sim.measure.shifts`) are None unless run with ``by_shift``. Each frame
    carries a ``replication`` column.
    """

    replication: int
    kpis: pd.DataFrame
    staff: pd.DataFrame
    tasks: pd.DataFrame | None
    waits: pd.DataFrame | None = None
    shift_staff: pd.DataFrame | None = None
    shift_tasks: pd.DataFrame | None = None


@dataclass
class Results:
    """KPIs of every replication and their summary (means with 95% CIs).

    ``waits``, ``shift_staff`` and ``shift_tasks`` are the replications' frames of the same
    name joined (sorted by replication; only those run here, not skipped ones), the last
    two None unless run with ``by_shift``.
    """

    scenario: str
    kpis: pd.DataFrame
    summary: pd.DataFrame
    replications: int
    seed: int
    warmup_days: int
    waits: pd.DataFrame | None = None
    shift_staff: pd.DataFrame | None = None
    shift_tasks: pd.DataFrame | None = None


def run_one(model: WardModel, seed: int, replication: int, warmup_days: int = 0,
            detail: bool = True, by_shift: bool = False,
            inputs: Inputs | None = None) -> Replication:
    """Simulate one replication and reduce it to tidy frames.

    ``inputs`` are the replication's draws if already made (e.g. once for every roster an
    optimiser tries); they must come from ``Streams(seed, replication)``.
    """
    if inputs is None:
        inputs = draw_inputs(model, Streams(seed, replication))
    elif (inputs.seed, inputs.replication) != (seed, replication):
        raise ValueError(f"inputs of seed {inputs.seed}, replication {inputs.replication} "
                         f"given for seed {seed}, replication {replication}")
    log = simulate(model, inputs)
    return reduce_log(log, model, replication, warmup_days, detail, by_shift)


def reduce_log(log: EventLog, model: WardModel, replication: int, warmup_days: int = 0,
               detail: bool = True, by_shift: bool = False) -> Replication:
    """Reduce one replication's event log to its tidy frames (see :func:`run_one`).

    The log is read into arrays once (:func:`~sim.measure.log_columns.log_columns`) and every
    frame and KPI is made from them; the per-task frame only when ``detail`` or
    ``by_shift`` needs it.
    """
    cols = log_columns(log, model.nurse_groups)
    derived = task_derived(cols, model)
    tasks = tidy_tasks(log, model, replication, warmup_days, cols) if detail else None
    staff = staff_table(cols, model, warmup_days)
    task_table = log_task_table(cols, model, derived, warmup_days)
    columns = kpi_columns(task_table, staff, model, warmup_days,
                          hour_table(cols, model, warmup_days))
    if model.staffing.has_cover:  # so a ward without absence cover keeps exactly its rows
        for name, values in cover_columns(log.duties, model, warmup_days).items():
            columns[name] += values
    n = len(columns["kpi"])
    kpis = pd.DataFrame({"replication": np.full(n, replication, dtype=np.int64),
                         "scenario": text_column([model.name] * n),
                         **{k: text_column(v) if k != "value" else v for k, v in columns.items()}})
    waits = _wait_histogram(cols, model, task_table, replication)
    per_staff = per_task = None
    if by_shift:
        per_staff = _numbered(shift_staff(log, model, warmup_days, cols), replication)
        per_task = _numbered(_shift_tasks(cols, model, derived, warmup_days), replication)
    return Replication(replication, kpis, staff_frame(staff, model, replication),
                       tasks if detail else None, waits, per_staff, per_task)


def _shift_tasks(cols: LogColumns, model: WardModel, derived: dict[str, np.ndarray],
                 warmup_days: int) -> pd.DataFrame:
    """:func:`~sim.measure.shifts.shift_tasks` of the log's tasks, without a per-task frame."""
    t = cols.tasks
    if not t.seq.size:
        return pd.DataFrame(columns=TASK_COLUMNS)
    measured = derived["day"] >= warmup_days
    kind = t.kind[measured]
    placed = np.array([task.group for task in model.tasks], dtype=np.int64)[kind]
    first = t.first[measured]
    performed = np.where(first >= 0, cols.duties.group[np.maximum(first, 0)], -1) \
        if cols.duties.group.size else np.full(first.size, -1)
    return shift_task_counts(model, placed, t.arrival[measured], kind, performed,
                             derived["late"][measured].astype(np.int64),
                             derived["missed"][measured].astype(np.int64))


def _wait_histogram(cols: LogColumns, model: WardModel, tasks: TaskTable,
                    replication: int) -> pd.DataFrame:
    """:func:`~sim.measure.tidy.wait_histogram` of the log's tasks, without a per-task frame.

    ``tasks`` is :func:`~sim.measure.kpis.log_task_table` of the same columns: its
    categories are coded in name order, as the histogram lists them.
    """
    kind = cols.tasks.kind
    if not kind.size:
        return _numbered(pd.DataFrame(columns=HISTOGRAM_COLUMNS), replication)
    measured = kept(~tasks.warmup)
    priority = np.array([t.priority for t in model.tasks], dtype=np.int64)
    return wait_counts(tasks.wait[measured], priority[kind[measured]],
                       list(range(len(PRIORITIES))), list(PRIORITIES),
                       tasks.category[measured], tasks.category_labels.tolist(), replication)


def _numbered(frame: pd.DataFrame, replication: int, scenario: str | None = None) -> pd.DataFrame:
    if scenario is not None:
        frame.insert(0, "scenario", scenario)
    frame.insert(0, "replication", replication)
    return frame


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_replications(
    model: WardModel,
    replications: int,
    seed: int,
    warmup_days: int = 0,
    *,
    detail: bool = True,
    by_shift: bool = False,
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    on_replication: Callable[[Replication], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    skip: Iterable[int] = (),
) -> Results:
    """Run ``replications`` replications and summarise them.

    Parameters
    ----------
    on_replication
        Called with each finished replication (in completion order), e.g. to write it.
    on_progress
        Called as ``on_progress(done, total)`` after each replication.
    skip
        Replication numbers already done (their KPIs must be supplied by the caller).
    """
    if warmup_days >= model.calendar.days:
        raise ValueError(f"warm-up of {warmup_days} days leaves nothing of a "
                         f"{model.calendar.days}-day run")
    done = set(skip)
    # by_shift joins the job only when asked, so callers' run_one stand-ins keep working
    extra = (True,) if by_shift else ()
    jobs = [(model, seed, r, warmup_days, detail, *extra) for r in range(replications)
            if r not in done]
    kept: dict[str, list[pd.DataFrame]] = {"kpis": [], "waits": [], "shift_staff": [],
                                           "shift_tasks": []}
    for i, rep in enumerate(map_unordered(run_one, jobs, workers, executor, scheduler), start=1):
        for name, frames in kept.items():
            frame = getattr(rep, name, None)
            if frame is not None:
                frames.append(frame)
        if on_replication is not None:
            on_replication(rep)
        if on_progress is not None:
            on_progress(i, len(jobs))
    joined = {name: _joined(frames) for name, frames in kept.items()}
    frame = joined["kpis"] if joined["kpis"] is not None else pd.DataFrame()
    return Results(model.name, frame, summarise(frame) if len(frame) else frame,
                   replications, seed, warmup_days, joined["waits"],
                   joined["shift_staff"] if by_shift else None,
                   joined["shift_tasks"] if by_shift else None)


def _joined(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    """Replications' frames in replication order, whatever order they finished in."""
    if not frames:
        return None
    frame = pd.concat(frames, ignore_index=True)
    return frame.sort_values(["replication"], kind="stable").reset_index(drop=True)
