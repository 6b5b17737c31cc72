"""The ``wardsim`` command: exit codes, one-line errors, atomic result folders, files written.

Most tests call :func:`sim.cli.main` in-process (fast, ``capsys`` captures the output); a
few run ``python -m sim.cli`` as a subprocess to check what a user really sees (no
traceback, exit code 2). Bad input must never leave a results folder, nor the hidden
``.<name>.partial`` folder the writer works in, behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import base_dict

import sim
import sim.experiment
from sim.cli import main
from sim.experiment import run_one
from sim.io.scenario import load
from sim.model import build_model

DATA = Path(__file__).resolve().parent / "data"
TINY = DATA / "tiny_ward.yaml"
TYPO = DATA / "tiny_ward_typo.yaml"
GAP = DATA / "night_gap.yaml"
BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "hnt_medisin_baseline.yaml"

TASK_COLUMNS = ["replication", "task_id", "category", "group", "performed_by", "staff_id", "day",
                "day_type", "interval", "arrival", "start", "end", "wait", "late", "missed",
                "warmup"]
STAFF_COLUMNS = ["replication", "group", "shift", "day", "day_type", "interval", "on_duty_minutes",
                 "busy_minutes", "utilisation", "other_group_minutes", "overtime_minutes", "warmup"]


def _write(path: Path, data: dict | str) -> Path:
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def _one_error_line(err: str) -> str:
    """Return the single line on stderr, checked to be a wardsim error with no traceback."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("wardsim: error:"), lines[0]
    return lines[0]


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    """Give an empty folder to put ``--out`` folders in (checked for leftovers)."""
    folder = tmp_path / "runs"
    folder.mkdir()
    return folder


# ---------------------------------------------------------------------------------------
# Bad scenarios: exit 2, one line naming file and field, no folder


def _bad_cases(tmp: Path) -> list[tuple[Path, str]]:
    """(scenario file, field the error must name) for a spread of bad inputs."""
    unknown_group = base_dict()
    unknown_group["tasks"][0]["group"] = "assistent"
    nobody = base_dict(certifications={"blod": {"helsefagarbeider": "all"}})
    nobody["tasks"][1]["requires"] = "blod"
    zero = base_dict()
    zero["tasks"][0]["minutes"] = 0
    return [
        (TYPO, "tasks.stell.minuts"),
        (_write(tmp / "unknown_group.yaml", unknown_group), "tasks.stell.group"),
        (_write(tmp / "nobody.yaml", nobody), "tasks.medisin.group"),
        (_write(tmp / "zero.yaml", zero), "tasks.stell.minutes"),
        (_write(tmp / "broken.yaml", "name: x\nward: {beds: 4\ngroups: []\n"), "line 3"),
        (_write(tmp / "variant.yaml", {"extends": "missing_base.yaml", "name": "v"}), "extends"),
        (tmp / "does_not_exist.yaml", ""),
    ]


def test_bad_scenarios_exit_2_with_one_line_and_no_folder(
        tmp_path: Path, runs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path, field in _bad_cases(tmp_path):
        out = runs / "out"
        code = main(["run", str(path), "-n", "2", "--workers", "1", "--out", str(out)])
        captured = capsys.readouterr()
        assert code == 2, path
        line = _one_error_line(captured.err)
        assert f"{path}: {field}" in line, line
        assert captured.out == ""
        assert not out.exists()
        assert list(runs.iterdir()) == [], path


def test_bad_scenario_in_validate_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(TYPO)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert str(TYPO) in line and "tasks.stell.minuts" in line and "'minutes'" in line


def test_bad_scenario_without_out_writes_nothing_in_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(TYPO), "-n", "1", "--workers", "1"]) == 2
    _one_error_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_bad_scenario_as_a_subprocess(runs: Path) -> None:
    out = runs / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(TYPO), "--replications", "2", "--workers", "1",
         "--out", str(out)],
        capture_output=True, text=True, cwd=runs.parent, timeout=120,
    )
    assert proc.returncode == 2
    line = _one_error_line(proc.stderr)
    assert str(TYPO) in line
    assert "tasks.stell.minuts" in line and "did you mean 'minutes'" in line
    assert proc.stdout == ""
    assert list(runs.iterdir()) == []
    assert not (runs.parent / "results").exists()


# ---------------------------------------------------------------------------------------
# Bad arguments


def test_existing_out_folder_exits_2_and_is_left_alone(
        runs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = runs / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["run", str(TINY), "-n", "1", "--workers", "1", "--out", str(out)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert str(out) in line and "already exists" in line
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in runs.iterdir()) == ["out"]


@pytest.mark.parametrize("extra", [["--warmup-days", "2"], ["--warmup-days", "5"],
                                   ["--days", "3", "--warmup-days", "3"]])
def test_warmup_not_shorter_than_the_run_exits_2(extra: list[str], runs: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = runs / "out"
    assert main(["run", str(TINY), "-n", "1", "--workers", "1", "--out", str(out), *extra]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "--warmup-days" in line
    assert list(runs.iterdir()) == []


@pytest.mark.parametrize("args", [["-n", "0"], ["--replications", "two"], ["--days", "-1"],
                                  ["--warmup-days", "-1"], ["--workers", "0"], ["--bogus"]])
def test_bad_options_exit_2_with_one_line(args: list[str], runs: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(TINY), "--out", str(runs / "out"), *args]) == 2
    _one_error_line(capsys.readouterr().err)
    assert list(runs.iterdir()) == []


def test_no_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    _one_error_line(capsys.readouterr().err)


# ---------------------------------------------------------------------------------------
# A run that fails or is interrupted part-way leaves nothing


def _fail_after_first(monkeypatch: pytest.MonkeyPatch, error: BaseException,
                      partial: Path) -> list[bool]:
    """Make replication 1 raise ``error``; record whether the partial folder existed then."""
    seen: list[bool] = []

    def flaky(model, seed, replication, warmup_days=0, detail=True):  # noqa: ANN001, ANN202
        if replication >= 1:
            seen.append(partial.is_dir() and any((partial / "parts").iterdir()))
            raise error
        return run_one(model, seed, replication, warmup_days, detail)

    monkeypatch.setattr(sim.experiment, "run_one", flaky)
    return seen


def test_run_failing_mid_way_leaves_no_folder(runs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = runs / "out"
    boom = RuntimeError("boom in replication 1")
    seen = _fail_after_first(monkeypatch, boom, runs / ".out.partial")
    with pytest.raises(RuntimeError, match="boom"):
        main(["run", str(TINY), "-n", "3", "--workers", "1", "--out", str(out)])
    assert seen == [True]  # replication 0 had been written to the partial folder ...
    assert not out.exists()
    assert list(runs.iterdir()) == []  # ... and the partial folder was removed


def test_interrupted_run_exits_130_and_leaves_no_folder(runs: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = runs / "out"
    seen = _fail_after_first(monkeypatch, KeyboardInterrupt(), runs / ".out.partial")
    assert main(["run", str(TINY), "-n", "3", "--workers", "1", "--out", str(out)]) == 130
    assert seen == [True]
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no results folder" in err
    assert list(runs.iterdir()) == []


# ---------------------------------------------------------------------------------------
# A complete run


def test_run_writes_the_documented_files(runs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = runs / "out"
    before = dt.datetime.now().astimezone().replace(microsecond=0)
    code = main(["run", str(TINY), "--replications", "2", "--seed", "7", "--workers", "1",
                 "--out", str(out)])
    after = dt.datetime.now().astimezone()
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Traceback" not in captured.err
    assert str(out) in captured.out and "Utilisation" in captured.out
    assert sorted(p.name for p in out.iterdir()) == [
        "replications.csv", "run.json", "staff.parquet", "summary.csv", "tasks.parquet"]
    assert sorted(p.name for p in runs.iterdir()) == ["out"]  # no partial folder left

    tasks = pd.read_parquet(out / "tasks.parquet")
    assert set(TASK_COLUMNS) <= set(tasks.columns)
    assert set(tasks["replication"]) == {0, 1}
    assert set(tasks["task_id"]) == {"stell", "blodprove", "medisin"}
    assert set(tasks["day"]) == {0, 1} and set(tasks["day_type"]) == {"weekday", "weekend"}
    assert not tasks["warmup"].any()
    done = tasks["start"].notna()
    waited = tasks.loc[done, "start"] - tasks.loc[done, "arrival"]
    assert np.allclose(tasks.loc[done, "wait"], waited)
    assert (tasks.loc[done, "end"] >= tasks.loc[done, "start"]).all()
    assert tasks.loc[done, "performed_by"].isin(["sykepleier", "helsefagarbeider"]).all()
    assert tasks.loc[done, "staff_id"].str.match(r"^(sykepleier|helsefagarbeider)/\w+/\d+$").all()
    assert tasks.loc[~done, "performed_by"].isna().all()

    staff = pd.read_parquet(out / "staff.parquet")
    assert set(STAFF_COLUMNS) <= set(staff.columns)
    assert set(staff["replication"]) == {0, 1}
    assert (staff["busy_minutes"] <= staff["on_duty_minutes"] + 1e-9).all()
    on = staff["on_duty_minutes"] > 0
    assert np.allclose(staff.loc[on, "utilisation"],
                       staff.loc[on, "busy_minutes"] / staff.loc[on, "on_duty_minutes"])

    summary = pd.read_csv(out / "summary.csv")
    assert {"scenario", "kpi", "group", "category", "shift", "day_type", "mean", "ci_low",
            "ci_high", "replications"} <= set(summary.columns)
    assert {"utilisation", "wait_p90", "late_share", "missed_share",
            "other_group_hours_per_week"} <= set(summary["kpi"])
    assert (summary["replications"] <= 2).all()
    reps = pd.read_csv(out / "replications.csv")
    assert set(reps["replication"]) == {0, 1} and {"kpi", "value"} <= set(reps.columns)

    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert Path(meta["scenario_file"]).name == "tiny_ward.yaml"
    assert meta["scenario_sha256"] == hashlib.sha256(TINY.read_bytes()).hexdigest()
    assert meta["seed"] == 7 and meta["replications"] == 2 and meta["days"] == 2
    assert meta["wardsim_version"] == sim.__version__
    started = dt.datetime.fromisoformat(meta["started"])
    ended = dt.datetime.fromisoformat(meta["ended"])
    assert before <= started <= ended <= after
    assert 0 <= meta["wall_seconds"] <= (after - before).total_seconds() + 1


def test_run_files_hold_what_the_library_computes(runs: Path) -> None:
    out = runs / "out"
    assert main(["run", str(TINY), "-n", "2", "--seed", "11", "--workers", "1",
                 "--out", str(out)]) == 0
    model = build_model(load(TINY), str(TINY))
    tasks = pd.read_parquet(out / "tasks.parquet")
    staff = pd.read_parquet(out / "staff.parquet")
    for replication in (0, 1):
        rep = run_one(model, 11, replication)
        written = tasks[tasks["replication"] == replication].reset_index(drop=True)
        assert len(written) == len(rep.tasks)
        np.testing.assert_array_equal(written["arrival"], rep.tasks["arrival"])
        np.testing.assert_array_equal(written["start"], rep.tasks["start"])
        assert written["task_id"].tolist() == rep.tasks["task_id"].tolist()
        written_staff = staff[staff["replication"] == replication].reset_index(drop=True)
        np.testing.assert_allclose(written_staff["busy_minutes"], rep.staff["busy_minutes"])


def test_no_detail_leaves_out_tasks_parquet(runs: Path) -> None:
    out = runs / "out"
    assert main(["run", str(TINY), "-n", "1", "--workers", "1", "--no-detail",
                 "--out", str(out)]) == 0
    assert not (out / "tasks.parquet").exists() and (out / "staff.parquet").exists()


def test_warmup_days_are_marked_and_kept_out_of_the_summary(runs: Path) -> None:
    out = runs / "out"
    assert main(["run", str(TINY), "-n", "2", "--days", "3", "--warmup-days", "1", "--workers", "1",
                 "--out", str(out)]) == 0
    tasks = pd.read_parquet(out / "tasks.parquet")
    assert (tasks["warmup"] == (tasks["day"] < 1)).all() and tasks["warmup"].any()
    reps = pd.read_csv(out / "replications.csv", keep_default_na=False)
    counted = reps[(reps["kpi"] == "tasks_per_week") & (reps["group"] == "all")]
    for replication, row in counted.set_index("replication").iterrows():
        kept = ((tasks["replication"] == replication) & ~tasks["warmup"]).sum()
        assert row["value"] == pytest.approx(kept / (2 / 7))


def test_default_out_folder_is_under_results(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(TINY), "-n", "1", "--workers", "1"]) == 0
    folders = list((tmp_path / "results").iterdir())
    assert len(folders) == 1 and folders[0].name.startswith("tiny_ward-")
    assert (folders[0] / "run.json").exists()


# ---------------------------------------------------------------------------------------
# validate


def test_validate_lists_a_coverage_gap(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(GAP)]) == 0
    lines = capsys.readouterr().out.splitlines()
    gaps = [line.split() for line in lines if line.split()[:1] == ["blodprove"]]
    # columns: task_id, task, group, requires, day_type, interval, uncovered_minutes
    # the calendar has no holidays, so no holiday rows
    assert sorted((row[-3], row[-2]) for row in gaps) == [("weekday", "22-07"),
                                                          ("weekend", "22-07")]
    assert all(row[-1] == "540" for row in gaps)
    assert not any(line.split()[:1] == ["stell"] for line in lines)


def test_validate_the_example_ward(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BASELINE)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and f"{len(load(BASELINE).tasks)} tasks" in out


def test_validate_as_a_subprocess() -> None:
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "validate", str(GAP)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "blodprove" in proc.stdout and "22-07" in proc.stdout and "weekend" in proc.stdout
