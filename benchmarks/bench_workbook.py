"""Importing a 500-task workbook (issue 8: target under 2 s).

The example ward's 75 tasks are repeated under new ids until there are ``--tasks`` of them
(about 1.8 interval rows each, as in the example: some 900 task rows with every column),
written with :func:`sim.io.workbook.write_workbook` in the seed's sectioned layout with the
task-sharing variant in the Forslag columns. Then it times, best of ``--repeat``:

1. **read**: :func:`sim.io.workbook.read_workbook` (open the file with python-calamine, the
   formula scan, every sheet, both scenarios checked);
2. **import**: what ``wardsim run mapping.xlsx`` does before simulating: ``load`` of the
   workbook and of its proposal (each reads the file again).

Usage::

    python benchmarks/bench_workbook.py [--tasks 500] [--repeat 5]

Nothing is asserted: timings are only meaningful on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from sim.io.scenario import load, load_raw
from sim.io.workbook import read_workbook, write_workbook

ROOT = Path(__file__).resolve().parents[1]


def big_pair(n_tasks: int) -> tuple:
    """Return the example ward and its variant with ``n_tasks`` tasks (copies, new ids)."""
    from sim.io.scenario import from_dict

    base = load_raw(ROOT / "scenarios" / "hnt_medisin_baseline.yaml")
    variant = load_raw(ROOT / "scenarios" / "hnt_medisin_oppgavedeling.yaml")
    for raw in (base, variant):
        tasks = raw["tasks"]
        raw["tasks"] = [{**tasks[i % len(tasks)], "id": f"{tasks[i % len(tasks)]['id']}_{i}"}
                        for i in range(n_tasks)]
    return from_dict(base), from_dict(variant)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    base, variant = big_pair(args.tasks)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mapping.xlsx"
        start = time.perf_counter()
        write_workbook(path, base, variant)
        wrote = time.perf_counter() - start
        book = read_workbook(path)
        rows = sum(len(t.get("when") or {"at": 1}) for t in book.baseline["tasks"])
        print(f"{args.tasks} tasks, {rows} task rows, {path.stat().st_size / 1024:.0f} KiB; "
              f"written in {wrote:.2f} s")
        read = best(lambda: read_workbook(path), args.repeat)
        both = best(lambda: (load(path), load(f"{path}#forslag")), args.repeat)
    print(f"read_workbook (both scenarios checked): {read:.3f} s   (target < 2 s)")
    print(f"load today's ward + load the proposal:  {both:.3f} s")


if __name__ == "__main__":
    main()
