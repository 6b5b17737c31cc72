"""Validation time against the number of tasks: it must grow linearly (issue 11, "Numbers").

The example ward's 75 tasks are repeated (new ids, rates divided so the ward's total work
stays the same) to ``--tasks`` tasks, and a quarter of that, written as YAML and timed:

1. **read**: :func:`sim.io.scenario.load_raw`, the safe YAML loader (:mod:`sim.io.yaml_safe`);
2. **validate**: :func:`sim.io.scenario.from_dict`, the schema, the cross-references and
   the work-size check – what ``wardsim validate`` does before it builds the model;
3. **build**: :func:`sim.model.build_model`;
4. **coverage**: :func:`sim.model.coverage_gaps` (the table ``wardsim validate`` prints).

The last column is the time at ``--tasks`` over the time at a quarter of it: about 4 for
linear growth, 16 for quadratic.

Usage::

    python benchmarks/bench_validate.py [--tasks 10000] [--repeat 3]

Nothing is asserted: timings are only meaningful on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from sim.io.scenario import from_dict, load_raw
from sim.model import build_model, coverage_gaps

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "hnt_medisin_baseline.yaml"


def scenario_with(n: int) -> dict[str, Any]:
    """Return the example ward with its tasks repeated to ``n``, at the same total work."""
    raw = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    tasks = raw["tasks"]
    share = len(tasks) / n
    out = []
    for i in range(n):
        task = dict(tasks[i % len(tasks)], id=f"oppgave_{i}")
        if "when" in task:
            task["when"] = {k: _scaled(v, share) for k, v in task["when"].items()}
        elif i >= len(tasks):  # a clock-time task: its copies on one weekday a week only
            task["day_types"] = ["holiday"]
        out.append(task)
    raw["tasks"] = out
    return raw


def _scaled(value: Any, share: float) -> Any:
    if isinstance(value, dict):
        return {k: v * share for k, v in value.items()}
    return value * share


def _best(step: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = step()
        best = min(best, time.perf_counter() - start)
    return best, out


def measure(n: int, folder: Path, repeat: int) -> dict[str, float]:
    """Best seconds of each step for a file of ``n`` tasks."""
    path = folder / f"ward_{n}.yaml"
    path.write_text(yaml.safe_dump(scenario_with(n), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    times: dict[str, float] = {"size_mb": path.stat().st_size / 1e6}
    times["read"], raw = _best(lambda: load_raw(path), repeat)
    times["validate"], scenario = _best(lambda: from_dict(raw, source=str(path)), repeat)
    times["build"], model = _best(lambda: build_model(scenario, source=str(path)), repeat)
    times["coverage"], _ = _best(lambda: coverage_gaps(model), repeat)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(opts.tasks // 4, Path(tmp), opts.repeat)
        large = measure(opts.tasks, Path(tmp), opts.repeat)
    print(f"{'step':<10} {opts.tasks // 4:>8,} tasks {opts.tasks:>8,} tasks   ratio")
    print(f"{'file MB':<10} {small['size_mb']:>14.2f} {large['size_mb']:>14.2f}")
    for step in ("read", "validate", "build", "coverage"):
        ratio = large[step] / small[step]
        print(f"{step:<10} {small[step]:>13.2f}s {large[step]:>13.2f}s {ratio:>7.1f}")
    total = sum(large[s] for s in ("read", "validate"))
    print(f"read + validate at {opts.tasks:,} tasks: {total:.2f} s; with build and coverage "
          f"(all of `wardsim validate`): {total + large['build'] + large['coverage']:.2f} s")


if __name__ == "__main__":
    main()
