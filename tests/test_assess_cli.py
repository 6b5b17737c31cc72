"""``wardsim assess`` as a user runs it: files written, reproducible, bad targets refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from conftest import base_dict

from sim.cli import main
from sim.io.scenario import merge

FAST = ["-n", "3", "--seed", "5"]


def _ward() -> dict[str, Any]:
    raw = base_dict(
        calendar={"days": 7, "start": "monday"},
        roster={"sykepleier": {"day": 2, "evening": 2, "night": 1},
                "helsefagarbeider": {"day": 2, "evening": 2, "night": 1}},
        certifications={"venous_blood_sampling": {"sykepleier": "all", "helsefagarbeider": 1}},
        absence={"helsefagarbeider": 0.1},
    )
    raw["tasks"].append({"id": "blodprove", "name": "Blodprøver <b>", "category": "blodprover",
                         "group": "sykepleier", "requires": "venous_blood_sampling",
                         "per": "ward", "when": {"07-09": 2}, "minutes": 6})
    return raw


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("assess")
    ward = _ward()
    variant = {"name": "moved", "extends": "ward.yaml", "move": {"blodprove": "helsefagarbeider"}}
    out = {}
    for name, raw in (("ward", ward), ("moved", variant)):
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        out[name] = str(path)
    return out


def _assess(files: dict[str, str], out: Path, *extra: str) -> int:
    return main(["assess", files["ward"], files["moved"], *FAST, "--out", str(out), *extra])


def test_assess_writes_verdicts_training_report_and_compare_files(
        files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a"
    assert _assess(files, out, "--workers", "1") == 0
    printed = capsys.readouterr().out
    names = {p.name for p in out.iterdir()}
    assert {"feasibility.csv", "training_need.csv", "report.html", "comparison.csv", "ward",
            "moved", "run.json", "freed_nurse_hours.csv"} <= names
    feasibility = pd.read_csv(out / "feasibility.csv")
    assert list(feasibility.columns) == ["scenario", "group", "shift", "day_type", "verdict",
                                         "check", "value", "ci_low", "ci_high", "target", "reason"]
    assert set(feasibility["verdict"]) <= {"feasible", "at_risk", "not_feasible"}
    assert set(feasibility["scenario"]) == {"ward", "moved"}
    # one certified healthcare worker per shift with absence 0.1: coverage at risk, 10 %
    coverage = feasibility[(feasibility["scenario"] == "moved")
                           & (feasibility["check"] == "coverage")]
    assert not coverage.empty and (coverage["verdict"] == "at_risk").all()
    assert coverage["value"].round(6).eq(0.1).all()
    training = pd.read_csv(out / "training_need.csv")
    moved = training[(training["scenario"] == "moved") & (training["shift"] != "all")]
    assert set(moved["group"]) == {"helsefagarbeider"}
    assert (moved["certified_needed"] == 2).all() and (moved["certified_now"] == 1).all()
    assert "moved" in printed and "ward" in printed and str(out / "report.html") in printed
    assert "Blodprøver &lt;b&gt;" in (out / "report.html").read_text(encoding="utf-8")


def test_assess_tables_do_not_depend_on_the_number_of_workers(
        files: dict[str, str], tmp_path: Path) -> None:
    assert _assess(files, tmp_path / "one", "--workers", "1") == 0
    assert _assess(files, tmp_path / "two", "--workers", "2") == 0
    for name in ("feasibility.csv", "training_need.csv"):
        one = pd.read_csv(tmp_path / "one" / name)
        two = pd.read_csv(tmp_path / "two" / name)
        pd.testing.assert_frame_equal(one, two)


def test_assess_one_scenario_and_speaks_norwegian(
        files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "alone"
    assert main(["assess", files["ward"], *FAST, "--workers", "1", "--out", str(out),
                 "--lang", "nb"]) == 0
    printed = capsys.readouterr().out
    assert not (out / "comparison.csv").exists() and (out / "feasibility.csv").exists()
    assert "ward: gjennomførbart på alle vakter" in printed  # the ward alone meets every target
    assert '<html lang="nb"' in (out / "report.html").read_text(encoding="utf-8")


BAD_TARGETS = {
    "unknown group": ({"max_utilisation": {"sykepleir": 0.8}}, "max_utilisation.sykepleir",
                      "did you mean 'sykepleier'"),
    "unknown priority": ({"max_late_share": {"hgh": 0.1}}, "max_late_share.hgh",
                         "did you mean 'high'"),
    "share above 1": ({"coverage_probability": 1.5}, "coverage_probability", "between 0 and 1"),
    "negative share": ({"shift_tail": -0.1}, "shift_tail", "between 0 and 1"),
    "unknown key": ({"max_utilization": 0.8}, "max_utilization", "did you mean 'max_utilisation'"),
}


@pytest.mark.parametrize("case", list(BAD_TARGETS), ids=list(BAD_TARGETS))
@pytest.mark.parametrize("where", ["file", "scenario"])
def test_bad_targets_give_one_line_exit_2_and_no_folder(
        case: str, where: str, files: dict[str, str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    targets, field, hint = BAD_TARGETS[case]
    out = tmp_path / "out"
    if where == "file":
        path = tmp_path / "targets.yaml"
        path.write_text(yaml.safe_dump({"targets": targets}), encoding="utf-8")
        code = main(["assess", files["ward"], *FAST, "--out", str(out), "--targets", str(path)])
        source = str(path)
    else:
        path = tmp_path / "ward.yaml"
        path.write_text(yaml.safe_dump(merge(_ward(), {"targets": targets}), allow_unicode=True),
                        encoding="utf-8")
        code = main(["assess", str(path), *FAST, "--out", str(out)])
        source, field = str(path), f"targets.{field}"
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"wardsim: error: {source}: {field}: "), err
    assert hint in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists() and list(tmp_path.glob(".out*")) == []


def test_targets_file_changes_the_verdict(files: dict[str, str], tmp_path: Path) -> None:
    strict = tmp_path / "strict.yaml"
    strict.write_text("max_utilisation: 0.0001\n", encoding="utf-8")
    assert main(["assess", files["ward"], *FAST, "--workers", "1", "--out", str(tmp_path / "s"),
                 "--targets", str(strict)]) == 0
    frame = pd.read_csv(tmp_path / "s" / "feasibility.csv")
    util = frame[frame["check"] == "utilisation"]
    busy = util[util["value"] > 0]  # a nurse night with no task is feasible even so
    assert (busy["verdict"] != "feasible").all() and (util["target"] == 0.0001).all()
    assert (util["verdict"] == "not_feasible").any()
