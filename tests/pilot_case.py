"""Pilot files made by wardsim itself: a scenario simulated once is the "pilot" that measured.

:func:`write_pilot` simulates a scenario with a seed (a normal run, absence drawn), writes
its census and the staffing that run actually had on duty (present members per group,
shift and day), and what a pilot would have measured in it: utilisation and late and
missed tasks from the run's tidy frames (:mod:`sim.measure.tidy`, by calendar day, not the
check's shift instances), and work sampling by random moments – a member on duty picked in
proportion to time on duty, a moment uniform in their time, and whatever task they were on
then – so the measured shares carry the binomial error a real study has.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.engine import simulate
from sim.engine.eventlog import EventLog
from sim.inputs import draw_inputs
from sim.io.scenario import from_dict
from sim.measure.tidy import tidy_staff, tidy_tasks
from sim.model import WardModel, build_model
from sim.rng import Streams

FIRST = dt.date(2024, 3, 4)  # a Monday


def ward(**changes: Any) -> dict[str, Any]:
    """Return a small ward busy enough to measure: 8 beds, two groups, a week, nurse absence 10 %.

    A key in ``changes`` replaces the whole entry of that key.
    """
    from conftest import base_dict

    raw = base_dict(
        name="pilot ward", ward={"beds": 8, "occupancy": {"weekday": 1.0, "weekend": 0.75}},
        calendar={"days": 7, "start": "monday"}, absence={"sykepleier": 0.1},
        durations={"distribution": "lognormal", "cv": 0.6})
    raw["tasks"] = [
        {"id": "stell", "category": "pasientbehandling", "group": "helsefagarbeider",
         "when": {"anytime": 6.0}, "minutes": 12},
        {"id": "observasjon", "category": "sjekkerutiner", "group": "sykepleier",
         "when": {"anytime": 5.0}, "minutes": 10, "max_wait": 20, "drop_after": 45},
        {"id": "medisin", "category": "legemiddelhandtering", "group": "sykepleier",
         "at": ["08:00", "14:00", "20:00"], "jitter": 20, "minutes": 4},
        {"id": "journal", "category": "dokumentasjon", "group": "sykepleier",
         "when": {"weekday_daytime": 3.0}, "minutes": 8, "priority": "low"},
    ]
    raw.update(changes)  # a key given replaces the ward's whole entry
    return raw


def pilot_run(raw: dict[str, Any], seed: int, replication: int = 0
              ) -> tuple[WardModel, EventLog]:
    """Return a normal run of the scenario: its model and event log."""
    model = build_model(from_dict(raw))
    return model, simulate(model, draw_inputs(model, Streams(seed, replication)))


def _date(day: int) -> str:
    return (FIRST + dt.timedelta(days=day)).isoformat()


def census_and_staffing(model: WardModel, log: EventLog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Patients per date; the members present per date, group and shift (the night before too)."""
    census = pd.DataFrame({"date": [_date(d) for d in range(model.calendar.days)],
                           "patients": list(model.patients)})
    counts: dict[tuple[int, str, str], int] = {}
    for duty in log.duties:
        key = (duty.day, model.group_ids[duty.group], duty.shift)
        counts[key] = counts.get(key, 0) + (0 if duty.absent else 1)
    staffing = pd.DataFrame([(_date(d), g, s, n) for (d, g, s), n in sorted(counts.items())],
                            columns=["date", "group", "shift", "on_duty"])
    return census, staffing


def sample_moments(model: WardModel, log: EventLog, group: str, n: int,
                   rng: np.random.Generator) -> dict[str, int]:
    """Work sampling: of ``n`` random moments of ``group``'s time on duty, how many per category."""
    index = model.group_ids.index(group)
    horizon = log.horizon
    mine = [i for i, d in enumerate(log.duties) if d.group == index and not d.absent]
    start = np.array([log.duties[i].start for i in mine])
    end = np.minimum(np.array([log.duty_end[i] for i in mine]), horizon)
    spans: dict[int, list[tuple[float, float, int]]] = {i: [] for i in mine}
    for _, kind, _, _, s, e, crew in log.started:
        for member in crew:
            if member in spans:
                spans[member].append((s, e, kind))
    weights = (end - start) / (end - start).sum()
    counts: dict[str, int] = {"idle": 0}
    for k in rng.choice(len(mine), size=n, p=weights):
        t = start[k] + rng.random() * (end[k] - start[k])
        kind = next((kd for s, e, kd in spans[mine[k]] if s <= t < e), None)
        name = "idle" if kind is None else model.tasks[kind].category
        counts[name] = counts.get(name, 0) + 1
    return counts


def measured(model: WardModel, log: EventLog, seed: int, moments: int = 400) -> pd.DataFrame:
    """Return what the pilot measured in the run (see the module docstring)."""
    staff = tidy_staff(log, model)
    tasks = tidy_tasks(log, model)
    rows = []
    for group in model.group_ids:
        g = staff[staff["group"] == group]
        rows.append((group, "utilisation", "", g["busy_minutes"].sum() / g["on_duty_minutes"].sum(),
                     None, None, "", ""))
        counts = sample_moments(model, log, group, moments, np.random.default_rng(seed))
        categories = {t.category for t in model.tasks if model.group_ids[t.group] == group}
        for category in sorted(categories | {"idle"}):
            rows.append((group, "work_sampling", category, None, counts.get(category, 0),
                         moments, "", ""))
    day = staff[(staff["group"] == "sykepleier") & (staff["shift"] == "day")
                & (staff["day_type"] == "weekday")]
    rows.append(("sykepleier", "utilisation", "", day["busy_minutes"].sum()
                 / day["on_duty_minutes"].sum(), None, None, "day", "weekday"))
    rows.append(("all", "late_share", "", tasks["late"].mean(), None, len(tasks), "", ""))
    rows.append(("", "missed_per_week", "", tasks["missed"].sum() / (model.calendar.days / 7),
                 None, None, "", ""))
    return pd.DataFrame(rows, columns=["group", "kpi", "category", "value", "count", "n",
                                       "shift", "day_type"])


def write_pilot(folder: Path, raw: dict[str, Any], seed: int, moments: int = 400) -> Path:
    """Return a pilot folder (census.csv, staffing.csv, measured.csv) from one run of ``raw``."""
    model, log = pilot_run(raw, seed)
    census, staffing = census_and_staffing(model, log)
    folder.mkdir(parents=True, exist_ok=True)
    census.to_csv(folder / "census.csv", index=False)
    staffing.to_csv(folder / "staffing.csv", index=False)
    measured(model, log, seed, moments).to_csv(folder / "measured.csv", index=False)
    return folder
