"""Replications: run a model many times with independent, reproducible streams.

Each replication r of seed s draws from ``Streams(s, r)`` only, so its numbers do not depend
on which process ran it or in which order: one worker or many give identical tables.
Per-replication KPIs are small and kept; per-task and per-staff rows are handed to an
``on_replication`` callback (e.g. a writer) and not kept, so memory stays flat.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from sim.engine import simulate
from sim.metrics import replication_kpis, summarise, tidy_staff, tidy_tasks
from sim.model import WardModel
from sim.parallel import map_unordered
from sim.rng import Streams


@dataclass
class Replication:
    """The tidy outputs of one replication."""

    replication: int
    kpis: pd.DataFrame
    staff: pd.DataFrame
    tasks: pd.DataFrame | None


@dataclass
class Results:
    """KPIs of every replication and their summary (means with 95% CIs)."""

    scenario: str
    kpis: pd.DataFrame
    summary: pd.DataFrame
    replications: int
    seed: int
    warmup_days: int


def run_one(model: WardModel, seed: int, replication: int, warmup_days: int = 0,
            detail: bool = True) -> Replication:
    """Simulate one replication and reduce it to tidy frames."""
    log = simulate(model, Streams(seed, replication))
    tasks = tidy_tasks(log, model, replication, warmup_days)
    staff = tidy_staff(log, model, replication, warmup_days)
    kpis = replication_kpis(tasks, staff, model, warmup_days)
    kpis.insert(0, "scenario", model.name)
    kpis.insert(0, "replication", replication)
    return Replication(replication, kpis, staff, tasks if detail else None)


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
        raise ValueError(f"warm-up of {warmup_days} days leaves nothing of a {model.calendar.days}-day run")
    done = set(skip)
    jobs = [(model, seed, r, warmup_days, detail) for r in range(replications) if r not in done]
    kpis = []
    for i, rep in enumerate(map_unordered(run_one, jobs, workers, executor, scheduler), start=1):
        kpis.append(rep.kpis)
        if on_replication is not None:
            on_replication(rep)
        if on_progress is not None:
            on_progress(i, len(jobs))
    frame = pd.concat(kpis, ignore_index=True) if kpis else pd.DataFrame()
    if len(frame):
        frame = frame.sort_values(["replication"], kind="stable").reset_index(drop=True)
    return Results(model.name, frame, summarise(frame) if len(frame) else frame,
                   replications, seed, warmup_days)
