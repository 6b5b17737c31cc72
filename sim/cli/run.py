"""``wardsim run``."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.common import check_executor, messages, out_folder, scenario_model, simulate_into
from sim.decide.costs import cost_lines
from sim.decide.fte import fte_table
from sim.experiment import Results
from sim.report.optimise_text import fte_lines
from sim.report.text import run_report


def cmd_run(args: argparse.Namespace) -> int:
    """Simulate, write results atomically, print the summary tables."""
    folder = out_folder(args, Path(args.scenario).stem)
    scenario, model = scenario_model(args.scenario, args.days, args.warmup_days,
                                     args.replications)
    msg = messages(args, scenario)
    check_executor(args)

    def report(tmp: Path, results: Results) -> None:
        from sim.cli.reporting import write_report  # plotly and jinja2: only with --report

        meta = {"seed": args.seed, "replications": args.replications,
                "warmup_days": args.warmup_days, "days": model.calendar.days}
        write_report(tmp / "report.html", "run", [args.scenario], [model], [results], msg, meta,
                     fte_settings=[scenario.fte])

    results = simulate_into(model, args.scenario, args.seed, args, folder, not args.no_detail,
                            extra=report if args.report else None, msg=msg)
    print(run_report(results.summary, model, args.replications, args.warmup_days, args.seed,
                     msg=msg))
    print("\n" + "\n".join(fte_lines(fte_table(model, scenario.fte), scenario.fte, msg)))
    print(cost_lines(model, msg))
    files = "tasks.parquet, staff.parquet, summary.csv, replications.csv, run.json"
    print("\n" + msg("common.written", folder=folder,
                      files=files + (", report.html" if args.report else "")))
    if args.report:
        print(msg("common.report", path=folder / "report.html"))
    return 0
