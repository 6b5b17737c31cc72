"""``wardsim assess``: is the split feasible on every shift, why not, and whom to train."""

from __future__ import annotations

import argparse
import copy
import dataclasses
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from sim import __version__
from sim.cli.common import (
    UsageError,
    check_executor,
    expand_sources,
    labels_of,
    notifier,
    out_folder,
    simulate_into,
    workers_of,
)
from sim.cli.compare import write_comparison
from sim.cli.reporting import write_report
from sim.decide.assess import assess, cell_verdicts, scenario_verdicts
from sim.decide.costs import cost_lines, cost_table
from sim.decide.fte import fte_table
from sim.decide.training import training_need
from sim.experiment import Results, run_replications
from sim.i18n import Messages
from sim.io.limits import check_work
from sim.io.results import AtomicFolder, write_json
from sim.io.scenario import from_dict, load_raw
from sim.io.schema import Scenario
from sim.io.targets import apply_targets, check_targets_file, read_targets_file
from sim.model import WardModel, build_model
from sim.report.optimise_text import fte_lines
from sim.report.reasons import reason_column
from sim.report.verdicts_text import assess_report

FEASIBILITY_FILE_COLUMNS = ["scenario", "group", "shift", "day_type", "verdict", "check", "value",
                            "ci_low", "ci_high", "target", "reason"]


@dataclasses.dataclass
class Assessed:
    """One scenario as assess sees it: its file, merged mapping, checked scenario and model."""

    path: str
    label: str
    raw: dict[str, Any]
    scenario: Scenario
    model: WardModel


def load_assessed(args: argparse.Namespace) -> list[Assessed]:
    """Read every scenario, with the ``--targets`` file merged over its own targets."""
    targets = None
    if args.targets:
        targets = read_targets_file(args.targets)
        check_targets_file(targets, args.targets)
    out = []
    sources = expand_sources(args.scenarios)  # a workbook with a proposal holds two
    for path, label in zip(sources, labels_of(sources), strict=True):
        raw = load_raw(Path(path))
        if targets is not None:
            groups = [g.get("id") for g in raw.get("groups", []) if isinstance(g, dict)]
            raw = apply_targets(raw, targets, groups, args.targets)
        scenario = from_dict(raw, source=path)
        check_work(scenario, path, days=args.days, replications=args.replications)
        model = build_model(scenario, source=path, days=args.days)
        if args.warmup_days >= model.calendar.days:
            raise UsageError(f"--warmup-days {args.warmup_days} must be less than the "
                             f"{model.calendar.days} simulated days")
        out.append(Assessed(path, label, raw, scenario, dataclasses.replace(model, name=label)))
    return out


def _rebuilder(item: Assessed, days: int | None):
    """Return ``rebuild(cert, group, n)``: the scenario with ``n`` holding ``cert`` per shift."""
    def rebuild(cert: str, group: str, n: int) -> WardModel:
        raw = copy.deepcopy(item.raw)
        raw.setdefault("certifications", {}).setdefault(cert, {})[group] = n
        model = build_model(from_dict(raw, source=item.path), source=item.path, days=days)
        return dataclasses.replace(model, name=item.label)
    return rebuild


def _simulator(args: argparse.Namespace, bar: tqdm):
    def simulate(model: WardModel) -> Results:
        results = run_replications(model, args.replications, args.seed, args.warmup_days,
                                   detail=False, workers=workers_of(args), executor=args.executor,
                                   scheduler=args.scheduler, by_shift=True)
        bar.update(1)
        return results
    return simulate


def cmd_assess(args: argparse.Namespace) -> int:
    """Run the scenarios with common random numbers, judge every shift, write the report."""
    folder = out_folder(args, "assess")
    items = load_assessed(args)
    msg = Messages(args.lang or items[0].scenario.language or "en")
    check_executor(args)
    models, labels = [i.model for i in items], [i.label for i in items]
    with AtomicFolder(folder, notify=notifier(msg)) as top:
        results = [simulate_into(i.model, i.path, args.seed, args, top.tmp / i.label, args.detail,
                                 by_shift=True, msg=msg) for i in items]
        comparison = freed = None
        if len(items) > 1:
            comparison, freed, _, _ = write_comparison(top.tmp, results, models, labels, 0.85)
        feasibility = assess(models, results, labels, [i.scenario.targets for i in items])
        feasibility["reason"] = reason_column(feasibility, msg)
        with tqdm(desc=msg("cli.training_bar"), unit="run", disable=None, file=sys.stderr) as bar:
            simulate = _simulator(args, bar)
            training = pd.concat([training_need(i.model, i.label, i.scenario.targets,
                                                i.scenario.fte, _rebuilder(i, args.days), simulate)
                                  for i in items], ignore_index=True)
        cells = cell_verdicts(feasibility)
        verdicts = scenario_verdicts(cells)
        feasibility[FEASIBILITY_FILE_COLUMNS].to_csv(top.tmp / "feasibility.csv", index=False)
        training.to_csv(top.tmp / "training_need.csv", index=False)
        ftes = {i.label: fte_table(i.model, i.scenario.fte) for i in items}
        pd.concat([f.assign(scenario=label) for label, f in ftes.items()],
                  ignore_index=True).to_csv(top.tmp / "fte.csv", index=False)
        pd.concat([cost_table(i.model).assign(scenario=i.label) for i in items],
                  ignore_index=True).to_csv(top.tmp / "costs.csv", index=False)
        meta = {"scenarios": [i.path for i in items], "labels": labels, "seed": args.seed,
                "replications": args.replications, "days": models[0].calendar.days,
                "warmup_days": args.warmup_days, "common_random_numbers": True,
                "targets_file": args.targets, "language": msg.lang, "wardsim_version": __version__}
        write_json(top.tmp / "run.json", meta)
        write_report(top.tmp / "report.html", "assess", [i.path for i in items], models, results,
                     msg, meta,
                     comparison=comparison, freed=freed, feasibility=feasibility, cells=cells,
                     verdicts=verdicts, training=training,
                     fte_settings=[i.scenario.fte for i in items])
        folder = top.commit()
    print(assess_report(verdicts, cells, feasibility, training, msg))
    for item in items:
        lines = fte_lines(ftes[item.label], item.scenario.fte, msg)
        print(f"\n{item.label} – " + "\n".join(lines))
        print(cost_lines(item.model, msg))
    print("\n" + msg("common.written", folder=folder, files="feasibility.csv, training_need.csv, "
                      "fte.csv, costs.csv, report.html, comparison.csv"))
    print(msg("common.report", path=folder / "report.html"))
    return 0
