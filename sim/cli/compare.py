"""``wardsim compare`` (and ``wardsim assess``, which builds on it)."""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np

from sim import __version__
from sim.cli.common import (
    UsageError,
    check_executor,
    labels_of,
    out_folder,
    scenario_model,
    simulate_into,
)
from sim.decide.compare import compare, freed_nurse_hours, over_threshold, worse_categories
from sim.io.results import AtomicFolder, write_json
from sim.report.text import compare_report


def cmd_compare(args: argparse.Namespace) -> int:
    """Run every scenario with the same streams and compare each with the first."""
    if len(args.scenarios) < 2:
        raise UsageError("compare needs a baseline and at least one variant")
    if not 0 < args.max_utilisation <= 1:
        raise UsageError(f"--max-utilisation must be between 0 and 1, got {args.max_utilisation}")
    labels = labels_of(args.scenarios)
    check_executor(args)
    models = [dataclasses.replace(scenario_model(p, args.days, args.warmup_days)[1], name=label)
              for p, label in zip(args.scenarios, labels, strict=True)]
    seeds = [args.seed if not args.independent_streams or i == 0 else
             int(np.random.SeedSequence([args.seed, i]).generate_state(1)[0])
             for i in range(len(models))]
    with AtomicFolder(out_folder(args, "compare")) as top:
        results = [simulate_into(model, path, seed, args, top.tmp / label, args.detail)
                   for model, path, seed, label in zip(models, args.scenarios, seeds, labels, strict=True)]
        comparison = compare(results, models, labels)
        comparison.to_csv(top.tmp / "comparison.csv", index=False)
        freed = freed_nurse_hours(comparison, labels[0])
        busy = over_threshold(comparison, args.max_utilisation)
        worse = worse_categories(comparison, labels[0])
        for name, frame in (("freed_nurse_hours", freed), ("over_threshold", busy),
                            ("worse_categories", worse)):
            frame.to_csv(top.tmp / f"{name}.csv", index=False)
        write_json(top.tmp / "run.json", {
            "scenarios": args.scenarios, "labels": labels, "seeds": seeds,
            "common_random_numbers": not args.independent_streams,
            "replications": args.replications, "warmup_days": args.warmup_days,
            "max_utilisation": args.max_utilisation, "wardsim_version": __version__})
        folder = top.commit()
    paired = "paired by replication" if all(comparison["paired"]) else \
        "some scenarios do not share the baseline's tasks or beds: those differences are unpaired (Welch)"
    header = (f"{len(labels)} scenarios × {args.replications} replications × {models[0].calendar.days} days "
              f"(warm-up {args.warmup_days}), seed {args.seed}, "
              f"{'independent streams' if args.independent_streams else 'common random numbers'}; "
              f"differences to {labels[0]} are {paired}.")
    group_ids = list(dict.fromkeys(g for m in models for g in m.group_ids))
    print(compare_report(comparison, labels, group_ids, freed, busy, worse,
                         args.max_utilisation, header))
    print(f"\nResults written to {folder}/ (comparison.csv, and each scenario's own files)")
    return 0
