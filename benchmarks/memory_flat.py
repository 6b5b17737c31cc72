"""Peak memory of ``wardsim run`` stays flat in the number of replications (issue 3, "Scale").

Each measurement runs the command line in a fresh child process::

    python -m sim.cli run SCENARIO -n N --days D --workers W [--no-detail] --out TMP/...

and reads that child's peak resident set size from ``os.wait4`` (``ru_maxrss``; on Linux it
covers the child and any worker processes it waited for, as the largest single process,
not their sum). Runs without and with ``--detail`` (the default of ``wardsim run``: one row
per task, written to per-replication part files and joined on disk) show that task rows
go to disk, not memory. The last column is what holding every task row in a pandas frame
would take (one replication's in-memory size times N) – the growth that must not happen.

Usage::

    python benchmarks/memory_flat.py [--replications 10 40 160] [--days 7] [--workers 1 [2 ...]]
    python benchmarks/memory_flat.py --full [--max-minutes 20]   # 1000 x 28 days, 2 workers

``--full`` first times a short probe run, prints the estimated time and disk space of
1,000 replications of the 28-day example ward with ``--workers 2``, and runs it only if the
estimate is under ``--max-minutes`` (or with ``--force``). Output folders are deleted after
each measurement unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from sim.experiment import run_one
from sim.io.scenario import load
from sim.model import build_model

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "hnt_medisin_baseline.yaml"
MB = 1e6


@dataclass
class Run:
    """One measured ``wardsim run``."""

    replications: int
    workers: int
    detail: bool
    peak_mb: float
    wall: float
    task_rows: int
    tasks_mb: float


def measure(scenario: str, replications: int, days: int | None, workers: int, detail: bool,
            out: Path, keep: bool = False) -> Run:
    """Run the CLI in a child process; return its peak RSS and what it wrote."""
    command = [sys.executable, "-m", "sim.cli", "run", scenario, "-n", str(replications),
               "--workers", str(workers), "--out", str(out)]
    if days is not None:
        command += ["--days", str(days)]
    if not detail:
        command.append("--no-detail")
    clock = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        wall = time.perf_counter() - clock
        if child.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(command)} exited {child.returncode}:\n"
                               f"{err.read().decode(errors='replace')}")
    tasks = out / "tasks.parquet"
    rows = pq.ParquetFile(tasks).metadata.num_rows if tasks.exists() else 0
    size = tasks.stat().st_size / MB if tasks.exists() else 0.0
    if not keep:
        shutil.rmtree(out)
    return Run(replications, workers, detail, usage.ru_maxrss * 1024 / MB, wall, rows, size)


def in_memory_mb(scenario: str, days: int | None) -> float:
    """Megabytes one replication's task rows take as a pandas frame (deep)."""
    model = build_model(load(scenario), source=scenario, days=days)
    tasks = run_one(model, 12345, 0, detail=True).tasks
    return tasks.memory_usage(deep=True).sum() / MB


def table(runs: list[Run], per_rep_mb: float) -> str:
    """Format the N vs peak-memory table as text."""
    lines = [f"{'N':>6} {'workers':>8} {'detail':>7} {'peak RSS MB':>12} {'wall s':>8} "
             f"{'task rows on disk':>18} {'tasks.parquet MB':>17} "
             f"{'rows in memory would be MB':>27}"]
    for r in runs:
        would = f"{per_rep_mb * r.replications:.0f}" if r.detail else "-"
        lines.append(f"{r.replications:>6} {r.workers:>8} {'yes' if r.detail else 'no':>7} "
                     f"{r.peak_mb:>12.1f} {r.wall:>8.1f} {r.task_rows:>18,} "
                     f"{r.tasks_mb:>17.1f} {would:>27}")
    return "\n".join(lines)


def full(args: argparse.Namespace, tmp: Path) -> int:
    """Estimate, then (if short enough) run 1,000 replications of the 28-day ward."""
    n, workers = 1000, 2
    days = args.full_days or "the scenario's"
    print(f"Probes: {workers} and {3 * workers} replications, {days} days, {workers} workers, "
          "with detail ...", flush=True)
    short = measure(args.scenario, workers, args.full_days, workers, True, tmp / "probe-short")
    probe = measure(args.scenario, 3 * workers, args.full_days, workers, True, tmp / "probe")
    per_rep = (probe.wall - short.wall) / (2 * workers)  # start-up and joining cancel out
    if per_rep <= 0:  # noisy machine: fall back to an overestimate
        per_rep = probe.wall / probe.replications
    probe_n = probe.replications
    minutes = (short.wall + per_rep * (n - workers)) / 60
    disk_gb = probe.tasks_mb / probe_n * n * 2 / 1e3  # part files and joined file at once
    free_gb = shutil.disk_usage(tmp).free / 1e9
    command = (f"{sys.executable} benchmarks/memory_flat.py --full --force"
               + (f" --full-days {args.full_days}" if args.full_days else ""))
    print(f"Probes: {short.wall:.1f} s and {probe.wall:.1f} s wall, so {per_rep:.2f} s per "
          f"further replication on {workers} workers; peak RSS {short.peak_mb:.0f} and "
          f"{probe.peak_mb:.0f} MB; tasks.parquet {probe.tasks_mb / probe_n:.1f} MB per "
          "replication.")
    print(f"Estimate for {n} replications: {minutes:.0f} min, up to {disk_gb:.1f} GB of disk "
          f"while joining (free: {free_gb:.0f} GB).")
    if disk_gb > free_gb:
        print("Not enough free disk; not running.")
        return 1
    if minutes > args.max_minutes and not args.force:
        print(f"Longer than --max-minutes {args.max_minutes}: not running. To run it anyway:\n"
              f"    {command}")
        return 0
    print(f"Running {n} replications ...", flush=True)
    run = measure(args.scenario, n, args.full_days, workers, True, tmp / "full", args.keep)
    per_rep_mb = in_memory_mb(args.scenario, args.full_days)
    print(table([short, probe, run], per_rep_mb))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Measure peak memory for each N, without and with per-task detail."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(SCENARIO), help="default: the example baseline")
    parser.add_argument("--replications", type=int, nargs="+", default=[10, 40, 160],
                        help="values of N (default 10 40 160)")
    parser.add_argument("--days", type=int, default=7, help="default 7")
    parser.add_argument("--workers", type=int, nargs="+", default=[1],
                        help="worker counts to measure, e.g. 1 2 (default 1)")
    parser.add_argument("--no-detail-only", action="store_true", help="skip the --detail runs")
    parser.add_argument("--full", action="store_true",
                        help="1000 replications of the 28-day ward on 2 workers (see above)")
    parser.add_argument("--full-days", type=int, default=None,
                        help="days for --full (default: the scenario's own, 28)")
    parser.add_argument("--max-minutes", type=float, default=20.0, help="default 20")
    parser.add_argument("--force", action="store_true", help="run --full whatever the estimate")
    parser.add_argument("--keep", action="store_true", help="keep the output folders")
    parser.add_argument("--tmp", default=None, help="where to write outputs (default: system temp)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="wardsim-memory-", dir=args.tmp))
    try:
        if args.full:
            return full(args, tmp)
        print(f"{Path(args.scenario).name}: {args.days} days; peak RSS of each wardsim run "
              "child process (the largest of it and its worker processes)", flush=True)
        runs = []
        for workers in args.workers:
            for detail in (False,) if args.no_detail_only else (False, True):
                for n in args.replications:
                    out = tmp / f"n{n}-w{workers}-{'detail' if detail else 'nodetail'}"
                    runs.append(measure(args.scenario, n, args.days, workers, detail, out,
                                        args.keep))
                    print(f"  N={n} workers={workers} detail={detail}: "
                          f"{runs[-1].peak_mb:.1f} MB", flush=True)
        print(table(runs, in_memory_mb(args.scenario, args.days)))
        if args.keep:
            print(f"Output folders kept in {tmp}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
