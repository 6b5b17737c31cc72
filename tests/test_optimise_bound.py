"""The optimiser's lower bound under glide: never above the best roster found by brute force.

A small ward with three shifts, glide dispatch, a certified task on the healthcare worker
and absence cover: every roster in range is simulated, and the cheapest that ``assess``
finds feasible must cost at least the bound. The bound's cost is the one of
:func:`sim.decide.costs.cost_per_week` (rostered plus expected absence cover).
"""

from __future__ import annotations

import pytest

from sim.decide.bound import lower_bound
from sim.decide.cells import parse_cells
from sim.decide.costs import cost_per_week
from sim.decide.evaluate import Evaluator, build
from sim.io.scenario import from_dict

SHIFTS = {"day": {"start": "07:00", "end": "15:00"},
          "evening": {"start": "15:00", "end": "23:00"},
          "night": {"start": "23:00", "end": "07:00"}}
VARY = ["roster.helsefagarbeider.day=0:3", "roster.sykepleier.day.weekday=1:3"]


def shift_ward() -> dict:
    """Return nurses and healthcare workers on three shifts; hfa tasks may glide to nurses."""
    return {
        "name": "shifts", "ward": {"beds": 10, "occupancy": 1.0}, "calendar": {"days": 7},
        "groups": [{"id": "sykepleier", "nurse": True, "cost_per_hour": 560},
                   {"id": "helsefagarbeider", "cost_per_hour": 470}],
        "shifts": SHIFTS,
        "roster": {"sykepleier": {"day": 2, "evening": 2, "night": 1},
                   "helsefagarbeider": {"day": 2, "evening": 2, "night": 2}},
        "absence": {"sykepleier": 0.05, "helsefagarbeider": 0.05},
        "absence_cover": {"helsefagarbeider": {"extra_shift": 0.5, "agency": 0.2}},
        "certifications": {"news": {"sykepleier": "all", "helsefagarbeider": "all"}},
        "dispatch": {"policy": "glide", "glide_after": 15},
        "durations": {"distribution": "lognormal", "cv": 0.5},
        "targets": {"max_utilisation": 0.85, "shift_tail": 0.5, "max_missed_per_week": 2,
                    "max_late_share": {"acute": 0.2, "high": 0.2, "normal": 0.3, "low": 0.4}},
        "tasks": [
            {"id": "medisin", "category": "legemiddelhandtering", "group": "sykepleier",
             "per": "patient", "when": {"anytime": 3}, "minutes": 10, "max_wait": 60},
            {"id": "stell", "category": "pasientbehandling", "group": "helsefagarbeider",
             "per": "patient", "when": {"07-09": 1, "09-12": 1}, "minutes": 20,
             "max_wait": 90},
            {"id": "news", "category": "pasientbehandling", "group": "helsefagarbeider",
             "per": "patient", "when": {"anytime": 2}, "minutes": 5, "max_wait": 60,
             "requires": "news"},
        ],
    }


def test_the_bound_is_never_above_the_best_roster_in_range() -> None:
    raw = shift_ward()
    scenario = from_dict(raw)
    model = build(raw, "ward.yaml", [], (), None)
    cells = parse_cells(raw, VARY, ["weekday", "weekend"])
    bound = lower_bound(model, cells, scenario.targets)
    rosters = [(a, b, c) for a in range(4) for b in range(4) for c in range(1, 4)]
    evaluator = Evaluator(raw, "ward.yaml", cells, 1, 1, None, scenario.targets, workers=2)
    verdicts = evaluator.many(rosters, 0, 4)
    feasible = [bound.cost_of(v.roster) for v in verdicts if v.feasible]
    assert feasible, "the test ward must have a feasible roster in range"
    assert bound.values is not None
    assert bound.cost <= min(feasible) + 1e-6
    # the bound is not empty: the certified task needs two on the day shift (0.05 ** 1 > 0.01)
    assert min(bound.values[:2]) >= 2
    assert all(bound.broken(v.roster) == [] for v in verdicts if v.feasible)


def test_the_cost_is_rostered_plus_expected_cover() -> None:
    raw = shift_ward()
    scenario = from_dict(raw)
    model = build(raw, "ward.yaml", [], (), None)
    cells = parse_cells(raw, VARY, ["weekday", "weekend"])
    bound = lower_bound(model, cells, scenario.targets)
    for roster in [(0, 0, 1), (2, 3, 2), (3, 1, 3)]:
        assert bound.cost_of(roster) == pytest.approx(
            cost_per_week(build(raw, "ward.yaml", cells, roster, None)))


def test_the_certificates_bounds_stay_within_what_a_share_or_a_count_can_be() -> None:
    import pandas as pd

    from sim.decide.certificate import _bounds
    from sim.decide.evaluate import Verdict

    rows = pd.DataFrame({"check": ["late_share_acute", "utilisation", "missed_per_week"],
                         "value": [0.25, 0.5, 0.2], "ci_low": [0.0, 0.45, 0.0],
                         "ci_high": [0.554, 0.55, 0.5], "target": [0.6, 0.85, 1.0],
                         "verdict": "at_risk"})
    bounds = _bounds(Verdict((1,), rows, 4), alpha=0.001).set_index("check")
    # a t bound on 4 replications runs far past the edges; a share stops at 1, all at 0
    assert bounds.loc["late_share_acute", "upper"] == 1.0
    assert bounds.loc["late_share_acute", "lower"] == 0.0
    assert bounds.loc["missed_per_week", "upper"] > 1.0  # a count has no upper edge
    assert bounds.loc["missed_per_week", "lower"] == 0.0
    assert 0.5 < bounds.loc["utilisation", "upper"] < 1.0
