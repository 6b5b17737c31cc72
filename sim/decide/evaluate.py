"""Evaluate rosters of the varied cells on a fixed set of replications (common random numbers).

A roster is the tuple of head counts of the varied cells (:mod:`sim.decide.cells`). Each
job simulates one roster for one replication; its inputs are drawn once per process and
replication (:func:`sim.inputs.draw_inputs`, absence tables as wide as the largest head
count tried) and serve every roster, so rosters differ only by their heads. The verdict is
that of ``wardsim assess`` on every group × shift × day type (:func:`sim.decide.assess.assess`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.decide.assess import assess
from sim.decide.cells import Cell, with_roster
from sim.decide.structure import FEASIBILITY_COLUMNS, roster_checks
from sim.experiment import Results, run_one
from sim.inputs import Inputs, draw_inputs
from sim.io.errors import ScenarioError
from sim.io.scenario import from_dict
from sim.model import WardModel, build_model
from sim.parallel import map_unordered
from sim.rng import Streams

Roster = tuple[int, ...]
#: Per process (a pool worker, or this process with one worker): the inputs of the last
#: replications and the models of the last rosters, so a search does not draw or build
#: them again for every roster; keyed by the scenario's digest, never shared across wards.
_INPUTS: dict[tuple, Inputs] = {}
_KEEP_INPUTS = 64
_MODELS: dict[tuple, WardModel] = {}


def is_mean_check(check: str) -> bool:
    """Whether a feasibility row is a mean with a confidence interval (not a tail or a rule)."""
    return check in ("utilisation", "missed_per_week") or (
        check.startswith("late_share_") and not check.endswith("_tail"))


def build(raw: dict, source: str, cells: list[Cell], roster: Roster, days: int | None) -> WardModel:
    """Return the model of one roster."""
    return build_model(from_dict(with_roster(raw, cells, roster), source), source, days=days)


def scenario_digest(raw: dict) -> str:
    """Return a digest of a scenario mapping: which models a process may reuse."""
    return hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()


def _model(raw: dict, source: str, cells: list[Cell], roster: Roster, days: int | None,
           digest: str) -> WardModel:
    """Return the model of a roster, built once per process (its replications share it)."""
    key = (digest, source, tuple(cells), roster, days)
    model = _MODELS.get(key)
    if model is None:
        if len(_MODELS) >= _KEEP_INPUTS:
            _MODELS.pop(next(iter(_MODELS)))
        model = _MODELS[key] = build(raw, source, cells, roster, days)
    return model


def replicate(raw: dict, source: str, cells: list[Cell], roster: Roster, seed: int,
              replication: int, warmup_days: int, days: int | None,
              max_heads: int, digest: str = "") -> tuple[Roster, int, pd.DataFrame, pd.DataFrame]:
    """Simulate one roster for one replication; its per-shift staff and task tallies.

    ``run_one`` with ``detail=False`` counts the shift tallies from the log's arrays
    without a per-task frame (cheaper than making them here from one).
    """
    digest = digest or scenario_digest(raw)
    model = _model(raw, source, cells, roster, days, digest)
    key = (digest, days, seed, replication, max_heads)  # one draw serves every roster
    inputs = _INPUTS.get(key)
    if inputs is None:
        inputs = draw_inputs(model, Streams(seed, replication), max_heads)
        if len(_INPUTS) >= _KEEP_INPUTS:
            _INPUTS.pop(next(iter(_INPUTS)))
        _INPUTS[key] = inputs
    rep = run_one(model, seed, replication, warmup_days, detail=False, by_shift=True,
                  inputs=inputs)
    return roster, replication, rep.shift_staff, rep.shift_tasks


@dataclass
class Verdict:
    """A roster's feasibility on some replications: every check, and whether all are met."""

    roster: Roster
    feasibility: pd.DataFrame
    replications: int
    feasible: bool = field(init=False)
    violation: float = field(init=False)

    def __post_init__(self) -> None:
        f = self.feasibility
        self.feasible = bool((f["verdict"] == "feasible").all())
        self.violation = violation(f)

    def failing(self) -> pd.DataFrame:
        """Return the checks not met, worst first."""
        bad = self.feasibility[self.feasibility["verdict"] != "feasible"].copy()
        bad["excess"] = [_excess(r) for r in bad.itertuples()]
        return bad.sort_values("excess", ascending=False, kind="stable")


def _excess(r: object) -> float:
    """How far a check misses its target, relative to it (rules count as 10)."""
    check, value, high, target = r.check, r.value, r.ci_high, r.target
    if check in ("roster", "crew"):
        return 10.0
    top = value if np.isnan(high) else high
    return max(0.0, float(top) - float(target)) / max(abs(float(target)), 0.01)


def violation(feasibility: pd.DataFrame) -> float:
    """Return the sum of the relative excesses of every check not met (0: feasible)."""
    bad = feasibility[feasibility["verdict"] != "feasible"]
    return float(sum(_excess(r) for r in bad.itertuples()))


def judge_roster(model: WardModel, roster: Roster, staff: list[pd.DataFrame],
                 tasks: list[pd.DataFrame], first: int, warmup_days: int, targets) -> Verdict:
    """Return the assess verdict of a roster from its replications' tallies (renumbered from 0)."""
    joined = []
    for frames in (staff, tasks):
        frame = pd.concat(frames, ignore_index=True)
        frame["replication"] = frame["replication"] - first
        joined.append(frame)
    res = Results(model.name, pd.DataFrame(), pd.DataFrame(), len(staff), 0, warmup_days,
                  None, joined[0], joined[1])
    frame = assess([model], [res], [model.name], [targets])
    return Verdict(roster, frame.drop(columns=["reason_args"]), len(staff))


def unbuildable(roster: Roster, reason: str) -> Verdict:
    """Return the verdict of a roster the model refuses (a task nobody on it may do)."""
    frame = pd.DataFrame([{"scenario": "", "group": "", "shift": "", "day_type": "",
                           "verdict": "not_feasible", "check": "roster", "value": 0.0,
                           "ci_low": np.nan, "ci_high": np.nan, "target": 1.0,
                           "reason_key": reason}])
    return Verdict(roster, frame, 0)


def _misses(verdict: Verdict) -> bool:
    """Whether some check is ``not_feasible`` as ``assess`` judges it (not only at risk)."""
    return bool((verdict.feasibility["verdict"] == "not_feasible").any())


@dataclass
class Evaluator:
    """Evaluate rosters in batches on the replications ``reps``, in parallel, with a cache.

    ``cache`` maps (roster, first replication, count) to a verdict (e.g. read back on
    ``--resume``); ``on_verdict`` is called with each new one.
    """

    raw: dict
    source: str
    cells: list[Cell]
    seed: int
    warmup_days: int
    days: int | None
    targets: object
    workers: int = 1
    executor: str = "local"
    scheduler: str | None = None
    cache: dict = field(default_factory=dict)
    on_verdict: Callable[[Verdict, int], None] | None = None

    def __post_init__(self) -> None:
        self.digest = scenario_digest(self.raw)

    @property
    def max_heads(self) -> int:
        """How wide the absence tables are drawn: the largest head count tried, 64 at least."""
        return max([64, *(c.high for c in self.cells)])

    def many(self, rosters: Sequence[Roster], first: int, count: int,
             early: bool = False) -> list[Verdict]:
        """Verdicts of ``rosters`` on replications ``first`` .. ``first + count - 1``.

        A roster that breaks a rule of ``assess`` that needs no simulation (someone may do
        each task, crews, certified cover) is judged without one. With ``early`` (the
        search, never the clean-up: its tests count every look), the first half of the
        replications run first, and a roster that already misses a target as ``assess``
        judges it (a 95 % interval wholly above it, or a shift rule) is not run further:
        its verdict is on those replications.
        """
        half = (count + 1) // 2 if early and count >= 4 else count
        todo = []
        for r in dict.fromkeys(rosters):
            if self._cached(r, first, count, half) is not None:
                continue
            try:
                model = _model(self.raw, self.source, self.cells, r, self.days, self.digest)
            except ScenarioError as err:
                self._keep(unbuildable(r, str(err)), first, count)
                continue
            rules = pd.DataFrame(roster_checks(model, model.name, self.targets),
                                 columns=FEASIBILITY_COLUMNS)
            if len(rules) and (rules["verdict"] != "feasible").any():
                self._keep(Verdict(r, rules.drop(columns=["reason_args"]), 0), first, count)
                continue
            todo.append(r)
        got = self._run(todo, range(first, first + half))
        rest = []
        for r in todo:
            verdict = self._judge(r, got[r], first)
            if half == count or _misses(verdict):
                self._keep(verdict, first, half)
            else:
                rest.append(r)
        more = self._run(rest, range(first + half, first + count))
        for r in rest:
            self._keep(self._judge(r, (got[r][0] + more[r][0], got[r][1] + more[r][1]), first),
                       first, count)
        return [self._cached(r, first, count, half) for r in rosters]

    def _cached(self, roster: Roster, first: int, count: int, half: int) -> Verdict | None:
        """Return the verdict on ``count`` replications, or a miss seen on the first ``half``."""
        found = self.cache.get((roster, first, count))
        if found is None and half < count:
            early = self.cache.get((roster, first, half))
            found = early if early is not None and _misses(early) else None
        return found

    def _run(self, rosters: list[Roster], reps: range) -> dict[Roster, tuple[list, list]]:
        """Simulate every roster on ``reps`` in parallel: its staff and task tallies."""
        jobs = [(self.raw, self.source, self.cells, r, self.seed, rep, self.warmup_days,
                 self.days, self.max_heads, self.digest) for r in rosters for rep in reps]
        got: dict[Roster, tuple[list, list]] = {r: ([], []) for r in rosters}
        for roster, _, staff, tasks in map_unordered(replicate, jobs, self.workers,
                                                     self.executor, self.scheduler):
            got[roster][0].append(staff)
            got[roster][1].append(tasks)
        return got

    def _judge(self, roster: Roster, frames: tuple[list, list], first: int) -> Verdict:
        model = _model(self.raw, self.source, self.cells, roster, self.days, self.digest)
        staff, tasks = frames
        return judge_roster(model, roster, staff, tasks, first, self.warmup_days, self.targets)

    def _keep(self, verdict: Verdict, first: int, count: int) -> None:
        self.cache[(verdict.roster, first, count)] = verdict
        if self.on_verdict is not None:
            self.on_verdict(verdict, first)
