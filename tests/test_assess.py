"""The verdict of ``wardsim assess``: hand-computable wards for every rule of the verdict.

Each rule of :mod:`sim.decide.assess` is tested on a ward where the right answer is known
without simulating: a certification nobody holds on weekend nights, an exact binomial
coverage chance, an M/M/c queue whose utilisation is ρ, and a moved task whose new group is
not on duty at night.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pandas as pd
import pytest
from conftest import base_dict

from sim.decide.assess import assess, cell_verdicts, judge, moved_tasks, scenario_verdicts
from sim.decide.structure import clock_text, none_present, roster_checks
from sim.decide.training import coverage_count, training_need
from sim.experiment import Results, run_replications
from sim.io.scenario import from_dict, merge
from sim.io.schema_targets import FTE, LateShares, Targets
from sim.model import WardModel, build_model

#: Targets that only the utilisation check can miss.
LENIENT = {"max_late_share": {"acute": 1, "high": 1, "normal": 1, "low": 1},
           "max_missed_per_week": 1e6}


def models_of(*raws: dict[str, Any]) -> list[WardModel]:
    return [dataclasses.replace(build_model(from_dict(r)), name=f"s{i}")
            for i, r in enumerate(raws)]


def run(model: WardModel, replications: int = 6, seed: int = 11) -> Results:
    return run_replications(model, replications, seed, detail=False, by_shift=True)


def judged(*raws: dict[str, Any], targets: list[Targets] | None = None, replications: int = 6
           ) -> pd.DataFrame:
    models = models_of(*raws)
    results = [run(m, replications) for m in models]
    targets = targets or [from_dict(r).targets for r in raws]
    frame = assess(models, results, [m.name for m in models], targets)
    frame["reason"] = frame["reason_key"]
    return frame


def cells_of(frame: pd.DataFrame, scenario: str) -> dict[tuple[str, str, str], str]:
    cells = cell_verdicts(frame)
    cells = cells[cells["scenario"] == scenario]
    return {(r.group, r.shift, r.day_type): r.verdict for r in cells.itertuples()}


# --- the CI rule ------------------------------------------------------------------------

def test_judge_uses_the_confidence_interval() -> None:
    assert judge(0.9, 0.88, 0.92, 0.85) == "not_feasible"   # wholly above
    assert judge(0.85, 0.80, 0.90, 0.85) == "at_risk"       # target inside
    assert judge(0.70, 0.65, 0.75, 0.85) == "feasible"      # wholly below
    assert judge(0.0, 0.0, 0.0, 0.0) == "feasible"          # no misses, target none
    assert judge(0.9, float("nan"), float("nan"), 0.85) == "at_risk"  # one replication


def test_clock_text_joins_a_span_across_midnight() -> None:
    import numpy as np
    mask = np.zeros(1440, bool)
    mask[:420] = mask[1380:] = True
    assert clock_text(mask) == "23:00–07:00"


# --- structural: a certification nobody holds on weekend nights -------------------------

def certified_ward(**changes: Any) -> dict[str, Any]:
    """Blood samples around the clock; 30 % of healthcare workers certified (0 of 1, 1 of 3)."""
    raw = base_dict(
        calendar={"days": 14, "start": "monday", "holidays": [2]},
        roster={"sykepleier": {"day": 2, "evening": 2, "night": 1},
                "helsefagarbeider": {"day": 3, "evening": 3,
                                     "night": {"weekday": 3, "weekend": 1}}},
        certifications={"venous_blood_sampling": {"sykepleier": "all", "helsefagarbeider": 0.3}},
        dispatch={"policy": "strict"},
        durations={"distribution": "fixed"},
    )
    raw["tasks"] = [{"id": "blodprove", "category": "blodprover", "group": "sykepleier",
                     "requires": "venous_blood_sampling", "per": "ward",
                     "when": {"anytime": 6}, "minutes": 5}]
    return merge(raw, changes)


def test_moving_a_certified_task_is_not_feasible_exactly_on_weekend_and_holiday_nights() -> None:
    base = certified_ward()
    variant = merge(base, {})
    variant["tasks"] = [dict(base["tasks"][0], group="helsefagarbeider")]
    frame = judged(base, variant)
    assert set(cells_of(frame, "s0").values()) == {"feasible"}
    variant_cells = cells_of(frame, "s1")
    bad = {cell for cell, verdict in variant_cells.items() if verdict != "feasible"}
    assert bad == {("helsefagarbeider", "night", "weekend"),
                   ("helsefagarbeider", "night", "holiday")}
    assert all(variant_cells[c] == "not_feasible" for c in bad)
    roster = frame[(frame["scenario"] == "s1") & (frame["check"] == "roster")
                   & (frame["verdict"] == "not_feasible")]
    assert set(roster["day_type"]) == {"weekend", "holiday"}
    args = roster.iloc[0]["reason_args"]
    assert roster.iloc[0]["reason_key"] == "roster_nobody_certified"
    assert args["certification"] == "venous_blood_sampling" and args["clock"] == "23:00–07:00"
    verdicts = scenario_verdicts(cell_verdicts(frame)).set_index("scenario")
    assert verdicts.loc["s0", "verdict"] == "feasible" and verdicts.loc["s0", "stopping"] == []
    assert verdicts.loc["s1", "verdict"] == "not_feasible"
    assert set(verdicts.loc["s1", "stopping"]) == bad


# --- coverage: the exact binomial chance that no certified member is present --------------

def coverage_ward(certified: int | str, heads: int = 1, absence: float = 0.1) -> dict[str, Any]:
    raw = base_dict(
        roster={"sykepleier": {"day": 2, "evening": 2, "night": 1},
                "helsefagarbeider": {"day": heads, "evening": heads, "night": heads}},
        certifications={"news": {"sykepleier": "all", "helsefagarbeider": certified}},
        absence={"helsefagarbeider": absence},
        durations={"distribution": "fixed"},
        calendar={"days": 7},
    )
    raw["tasks"] = [{"id": "news_screening", "category": "sjekkerutiner",
                     "group": "helsefagarbeider", "requires": "news", "per": "ward",
                     "when": {"anytime": 3}, "minutes": 4}]
    return raw


def test_none_present_is_absence_to_the_power_of_the_certified() -> None:
    assert none_present(0.1, 1) == pytest.approx(0.1)
    assert none_present(0.1, 3) == pytest.approx(0.001)
    assert none_present(0.1, 0) == 1.0


def test_one_certified_with_absence_ten_percent_is_at_risk_three_are_not() -> None:
    for certified, heads, value, verdict in ((1, 1, 0.1, "at_risk"), (3, 3, 0.001, "feasible")):
        model = build_model(from_dict(coverage_ward(certified, heads)))
        rows = [r for r in roster_checks(model, "s", Targets()) if r["check"] == "coverage"]
        assert {r["shift"] for r in rows} == {"day", "evening", "night"}
        for r in rows:
            assert r["value"] == pytest.approx(value) and r["verdict"] == verdict
            assert r["target"] == pytest.approx(0.01)
        if verdict == "at_risk":
            assert rows[0]["reason_key"] == "coverage"
            assert rows[0]["reason_args"]["certified"] == 1
            assert rows[0]["reason_args"]["absence"] == pytest.approx(0.1)


@pytest.mark.parametrize(("cover", "gap"), [
    ({"extra_shift": 0.5, "overtime": 0.3, "agency": 0.2}, 0.02),  # own staff keep the cert
    ({"agency": 1.0}, 0.1),                                         # agency staff hold none
])
def test_coverage_counts_an_absence_covered_by_own_staff_as_present(cover: dict,
                                                                    gap: float) -> None:
    raw = coverage_ward(1, 1)
    raw["absence_cover"] = {"helsefagarbeider": cover}
    model = build_model(from_dict(raw))
    rows = [r for r in roster_checks(model, "s", Targets()) if r["check"] == "coverage"]
    assert rows and all(r["value"] == pytest.approx(gap) for r in rows)
    assert all(r["verdict"] == "at_risk" for r in rows)  # both above 1 - 0.99
    assert coverage_count(model.staffing.certified_gap(1), 0.99) == 2


def test_the_certified_gap_is_the_share_of_drawn_shifts_with_no_certified_on_duty() -> None:
    from sim.inputs import draw_inputs
    from sim.rng import Streams

    raw = coverage_ward(1, 1, absence=0.3)
    raw["calendar"] = {"days": 28}
    raw["absence_cover"] = {"helsefagarbeider": {"extra_shift": 0.3, "overtime": 0.2,
                                                 "agency": 0.3}}
    model = build_model(from_dict(raw))
    gap = model.staffing.certified_gap(1)
    assert gap == pytest.approx(0.3 * 0.5)
    empty = shifts = 0
    for rep in range(40):
        duties = model.staffing.duties(model.calendar, draw_inputs(model, Streams(5, rep)).absence)
        cells: dict[tuple[int, str], bool] = {}
        for d in duties:
            if d.group == 1 and 0 <= d.day < 28:
                key = (d.day, d.shift)
                cells[key] = cells.get(key, False) or (not d.absent and "news" in d.certs)
        shifts += len(cells)
        empty += sum(not v for v in cells.values())
    share, se = empty / shifts, math.sqrt(gap * (1 - gap) / shifts)
    assert shifts == 40 * 28 * 3
    assert abs(share - gap) < 4 * se, (share, gap, se)


def test_coverage_count_is_the_smallest_n_with_enough_presence() -> None:
    assert coverage_count(0.1, 0.99) == 2      # 1 - 0.1**2 = 0.99 exactly
    assert coverage_count(0.1, 0.999) == 3
    assert coverage_count(0.0, 0.99) == 1
    assert coverage_count(0.06, 0.99) == 2


def test_training_need_is_two_for_absence_ten_percent() -> None:
    raw = coverage_ward(1, heads=3)
    model = dataclasses.replace(build_model(from_dict(raw)), name="s")
    tried: list[int] = []

    def rebuild(cert: str, group: str, n: int) -> WardModel:
        tried.append(n)
        changed = merge(raw, {"certifications": {cert: {group: n}}})
        return dataclasses.replace(build_model(from_dict(changed)), name="s")

    need = training_need(model, "s", Targets(), FTE(), rebuild, lambda m: run(m, 3))
    cells = need[need["shift"] != "all"]
    assert len(cells) == 3 * 2  # day/evening/night × weekday/weekend
    assert (cells["certified_now"] == 1).all() and (cells["certified_needed"] == 2).all()
    assert cells["targets_met"].all()
    assert tried == [2]  # the light load meets the late targets at the coverage count
    # one more certified on every shift: 3 shifts × 8 h × (5 weekdays + 2 weekend days)
    # = 168 h a week, / 35.5 h / (1 - 0.1) = 5.26 persons, rounded up to 6 in the total row
    total = need[need["shift"] == "all"].iloc[0]
    assert cells["persons_to_train"].sum() == pytest.approx(3 * 8 * 7 / 35.5 / 0.9, abs=0.03)
    assert total["persons_to_train"] == 6


# --- simulated: an M/M/c ward whose utilisation is ρ ---------------------------------------

def mmc_ward() -> dict[str, Any]:
    """M/M/2 with λ = 6/h and 10-minute tasks: ρ = λ / (c μ) = 0.5."""
    return {
        "name": "M/M/2", "ward": {"beds": 1}, "calendar": {"days": 14},
        "groups": [{"id": "sykepleier", "nurse": True}],
        "roster": {"sykepleier": 2},
        "durations": {"distribution": "exponential"},
        "tasks": [{"id": "oppgave", "category": "pasientbehandling", "group": "sykepleier",
                   "per": "ward", "when": {"anytime": 6 * 24}, "minutes": 10}],
    }


@pytest.mark.parametrize(("target", "verdict"), [(0.35, "not_feasible"), (0.75, "feasible"),
                                                 (0.5, "at_risk")])
def test_mmc_utilisation_target_below_at_and_above_rho(target: float, verdict: str) -> None:
    targets = Targets(max_utilisation=target, **LENIENT)
    frame = judged(mmc_ward(), targets=[targets], replications=10)
    util = frame[frame["check"] == "utilisation"]
    assert sorted(util["day_type"]) == ["weekday", "weekend"]  # one row per day type
    assert set(util["verdict"]) == {verdict}, util[["day_type", "value", "ci_low", "ci_high"]]
    assert set(cells_of(frame, "s0").values()) == {verdict}


# --- gliding back: the old group does the moved task where the new one is absent -----------

def test_moved_task_done_by_the_old_group_at_night_is_at_risk() -> None:
    base = base_dict(
        calendar={"days": 14},
        roster={"sykepleier": {"day": 2, "evening": 2, "night": 1},
                "helsefagarbeider": {"day": 2, "evening": 2, "night": 0}},
        durations={"distribution": "fixed"},
    )
    base["tasks"] = [{"id": "maling", "category": "sjekkerutiner", "group": "sykepleier",
                      "per": "ward", "when": {"anytime": 12}, "minutes": 10}]
    variant = merge(base, {})
    variant["tasks"] = [dict(base["tasks"][0], group="helsefagarbeider")]
    models = models_of(base, variant)
    assert moved_tasks(models[0], models[1]) == {"maling": "sykepleier"}
    frame = judged(base, variant)
    back = frame[(frame["check"] == "glide_back") & (frame["scenario"] == "s1")].set_index(
        ["shift", "day_type"])
    for day_type in ("weekday", "weekend"):
        night = back.loc[("night", day_type)]
        assert night["verdict"] == "at_risk" and night["value"] > 0.95
        assert night["reason_key"] == "glide_back"
        assert night["reason_args"]["from_group"] == "sykepleier"
        assert night["reason_args"]["share"] == pytest.approx(night["value"])
        assert back.loc[("day", day_type), "verdict"] == "feasible"
        assert back.loc[("day", day_type), "value"] < 0.05
    assert frame[(frame["scenario"] == "s0")]["check"].ne("glide_back").all()


def test_late_share_targets_are_read_per_priority() -> None:
    assert LateShares().of("acute") == 0.01 and LateShares(high=0.5).of("high") == 0.5
    assert Targets(max_utilisation={"sykepleier": 0.7}).max_utilisation_of("sykepleier") == 0.7
    assert Targets(max_utilisation={"sykepleier": 0.7}).max_utilisation_of("assistent") == 0.85
