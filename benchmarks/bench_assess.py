"""What ``wardsim assess`` adds to ``wardsim compare`` on the example ward (issue 7, speed).

Times, on the example ward (baseline and task-sharing variant, ``--replications`` × ``--days``):

1. **compare**: both scenarios' replications (``by_shift=False``, as compare runs them) and
   the comparison table;
2. **shift frames**: the same replications with ``by_shift=True`` (what assess runs instead);
3. **verdict**: :func:`sim.decide.assess.assess` plus the reasons and cell verdicts;
4. **training need**: :func:`sim.decide.training.training_need`'s search (extra runs);
5. **report**: rendering ``report.html``.

Usage::

    python benchmarks/bench_assess.py [--replications 20] [--days 28] [--workers 2]

Nothing is asserted: timings are only meaningful on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import os
import time
from pathlib import Path

import pandas as pd

from sim.decide.assess import assess, cell_verdicts, scenario_verdicts
from sim.decide.compare import compare, freed_nurse_hours
from sim.decide.training import training_need
from sim.experiment import run_replications
from sim.i18n import Messages
from sim.io.scenario import from_dict, load_raw
from sim.model import WardModel, build_model
from sim.report.describe import describe_scenarios
from sim.report.html import ReportData, render_report
from sim.report.reasons import reason_column

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "scenarios" / "hnt_medisin_baseline.yaml",
         ROOT / "scenarios" / "hnt_medisin_oppgavedeling.yaml"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    opts = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}; {opts.replications} replications × "
          f"{opts.days} days, {opts.workers} workers")
    raws = [load_raw(f) for f in FILES]
    scenarios = [from_dict(r, source=str(f)) for r, f in zip(raws, FILES, strict=True)]
    labels = [f.stem for f in FILES]
    models = [dataclasses.replace(build_model(s, days=opts.days), name=label)
              for s, label in zip(scenarios, labels, strict=True)]

    def runs(model: WardModel, by_shift: bool):
        return run_replications(model, opts.replications, opts.seed, 1, detail=False,
                                workers=opts.workers, by_shift=by_shift)

    times: dict[str, float] = {}
    clock = time.perf_counter()
    plain = [runs(m, False) for m in models]
    comparison = compare(plain, models, labels)
    times["compare (replications + comparison)"] = time.perf_counter() - clock

    clock = time.perf_counter()
    results = [runs(m, True) for m in models]
    times["the same replications with shift frames"] = time.perf_counter() - clock

    msg = Messages("nb")
    clock = time.perf_counter()
    feasibility = assess(models, results, labels, [s.targets for s in scenarios])
    feasibility["reason"] = reason_column(feasibility, msg)
    cells = cell_verdicts(feasibility)
    verdicts = scenario_verdicts(cells)
    times["verdict (checks, reasons, cells)"] = time.perf_counter() - clock

    clock = time.perf_counter()
    counted = {"runs": 0}
    frames = []
    for raw, scenario, model, path in zip(raws, scenarios, models, FILES, strict=True):
        def rebuild(cert: str, group: str, n: int, raw=raw, path=path, name=model.name):
            changed = copy.deepcopy(raw)
            changed.setdefault("certifications", {}).setdefault(cert, {})[group] = n
            built = build_model(from_dict(changed, source=str(path)), days=opts.days)
            return dataclasses.replace(built, name=name)

        def simulate(m: WardModel):
            counted["runs"] += 1
            return runs(m, True)

        frames.append(training_need(model, model.name, scenario.targets, scenario.fte, rebuild,
                                    simulate))
    training = pd.concat(frames, ignore_index=True)
    times[f"training need ({counted['runs']} extra runs)"] = time.perf_counter() - clock

    clock = time.perf_counter()
    data = ReportData(title="bench", command="assess", scenarios=describe_scenarios(FILES, labels),
                      models=models, results=results, comparison=comparison,
                      freed=freed_nurse_hours(comparison, labels[0]), feasibility=feasibility,
                      cells=cells, verdicts=verdicts, training=training, meta={})
    html = render_report(data, msg)
    times[f"report.html ({len(html) / 1e6:.1f} MB)"] = time.perf_counter() - clock

    base = times["compare (replications + comparison)"]
    for name, seconds in times.items():
        print(f"{name:45s} {seconds:8.2f} s  ({seconds / base:5.2f} × compare)")


if __name__ == "__main__":
    main()
