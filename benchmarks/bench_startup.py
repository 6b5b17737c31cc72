"""How long the command line takes to answer (issue 10: "should feel instant").

Runs ``wardsim --help``, ``wardsim --version`` and ``wardsim validate`` of the example ward
as fresh processes, ``--repeat`` times each, the commands taking turns, and prints the best
and the median wall time (as :mod:`timeit` does, the best is the figure to compare: the
others were slowed by something else) against the targets: 0.3 s for ``--help`` and
``--version``, 1 s for ``validate``. A bare ``python -c pass`` is timed too, the floor
no command can go under.

Usage::

    python benchmarks/bench_startup.py [--repeat 10] [--tree DIR]

``--tree DIR`` times another checkout instead (e.g. ``git worktree add DIR <commit>``, or
``git archive <commit> sim scenarios | tar -x -C DIR``): ``python -m sim.cli`` run in DIR
imports that tree's ``sim`` – for before/after figures.

Nothing is asserted: timings are only meaningful on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "hnt_medisin_baseline.yaml"


def wardsim() -> list[str]:
    """Return the ``wardsim`` script beside this Python (what a user types), else ``-m sim.cli``."""
    script = Path(sys.executable).with_name("wardsim")
    if script.exists():
        return [str(script)]
    found = shutil.which("wardsim")
    return [found] if found else [sys.executable, "-m", "sim.cli"]


def commands(tree: Path | None) -> list[tuple[str, list[str], float | None]]:
    """List (label, command line, target seconds or None) of every timed command."""
    ward = wardsim() if tree is None else [sys.executable, "-m", "sim.cli"]
    return [
        ("python -c pass", [sys.executable, "-c", "pass"], None),
        ("wardsim --help", [*ward, "--help"], 0.3),
        ("wardsim --version", [*ward, "--version"], 0.3),
        (f"wardsim validate {BASELINE.name}", [*ward, "validate", str(BASELINE)], 1.0),
    ]


def wall(command: list[str], cwd: Path) -> float:
    """Time one run of ``command`` in wall seconds (output thrown away; it must succeed)."""
    clock = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - clock


def main(argv: list[str] | None = None) -> int:
    """Time every command and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs of each command (default 10)")
    parser.add_argument("--tree", type=Path, default=None,
                        help="time the checkout in this folder (python -m sim.cli run in it)")
    args = parser.parse_args(argv)

    timed, cwd = commands(args.tree), args.tree or ROOT
    load_before = os.getloadavg()[0]
    for _, command, _ in timed:  # one untimed run each: files in the page cache, .pyc written
        wall(command, cwd)
    times: dict[str, list[float]] = {label: [] for label, _, _ in timed}
    for _ in range(args.repeat):
        for label, command, _ in timed:
            times[label].append(wall(command, cwd))

    print(f"best and median of {args.repeat} runs each; {os.cpu_count()} cores, 1-min load "
          f"average before start {load_before:.2f}; {' '.join(timed[1][1][:-1])} in {cwd}")
    width = max(len(label) for label in times)
    print(f"{'command':<{width}} {'best s':>7} {'median s':>9} {'target s':>9}  verdict")
    for label, _, target in timed:
        best, median = min(times[label]), statistics.median(times[label])
        verdict = "" if target is None else ("pass" if best < target else "FAIL")
        shown = "" if target is None else f"{target:.1f}"
        print(f"{label:<{width}} {best:>7.3f} {median:>9.3f} {shown:>9}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
