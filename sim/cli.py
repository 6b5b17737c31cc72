"""Command line: ``wardsim run|validate``. The only module that prints or exits.

A problem with the user's input (scenario file, arguments, output folder) is told in one
line on stderr with exit code 2, and no results folder is left behind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from pathlib import Path

from tqdm import tqdm

from sim import __version__
from sim.experiment import default_workers, run_replications
from sim.model import build_model, coverage_gaps
from sim.output import RunWriter, sha256
from sim.report import run_report
from sim.scenario import ScenarioError, load


class UsageError(Exception):
    """A bad command-line value; told in one line, exit code 2."""


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + message
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``wardsim`` command."""
    parser = _Parser(prog="wardsim", description="Simulate a hospital ward's task sharing.")
    parser.add_argument("--version", action="version", version=f"wardsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="simulate a scenario and write tidy results")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument("--replications", "-n", type=_positive, default=10, help="default 10")
    run.add_argument("--seed", type=int, default=12345, help="default 12345")
    run.add_argument("--days", type=_positive, help="override the scenario's calendar days")
    run.add_argument("--warmup-days", type=_non_negative, default=0,
                     help="days left out of summaries (default 0)")
    run.add_argument("--out", help="results folder (default results/<scenario>-<time>)")
    run.add_argument("--workers", type=_positive, default=None,
                     help="processes to use (default: every core)")
    run.add_argument("--no-detail", action="store_true",
                     help="do not write one row per task (tasks.parquet)")
    run.set_defaults(func=cmd_run)

    validate = sub.add_parser("validate", help="check a scenario file without running it")
    validate.add_argument("scenario", help="scenario YAML file")
    validate.set_defaults(func=cmd_validate)
    return parser


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
    scenario = load(args.scenario)
    model = build_model(scenario, source=args.scenario, days=args.days)
    if args.warmup_days >= model.calendar.days:
        raise UsageError(f"--warmup-days {args.warmup_days} must be less than the "
                         f"{model.calendar.days} simulated days")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else Path("results") / f"{Path(args.scenario).stem}-{stamp}"
    workers = args.workers or default_workers()
    started, clock = dt.datetime.now().astimezone(), time.perf_counter()
    with RunWriter(out) as writer, tqdm(total=args.replications, desc="replications",
                                        unit="rep", disable=None, file=sys.stderr) as bar:
        results = run_replications(
            model, args.replications, args.seed, args.warmup_days, detail=not args.no_detail,
            workers=workers, on_replication=writer.add, on_progress=lambda *_: bar.update(1),
        )
        meta = {
            "scenario": scenario.name, "scenario_file": str(args.scenario),
            "scenario_sha256": sha256(args.scenario), "seed": args.seed,
            "replications": args.replications, "days": model.calendar.days,
            "warmup_days": args.warmup_days, "workers": workers, "wardsim_version": __version__,
            "python": platform.python_version(), "started": started.isoformat(timespec="seconds"),
            "ended": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "wall_seconds": round(time.perf_counter() - clock, 3),
        }
        folder = writer.finish(results, meta)
    print(run_report(results.summary, model, args.replications, args.warmup_days, args.seed))
    print(f"\nResults written to {folder}/ (tasks.parquet, staff.parquet, summary.csv, "
          "replications.csv, run.json)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``wardsim`` command; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except (ScenarioError, UsageError) as err:
        print(f"wardsim: error: {err}", file=sys.stderr)
        return 2
    except FileExistsError as err:
        print(f"wardsim: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("wardsim: interrupted; no results folder was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
