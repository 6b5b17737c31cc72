"""``wardsim run`` and ``wardsim validate``."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.common import check_executor, out_folder, scenario_model, simulate_into
from sim.io.scenario import load
from sim.model import build_model, coverage_gaps
from sim.report.text import run_report


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a file and list where nobody on the roster may do a task."""
    model = build_model(load(args.scenario), source=args.scenario)
    gaps = coverage_gaps(model)
    print(f"{args.scenario}: valid – {len(model.tasks)} tasks, {len(model.group_ids)} groups, "
          f"{model.calendar.days} days.")
    if gaps.empty:
        print("Every task can be done by someone on the roster whenever it can arrive.")
    else:
        print("Nobody on the roster may do these tasks in these intervals (absence not counted):")
        print(gaps.to_string(index=False))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Simulate, write results atomically, print the summary tables."""
    _, model = scenario_model(args.scenario, args.days, args.warmup_days)
    check_executor(args)
    folder = out_folder(args, Path(args.scenario).stem)
    results = simulate_into(model, args.scenario, args.seed, args, folder, not args.no_detail)
    print(run_report(results.summary, model, args.replications, args.warmup_days, args.seed))
    print(f"\nResults written to {folder}/ (tasks.parquet, staff.parquet, summary.csv, "
          "replications.csv, run.json)")
    return 0
