"""``wardsim compare``: common random numbers, paired and Welch differences, plain-language tables.

What is pinned down here (issue 3, "Compare"):

* A scenario compared with itself differs by exactly zero, with a CI of exactly [0, 0].
* Common random numbers at engine level: a variant that changes only the roster, or moves a
  task to another group, sees exactly the same task arrivals (task, time) and the same
  inherent durations, and the absences of every group it did not change are identical.
* 1 worker and 2 workers give identical tables.
* Pilot sections: scenarios with different task lists (or beds) are not paired; their
  difference is a Welch interval, checked against :func:`scipy.stats.ttest_ind`.
* Freed nurse hours are positive when a nurse task moves to healthcare workers; groups above
  ``--max-utilisation`` are listed; ``comparison.csv`` has the documented columns.
* With ``--independent-streams`` the paired difference of a roster-only change varies more
  than with common random numbers.

Every simulation is the tiny two-group ward of ``conftest.base_dict`` over one to three
days with two to eight replications.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import base_dict
from scipy import stats

from sim.cli import main
from sim.decide.compare import (
    COMPARISON_COLUMNS,
    can_pair,
    compare,
    freed_nurse_hours,
    over_threshold,
    welch_interval,
    worse_categories,
)
from sim.engine import simulate
from sim.engine import work as engine_work
from sim.experiment import run_replications
from sim.inputs import draw_inputs
from sim.io.scenario import from_dict
from sim.measure.tidy import KPI_KEYS
from sim.model import build_model
from sim.rng import Streams

DOCUMENTED_COLUMNS = [
    "scenario", "kpi", "group", "category", "shift", "day_type", "interval", "mean", "ci_low",
    "ci_high", "diff", "diff_ci_low", "diff_ci_high", "paired", "replications",
]
#: Absence on both groups, so that absence streams are exercised.
ABSENCE = {"sykepleier": 0.2, "helsefagarbeider": 0.2}
#: A roster-only change: one more nurse on days, one fewer in the evening, one more at night.
ROSTER_CHANGE = {"roster": {"sykepleier": {"day": 3, "evening": 1, "night": 2}}}


def _ward(**changes: Any) -> dict[str, Any]:
    """Build the conftest ward with absence, a busier healthcare-worker task, and ``changes``."""
    raw = base_dict(absence=ABSENCE, calendar={"days": 2})
    raw["tasks"][0]["when"] = {"anytime": 8.0}  # stell: 8 per patient and day, 10 min
    return base_dict(**{**raw, **changes}) if changes else raw


def _moved(raw: dict[str, Any], task_id: str, group: str) -> dict[str, Any]:
    out = base_dict(**raw)
    for task in out["tasks"]:
        if task["id"] == task_id:
            task["group"] = group
    return out


def _write(folder: Path, name: str, raw: dict[str, Any]) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def _compare(out: Path, *scenarios: str, reps: int = 3, workers: int = 1,
             extra: tuple = ()) -> Path:
    code = main(["compare", *scenarios, "-n", str(reps), "--seed", "7", "--workers", str(workers),
                 "--out", str(out), *extra])
    assert code == 0
    return out


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path)


def _rep_values(folder: Path, scenario: str) -> pd.DataFrame:
    """Per-replication KPI values of one scenario of a compare folder (keys as text)."""
    frame = pd.read_csv(folder / scenario / "replications.csv", dtype={k: str for k in KPI_KEYS},
                        keep_default_na=False, na_values={"value": [""]})
    return frame


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Scenario files: the ward, a roster-only variant, a moved-task variant, a pilot section."""
    folder = tmp_path_factory.mktemp("scenarios")
    ward = _ward()
    pilot = base_dict(**ward)
    pilot["tasks"].append({"id": "ekstra", "category": "dokumentasjon", "group": "sykepleier",
                           "when": {"anytime": 2.0}, "minutes": 15})
    # no absence, light load
    strict = base_dict(calendar={"days": 2}, dispatch={"policy": "strict"})
    return {
        "ward": _write(folder, "ward", ward),
        "roster": _write(folder, "roster", _ward(**ROSTER_CHANGE)),
        "moved": _write(folder, "moved", _moved(ward, "medisin", "helsefagarbeider")),
        "pilot": _write(folder, "pilot", pilot),
        "strict": _write(folder, "strict", strict),
        "strict_moved": _write(folder, "strict_moved",
                               _moved(strict, "medisin", "helsefagarbeider")),
    }


@pytest.fixture(scope="module")
def strict_moved(files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Strict dispatch: medisin (a nurse task) moved to the single healthcare worker per shift."""
    out = tmp_path_factory.mktemp("cmp") / "moved"
    return _compare(out, files["strict"], files["strict_moved"], reps=4)


@pytest.fixture(scope="module")
def ward_vs_roster(files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``wardsim compare ward roster --detail`` with one worker."""
    out = tmp_path_factory.mktemp("cmp") / "one"
    return _compare(out, files["ward"], files["roster"], extra=("--detail",))


# ---------------------------------------------------------------------------------------
# A scenario against itself


def test_scenario_compared_with_itself_differs_by_exactly_zero(files: dict[str, str],
                                                               tmp_path: Path) -> None:
    folder = _compare(tmp_path / "self", files["ward"], files["ward"])
    table = _csv(folder / "comparison.csv")
    assert set(table["scenario"]) == {"ward", "ward_2"}
    twin = table[table["scenario"] == "ward_2"]
    assert len(twin) == (table["scenario"] == "ward").sum() > 50
    known = twin[twin["mean"].notna()]
    assert len(known) > 50
    assert (known["diff"] == 0).all()
    assert (known["diff_ci_low"] == 0).all() and (known["diff_ci_high"] == 0).all()
    assert known["paired"].all()
    # the scenario's own KPIs do vary between replications: zero is not trivial
    assert (known["ci_high"] > known["ci_low"]).sum() > 10
    base = table[table["scenario"] == "ward"].reset_index(drop=True)
    pd.testing.assert_series_equal(twin["mean"].reset_index(drop=True), base["mean"])


def test_compare_function_gives_exact_zero_for_the_same_results() -> None:
    model = build_model(from_dict(_ward()), days=1)
    results = run_replications(model, 3, 11, detail=False)
    table = compare([results, results], [model, model], ["a", "b"])
    twin = table[(table["scenario"] == "b") & table["mean"].notna()]
    assert len(twin) > 0
    assert (twin[["diff", "diff_ci_low", "diff_ci_high"]].to_numpy() == 0).all()


# ---------------------------------------------------------------------------------------
# Common random numbers at engine level


def _logs(raw: dict[str, Any], seed: int, replication: int):
    model = build_model(from_dict(raw))
    return model, simulate(model, draw_inputs(model, Streams(seed, replication)))


def _jobs(monkeypatch: pytest.MonkeyPatch, raw: dict[str, Any], seed: int, replication: int):
    """Run ``raw``; return model, log and every task instance as (seq, task, arrival, duration)."""
    made: list[tuple[int, str, float, float]] = []

    class RecordingJob(engine_work.Job):
        def __init__(self, seq, task, arrival, duration, bed=-1) -> None:
            super().__init__(seq, task, arrival, duration, bed)
            made.append((seq, task.id, arrival, duration))

    with monkeypatch.context() as patch:
        patch.setattr(engine_work, "Job", RecordingJob)  # where jobs are made
        model, log = _logs(raw, seed, replication)
    return model, log, made


def _arrivals(model, log) -> Counter:
    """Multiset of (task id, arrival time) over every task instance, started or not."""
    rows = [(model.tasks[r[1]].id, r[3]) for r in log.started]
    rows += [(model.tasks[r[1]].id, r[3]) for r in log.unstarted]
    return Counter(rows)


@pytest.mark.parametrize("variant", ["roster", "moved"])
@pytest.mark.parametrize("replication", [0, 1])
def test_variant_sees_the_same_arrivals_and_durations(variant: str, replication: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    base_raw = _ward()
    if variant == "roster":
        other_raw = _ward(**ROSTER_CHANGE)
    else:
        other_raw = _moved(base_raw, "medisin", "helsefagarbeider")
    base_model, base, base_jobs = _jobs(monkeypatch, base_raw, 3, replication)
    other_model, other, other_jobs = _jobs(monkeypatch, other_raw, 3, replication)
    # the log: the same multiset of (task, arrival), started or not
    base_arrivals, other_arrivals = _arrivals(base_model, base), _arrivals(other_model, other)
    assert sum(base_arrivals.values()) > 50
    assert base_arrivals == other_arrivals
    # every instance: same number, task, arrival and inherent duration, bit for bit
    assert len(base_jobs) == sum(base_arrivals.values())
    assert base_jobs == other_jobs
    # the log's end - start of a task started in both is that same duration (up to rounding)
    base_d = {r[0]: r[5] - r[4] for r in base.started}
    other_d = {r[0]: r[5] - r[4] for r in other.started}
    shared = base_d.keys() & other_d.keys()
    assert len(shared) > 0.9 * len(base_d)
    for seq in shared:
        assert base_d[seq] == pytest.approx(other_d[seq], rel=1e-12, abs=1e-9)
    # ... while who does the work, and when, did change
    starts = {r[0]: (r[4], r[6]) for r in base.started}
    assert any(starts.get(r[0]) != (r[4], r[6]) for r in other.started)


def test_roster_change_keeps_the_absences_of_everyone_else() -> None:
    for replication in range(3):
        base_model, base = _logs(_ward(), 5, replication)
        other_model, other = _logs(_ward(**ROSTER_CHANGE), 5, replication)

        def absent(model, log, group: str) -> dict[tuple[str, int], bool]:
            g = model.group_ids.index(group)
            return {(d.staff_id, d.day): d.absent for d in log.duties if d.group == g}

        hfa_base = absent(base_model, base, "helsefagarbeider")
        hfa_other = absent(other_model, other, "helsefagarbeider")
        assert hfa_base == hfa_other
        assert any(hfa_base.values())
        nurse_base = absent(base_model, base, "sykepleier")
        nurse_other = absent(other_model, other, "sykepleier")
        shared = nurse_base.keys() & nurse_other.keys()
        assert len(shared) >= 6
        assert all(nurse_base[k] == nurse_other[k] for k in shared)
        assert nurse_base.keys() != nurse_other.keys()


def test_compare_detail_files_hold_the_same_arrivals(ward_vs_roster: Path) -> None:
    base = pd.read_parquet(ward_vs_roster / "ward" / "tasks.parquet")
    other = pd.read_parquet(ward_vs_roster / "roster" / "tasks.parquet")
    key = ["replication", "task_id", "arrival"]
    assert len(base) > 100
    pd.testing.assert_frame_equal(base[key].sort_values(key).reset_index(drop=True),
                                  other[key].sort_values(key).reset_index(drop=True),
                                  check_exact=True)
    table = _csv(ward_vs_roster / "comparison.csv")
    assert table["paired"].all()


# ---------------------------------------------------------------------------------------
# Workers


def test_one_and_two_workers_give_identical_tables(ward_vs_roster: Path, files: dict[str, str],
                                                   tmp_path: Path) -> None:
    two = _compare(tmp_path / "two", files["ward"], files["roster"], workers=2, extra=("--detail",))
    for name in ("comparison.csv", "freed_nurse_hours.csv", "over_threshold.csv",
                 "worse_categories.csv", "ward/summary.csv", "ward/replications.csv",
                 "roster/summary.csv", "roster/replications.csv"):
        pd.testing.assert_frame_equal(_csv(ward_vs_roster / name), _csv(two / name),
                                      check_exact=True, obj=name)
    for name in ("ward/tasks.parquet", "roster/staff.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(ward_vs_roster / name),
                                      pd.read_parquet(two / name), check_exact=True, obj=name)


# ---------------------------------------------------------------------------------------
# Output files and plain-language tables


def test_comparison_csv_has_the_documented_columns(ward_vs_roster: Path) -> None:
    table = _csv(ward_vs_roster / "comparison.csv")
    assert list(table.columns) == DOCUMENTED_COLUMNS == COMPARISON_COLUMNS
    assert set(table["scenario"]) == {"ward", "roster"}
    assert (table["replications"] == 3).any()
    base = table[table["scenario"] == "ward"]
    assert (base["diff"].dropna() == 0).all()
    run = json.loads((ward_vs_roster / "run.json").read_text(encoding="utf-8"))
    assert run["common_random_numbers"] is True and run["seeds"] == [7, 7]
    for name in ("freed_nurse_hours.csv", "over_threshold.csv", "worse_categories.csv"):
        assert (ward_vs_roster / name).is_file()
    assert not list(ward_vs_roster.parent.glob(".*.partial"))


def test_paired_diff_matches_per_replication_differences(ward_vs_roster: Path) -> None:
    table = _csv(ward_vs_roster / "comparison.csv")
    base, other = _rep_values(ward_vs_roster, "ward"), _rep_values(ward_vs_roster, "roster")
    pick = (other["kpi"] == "utilisation") & (other["group"] == "nurses")
    merged = other[pick].merge(base, on=[*KPI_KEYS, "replication"], suffixes=("", "_base"))
    d = (merged["value"] - merged["value_base"]).to_numpy()
    assert d.size == 3
    row = table[(table["scenario"] == "roster") & (table["kpi"] == "utilisation")
                & (table["group"] == "nurses")].iloc[0]
    ci = stats.ttest_1samp(d, 0).confidence_interval(0.95)
    assert row["diff"] == pytest.approx(d.mean())
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((ci.low, ci.high))


def test_freed_nurse_hours_positive_when_a_nurse_task_moves(strict_moved: Path) -> None:
    folder = strict_moved
    freed = _csv(folder / "freed_nurse_hours.csv")
    assert set(freed["scenario"]) == {"strict_moved"}
    total = freed[(freed["shift"] == "all") & (freed["day_type"] == "all")].iloc[0]
    assert total["freed_hours_per_week"] > 0 and total["ci_low"] > 0
    # medisin is given at 08:00 (day shift) and 20:00 (evening shift)
    for shift in ("day", "evening"):
        row = freed[(freed["shift"] == shift) & (freed["day_type"] == "weekday")].iloc[0]
        assert row["freed_hours_per_week"] > 0
    assert (freed["freed_hours_per_week"] >= -1e-9).all()
    # with strict dispatch the nurses do none of the moved task: exactly its minutes are freed
    base = _rep_values(folder, "strict")
    moved = _rep_values(folder, "strict_moved")
    key = ((base["kpi"] == "nurse_busy_hours_per_week") & (base["shift"] == "all")
           & (base["category"] == ""))
    key_m = ((moved["kpi"] == "nurse_busy_hours_per_week") & (moved["shift"] == "all")
             & (moved["category"] == ""))
    assert (moved.loc[key_m, "value"] == 0).all()
    assert total["freed_hours_per_week"] == pytest.approx(base.loc[key, "value"].mean())


def test_worse_categories_lists_a_task_moved_to_a_smaller_group(strict_moved: Path) -> None:
    worse = _csv(strict_moved / "worse_categories.csv")
    assert "legemiddelhandtering" in set(worse["category"])
    assert (worse["diff_ci_low"] > 0).all()
    assert set(worse["scenario"]) == {"strict_moved"}


def test_over_threshold_lists_the_busy_group(files: dict[str, str], tmp_path: Path) -> None:
    threshold = 0.3
    folder = _compare(tmp_path / "busy", files["ward"], files["roster"],
                      extra=("--max-utilisation", str(threshold)))
    table = _csv(folder / "comparison.csv")
    util = table[(table["kpi"] == "utilisation") & (table["interval"] != "all")]
    # the fixture's design: healthcare workers (stell, 8 per patient-day) are the busy group
    hfa = util[util["group"] == "helsefagarbeider"]["mean"]
    assert hfa.min() > threshold
    busy = _csv(folder / "over_threshold.csv")
    assert list(busy.columns) == ["scenario", "group", "interval", "day_type", "utilisation",
                                  "ci_low", "ci_high"]
    assert "helsefagarbeider" in set(busy["group"])
    assert set(busy["scenario"]) == {"ward", "roster"}
    assert (busy["utilisation"] > threshold).all()
    key = ["scenario", "group", "interval", "day_type"]
    expected = util[util["mean"] > threshold]
    assert sorted(map(tuple, busy[key].values)) == sorted(map(tuple, expected[key].values))
    assert len(expected) < len(util)  # some intervals are below the threshold and not listed
    assert (busy["interval"] != "all").all()


def test_over_threshold_and_friends_on_a_hand_made_table() -> None:
    u, nb = "utilisation", "nurse_busy_hours_per_week"
    rows = [
        ("base", u, "a", "", "all", "weekday", "07-09", 0.9, 0.8, 1.0, 0, 0, 0, True, 3),
        ("base", u, "a", "", "all", "all", "all", 0.95, 0.9, 1.0, 0, 0, 0, True, 3),
        ("var", u, "a", "", "all", "weekday", "07-09", 0.5, 0.4, 0.6, -0.4, -0.5, -0.3, True, 3),
        ("var", nb, "nurses", "", "day", "weekday", "all", 10, 9, 11, -5, -6, -4, True, 3),
        ("var", "wait_p90", "", "renhold", "all", "all", "all", 30, 20, 40, 10, 2, 18, True, 3),
        ("var", "wait_p90", "", "prosedyrer", "all", "all", "all", 30, 20, 40, 10, -2, 18, True, 3),
        ("var", "wait_p90", "all", "all", "all", "all", "all", 30, 20, 40, 10, 2, 18, True, 3),
    ]
    table = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    busy = over_threshold(table, 0.85)
    assert busy[["scenario", "group", "interval"]].values.tolist() == [["base", "a", "07-09"]]
    freed = freed_nurse_hours(table, "base")
    assert freed["freed_hours_per_week"].tolist() == [5]
    assert (freed["ci_low"].iloc[0], freed["ci_high"].iloc[0]) == (4, 6)
    worse = worse_categories(table, "base")
    assert worse["category"].tolist() == ["renhold"]


# ---------------------------------------------------------------------------------------
# Pilot sections: unpaired comparisons


def test_different_task_lists_are_compared_unpaired_with_a_welch_interval(files: dict[str, str],
                                                                          tmp_path: Path) -> None:
    folder = _compare(tmp_path / "pilot", files["ward"], files["pilot"], reps=4)
    table = _csv(folder / "comparison.csv")
    pilot = table[table["scenario"] == "pilot"]
    assert not pilot["paired"].any()
    assert table[table["scenario"] == "ward"]["paired"].all()
    base, other = _rep_values(folder, "ward"), _rep_values(folder, "pilot")
    checked = 0
    for kpi, group in (("utilisation", "sykepleier"), ("utilisation", "nurses"),
                       ("nurse_busy_hours_per_week", "nurses"), ("staff_cost_per_week", "all"),
                       ("overtime_hours_per_week", "all")):
        sel = {"kpi": kpi, "group": group, "shift": "all", "day_type": "all", "interval": "all",
               "category": ""}

        def values(frame: pd.DataFrame, sel: dict[str, str] = sel) -> np.ndarray:
            mask = np.ones(len(frame), bool)
            for column, value in sel.items():
                mask &= (frame[column] == value).to_numpy()
            return frame.loc[mask, "value"].to_numpy(float)

        a, b = values(other), values(base)
        assert a.size == b.size == 4
        row = pilot
        for column, value in sel.items():
            row = row[row[column].fillna("") == value]
        row = row.iloc[0]
        assert row["diff"] == pytest.approx(a.mean() - b.mean())
        if a.var() == 0 and b.var() == 0:
            continue
        ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
        assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((ci.low, ci.high))
        checked += 1
    assert checked >= 3
    # shared KPIs line up side by side; the pilot's own task has no baseline to differ from
    shared = table[(table["kpi"] == "utilisation") & (table["interval"] == "all")
                   & (table["shift"] == "all")]
    groups = shared.groupby("scenario")["group"].apply(set)
    assert groups["pilot"] == groups["ward"]


def test_can_pair_needs_the_same_tasks_and_beds() -> None:
    ward = build_model(from_dict(_ward()), days=1)
    assert can_pair(ward, build_model(from_dict(_ward(**ROSTER_CHANGE)), days=1))
    moved = _moved(_ward(), "medisin", "helsefagarbeider")
    assert can_pair(ward, build_model(from_dict(moved), days=1))
    more_beds = _ward(ward={"beds": 12, "occupancy": 1.0})
    assert not can_pair(ward, build_model(from_dict(more_beds), days=1))
    fewer = _ward()
    fewer["tasks"] = fewer["tasks"][:1]
    assert not can_pair(ward, build_model(from_dict(fewer), days=1))


def test_welch_interval_matches_scipy_and_handles_edge_cases() -> None:
    rng = np.random.default_rng(4)
    a, b = rng.normal(3, 1, 6), rng.normal(1, 3, 9)
    diff, low, high = welch_interval(a, b)
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert diff == pytest.approx(a.mean() - b.mean())
    assert (low, high) == pytest.approx((ci.low, ci.high))
    assert np.isnan(welch_interval(np.array([np.nan]), b)).all()
    d, lo, hi = welch_interval(np.array([1.0]), b)
    assert d == pytest.approx(1 - b.mean()) and np.isnan(lo) and np.isnan(hi)
    assert welch_interval(np.array([2.0, 2.0]), np.array([1.0, 1.0, 1.0])) == (1.0, 1.0, 1.0)
    with_nan = np.append(a, np.nan)
    assert welch_interval(with_nan, b) == pytest.approx((diff, low, high))


# ---------------------------------------------------------------------------------------
# Common random numbers versus independent streams


def test_independent_streams_make_the_paired_difference_vary_more(files: dict[str, str],
                                                                  tmp_path: Path) -> None:
    reps = 8
    crn = _compare(tmp_path / "crn", files["ward"], files["roster"], reps=reps)
    ind = _compare(tmp_path / "ind", files["ward"], files["roster"], reps=reps,
                   extra=("--independent-streams",))
    run = json.loads((ind / "run.json").read_text(encoding="utf-8"))
    assert run["common_random_numbers"] is False and run["seeds"][0] == 7 and run["seeds"][1] != 7

    def paired_variance(folder: Path, kpi: str, group: str) -> float:
        base, other = _rep_values(folder, "ward"), _rep_values(folder, "roster")
        merged = other.merge(base, on=[*KPI_KEYS, "replication"], suffixes=("", "_base"))
        m = merged[(merged["kpi"] == kpi) & (merged["group"] == group) & (merged["shift"] == "all")
                   & (merged["day_type"] == "all") & (merged["interval"] == "all")]
        assert len(m) == reps
        return float(np.var(m["value"] - m["value_base"], ddof=1))

    # the healthcare workers' roster did not change: with CRN their utilisation barely moves
    assert paired_variance(crn, "utilisation", "helsefagarbeider") < 0.25 * paired_variance(
        ind, "utilisation", "helsefagarbeider")
    nurses_crn = paired_variance(crn, "utilisation", "nurses")
    assert nurses_crn < paired_variance(ind, "utilisation", "nurses")


# ---------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize("extra", [
    ("--max-utilisation", "1.5"),
    ("--max-utilisation", "0"),
    ("--warmup-days", "5"),
])
def test_bad_compare_options_fail_in_one_line(files: dict[str, str], tmp_path: Path, extra: tuple,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bad"
    code = main(["compare", files["ward"], files["roster"], "-n", "2", "--days", "1", "--out",
                 str(out), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("wardsim: error:") and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".*"))


def test_compare_needs_a_variant(files: dict[str, str], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["compare", files["ward"], "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("wardsim: error:") and err.count("\n") == 1
    assert not list(tmp_path.iterdir())
