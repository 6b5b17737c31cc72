"""Hostile and extreme command lines (issue 11): every one gets a clear answer, nothing is left.

What is pinned down here:

* Numbers: a negative or huge ``--seed``, ``--replications abc``, ``--days`` beyond a year,
  ``--max-utilisation nan``, ``sweep --points 1000000000``, ``--vary x=0:inf`` – exit 2,
  one line that names the option and the range in words (never a Python name such as
  ``_positive`` or ``invalid int value``), checked before any work starts; so is more
  work than a run may take (replications × the ward's task instances, a sweep's points
  included).
* ``--out``: empty, ``..``, an existing file or folder, under a file, a name longer than the
  file system allows, under ``/proc``, in a folder without write permission – exit 2, one
  line, nothing made (also no parent folder made on the way).
* Messages are one printable line: a control character in an argument is escaped, a long
  argument is cut, ``--vary tasks=1:2`` describes the list instead of printing it.
* ``sweep --resume`` on what a killed sweep can leave: stray file names in ``points/`` are
  ignored, a truncated or foreign point file is run again (and said so), a damaged or
  missing ``spec.json`` is refused in one line with the partial folder kept.
* A stale ``.NAME.partial`` folder is cleared and said so; one another live run is
  writing (it holds the lock) is refused.
* SIGTERM (simulated in process) removes the partial folder, says so and gives 143; a
  sweep keeps its points and says how to carry on.
* A hypothesis fuzz of the arguments of every command: exit 0 or 2, never an exception,
  one ``wardsim: error:`` line for 2, nothing left behind for 2 and only the results
  folder for 0. Bounded: 100 examples, valid runs are two replications of a tiny
  ward with one worker.

The real signals (Ctrl-C, SIGTERM, SIGKILL to a ``wardsim`` process with workers) are in
``test_signals.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import base_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim.cli.sweep
import sim.experiment
from sim.cli import main
from sim.cli.common import Terminated
from sim.experiment import run_one

DATA = Path(__file__).resolve().parent / "data"
TINY = str(DATA / "tiny_ward.yaml")
SWEEP = ["--vary", "durations.scale=0.6:1.4", "--design", "oat", "--points", "3", "-n", "2",
         "--seed", "3", "--workers", "1"]
POINTS = 4  # 1 + 1·3


def _one_error_line(err: str) -> str:
    """Return the single line on stderr, checked to be a printable wardsim error."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("wardsim: error:"), lines[0]
    assert lines[0].isprintable(), lines[0]
    return lines[0]


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give an empty working folder (also the current one, for ``results/``)."""
    folder = tmp_path / "runs"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture(scope="module")
def ward_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    raw = base_dict(calendar={"days": 1})
    path = tmp_path_factory.mktemp("scenarios") / "ward.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def uninterrupted(ward_file: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sweeps") / "whole"
    assert main(["sweep", ward_file, *SWEEP, "--out", str(out)]) == 0
    return out


# ---------------------------------------------------------------------------------------
# Numbers


NUMBERS = {
    "negative seed": (["--seed", "-1"], "--seed"),
    "huge seed": (["--seed", "9" * 40], "--seed"),
    "words for replications": (["--replications", "abc"], "--replications"),
    "replications with underscores": (["-n", "1_0"], "--replications"),
    "replications too many": (["-n", "1000000000"], "--replications"),
    "days beyond a year": (["--days", "1000000000"], "--days"),
    "warm-up beyond a year": (["--warmup-days", "100000"], "--warmup-days"),
    "too many workers": (["--workers", "100000"], "--workers"),
    "a float for days": (["--days", "1.5"], "--days"),
}


@pytest.mark.parametrize(("args", "option"), list(NUMBERS.values()), ids=list(NUMBERS))
def test_bad_numbers_are_told_in_words(args: list[str], option: str, runs: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", TINY, "--out", str(runs / "out"), *args]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert option in line and "must be a whole number from" in line, line
    assert "_positive" not in line and "invalid" not in line, line
    assert list(runs.iterdir()) == []


@pytest.mark.parametrize(("args", "says"), [
    (["--vary", "durations.scale=0:inf"], "finite"),
    (["--vary", "durations.scale=nan:1"], "finite"),
    (["--vary", "durations.scale=0.5:1e999"], "finite"),
    (["--vary", "durations.scale=0.5:1.5", "--points", "1000000000"], "--points"),
    (["--vary", "durations.scale=0.5:1.5", "--points", "2e3"], "--points"),
    (["--vary", "durations.scale=0.5:1.5", "--vary", "arrivals.scale=0.5:1.5", "--design",
      "grid", "--points", "1000"], "1,000,000 design points"),
    (["--vary", "durations.scale=0.5:1.5", "--design", "sobol", "--points", "100000"],
     "300,000 design points"),
])
def test_bad_sweep_sizes_fail_at_once(args: list[str], says: str, ward_file: str, runs: Path,
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sim.cli.sweep, "design", lambda *a: pytest.fail("design was made"))
    started = time.perf_counter()
    assert main(["sweep", ward_file, *args, "--out", str(runs / "out")]) == 2
    assert time.perf_counter() - started < 5
    line = _one_error_line(capsys.readouterr().err)
    assert says in line, line
    assert list(runs.iterdir()) == []


@pytest.mark.parametrize("args", [
    ["run", "BASELINE", "-n", "100000"],
    ["compare", "BASELINE", "BASELINE", "-n", "50000"],
    ["sweep", "BASELINE", "--vary", "durations.scale=0.5:1.5", "--points", "20000", "-n", "100"],
    ["assess", "BASELINE", "-n", "100000"],
])
def test_too_much_work_is_refused_before_it_starts(args: list[str], runs: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    example = str(Path(__file__).resolve().parent.parent / "scenarios" /
                  "hnt_medisin_baseline.yaml")
    started = time.perf_counter()
    argv = [example if a == "BASELINE" else a for a in args]
    assert main([*argv, "--workers", "1", "--out", "out"]) == 2
    assert time.perf_counter() - started < 10
    line = _one_error_line(capsys.readouterr().err)
    assert "replications" in line and "more than" in line, line
    assert list(runs.iterdir()) == []


def test_max_utilisation_must_be_a_share(runs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for value in ("nan", "inf", "-0.1", "0", "1.01", "most"):
        assert main(["compare", TINY, TINY, "--max-utilisation", value, "--out", "out"]) == 2
        line = _one_error_line(capsys.readouterr().err)
        assert "--max-utilisation" in line and "between" not in line and "such as 0.85" in line
    assert list(runs.iterdir()) == []


def test_vary_a_list_describes_it_in_a_few_words(capsys: pytest.CaptureFixture[str],
                                                 runs: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "scenarios" / "hnt_medisin_baseline.yaml"
    for vary, says in (("tasks=1:2", "tasks is a list of"), ("ward=1:2", "ward holds fields"),
                       ("roster=1:2", "roster holds fields")):
        assert main(["sweep", str(example), "--vary", vary, "--out", "out"]) == 2
        line = _one_error_line(capsys.readouterr().err)
        assert says in line and len(line) < 250, line
    assert list(runs.iterdir()) == []


def test_control_characters_and_long_arguments_come_back_short_and_escaped(
        ward_file: str, runs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", ward_file, "--vary", "ward.b\x1b[31meds=1:2", "--out", "out"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "\\x1b" in line and "\x1b" not in line
    assert main(["sweep", ward_file, "--vary", "x" * 20_000 + "=1:2", "--out", "out"]) == 2
    assert len(_one_error_line(capsys.readouterr().err)) < 400
    assert main(["run", TINY, "--bogus\nline", "--out", "out"]) == 2
    assert "\\n" in _one_error_line(capsys.readouterr().err)
    assert list(runs.iterdir()) == []


# ---------------------------------------------------------------------------------------
# --out


def _out_cases(runs: Path) -> dict[str, tuple[str, str]]:
    (runs / "a_file").write_text("x", encoding="utf-8")
    (runs / "a_folder").mkdir()
    return {
        "empty": ("", "empty"),
        "blank": ("   ", "empty"),
        "dot dot": ("..", "must name a new folder"),
        "the working folder": (".", "must name a new folder"),
        "an existing folder": ("a_folder", "already exists"),
        "an existing file": ("a_file", "already exists"),
        "under a file": ("a_file/out", "a_file is a file, not a folder"),
        "deep under a file": ("a_file/x/y/out", "a_file is a file, not a folder"),
        "a name too long": ("n" * 300, "too long"),
        "a parent name too long": ("p" * 300 + "/out", "too long"),
        "new parents, then a name too long": ("new/deeper/" + "n" * 250, "too long"),
        "under /proc": ("/proc/wardsim-out", "/proc"),
        "deep under /proc": ("/proc/wardsim/a/b", "/proc"),
    }


@pytest.mark.parametrize("case", ["empty", "blank", "dot dot", "the working folder",
                                  "an existing folder", "an existing file", "under a file",
                                  "deep under a file", "a name too long", "a parent name too long",
                                  "new parents, then a name too long", "under /proc",
                                  "deep under /proc"])
@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_an_out_that_cannot_be_made_is_one_line_and_nothing_is_made(
        case: str, command: str, runs: Path, ward_file: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    out, says = _out_cases(runs)[case]
    if out.startswith("/proc") and not os.path.isdir("/proc"):
        pytest.skip("no /proc")
    before = _tree(runs)
    args = {"run": ["run", TINY], "compare": ["compare", TINY, TINY],
            "sweep": ["sweep", ward_file, "--vary", "durations.scale=0.5:1.5", "--points", "2"]}
    assert main([*args[command], "-n", "1", "--workers", "1", "--out", out]) == 2
    captured = capsys.readouterr()
    line = _one_error_line(captured.err)
    assert says in line, line
    assert captured.out == ""
    assert _tree(runs) == before


@pytest.mark.parametrize("how", ["chmod", "access"])
def test_an_out_in_a_read_only_folder(how: str, runs: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    locked = runs / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if how == "chmod" and os.access(locked, os.W_OK):
            pytest.skip("running as root: permissions do not stop a write")
        if how == "access":  # as a user without write permission sees it (also under root)
            real = os.access
            monkeypatch.setattr(os, "access", lambda path, mode, **kw: False
                                if Path(path) == locked else real(path, mode, **kw))
        assert main(["run", TINY, "-n", "1", "--workers", "1", "--out", str(locked / "out")]) == 2
        line = _one_error_line(capsys.readouterr().err)
        assert "no permission to write" in line and str(locked) in line
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_new_parent_folders_go_with_a_failed_run(runs: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.experiment, "run_one", boom)
    assert main(["run", TINY, "-n", "2", "--workers", "1", "--out", "new/deeper/out"]) == 130
    assert "removed the unfinished" in capsys.readouterr().err
    assert list(runs.iterdir()) == []


def test_out_errors_from_the_real_command_have_no_traceback(runs: Path) -> None:
    (runs / "a_file").write_text("x", encoding="utf-8")
    for args in (["--seed", "-1"], ["--out", "a_file/out"]):
        proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", TINY, "--workers", "1",
                               "--out", "out", *args], capture_output=True, text=True,
                              timeout=60, cwd=runs)
        assert proc.returncode == 2, (args, proc.stderr)
        _one_error_line(proc.stderr)
        assert sorted(p.name for p in runs.iterdir()) == ["a_file"]


# ---------------------------------------------------------------------------------------
# Stale and busy partial folders


def test_a_stale_partial_folder_is_cleared_and_said_so(runs: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    stale = runs / ".out.partial"
    (stale / "parts").mkdir(parents=True)
    (stale / "parts" / "staff-000000.parquet").write_bytes(b"half a file")
    assert main(["run", TINY, "-n", "1", "--workers", "1", "--out", "out"]) == 0
    err = capsys.readouterr().err
    assert f"removed {Path('.out.partial')}" in err and "earlier run" in err
    assert sorted(p.name for p in runs.iterdir()) == ["out"]
    assert not (runs / "out" / ".lock").exists()


def test_a_partial_folder_in_use_by_a_live_run_is_left_alone(
        runs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    busy = runs / ".out.partial"
    busy.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         f"fd = os.open({str(busy / '.lock')!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.lockf(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert main(["run", TINY, "-n", "1", "--workers", "1", "--out", "out"]) == 2
        line = _one_error_line(capsys.readouterr().err)
        assert "another wardsim run is writing" in line
        assert busy.is_dir() and (busy / ".lock").exists()
        assert not (runs / "out").exists()
    finally:
        holder.kill()
        holder.wait()
    # once its writer is gone, the folder is stale and the next run clears it
    assert main(["run", TINY, "-n", "1", "--workers", "1", "--out", "out"]) == 0
    assert sorted(p.name for p in runs.iterdir()) == ["out"]


# ---------------------------------------------------------------------------------------
# SIGTERM, simulated in process


def _terminate_at(replication: int, monkeypatch: pytest.MonkeyPatch) -> None:
    def flaky(model, seed, rep, warmup_days=0, detail=True, *rest):  # noqa: ANN001, ANN002, ANN202
        if rep >= replication:
            raise Terminated(signal.SIGTERM)
        return run_one(model, seed, rep, warmup_days, detail, *rest)

    monkeypatch.setattr(sim.experiment, "run_one", flaky)


@pytest.mark.parametrize("lang", ["en", "nb", "sv"])
def test_sigterm_removes_the_partial_folder_says_so_and_exits_143(
        lang: str, runs: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _terminate_at(1, monkeypatch)
    assert main(["run", TINY, "-n", "3", "--workers", "1", "--out", "out", "--lang", lang]) == 143
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert "SIGTERM" in line and ".out.partial" in line and "Traceback" not in line
    assert list(runs.iterdir()) == []


def test_sigterm_in_compare_names_the_outer_partial_folder(
        runs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _terminate_at(1, monkeypatch)
    assert main(["compare", TINY, TINY, "-n", "2", "--workers", "1", "--out", "cmp"]) == 143
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"removed the unfinished {Path('.cmp.partial')})" in line, line
    assert list(runs.iterdir()) == []


def test_sigterm_in_a_sweep_keeps_its_points(ward_file: str, runs: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    real = sim.cli.sweep.map_unordered

    def stopped(fn, jobs, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        for i, result in enumerate(real(fn, jobs, *args, **kwargs)):
            if i == 2:
                raise Terminated(signal.SIGTERM)
            yield result

    with monkeypatch.context() as patch:
        patch.setattr(sim.cli.sweep, "map_unordered", stopped)
        assert main(["sweep", ward_file, *SWEEP, "--out", "sw"]) == 143
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert "SIGTERM" in line and "--resume --out sw" in line
    points = runs / ".sw.partial" / "points"
    assert len(list(points.glob("point-*.parquet"))) == 2
    assert not (runs / ".sw.partial" / ".lock").exists()
    assert main(["sweep", ward_file, *SWEEP, "--out", "sw", "--resume"]) == 0
    assert sorted(p.name for p in runs.iterdir()) == ["sw"]


# ---------------------------------------------------------------------------------------
# sweep --resume on what a killed sweep can leave


def _interrupted_sweep(ward_file: str, out: Path, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str], finished: int = 2) -> Path:
    real = sim.cli.sweep.map_unordered

    def interrupted(fn, jobs, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        for i, result in enumerate(real(fn, jobs, *args, **kwargs)):
            if i == finished:
                raise KeyboardInterrupt
            yield result

    with monkeypatch.context() as patch:
        patch.setattr(sim.cli.sweep, "map_unordered", interrupted)
        assert main(["sweep", ward_file, *SWEEP, "--out", str(out)]) == 130
    capsys.readouterr()
    return out.parent / f".{out.name}.partial"


def _assert_same_tables(a: Path, b: Path) -> None:
    for name in ("points.csv", "sensitivity.csv", "replications.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(a / name), pd.read_csv(b / name),
                                      check_exact=True, obj=name)


def test_resume_ignores_stray_files_and_reruns_damaged_points(
        ward_file: str, uninterrupted: Path, runs: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    partial = _interrupted_sweep(ward_file, runs / "sw", monkeypatch, capsys)
    points = partial / "points"
    assert sorted(p.name for p in points.iterdir()) == ["point-000000.parquet",
                                                        "point-000001.parquet"]
    for stray in ("point-abc.parquet", "point-.parquet", "point-999999.parquet", "notes.txt",
                  "point-000002.tmp", "point-1.parquet", "point-000003.parquet.bak"):
        (points / stray).write_bytes(b"not a point")
    (points / "point-000003.tmp").mkdir()  # in the way of the next write
    (points / "point-000003.parquet").mkdir()  # a folder where a file should be
    whole = (points / "point-000001.parquet").read_bytes()
    (points / "point-000001.parquet").write_bytes(whole[: len(whole) // 2])  # truncated
    other = (points / "point-000000.parquet").read_bytes()
    (points / "point-000002.parquet").write_bytes(other)  # readable, but point 0's rows

    ran: list[int] = []
    real = sim.cli.sweep.map_unordered

    def counting(fn, jobs, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        ran.extend(job[2] for job in jobs)
        return real(fn, jobs, *args, **kwargs)

    monkeypatch.setattr(sim.cli.sweep, "map_unordered", counting)
    assert main(["sweep", ward_file, *SWEEP, "--out", str(runs / "sw"), "--resume"]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "point-000001.parquet is damaged" in err and "that point runs again" in err
    assert "point-000002.parquet is damaged" in err and "point-000003.parquet is damaged" in err
    assert sorted(ran) == [1, 2, 3]
    _assert_same_tables(uninterrupted, runs / "sw")
    assert sorted(p.name for p in runs.iterdir()) == ["sw"]


@pytest.mark.parametrize("damage", ["half", "binary", "empty", "a list", "a folder", "missing"])
def test_resume_refuses_a_damaged_spec_and_keeps_the_points(
        damage: str, ward_file: str, runs: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    partial = _interrupted_sweep(ward_file, runs / "sw", monkeypatch, capsys)
    spec = partial / "spec.json"
    text = spec.read_text(encoding="utf-8")
    spec.unlink()
    if damage == "half":
        spec.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "binary":
        spec.write_bytes(b"\xff\xfe\x00garbage")
    elif damage == "empty":
        spec.write_text("", encoding="utf-8")
    elif damage == "a list":
        spec.write_text("[1, 2]", encoding="utf-8")
    elif damage == "a folder":
        spec.mkdir()
    assert main(["sweep", ward_file, *SWEEP, "--out", str(runs / "sw"), "--resume"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "--resume" in line and ("damaged" in line or "different sweep" in line
                                   or "no spec.json" in line), line
    assert len(list((partial / "points").glob("point-*.parquet"))) == 2
    assert not (runs / "sw").exists()
    if damage == "half":  # starting over (no --resume) clears it, says so, and runs
        assert main(["sweep", ward_file, *SWEEP, "--out", str(runs / "sw")]) == 0
        assert "earlier sweep" in capsys.readouterr().err
        assert sorted(p.name for p in runs.iterdir()) == ["sw"]


def test_resume_refuses_points_that_is_a_file(ward_file: str, runs: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    partial = _interrupted_sweep(ward_file, runs / "sw", monkeypatch, capsys)
    for path in (partial / "points").iterdir():
        path.unlink()
    (partial / "points").rmdir()
    (partial / "points").write_text("x", encoding="utf-8")
    assert main(["sweep", ward_file, *SWEEP, "--out", str(runs / "sw"), "--resume"]) == 2
    assert "not a folder" in _one_error_line(capsys.readouterr().err)


# ---------------------------------------------------------------------------------------
# Fuzz: the arguments of every command


def _texts() -> st.SearchStrategy[str]:
    # no NUL: a real command line cannot hold one
    return st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                   max_size=30)


def _value(*good: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(good), _texts(),
                     st.integers(-(10**20), 10**20).map(str),
                     st.sampled_from(["-1", "0", "inf", "nan", "1e999", "1_000", "", " ", "0x10",
                                      "9" * 30]))


def _out() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["out", "new/sub/out", "", "..", ".", "a_file", "a_file/out",
                         "a_folder", "n" * 300, "/proc/wardsim-fuzz", "a_folder/", "-x"]),
        _texts().filter(lambda t: t.strip() not in ("", ".", "..")).map(lambda t: "f/" + t))


OPTIONS = {
    "-n": _value("1", "2"), "--seed": _value("0", "7"), "--days": _value("1", "2"),
    "--warmup-days": _value("0", "1"), "--workers": _value("1"), "--out": _out(),
    "--lang": _value("en", "nb", "sv"), "--executor": _value("local"),
    "--scheduler": _value("nonsense"),
}
COMMAND_OPTIONS = {
    "run": {"--report": None, "--no-detail": None},
    "compare": {"--max-utilisation": _value("0.5", "1"), "--independent-streams": None},
    "sweep": {"--vary": _value("durations.scale=0.5:1.5", "tasks=1:2", "x=0:inf",
                               "durations.scale=1:0", "ward.beds=2:4"),
              "--points": _value("2", "3"), "--design": _value("lhs", "oat", "grid"),
              "--resume": None},
    "assess": {"--targets": _value("missing.yaml")},
    "validate": {},
}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMAND_OPTIONS)))
    scenarios = st.sampled_from([TINY, TINY, TINY, "missing.yaml", "a_folder", "a_file", ""])
    argv = [command] + draw(st.lists(scenarios, min_size=1, max_size=3 if command in
                                     ("compare", "assess") else 1))
    options = {} if command == "validate" else dict(OPTIONS)
    options.update(COMMAND_OPTIONS[command])
    if command == "validate":
        options["--lang"] = _value("en")
    names = draw(st.lists(st.sampled_from(sorted(options)), max_size=6))
    for name in names:
        strategy = options[name]
        argv += [name] if strategy is None else [name, draw(strategy)]
    if command != "validate":
        # bound the work: a valid run is at most two replications of two days on one worker
        argv += ["-n", draw(st.sampled_from(["1", "2"])), "--workers", "1", "--days",
                 draw(st.sampled_from(["1", "2"]))]
        if command == "sweep":
            argv += ["--points", draw(st.sampled_from(["2", "3"])), "--vary",
                     "durations.scale=0.5:1.5"]
    if draw(st.booleans()):
        argv.insert(draw(st.integers(0, len(argv))), draw(st.sampled_from(
            ["--bogus", "-x", "--", "--out=", "--seed=-3", "--workers=0"])))
    return argv


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=command_lines())
def test_fuzzed_command_lines_exit_0_or_2_and_leave_nothing(
        argv: list[str], tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "a_file").write_text("x", encoding="utf-8")
    (folder / "a_folder").mkdir()
    (folder / "f").mkdir()
    monkeypatch.chdir(folder)
    before = _tree(folder)
    started = time.perf_counter()
    try:
        code = main(list(argv))
    except SystemExit as done:  # --help or --version
        code = done.code
    captured = capsys.readouterr()
    assert time.perf_counter() - started < 30, argv
    assert code in (0, 2), (argv, captured.err)
    assert "Traceback" not in captured.err
    after = _tree(folder)
    assert not [p for p in after if p.endswith(".partial") or "/.lock" in p], (argv, after)
    if code == 2:
        _one_error_line(captured.err)
        assert after == before, (argv, after - before)
    else:
        new = {p.split("/")[0] for p in after - before}
        assert len(new) <= 1, (argv, new)
