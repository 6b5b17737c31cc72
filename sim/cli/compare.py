"""``wardsim compare`` (and ``wardsim assess``, which builds on it)."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from sim import __version__
from sim.cli.common import (
    UsageError,
    check_executor,
    expand_sources,
    labels_of,
    messages,
    notifier,
    out_folder,
    scenario_model,
    simulate_into,
)
from sim.decide.compare import compare, freed_nurse_hours, over_threshold, worse_categories
from sim.experiment import Results
from sim.io.results import AtomicFolder, write_json
from sim.model import WardModel
from sim.report.text import compare_header, compare_report


def write_comparison(folder: Path, results: list[Results], models: list[WardModel],
                     labels: list[str], max_utilisation: float
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Compare with the first scenario and write comparison.csv and the plain-word tables."""
    comparison = compare(results, models, labels)
    comparison.to_csv(folder / "comparison.csv", index=False)
    freed = freed_nurse_hours(comparison, labels[0])
    busy = over_threshold(comparison, max_utilisation)
    worse = worse_categories(comparison, labels[0])
    for name, frame in (("freed_nurse_hours", freed), ("over_threshold", busy),
                        ("worse_categories", worse)):
        frame.to_csv(folder / f"{name}.csv", index=False)
    return comparison, freed, busy, worse


def cmd_compare(args: argparse.Namespace) -> int:
    """Run every scenario with the same streams and compare each with the first."""
    folder = out_folder(args, "compare")
    args.scenarios = expand_sources(args.scenarios)  # a workbook with a proposal holds two
    if len(args.scenarios) < 2:
        raise UsageError("compare needs a baseline and at least one variant")
    labels = labels_of(args.scenarios)
    check_executor(args)
    loaded = [scenario_model(p, args.days, args.warmup_days, args.replications)
              for p in args.scenarios]
    msg = messages(args, loaded[0][0])
    models = [dataclasses.replace(model, name=label)
              for (_, model), label in zip(loaded, labels, strict=True)]
    seeds = [args.seed if not args.independent_streams or i == 0 else
             int(np.random.SeedSequence([args.seed, i]).generate_state(1)[0])
             for i in range(len(models))]
    with AtomicFolder(folder, notify=notifier(msg)) as top:
        results = [simulate_into(model, path, seed, args, top.tmp / label, args.detail, msg=msg)
                   for model, path, seed, label in zip(models, args.scenarios, seeds, labels,
                                                       strict=True)]
        comparison, freed, busy, worse = write_comparison(top.tmp, results, models, labels,
                                                          args.max_utilisation)
        write_json(top.tmp / "run.json", {
            "scenarios": args.scenarios, "labels": labels, "seeds": seeds,
            "common_random_numbers": not args.independent_streams,
            "replications": args.replications, "warmup_days": args.warmup_days,
            "max_utilisation": args.max_utilisation, "wardsim_version": __version__})
        if args.report:
            from sim.cli.reporting import write_report  # plotly and jinja2: only with --report

            meta = {"seed": args.seed, "replications": args.replications,
                    "warmup_days": args.warmup_days, "days": models[0].calendar.days,
                    "common_random_numbers": not args.independent_streams}
            write_report(top.tmp / "report.html", "compare", args.scenarios, models, results, msg,
                         meta, comparison=comparison, freed=freed,
                         fte_settings=[s.fte for s, _ in loaded])
        folder = top.commit()
    header = compare_header(len(labels), args.replications, models[0].calendar.days,
                            args.warmup_days, args.seed, labels[0], args.independent_streams,
                            bool(comparison["paired"].all()), msg=msg)
    group_ids = list(dict.fromkeys(g for m in models for g in m.group_ids))
    print(compare_report(comparison, labels, group_ids, freed, busy, worse,
                         args.max_utilisation, header, msg=msg))
    files = "comparison.csv, " + ("report.html, " if args.report else "")
    print("\n" + msg("common.written", folder=folder, files=files + "…"))
    if args.report:
        print(msg("common.report", path=folder / "report.html"))
    return 0
