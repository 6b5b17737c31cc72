"""Speed-up of replications on 1 and 2 worker processes (issue 3, "Speed").

Runs the example ward week (``scenarios/hnt_medisin_baseline.yaml``, 7 days) for 40
replications with ``run_replications(workers=1)`` and ``(workers=2)``, ``detail=False``,
prints the wall time, the per-replication cost and the speed-up, and checks that both runs
give identical KPI tables (the seed, not the number of workers, fixes every number).

Usage::

    python benchmarks/bench_workers.py [--replications 40] [--days 7] [--workers 2]
                                       [--end-to-end]

``--end-to-end`` also times the whole command, ``wardsim run --no-detail`` as a fresh
process with 1 and N ``--workers`` (the same replications and days): what a user waits for,
start-up, model building and the result files included, none of which runs in parallel
(issue 10: 1.38x end to end against 1.89x inside, when every command imported scipy and
pandas first).

Aim (issue 3): a speed-up of at least 1.7x on 2 cores. Timings are only meaningful on an
otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from sim.experiment import run_replications
from sim.io.scenario import load
from sim.model import WardModel, build_model

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "hnt_medisin_baseline.yaml"


def _cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and its finished child processes."""
    usages = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usages)


def timed(model: WardModel, replications: int, seed: int,
          workers: int) -> tuple[float, float, pd.DataFrame]:
    """Wall seconds, CPU seconds and KPI frame of one ``run_replications`` call.

    The worker processes have ended (and been waited for) when the call returns, so their
    CPU time is in ``RUSAGE_CHILDREN``.
    """
    cpu, clock = _cpu_seconds(), time.perf_counter()
    results = run_replications(model, replications, seed, detail=False, workers=workers)
    return time.perf_counter() - clock, _cpu_seconds() - cpu, results.kpis


def end_to_end(scenario: str, replications: int, days: int, seed: int, workers: int) -> float:
    """Wall seconds of ``wardsim run --no-detail`` as a fresh process, results in a temp folder."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "sim.cli", "run", scenario, "-n", str(replications),
                   "--days", str(days), "--seed", str(seed), "--workers", str(workers),
                   "--no-detail", "--out", str(Path(tmp) / "out")]
        clock = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return time.perf_counter() - clock


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def control_speedup(workers: int, jobs: int = 8, size: int = 2_000_000) -> float:
    """Speed-up of a pure-Python CPU loop on ``workers`` processes: what the machine allows now.

    A speed-up well under ``workers`` here means other load on the machine, not the simulator.
    """
    clock = time.perf_counter()
    for _ in range(jobs):
        _burn(size)
    serial = time.perf_counter() - clock
    clock = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_burn, [size] * jobs))
    return serial / (time.perf_counter() - clock)


def main(argv: list[str] | None = None) -> int:
    """Time the replications on 1 and N workers and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=40, help="default 40")
    parser.add_argument("--days", type=int, default=7, help="default 7")
    parser.add_argument("--workers", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument("--seed", type=int, default=12345, help="default 12345")
    parser.add_argument("--no-control", action="store_true",
                        help="skip the pure-Python control run that shows the attainable speed-up")
    parser.add_argument("--end-to-end", action="store_true",
                        help="also time `wardsim run` as a fresh process on 1 and N workers")
    parser.add_argument("--scenario", default=str(SCENARIO),
                        help="scenario file (default: the example baseline)")
    args = parser.parse_args(argv)

    model = build_model(load(args.scenario), source=args.scenario, days=args.days)
    n = args.replications
    load_before = os.getloadavg()[0]
    control_before = None if args.no_control else control_speedup(args.workers)
    serial, serial_cpu, kpis_1 = timed(model, n, args.seed, 1)
    parallel, parallel_cpu, kpis_n = timed(model, n, args.seed, args.workers)
    pd.testing.assert_frame_equal(kpis_1, kpis_n)
    if args.end_to_end:
        whole_1, whole_n = (end_to_end(args.scenario, n, args.days, args.seed, w)
                            for w in (1, args.workers))

    print(f"{Path(args.scenario).name}: {n} replications x {args.days} days, seed {args.seed}, "
          f"detail=False; {os.cpu_count()} cores, 1-min load average before start "
          f"{load_before:.2f}")
    print(f"{'workers':>8} {'wall s':>9} {'wall s / rep':>13} {'CPU s':>8} {'CPU s / rep':>12} "
          f"{'speed-up':>9}")
    for workers, wall, cpu in ((1, serial, serial_cpu), (args.workers, parallel, parallel_cpu)):
        print(f"{workers:>8} {wall:>9.2f} {wall / n:>13.3f} {cpu:>8.2f} {cpu / n:>12.3f} "
              f"{serial / wall:>9.2f}")
    if args.end_to_end:
        print(f"End to end (`wardsim run --no-detail` as a process): {whole_1:.2f} s on 1 "
              f"worker, {whole_n:.2f} s on {args.workers}: speed-up {whole_1 / whole_n:.2f} "
              f"against {serial / parallel:.2f} inside.")
    print("CPU s counts this process and its worker processes; CPU s / wall s above 1 means the "
          "work really ran in parallel (other load on the machine lowers the speed-up).")
    if control_before is not None:
        print(f"Control (a pure-Python loop on {args.workers} processes): speed-up "
              f"{control_before:.2f} before and {control_speedup(args.workers):.2f} after the "
              "runs – about the most this machine allowed then.")
    print(f"KPI frames with 1 and {args.workers} workers are identical "
          f"({len(kpis_1)} rows, pandas.testing.assert_frame_equal).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
