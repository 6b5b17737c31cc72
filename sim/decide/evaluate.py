"""Evaluate rosters of the varied cells on a fixed set of replications (common random numbers).

A roster is the tuple of head counts of the varied cells (:mod:`sim.decide.cells`). Each
job simulates one roster for one replication; its inputs are drawn once per process and
replication (:func:`sim.inputs.draw_inputs`, absence tables as wide as the largest head
count tried) and serve every roster, so rosters differ only by their heads. The verdict is
that of ``wardsim assess`` on every group × shift × day type (:func:`sim.decide.assess.assess`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.decide.assess import assess
from sim.decide.cells import Cell, with_roster
from sim.experiment import Results, run_one
from sim.inputs import Inputs, draw_inputs
from sim.io.errors import ScenarioError
from sim.io.scenario import from_dict
from sim.model import WardModel, build_model
from sim.parallel import map_unordered
from sim.rng import Streams

Roster = tuple[int, ...]
#: Checks on a mean over replications (a t interval); the others are judged as assess does.
MEAN_CHECKS = ("utilisation", "late_share_", "missed_per_week")
_INPUTS: dict[tuple[int, int, int], Inputs] = {}
_KEEP_INPUTS = 64


def is_mean_check(check: str) -> bool:
    """Whether a feasibility row is a mean with a confidence interval (not a tail or a rule)."""
    return check in ("utilisation", "missed_per_week") or (
        check.startswith("late_share_") and not check.endswith("_tail"))


def build(raw: dict, source: str, cells: list[Cell], roster: Roster, days: int | None) -> WardModel:
    """Return the model of one roster."""
    return build_model(from_dict(with_roster(raw, cells, roster), source), source, days=days)


def replicate(raw: dict, source: str, cells: list[Cell], roster: Roster, seed: int,
              replication: int, warmup_days: int, days: int | None,
              max_heads: int) -> tuple[Roster, int, pd.DataFrame, pd.DataFrame]:
    """Simulate one roster for one replication; its per-shift staff and task tallies."""
    model = build(raw, source, cells, roster, days)
    key = (seed, replication, max_heads)
    inputs = _INPUTS.get(key)
    if inputs is None:
        inputs = draw_inputs(model, Streams(seed, replication), max_heads)
        if len(_INPUTS) >= _KEEP_INPUTS:
            _INPUTS.pop(next(iter(_INPUTS)))
        _INPUTS[key] = inputs
    rep = run_one(model, seed, replication, warmup_days, detail=False, by_shift=True, inputs=inputs)
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

    @property
    def max_heads(self) -> int:
        """How wide the absence tables are drawn: the largest head count tried, 64 at least."""
        return max([64, *(c.high for c in self.cells)])

    def many(self, rosters: Sequence[Roster], first: int, count: int) -> list[Verdict]:
        """Verdicts of ``rosters`` on replications ``first`` .. ``first + count - 1``."""
        todo = []
        for r in dict.fromkeys(rosters):
            if (r, first, count) in self.cache:
                continue
            try:
                build(self.raw, self.source, self.cells, r, self.days)
            except ScenarioError as err:
                self._keep(unbuildable(r, str(err)), first, count)
                continue
            todo.append(r)
        jobs = [(self.raw, self.source, self.cells, r, self.seed, rep, self.warmup_days,
                 self.days, self.max_heads) for r in todo for rep in range(first, first + count)]
        got: dict[Roster, tuple[list, list]] = {r: ([], []) for r in todo}
        done = {r: 0 for r in todo}
        for roster, _, staff, tasks in map_unordered(replicate, jobs, self.workers,
                                                     self.executor, self.scheduler):
            got[roster][0].append(staff)
            got[roster][1].append(tasks)
            done[roster] += 1
            if done[roster] == count:
                model = build(self.raw, self.source, self.cells, roster, self.days)
                staff, tasks = got.pop(roster)
                self._keep(judge_roster(model, roster, staff, tasks, first, self.warmup_days,
                                        self.targets), first, count)
        return [self.cache[(r, first, count)] for r in rosters]

    def _keep(self, verdict: Verdict, first: int, count: int) -> None:
        self.cache[(verdict.roster, first, count)] = verdict
        if self.on_verdict is not None:
            self.on_verdict(verdict, first)
