"""The cheapest roster of the varied cells that ``assess`` finds feasible on every cell.

Method (sample average approximation with common random numbers):

1. **Bound.** :func:`sim.decide.bound.lower_bound` gives the cheapest roster meeting the
   necessary conditions (offered work within capacity, someone who may do each task on
   duty); no feasible roster costs less.
2. **Top.** The roster with every cell at its HIGH is evaluated first: if even it misses a
   target, no roster in range will (more staff never makes a target worse – assumed, see
   below), and :class:`NoRosterError` names the target and the best value reached.
3. **Up.** If the bound's roster misses a target: bisection on the line from it to the top
   (k/8 of the way, k = 4, 2 or 6, …: three rosters) gives the first feasible point; if
   that fails, one head more at a time in a cell that can help (a cell of a failing group
   × shift × day type, or of a broader group there under ``glide``), keeping the move that
   removes most of the misses per unit of cost.
4. **Down.** While the roster is feasible: try one head fewer in each cell, and one head
   moved from a cell to a cheaper one on the same shift and day type; take one head fewer
   in all the cells where that alone stays feasible if that is feasible too (else in half
   of them, …), else the cheapest feasible move. It stops when no single move is cheaper
   and feasible.

Every roster is evaluated on the same replications 0 .. N-1 of the same seed, so rosters
differ only by their heads. Pruned without simulation: rosters that break the bound's
necessary conditions, and rosters with no more heads in any cell than one already seen to
miss (*monotonicity*: more staff never makes a target worse – true of utilisation and of
waiting under ``strict`` dispatch in the usual queueing sense; assumed under ``glide``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from sim.decide.bound import Bound
from sim.decide.cells import Cell
from sim.decide.evaluate import Evaluator, Roster, Verdict
from sim.decide.sweep import SweepError

#: Points on the line from the bound's roster to the top that bisection chooses among.
STEPS = 8


class NoRosterError(SweepError):
    """No roster in the ranges meets the targets: the message names the target and best reached."""


@dataclass
class Trace:
    """Every roster looked at, in order.

    Rows are (roster, cost, outcome, phase, verdict); the outcome is ``feasible``,
    ``not_feasible``, ``pruned_bound`` or ``pruned_monotone``.
    """

    rows: list[tuple[Roster, float, str, str, Verdict | None]] = field(default_factory=list)

    def add(self, roster: Roster, cost: float, outcome: str, phase: str,
            verdict: Verdict | None = None) -> None:
        """Note one roster."""
        self.rows.append((roster, cost, outcome, phase, verdict))


def _touches(cell: Cell, failing: set[tuple[str, str, str]], order: dict[str, int],
             glide: bool) -> bool:
    for group, shift, day_type in failing:
        same_time = (cell.shift, cell.day_type) == (shift, day_type) or cell.shift == "continuous"
        helps = cell.group == group or (glide and order.get(cell.group, 99) < order.get(group, -1))
        if same_time and helps:
            return True
        if group == "":  # a roster the model refuses: anything may help
            return True
    return False


def _below(a: Roster, b: Roster) -> bool:
    return all(x <= y for x, y in zip(a, b, strict=True))


def describe_miss(verdict: Verdict) -> str:
    """Tell the worst missed target of a verdict in words (``late_share_normal of X … is …``)."""
    bad = verdict.failing()
    if not len(bad):
        return "every target met"
    r = bad.iloc[0]
    where = f" of {r['group']} ({r['shift']}, {r['day_type']})" if r["group"] else ""
    if r["check"] in ("roster", "crew") and not r["group"]:
        return f"the roster: {r['reason_key']}"
    ci = "" if pd.isna(r["ci_high"]) else \
        f" (95 % CI {float(r['ci_low']):.3g} to {float(r['ci_high']):.3g})"
    return (f"{r['check']}{where} is {float(r['value']):.3g}{ci} against a target of "
            f"{float(r['target']):.3g}")


@dataclass
class Search:
    """The state of a search: the evaluator, the bound, the trace and the best roster."""

    evaluator: Evaluator
    bound: Bound
    cells: list[Cell]
    replications: int
    group_order: dict[str, int]
    glide: bool
    trace: Trace = field(default_factory=Trace)
    misses: list[Roster] = field(default_factory=list)
    best: Verdict | None = None

    def cost(self, roster: Roster) -> float:
        """Cost per week of a roster."""
        return self.bound.cost_of(roster)

    def _evaluate(self, rosters: list[Roster], phase: str) -> list[Verdict]:
        """Evaluate what cannot be pruned; pruned rosters are traced and left out."""
        keep = []
        for r in dict.fromkeys(rosters):
            if self.bound.broken(r):
                self.trace.add(r, self.cost(r), "pruned_bound", phase)
            elif any(_below(r, m) for m in self.misses):
                self.trace.add(r, self.cost(r), "pruned_monotone", phase)
            else:
                keep.append(r)
        verdicts = self.evaluator.many(keep, 0, self.replications, early=True) if keep else []
        for v in verdicts:
            self.trace.add(v.roster, self.cost(v.roster), "feasible" if v.feasible else
                           "not_feasible", phase, v)
            if not v.feasible:
                self.misses.append(v.roster)
            elif self.best is None or self.cost(v.roster) < self.cost(self.best.roster) - 1e-9:
                self.best = v
        return verdicts

    def run(self) -> Verdict:
        """Search (see the module docstring); the chosen roster's verdict."""
        top = tuple(c.high for c in self.cells)
        (top_verdict,) = self.evaluator.many([top], 0, self.replications, early=True)
        self.trace.add(top, self.cost(top), "feasible" if top_verdict.feasible else "not_feasible",
                       "top", top_verdict)
        if not top_verdict.feasible:
            raise NoRosterError("no roster in the --vary ranges meets the targets: even with "
                                f"every varied cell at HIGH, {describe_miss(top_verdict)}; "
                                "widen the ranges or relax the targets")
        self.best = top_verdict
        start = self.bound.values or tuple(c.low for c in self.cells)
        (current,) = self._evaluate([start], "bound") or (None,)
        if current is None:  # pruned: cannot happen for the bound's own roster
            current = top_verdict
        if not current.feasible:
            current = self._bisect(current.roster, top_verdict)
        while not current.feasible:
            current = self._up(current)
        while True:
            better = self._down(current)
            if better is None:
                return current
            current = better

    def _bisect(self, low: Roster, top: Verdict) -> Verdict:
        """Return the first feasible roster on the line from ``low`` (missing) to the top.

        Points ``low + k/8 · (top - low)`` (rounded up), k found by bisection: 3 rosters.
        """
        lo, hi, best = 0, STEPS, top
        while hi - lo > 1:
            mid = (lo + hi) // 2
            point = tuple(math.ceil(a + (b - a) * mid / STEPS - 1e-9)
                          for a, b in zip(low, top.roster, strict=True))
            found = self._evaluate([point], "bisect")
            if found and found[0].feasible:
                hi, best = mid, found[0]
            else:
                lo = mid
        return best

    def _up(self, current: Verdict) -> Verdict:
        failing = {(r.group, r.shift, r.day_type) for r in current.failing().itertuples()}
        up = [i for i, c in enumerate(self.cells) if current.roster[i] < c.high]
        helping = [i for i in up if _touches(self.cells[i], failing, self.group_order, self.glide)]
        moves = [self._moved(current.roster, i, +1) for i in (helping or up)]
        verdicts = self._evaluate(moves, "up")
        feasible = [v for v in verdicts if v.feasible]
        if feasible:
            return min(feasible, key=lambda v: self.cost(v.roster))
        if not verdicts:  # every move pruned: take the cheapest step up
            i = min(up, key=lambda i: self.bound.weights[i])
            (v,) = self.evaluator.many([self._moved(current.roster, i, +1)], 0, self.replications,
                                        early=True)
            return v

        def gain(v: Verdict) -> float:
            extra = max(self.cost(v.roster) - self.cost(current.roster), 1e-9)
            return (current.violation - v.violation) / extra

        return max(verdicts, key=gain)

    def _down(self, current: Verdict) -> Verdict | None:
        x = current.roster
        moves = [self._moved(x, i, -1) for i, c in enumerate(self.cells) if x[i] > c.low]
        w = self.bound.weights
        for i, a in enumerate(self.cells):
            for j, b in enumerate(self.cells):
                if (i != j and x[i] > a.low and x[j] < b.high and w[j] < w[i] - 1e-9
                        and (a.shift, a.day_type) == (b.shift, b.day_type)):
                    moves.append(self._moved(self._moved(x, i, -1), j, +1))
        feasible = sorted((v for v in self._evaluate(moves, "down") if v.feasible
                           and self.cost(v.roster) < self.cost(x) - 1e-9),
                          key=lambda v: self.cost(v.roster))
        if not feasible:
            return None
        # one head fewer in every cell where that alone was feasible, then in half of them …
        fewer = [i for v in feasible for i in range(len(x)) if v.roster == self._moved(x, i, -1)]
        k = len(fewer)
        while k > 1:
            both = x
            for i in fewer[:k]:
                both = self._moved(both, i, -1)
            found = self._evaluate([both], "down")
            if found and found[0].feasible:
                return found[0]
            k //= 2
        return feasible[0]

    @staticmethod
    def _moved(roster: Roster, i: int, step: int) -> Roster:
        out = list(roster)
        out[i] += step
        return tuple(out)


def neighbours(cells: list[Cell], roster: Roster) -> list[tuple[int, Roster]]:
    """Return the cheaper neighbours: one head fewer in one cell (within its range)."""
    return [(i, Search._moved(roster, i, -1)) for i, c in enumerate(cells) if roster[i] > c.low]
