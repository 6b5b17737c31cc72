"""``wardsim sweep``: factor paths, designs, sensitivity measures, resuming, workers, bad specs.

What is pinned down here (issue 3, "Sensitivity sweeps" and "Scale"):

* Paths: :func:`sim.decide.sweep.base_value` and :func:`sim.decide.sweep.with_value` on a
  single-number occupancy, a roster given per day type (``.weekday``/``.weekend``; the bare shift is
  refused), a task's minutes, list items by id and the global multipliers when the file does
  not mention them; whole-number fields (head counts) are rounded, float fields never are;
  setting a path to its base value gives the base model (the OAT centre point).
* Designs: Latin hypercube (``points`` rows, one per stratum), Sobol'/Saltelli
  (``N·(d+2)`` rows), full grid (``points**d``) and one-at-a-time (``1 + d·points``).
* A factor that cannot affect any KPI (the cost of a group never rostered) is ranked last
  and its interval covers zero, for ``lhs`` (SRC), ``oat`` (tornado: exactly 0) and ``sobol``.
* Bad specifications fail before anything runs: one line on stderr starting
  ``wardsim: error:``, exit code 2, no traceback, no results folder and no partial folder.
* 1 worker and 2 workers give identical tables.
* A sweep interrupted part-way keeps its finished points in ``.NAME.partial/points/`` and,
  resumed with ``--resume``, ends with the same tables as an uninterrupted run (in process
  with a simulated Ctrl-C, and with a real ``SIGKILL`` of a ``wardsim sweep`` process).

Every simulation is the tiny ward of ``conftest.base_dict`` over one day, two replications.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import base_dict

import sim.cli.sweep
from sim.cli import main
from sim.decide.sweep import (
    Factor,
    SweepError,
    base_value,
    check,
    design,
    headline,
    parse_vary,
    run_point,
    with_value,
)
from sim.io.scenario import from_dict
from sim.model import build_model

#: The sweep used for the workers and resume tests: one-at-a-time, 1 + 3·2 = 7 points.
SWEEP = ["--vary", "durations.scale=0.6:1.4", "--vary", "absence.sykepleier=0:0.3",
         "--vary", "roster.helsefagarbeider.day=1:3", "--design", "oat", "--points", "2",
         "-n", "2", "--seed", "3"]
POINTS = 7
#: The cost of the never-rostered assistant group cannot change any KPI.
NO_EFFECT = "groups.assistent.cost_per_hour"


def _ward() -> dict[str, Any]:
    """Build the conftest ward over one day, with absence, a busier task, an unrostered group."""
    raw = base_dict(calendar={"days": 1}, absence={"sykepleier": 0.1, "helsefagarbeider": 0.1})
    raw["tasks"][0]["when"] = {"anytime": 6.0}
    raw["groups"].append({"id": "assistent", "cost_per_hour": 400})
    return raw


def _write(folder: Path, name: str, raw: dict[str, Any]) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def _sweep(scenario: str, out: Path, *args: str, workers: int = 1) -> int:
    return main(["sweep", scenario, *args, "--workers", str(workers), "--out", str(out)])


def _tables(folder: Path) -> dict[str, pd.DataFrame]:
    names = ("points.csv", "sensitivity.csv", "replications.csv")
    return {name: pd.read_csv(folder / name) for name in names}


def _assert_same_tables(a: Path, b: Path) -> None:
    ta, tb = _tables(a), _tables(b)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_exact=True, obj=name)


@pytest.fixture(scope="module")
def ward_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _write(tmp_path_factory.mktemp("scenarios"), "ward", _ward())


@pytest.fixture(scope="module")
def uninterrupted(ward_file: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the reference sweep with one worker, without interruption."""
    out = tmp_path_factory.mktemp("sweeps") / "whole"
    assert _sweep(ward_file, out, *SWEEP) == 0
    return out


# ---------------------------------------------------------------------------------------
# PATH=LOW:HIGH


def test_parse_vary_reads_path_low_high() -> None:
    assert parse_vary(" absence.sykepleier =0.02:0.12") == Factor("absence.sykepleier", 0.02, 0.12)
    assert parse_vary("durations.scale=-1:2.5e0") == Factor("durations.scale", -1.0, 2.5)


@pytest.mark.parametrize("text, says", [
    ("durations.scale", "PATH=LOW:HIGH"),
    ("durations.scale=1", "PATH=LOW:HIGH"),
    ("=0.5:1", "PATH=LOW:HIGH"),
    ("durations.scale=a:2", "must be numbers"),
    ("durations.scale=1.5:0.5", "must be less than"),
    ("durations.scale=1:1", "must be less than"),
])
def test_parse_vary_rejects_bad_text(text: str, says: str) -> None:
    with pytest.raises(SweepError, match=says):
        parse_vary(text)


def test_base_value_of_a_single_number_occupancy_by_day_type() -> None:
    raw = base_dict(ward={"beds": 10, "occupancy": 0.9})
    assert base_value(raw, "ward.occupancy.weekday") == (0.9, False)
    assert base_value(raw, "ward.occupancy.weekend") == (0.9, False)
    changed = with_value(raw, "ward.occupancy.weekday", 0.5)
    assert raw["ward"]["occupancy"] == 0.9  # the input is not modified
    assert from_dict(changed).ward.occupancy.of("weekday") == 0.5
    assert base_value(changed, "ward.occupancy.weekday") == (0.5, False)


def test_varying_weekday_occupancy_leaves_weekend_and_holiday_alone() -> None:
    """``ward.occupancy.weekday`` must change weekdays only, also when the file gives one number.

    A single number stands for every day type, and a missing weekend value falls back to
    the weekday one: the other day types must keep the number the file gave.
    """
    raw = base_dict(ward={"beds": 10, "occupancy": 0.9})
    occupancy = from_dict(with_value(raw, "ward.occupancy.weekday", 0.5)).ward.occupancy
    assert occupancy.of("weekday") == 0.5
    assert occupancy.of("weekend") == 0.9
    assert occupancy.of("holiday") == 0.9


def test_base_value_of_a_per_day_type_occupancy() -> None:
    raw = base_dict(ward={"beds": 10, "occupancy": {"weekday": 0.92, "weekend": 0.85}})
    assert base_value(raw, "ward.occupancy.weekday") == (0.92, False)
    assert base_value(raw, "ward.occupancy.weekend") == (0.85, False)
    occupancy = from_dict(with_value(raw, "ward.occupancy.weekend", 0.5)).ward.occupancy
    assert (occupancy.of("weekday"), occupancy.of("weekend")) == (0.92, 0.5)


def test_base_value_of_a_roster_per_day_type() -> None:
    raw = base_dict(roster={"sykepleier": {"day": {"weekday": 3, "weekend": 2}}})
    assert base_value(raw, "roster.sykepleier.day.weekday") == (3.0, True)
    assert base_value(raw, "roster.sykepleier.day.weekend") == (2.0, True)
    assert base_value(raw, "roster.helsefagarbeider.night") == (1.0, True)
    assert base_value(raw, "roster.helsefagarbeider.night.weekend") == (1.0, True)
    day = from_dict(with_value(raw, "roster.sykepleier.day.weekend", 4)).roster["sykepleier"]["day"]
    assert (day.of("weekday"), day.of("weekend"), day.of("holiday")) == (3, 4, 4)
    changed = with_value(raw, "roster.helsefagarbeider.night.weekend", 2)
    night = from_dict(changed).roster["helsefagarbeider"]["night"]
    assert (night.of("weekday"), night.of("weekend")) == (1, 2)
    # a shift given per day type has no single value: say which day type to vary
    with pytest.raises(SweepError, match=r"roster\.sykepleier\.day\.weekday"):
        base_value(raw, "roster.sykepleier.day")


@pytest.mark.parametrize("path", [
    "ward.occupancy.weekday", "ward.occupancy.weekend", "roster.sykepleier.day.weekday",
    "roster.sykepleier.day.weekend", "roster.helsefagarbeider.night",
    "roster.helsefagarbeider.night.holiday",
    "tasks.stell.minutes", "absence.sykepleier", "durations.scale", "arrivals.scale",
    "groups.sykepleier.cost_per_hour",
])
def test_setting_a_path_to_its_base_value_changes_nothing(path: str) -> None:
    """OAT runs the base point through :func:`with_value`: it must be the base scenario."""
    raw = base_dict(roster={"sykepleier": {"day": {"weekday": 3, "weekend": 2}}},
                    absence={"sykepleier": 0.05}, ward={"beds": 10, "occupancy": 0.9})
    base, integer = base_value(raw, path)
    value = int(base) if integer else base
    assert build_model(from_dict(with_value(raw, path, value))) == build_model(from_dict(raw))


def test_base_value_of_task_minutes_list_items_and_absence() -> None:
    raw = base_dict(absence={"sykepleier": 0.05})
    assert base_value(raw, "tasks.stell.minutes")[0] == 10.0
    assert base_value(raw, "tasks.medisin.minutes")[0] == 3.0
    assert base_value(raw, "absence.sykepleier") == (0.05, False)
    assert base_value(raw, "groups.helsefagarbeider.cost_per_hour")[0] == 400.0
    changed = with_value(raw, "tasks.stell.minutes", 12.5)
    assert from_dict(changed).tasks[0].minutes == 12.5
    assert raw["tasks"][0]["minutes"] == 10  # not modified
    assert from_dict(changed).tasks[1] == from_dict(raw).tasks[1]


def test_global_multipliers_default_to_one_when_absent() -> None:
    raw = base_dict()
    assert "scale" not in raw["durations"] and "arrivals" not in raw
    assert base_value(raw, "durations.scale") == (1.0, False)
    assert base_value(raw, "arrivals.scale") == (1.0, False)
    changed = with_value(with_value(raw, "durations.scale", 1.5), "arrivals.scale", 0.5)
    scenario = from_dict(changed)
    assert scenario.durations.scale == 1.5 and scenario.arrivals.scale == 0.5
    assert scenario.durations.distribution == "exponential"  # the rest of durations kept
    del raw["durations"]
    assert base_value(raw, "durations.scale") == (1.0, False)
    assert from_dict(with_value(raw, "durations.scale", 2.0)).durations.scale == 2.0


def test_a_float_field_written_as_a_whole_number_is_not_rounded() -> None:
    """``minutes: 10`` and ``occupancy: 1`` are floats in the scenario schema, whatever the YAML."""
    raw = base_dict(ward={"beds": 10, "occupancy": 1})
    assert base_value(raw, "tasks.stell.minutes") == (10.0, False)
    assert base_value(raw, "ward.occupancy.weekday") == (1.0, False)
    factors = check(raw, [parse_vary("tasks.stell.minutes=2.5:12.5"),
                          parse_vary("ward.occupancy.weekday=0.5:1")], "ward.yaml")
    values = design("lhs", factors, 8, seed=1)
    assert not np.all(values == np.rint(values))


@pytest.mark.parametrize("path, says", [
    ("tasks.nosuch.minutes", "nosuch"),
    ("ward.bedz", "beds"),
    ("roster.sykepleier.dag", "day"),
    ("groups.kokk.cost_per_hour", "kokk"),
    ("tasks.stell.group", "not a number"),
    ("dispatch.policy", "not a number"),
    ("groups.sykepleier.nurse", "not a number"),
    ("ward", "not a number"),
    ("tasks.stell.minutes.extra", "unknown path"),
])
def test_base_value_rejects_unknown_and_non_numeric_paths(path: str, says: str) -> None:
    with pytest.raises(SweepError, match=says):
        base_value(base_dict(), path)


def test_check_fills_in_base_values_and_rejects_bad_factors() -> None:
    raw = base_dict()
    factors = check(raw, [parse_vary("roster.sykepleier.day=1:4"),
                          parse_vary("durations.scale=0.5:2")], "w.yaml")
    assert factors == [Factor("roster.sykepleier.day", 1, 4, 2.0, True),
                       Factor("durations.scale", 0.5, 2, 1.0, False)]
    for bad, says in (
        ([], "at least one"),
        ([parse_vary("durations.scale=0.5:2")] * 2, "twice"),
        ([parse_vary("roster.sykepleier.day=0.5:4")], "whole"),
        ([parse_vary("ward.occupancy.weekday=0.5:1.5")], "invalid"),
        ([parse_vary("roster.sykepleier.night=-1:2")], "invalid"),
    ):
        with pytest.raises(SweepError, match=says):
            check(raw, bad, "w.yaml")


# ---------------------------------------------------------------------------------------
# Designs


FACTORS = [Factor("durations.scale", 0.5, 1.5, 1.0, False),
           Factor("absence.sykepleier", 0.0, 0.2, 0.05, False),
           Factor("roster.sykepleier.day", 1, 4, 2.0, True)]


def test_lhs_has_one_point_per_stratum_of_every_factor() -> None:
    values = design("lhs", FACTORS[:2], 7, seed=5)
    assert values.shape == (7, 2)
    for j, f in enumerate(FACTORS[:2]):
        assert np.all((values[:, j] >= f.low) & (values[:, j] <= f.high))
        strata = np.floor((values[:, j] - f.low) / (f.high - f.low) * 7).astype(int)
        assert sorted(strata) == list(range(7))
    assert np.array_equal(values, design("lhs", FACTORS[:2], 7, seed=5))
    assert not np.array_equal(values, design("lhs", FACTORS[:2], 7, seed=6))


def test_sobol_has_n_times_d_plus_two_rows() -> None:
    pytest.importorskip("SALib")
    values = design("sobol", FACTORS, 8, seed=5)
    assert values.shape == (8 * (3 + 2), 3)
    assert np.all(values[:, 0] >= 0.5) and np.all(values[:, 0] <= 1.5)


def test_grid_has_points_to_the_power_d_rows() -> None:
    values = design("grid", FACTORS[:2], 3, seed=0)
    assert values.shape == (9, 2)
    assert len({tuple(r) for r in values}) == 9
    assert set(values[:, 0]) == {0.5, 1.0, 1.5} and set(values[:, 1]) == {0.0, 0.1, 0.2}
    assert design("grid", FACTORS, 2, seed=0).shape == (8, 3)


def test_oat_varies_one_factor_at_a_time_around_the_base() -> None:
    values = design("oat", FACTORS, 3, seed=0)
    assert values.shape == (1 + 3 * 3, 3)
    base = np.array([f.base for f in FACTORS])
    assert np.array_equal(values[0], base)
    for j, f in enumerate(FACTORS):
        block = values[1 + 3 * j: 1 + 3 * (j + 1)]
        others = np.delete(block, j, axis=1)
        assert np.array_equal(others, np.tile(np.delete(base, j), (3, 1)))
        expected = np.linspace(f.low, f.high, 3)
        assert np.array_equal(block[:, j], np.rint(expected) if f.integer else expected)


@pytest.mark.parametrize("kind", ["lhs", "grid", "oat", "sobol"])
def test_whole_number_factors_are_rounded(kind: str) -> None:
    if kind == "sobol":
        pytest.importorskip("SALib")
    values = design(kind, FACTORS, 4, seed=2)
    roster = values[:, 2]
    assert np.array_equal(roster, np.rint(roster))
    assert roster.min() >= 1 and roster.max() <= 4
    assert not np.array_equal(values[:, 0], np.rint(values[:, 0]))


def test_design_rejects_too_few_points_and_unknown_kinds() -> None:
    with pytest.raises(SweepError, match="2 or more"):
        design("lhs", FACTORS, 1, seed=0)
    with pytest.raises(SweepError, match="lhs"):
        design("random", FACTORS, 4, seed=0)


def test_run_point_returns_headline_kpis_per_replication() -> None:
    raw = _ward()
    factors = check(raw, [parse_vary("durations.scale=0.5:1.5")], "w.yaml")
    index, frame = run_point(raw, "w.yaml", 4, [1.2], factors, 2, 1, 0, None)
    assert index == 4 and list(frame.columns[:2]) == ["point", "replication"]
    assert (frame["point"] == 4).all() and set(frame["replication"]) == {0, 1}
    assert (frame["shift"] == "all").all() and (frame["interval"] == "all").all()
    assert len(headline(frame)) == len(frame)
    assert {"utilisation", "staff_cost_per_week", "wait_p90"} <= set(frame["kpi"])


# ---------------------------------------------------------------------------------------
# A factor with no effect


#: The no-effect sweep: the no-effect factor listed first, then one that matters.
NO_EFFECT_SWEEP = ["--vary", f"{NO_EFFECT}=300:500", "--vary", "durations.scale=0.5:1.5", "-n", "2"]
NO_EFFECT_POINTS = {"lhs": 10, "oat": 3, "sobol": 4}


@pytest.fixture(scope="module")
def no_effect_folders(ward_file: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run lhs, oat and sobol sweeps (sobol only with SALib installed); their folders."""
    folder = tmp_path_factory.mktemp("no_effect")
    out = {}
    for kind, points in NO_EFFECT_POINTS.items():
        if kind == "sobol":
            try:
                import SALib  # noqa: F401
            except ImportError:
                continue
        code = _sweep(ward_file, folder / kind, *NO_EFFECT_SWEEP, "--design", kind, "--points",
                      str(points))
        assert code == 0
        out[kind] = folder / kind
    return out


@pytest.fixture(scope="module")
def no_effect_sweeps(no_effect_folders: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """Their sensitivity tables."""
    return {kind: pd.read_csv(folder / "sensitivity.csv")
            for kind, folder in no_effect_folders.items()}


def test_sweep_tables_have_one_row_per_point(no_effect_folders: dict[str, Path]) -> None:
    sizes = {"lhs": 10, "oat": 1 + 2 * 3, "sobol": 4 * (2 + 2)}
    for kind, folder in no_effect_folders.items():
        points = pd.read_csv(folder / "points.csv")
        assert points["point"].nunique() == sizes[kind]
        assert list(points.columns) == ["point", NO_EFFECT, "durations.scale", "kpi", "group",
                                        "category", "mean", "ci_low", "ci_high", "replications"]
        assert (points["replications"] == 2).all()
        if kind != "oat":  # a float field, not rounded (oat's levels 300, 400, 500 are whole)
            assert not np.array_equal(points[NO_EFFECT], np.rint(points[NO_EFFECT]))
        reps = pd.read_csv(folder / "replications.csv")
        assert len(reps) == 2 * len(points)
        sens = pd.read_csv(folder / "sensitivity.csv")
        assert list(sens.columns) == ["kpi", "group", "category", "factor", "measure", "value",
                                      "ci_low", "ci_high", "rank"]
        measures = {"lhs": {"src"}, "oat": {"tornado"}, "sobol": {"S1", "ST"}}
        assert set(sens["measure"]) == measures[kind]


def test_lhs_tables_do_not_depend_on_workers(ward_file: str, no_effect_folders: dict[str, Path],
                                             tmp_path: Path) -> None:
    """Bootstrap intervals included: the same seed gives the same tables with 2 workers."""
    args = [*NO_EFFECT_SWEEP, "--design", "lhs", "--points", str(NO_EFFECT_POINTS["lhs"])]
    assert _sweep(ward_file, tmp_path / "lhs", *args, workers=2) == 0
    _assert_same_tables(no_effect_folders["lhs"], tmp_path / "lhs")


def _paired(table: pd.DataFrame) -> pd.DataFrame:
    keys = ["kpi", "group", "category", "measure"]
    none = table[table["factor"] == NO_EFFECT]
    other = table[table["factor"] == "durations.scale"]
    return none.merge(other, on=keys, suffixes=("", "_other"), validate="one_to_one")


@pytest.mark.parametrize("kind", ["lhs", "oat", "sobol"])
def test_a_factor_with_no_effect_ranks_last_and_its_interval_covers_zero(
        kind: str, no_effect_sweeps: dict[str, pd.DataFrame],
        no_effect_folders: dict[str, Path]) -> None:
    """Issue 3: the cost of a group never rostered is ranked last and its interval covers zero.

    For ``oat`` and ``sobol`` its measure is exactly zero on every KPI (every point shares
    the random streams). For ``lhs`` the SRC comes from a linear fit over 10 points, so it
    is checked on KPIs that respond smoothly (at least 8 distinct point means): on a KPI
    that is a step function of the other factor (a handful of late tasks) the percentile
    bootstrap interval of a 10-point regression can miss zero by chance (seen at seed 6 of
    1–6 with ``--seed``); the sweep's seed is fixed at the default.
    """
    if kind not in no_effect_sweeps:
        pytest.skip("SALib is not installed")
    m = _paired(no_effect_sweeps[kind])
    assert len(m) >= 20
    covers = (m["ci_low"] <= 1e-12) & (m["ci_high"] >= -1e-12)
    if kind == "lhs":
        points = pd.read_csv(no_effect_folders[kind] / "points.csv").fillna({"category": ""})
        distinct = points.groupby(["kpi", "group", "category"])["mean"].nunique().rename("distinct")
        m = m.fillna({"category": ""}).merge(distinct.reset_index(),
                                             on=["kpi", "group", "category"],
                                             validate="one_to_one")
        covers = (m["ci_low"] <= 1e-12) & (m["ci_high"] >= -1e-12)
        smooth = m["distinct"] >= 8
        assert smooth.sum() >= 8
        assert covers[smooth].all()
    else:
        assert covers.all()
    # KPIs the other factor moves: at all (oat, sobol: exact), or clearly (lhs: its CI excludes 0)
    moved = m[m["value_other"].abs() > 1e-9]
    if kind == "lhs":
        moved = moved[(moved["ci_low_other"] > 0) | (moved["ci_high_other"] < 0)]
    assert len(moved) >= 5
    assert (moved["rank"] == 2).all() and (moved["rank_other"] == 1).all()
    if kind in ("oat", "sobol"):  # every point shares the streams: no effect is exactly zero
        assert (m[["value", "ci_low", "ci_high"]].to_numpy() == 0).all()
    else:
        assert (moved["value"].abs() < moved["value_other"].abs()).all()


@pytest.mark.parametrize("kind", ["lhs", "oat", "sobol"])
def test_ties_never_rank_a_no_effect_factor_first(
        kind: str, no_effect_sweeps: dict[str, pd.DataFrame]) -> None:
    """On KPIs that no factor moves, the no-effect factor listed first is not reported first."""
    if kind not in no_effect_sweeps:
        pytest.skip("SALib is not installed")
    m = _paired(no_effect_sweeps[kind])
    ties = m[(m["value"] == 0) & (m["value_other"] == 0)]
    assert len(ties) >= 5
    assert (ties["rank"] == 2).all() and (ties["rank_other"] == 2).all()


# ---------------------------------------------------------------------------------------
# Bad specifications


BAD_SPECS = {
    "unknown path": ["--vary", "tasks.nosuch.minutes=1:2"],
    "unknown key": ["--vary", "ward.bedz=1:2"],
    "low above high": ["--vary", "durations.scale=1.5:0.5"],
    "low equals high": ["--vary", "durations.scale=1:1"],
    "one point": ["--vary", "durations.scale=0.5:1.5", "--points", "1"],
    "zero points": ["--vary", "durations.scale=0.5:1.5", "--points", "0"],
    "non-numeric path": ["--vary", "tasks.stell.group=1:2"],
    "non-numeric mapping": ["--vary", "ward=1:2"],
    "invalid value": ["--vary", "ward.occupancy.weekday=0.5:1.5"],
    "negative head count": ["--vary", "roster.sykepleier.night=-1:2"],
    "fractional head count": ["--vary", "roster.sykepleier.night=0.5:2"],
    "no range": ["--vary", "durations.scale"],
    "words for numbers": ["--vary", "durations.scale=low:high"],
    "same path twice": ["--vary", "durations.scale=0.5:1", "--vary", "durations.scale=1:2"],
    "unknown design": ["--vary", "durations.scale=0.5:1.5", "--design", "random"],
}


@pytest.mark.parametrize("spec", list(BAD_SPECS.values()), ids=list(BAD_SPECS))
def test_bad_sweep_spec_fails_in_one_line_before_anything_runs(
        spec: list[str], ward_file: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    ran = []
    monkeypatch.setattr(sim.cli.sweep, "map_unordered", lambda *a, **k: ran.append(a) or iter(()))
    out = tmp_path / "sweep"
    code = main(["sweep", ward_file, *spec, "-n", "2", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("wardsim: error:"), captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.out == ""
    assert not ran
    assert list(tmp_path.iterdir()) == []  # neither the folder nor .sweep.partial


def test_resume_needs_out(ward_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", ward_file, "--vary", "durations.scale=0.5:1.5", "--resume"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wardsim: error:") and "--out" in err and err.count("\n") == 1


def test_bad_sweep_spec_from_the_command_line_has_no_traceback(ward_file: str,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "sweep", ward_file, "--vary",
                           "tasks.nosuch.minutes=1:2", "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("wardsim: error:") and proc.stderr.count("\n") == 1
    assert "nosuch" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------
# Workers


def test_one_and_two_workers_give_identical_tables(ward_file: str, uninterrupted: Path,
                                                   tmp_path: Path) -> None:
    assert _sweep(ward_file, tmp_path / "two", *SWEEP, workers=2) == 0
    _assert_same_tables(uninterrupted, tmp_path / "two")
    points = pd.read_csv(uninterrupted / "points.csv")
    assert points["point"].nunique() == POINTS
    assert np.array_equal(points["roster.helsefagarbeider.day"],
                          np.rint(points["roster.helsefagarbeider.day"]))
    spec = json.loads((uninterrupted / "spec.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in spec["factors"]] == ["durations.scale", "absence.sykepleier",
                                                    "roster.helsefagarbeider.day"]
    assert not (uninterrupted / "points").exists()


# ---------------------------------------------------------------------------------------
# Interrupt and resume


def _interrupt_after(n: int):
    """Make a ``map_unordered`` that delivers ``n`` results, then raises KeyboardInterrupt."""
    real = sim.cli.sweep.map_unordered

    def interrupted(fn, jobs, *args, **kwargs):
        for i, result in enumerate(real(fn, jobs, *args, **kwargs)):
            if i == n:
                raise KeyboardInterrupt
            yield result

    return interrupted


def test_interrupted_sweep_resumes_to_the_same_tables(ward_file: str, uninterrupted: Path,
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sweep"
    partial = tmp_path / ".sweep.partial"
    with monkeypatch.context() as patch:
        patch.setattr(sim.cli.sweep, "map_unordered", _interrupt_after(2))
        assert _sweep(ward_file, out, *SWEEP) == 130
    err = capsys.readouterr().err
    assert "--resume" in err and "Traceback" not in err
    assert not out.exists()
    assert sorted(p.name for p in (partial / "points").iterdir()) == ["point-000000.parquet",
                                                                      "point-000001.parquet"]
    assert (partial / "spec.json").is_file()

    real, jobs_run = sim.cli.sweep.map_unordered, []

    def counting(fn, jobs, *args, **kwargs):
        jobs_run.extend(job[2] for job in jobs)
        return real(fn, jobs, *args, **kwargs)

    monkeypatch.setattr(sim.cli.sweep, "map_unordered", counting)
    assert _sweep(ward_file, out, *SWEEP, "--resume") == 0
    assert sorted(jobs_run) == list(range(2, POINTS))  # only the unfinished points ran again
    assert not partial.exists()
    _assert_same_tables(uninterrupted, out)


def test_resume_with_a_different_spec_is_refused_and_keeps_the_partial(
        ward_file: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sweep"
    with monkeypatch.context() as patch:
        patch.setattr(sim.cli.sweep, "map_unordered", _interrupt_after(1))
        assert _sweep(ward_file, out, *SWEEP) == 130
    capsys.readouterr()
    other = [a.replace("0.6:1.4", "0.7:1.4") for a in SWEEP]
    assert _sweep(ward_file, out, *other, "--resume") == 2
    err = capsys.readouterr().err
    assert err.startswith("wardsim: error:") and "different sweep" in err and err.count("\n") == 1
    assert not out.exists()
    assert len(list((tmp_path / ".sweep.partial" / "points").glob("point-*.parquet"))) == 1


def test_a_new_sweep_without_resume_starts_over(ward_file: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "sweep"
    with monkeypatch.context() as patch:
        patch.setattr(sim.cli.sweep, "map_unordered", _interrupt_after(2))
        assert _sweep(ward_file, out, *SWEEP) == 130
    jobs_run = []

    def stop_at_once(fn, jobs, *args, **kwargs):
        jobs_run.extend(job[2] for job in jobs)
        raise KeyboardInterrupt
        yield  # a generator, like map_unordered

    monkeypatch.setattr(sim.cli.sweep, "map_unordered", stop_at_once)
    assert _sweep(ward_file, out, *SWEEP) == 130
    assert sorted(jobs_run) == list(range(POINTS))  # the stale points were dropped
    assert list((tmp_path / ".sweep.partial" / "points").iterdir()) == []


def test_an_existing_results_folder_is_not_overwritten(ward_file: str, uninterrupted: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.name for p in uninterrupted.iterdir())
    assert _sweep(ward_file, uninterrupted, *SWEEP) == 2
    err = capsys.readouterr().err
    assert err.startswith("wardsim: error:") and "exists" in err
    assert sorted(p.name for p in uninterrupted.iterdir()) == before
    assert not (uninterrupted.parent / f".{uninterrupted.name}.partial").exists()


def test_a_killed_sweep_process_resumes_to_the_same_tables(ward_file: str, uninterrupted: Path,
                                                           tmp_path: Path) -> None:
    """Send ``SIGKILL`` to ``wardsim sweep`` once a point is on disk, then ``--resume``."""
    out = tmp_path / "sweep"
    points = tmp_path / ".sweep.partial" / "points"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "sim.cli", "sweep", ward_file, *SWEEP, "--workers", "1",
               "--out", str(out)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 60
        while not (points.is_dir() and list(points.glob("point-*.parquet"))):
            if proc.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.005)
        if proc.poll() is not None:
            pytest.skip("the sweep finished before it could be killed")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    done = list(points.glob("point-*.parquet"))
    assert 1 <= len(done) < POINTS
    assert main(["sweep", ward_file, *SWEEP, "--workers", "1", "--out", str(out), "--resume"]) == 0
    _assert_same_tables(uninterrupted, out)
