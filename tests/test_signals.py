"""Real signals to a real ``wardsim`` with worker processes (issue 11, "Signals").

Each test starts ``python -m sim.cli run`` (or ``sweep``) on the example ward with
``--workers 2`` in its own session, waits until it is mid-run (a replication or a design
point on disk, both workers alive), sends the signal and checks:

* the exit code: 130 after Ctrl-C (SIGINT to the whole process group, as a terminal
  sends it), 143 after SIGTERM, -9 after SIGKILL;
* the time to stop: a few seconds at most, not the time the running replications need;
* that no process survives: neither the main process nor its workers (also after SIGKILL,
  when the workers must notice their parent is gone), and that the stderr pipe is closed
  (``wardsim run … | tee log`` returns);
* what is left: nothing after Ctrl-C and SIGTERM, which say so in one line; a sweep keeps
  its finished points for ``--resume``; after SIGKILL the partial folder stays, and the
  next run to the same ``--out`` clears it and says so;
* that a rerun works.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(ROOT / "scenarios" / "hnt_medisin_baseline.yaml")
TINY = str(ROOT / "tests" / "data" / "tiny_ward.yaml")
#: Most seconds from the signal to the end of every process.
STOP_WITHIN = 3.0
#: Longest wait for a run to be mid-run.
START_WITHIN = 60.0

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (psutil if installed, else /proc)."""
    try:
        import psutil
    except ImportError:
        parents: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                parents.setdefault(ppid, []).append(int(entry.name))
        out, todo = [], [pid]
        while todo:
            kids = parents.get(todo.pop(), [])
            out += kids
            todo += kids
        return out
    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _running(pids: list[int]) -> list[int]:
    """Those of ``pids`` that still run (a zombie does not: it only waits to be reaped)."""
    alive = []
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                continue
            except PermissionError:
                pass
            alive.append(pid)
            continue
        if stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
            alive.append(pid)
    return alive


def _start(args: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "sim.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _mid_run(proc: subprocess.Popen[str], done: Path, pattern: str) -> list[int]:
    """Wait until a file matching ``pattern`` is in ``done`` and two workers run; the workers."""
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"wardsim ended before it could be stopped: {proc.stderr.read()}")
        workers = _children(proc.pid)
        if len(workers) >= 2 and done.is_dir() and any(done.glob(pattern)):
            return workers
        time.sleep(0.02)
    proc.kill()
    pytest.fail("wardsim did not get going")


def _stop(proc: subprocess.Popen[str], sig: int, workers: list[int],
          group: bool = False) -> tuple[int, float, str]:
    """Send ``sig``; return the exit code, the seconds until every process ended, stderr."""
    started = time.monotonic()
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=STOP_WITHIN + 5)  # returns once stderr is closed
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    while _running(workers) and time.monotonic() - started < STOP_WITHIN + 5:
        time.sleep(0.02)
    took = time.monotonic() - started
    try:
        assert not _running(workers), f"workers survived: {_running(workers)}"
    finally:
        for pid in _running(workers):
            os.kill(pid, signal.SIGKILL)
    return proc.returncode, took, err


def _run(out: Path) -> list[str]:
    return ["run", BASELINE, "-n", "40", "--workers", "2", "--no-detail", "--out", str(out)]


@pytest.mark.parametrize(("sig", "code", "says"), [
    (signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "stopped by SIGTERM")],
    ids=["ctrl-c", "sigterm"])
def test_a_stopped_run_ends_at_once_with_its_workers_and_leaves_nothing(
        sig: int, code: int, says: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    proc = _start(_run(out))
    workers = _mid_run(proc, tmp_path / ".out.partial" / "parts", "staff-*.parquet")
    returncode, took, err = _stop(proc, sig, workers, group=sig == signal.SIGINT)
    assert returncode == code, err
    assert took < STOP_WITHIN, took
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"wardsim: {says}"), err  # no worker noise
    assert "no results folder" in lines[0] and ".out.partial" in lines[0]
    assert list(tmp_path.iterdir()) == []
    assert main(["run", TINY, "-n", "1", "--workers", "1", "--out", str(out)]) == 0
    assert "removed" not in capsys.readouterr().err  # nothing stale to clear
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_killed_run_takes_its_workers_along_and_the_next_run_clears_up(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    proc = _start(_run(out))
    workers = _mid_run(proc, tmp_path / ".out.partial" / "parts", "staff-*.parquet")
    returncode, took, _ = _stop(proc, signal.SIGKILL, workers)
    assert returncode == -signal.SIGKILL
    assert took < STOP_WITHIN, took
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.partial"]
    assert main(["run", TINY, "-n", "1", "--workers", "1", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"removed {tmp_path / '.out.partial'}" in err and "earlier run" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_sigterm_to_a_sweep_keeps_its_points_and_resume_finishes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sweep"
    # 9 points of 8 weeks each, two at a time: the last point ends some 4 s after the
    # first (on a 2-core machine), long enough to be stopped mid-run however fast the
    # engine gets (with 5 points of 2 weeks that was 1 s, and CI once saw the sweep end first)
    sweep = ["sweep", BASELINE, "--vary", "durations.scale=0.8:1.2", "--design", "oat",
             "--points", "8", "-n", "1", "--days", "56", "--seed", "5", "--out", str(out)]
    proc = _start([*sweep, "--workers", "2"])
    points = tmp_path / ".sweep.partial" / "points"
    workers = _mid_run(proc, points, "point-*.parquet")
    returncode, took, err = _stop(proc, signal.SIGTERM, workers)
    assert returncode == 143, err
    assert took < STOP_WITHIN, took
    lines = err.splitlines()
    assert len(lines) == 1 and "SIGTERM" in lines[0] and f"--resume --out {out}" in lines[0]
    kept = sorted(p.name for p in points.glob("point-*.parquet"))
    assert 1 <= len(kept) < 9
    assert not (tmp_path / ".sweep.partial" / ".lock").exists()
    assert main([*sweep, "--workers", "2", "--resume"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep"]
