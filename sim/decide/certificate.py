"""The clean-up: fresh replications test the chosen roster and each cheaper neighbour.

The search's replications chose the roster, so they are biased in its favour; the clean-up
runs new ones (replication numbers from :data:`FRESH`, the same seed: independent streams)
and tests, at the stated confidence 1 − α:

* the chosen roster **meets** every target: for each mean check (utilisation, late share
  per priority, missed per week, per group × shift × day type) the one-sided upper
  confidence bound of the mean lies at or below the target; the other checks of ``assess``
  (the roster rules, coverage, shift tails, glide-back) are judged as ``assess`` judges them;
* each cheaper neighbour (one head fewer in one varied cell) **misses**: one of those other
  checks fails as ``assess`` judges it, or for some mean check the one-sided lower bound
  lies above the target.

Sequential: stage k runs ``N · 2^k`` fresh replications (k = 0 .. ``stages`` − 1, in the
line of Batur & Kim 2010's fully sequential feasibility checks, simplified); a statement
decided at a stage is kept, the rest go to the next stage. The error is split over every
test (Bonferroni): α / (number of mean checks of every roster tested × stages), so with
probability at least 1 − α every statement reported as decided is true at once. A statement
still undecided after the last stage is reported as such, with its evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from scipy import stats

from sim.decide.cells import Cell
from sim.decide.evaluate import Evaluator, Roster, Verdict, is_mean_check
from sim.decide.optimise import neighbours

#: First replication number of the clean-up (far from the search's 0 .. N-1).
FRESH = 1_000_000
CERTIFICATE_COLUMNS = ["roster", "changed_cell", "claim", "status", "check", "group", "shift",
                       "day_type", "mean", "bound", "target", "replications"]


@dataclass
class Certificate:
    """The clean-up's statements (rows) and whether the chosen roster is certified."""

    rows: pd.DataFrame
    chosen_meets: bool
    neighbours_miss: bool
    alpha_per_test: float
    verdict: Verdict

    @property
    def certified(self) -> bool:
        """Whether every statement was decided as claimed."""
        return self.chosen_meets and self.neighbours_miss


def _se(row: pd.Series, n: int) -> float:
    """Return the standard error behind a 95 % two-sided t interval (the wider side; 0 if none)."""
    if n < 2:
        return math.inf
    half = max(abs(row["ci_high"] - row["value"]) if not math.isnan(row["ci_high"]) else 0.0,
               abs(row["value"] - row["ci_low"]) if not math.isnan(row["ci_low"]) else 0.0)
    return half / stats.t.ppf(0.975, n - 1)


def _bounds(v: Verdict, alpha: float) -> pd.DataFrame:
    """Mean checks with their one-sided lower and upper bounds at level ``1 - alpha``."""
    f = v.feasibility
    mean = f[f["check"].map(is_mean_check)].copy()
    n = v.replications
    q = stats.t.ppf(1 - alpha, n - 1) if n >= 2 else math.inf
    se = mean.apply(lambda r: _se(r, n), axis=1) if len(mean) else pd.Series(dtype=float)
    # a share lies in [0, 1] and a count per week is never negative: a t bound past
    # either edge says no more than the edge (and a share's target is at most 1)
    share = ~mean["check"].str.startswith("missed_per_week")
    mean["upper"] = (mean["value"] + q * se).where(~share, lambda u: u.clip(upper=1.0))
    mean["lower"] = (mean["value"] - q * se).clip(lower=0.0)
    return mean


def _rules_fail(v: Verdict) -> pd.DataFrame:
    f = v.feasibility
    return f[~f["check"].map(is_mean_check) & (f["verdict"] != "feasible")]


def certify(evaluator: Evaluator, cells: list[Cell], chosen: Roster, replications: int,
            confidence: float, stages: int = 3) -> Certificate:
    """Test the chosen roster and its cheaper neighbours on fresh replications."""
    near = neighbours(cells, chosen)
    open_ = {chosen: None, **{r: i for i, r in near}}
    alpha = 1.0 - confidence
    rows: list[dict] = []
    tests = None
    decided: dict[Roster, str] = {}
    last: dict[Roster, Verdict] = {}
    for stage in range(stages):
        count = replications * 2 ** stage
        todo = [r for r in open_ if r not in decided]
        if not todo:
            break
        verdicts = evaluator.many(todo, FRESH, count)
        if tests is None:  # every mean check of every roster, over every stage
            tests = max(1, sum(int(v.feasibility["check"].map(is_mean_check).sum())
                               for v in verdicts))
            per_test = alpha / (tests * stages)
        for v in verdicts:
            last[v.roster] = v
            checks = _bounds(v, per_test)
            rules = _rules_fail(v)
            if v.roster == chosen:
                missing = checks[checks["lower"] > checks["target"]]
                unsure = checks[checks["upper"] > checks["target"]]
                if len(rules) or len(missing):
                    decided[chosen] = "misses"
                elif not len(unsure):
                    decided[chosen] = "meets"
            else:
                missing = checks[checks["lower"] > checks["target"]]
                if len(rules) or len(missing):  # a rule judged as assess judges it
                    decided[v.roster] = "misses"
                elif not len(checks[checks["upper"] > checks["target"]]) and not len(rules):
                    decided[v.roster] = "meets"
    for roster, changed in open_.items():
        v = last[roster]
        status = decided.get(roster, "undecided")
        claim = "meets" if changed is None else "misses"
        rows.extend(_evidence(v, roster, cells, changed, claim, status, per_test))
    frame = pd.DataFrame(rows, columns=CERTIFICATE_COLUMNS)
    chosen_meets = decided.get(chosen) == "meets"
    others = all(decided.get(r) == "misses" for _, r in near)
    return Certificate(frame, chosen_meets, others, per_test, last[chosen])


def _evidence(v: Verdict, roster: Roster, cells: list[Cell], changed: int | None, claim: str,
              status: str, alpha: float) -> list[dict]:
    """Return the rows that show a statement: the tightest mean check, or the failed rule."""
    checks = _bounds(v, alpha)
    label = " ".join(str(x) for x in roster)
    cell = "" if changed is None else cells[changed].key
    base = {"roster": label, "changed_cell": cell, "claim": claim, "status": status,
            "replications": v.replications}
    rules = _rules_fail(v)
    if claim == "misses" and len(rules):
        r = rules.iloc[0]
        return [{**base, "check": r["check"], "group": r["group"], "shift": r["shift"],
                 "day_type": r["day_type"], "mean": r["value"], "bound": math.nan,
                 "target": r["target"]}]
    if not len(checks):
        return [{**base, "check": "", "group": "", "shift": "", "day_type": "",
                 "mean": math.nan, "bound": math.nan, "target": math.nan}]
    side = "lower" if claim == "misses" else "upper"
    # the check that misses most surely (misses), or the one closest to its target (meets),
    # relative to the target; a count of zero against a target of zero says nothing
    telling = checks[(checks["value"] != 0) | (checks["target"] != 0)]
    pool = telling if len(telling) else checks
    score = (pool[side] - pool["target"]) / pool["target"].abs().clip(lower=1e-3)
    r = pool.loc[score.idxmax()]
    bound = r[side]
    return [{**base, "check": r["check"], "group": r["group"], "shift": r["shift"],
             "day_type": r["day_type"], "mean": r["value"], "bound": bound, "target": r["target"]}]
