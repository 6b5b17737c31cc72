"""Command line: ``wardsim run|validate|compare|sweep``. The only module that prints or exits.

A problem with the user's input (scenario file, arguments, output folder) is told in one
line on stderr with exit code 2, and no results folder is left behind.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim import __version__
from sim.decide.compare import compare, freed_nurse_hours, over_threshold, worse_categories
from sim.decide.sensitivity import measures, point_table
from sim.decide.sweep import DESIGNS, SweepError, check, check_points, design, parse_vary, run_point
from sim.experiment import Results, default_workers, run_replications
from sim.io.errors import ScenarioError
from sim.io.results import AtomicFolder, RunWriter, sha256, write_json
from sim.io.scenario import load, load_raw
from sim.io.schema import Scenario
from sim.model import WardModel, build_model, coverage_gaps
from sim.parallel import EXECUTORS, map_unordered
from sim.report.text import compare_report, run_report, sweep_report


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
    _common(run)
    run.add_argument("--no-detail", action="store_true",
                     help="do not write one row per task (tasks.parquet)")
    run.set_defaults(func=cmd_run)

    compare = sub.add_parser("compare", help="compare a baseline with variants (common random numbers)")
    compare.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                         help="baseline file first, then one or more variants")
    _common(compare)
    compare.add_argument("--max-utilisation", type=float, default=0.85,
                         help="flag groups and intervals above this utilisation (default 0.85)")
    compare.add_argument("--detail", action="store_true", help="also write one row per task")
    compare.add_argument("--independent-streams", action="store_true",
                         help="give each scenario its own seed (for measuring what CRN gains)")
    compare.set_defaults(func=cmd_compare)

    sweep = sub.add_parser("sweep", help="vary inputs over a design and rank their influence")
    sweep.add_argument("scenario", help="scenario YAML file")
    sweep.add_argument("--vary", action="append", required=True, metavar="PATH=LOW:HIGH",
                       help="a numeric field and its range; repeat for more factors")
    sweep.add_argument("--design", choices=DESIGNS, default="lhs",
                       help="lhs (default), sobol, grid or oat (one at a time, for a tornado)")
    sweep.add_argument("--points", type=int, default=16,
                       help="design points (lhs), base points (sobol), levels per factor (grid, oat)")
    _common(sweep)
    sweep.add_argument("--resume", action="store_true",
                       help="carry on a killed sweep in the same --out folder")
    sweep.set_defaults(func=cmd_sweep)

    validate = sub.add_parser("validate", help="check a scenario file without running it")
    validate.add_argument("scenario", help="scenario YAML file")
    validate.set_defaults(func=cmd_validate)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that simulates."""
    parser.add_argument("--replications", "-n", type=_positive, default=10, help="default 10")
    parser.add_argument("--seed", type=int, default=12345, help="default 12345")
    parser.add_argument("--days", type=_positive, help="override the scenario's calendar days")
    parser.add_argument("--warmup-days", type=_non_negative, default=0,
                        help="days left out of summaries (default 0)")
    parser.add_argument("--out", help="results folder (default results/<name>-<time>)")
    parser.add_argument("--workers", type=_positive, default=None,
                        help="local processes (default: every core)")
    parser.add_argument("--executor", choices=EXECUTORS, default="local",
                        help="local processes, or a Dask cluster (needs --scheduler)")
    parser.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")


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


def _check_executor(args: argparse.Namespace) -> None:
    """Refuse a Dask run without a reachable scheduler before anything is written."""
    if args.executor != "dask":
        return
    if not args.scheduler:
        raise UsageError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)")
    try:
        from dask.distributed import Client
    except ImportError:
        raise UsageError("--executor dask needs the dask extra: pip install 'wardsim[dask]'") from None
    try:
        with Client(args.scheduler, timeout=10):
            pass
    except (OSError, TimeoutError) as err:
        raise UsageError(f"cannot reach the Dask scheduler at {args.scheduler}: {err}") from None


def _model(path: str, days: int | None, warmup_days: int) -> tuple[Scenario, WardModel]:
    scenario = load(path)
    model = build_model(scenario, source=path, days=days)
    if warmup_days >= model.calendar.days:
        raise UsageError(f"--warmup-days {warmup_days} must be less than the "
                         f"{model.calendar.days} simulated days")
    return scenario, model


def _out(args: argparse.Namespace, name: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(args.out) if args.out else Path("results") / f"{name}-{stamp}"


def _simulate(model: WardModel, path: str, seed: int, args: argparse.Namespace, folder: Path,
              detail: bool) -> Results:
    """Run the replications of one scenario into ``folder`` (atomically), with a progress bar."""
    workers = args.workers or default_workers()
    started, clock = dt.datetime.now().astimezone(), time.perf_counter()
    with RunWriter(folder) as writer, tqdm(total=args.replications, desc=model.name[:30],
                                           unit="rep", disable=None, file=sys.stderr) as bar:
        results = run_replications(
            model, args.replications, seed, args.warmup_days, detail=detail, workers=workers,
            executor=args.executor, scheduler=args.scheduler, on_replication=writer.add,
            on_progress=lambda *_: bar.update(1),
        )
        writer.finish(results, {
            "scenario": model.name, "scenario_file": str(path), "scenario_sha256": sha256(path),
            "seed": seed, "replications": args.replications, "days": model.calendar.days,
            "warmup_days": args.warmup_days, "workers": workers, "executor": args.executor,
            "wardsim_version": __version__, "python": platform.python_version(),
            "started": started.isoformat(timespec="seconds"),
            "ended": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "wall_seconds": round(time.perf_counter() - clock, 3),
        })
    return results


def cmd_run(args: argparse.Namespace) -> int:
    """Simulate, write results atomically, print the summary tables."""
    _, model = _model(args.scenario, args.days, args.warmup_days)
    _check_executor(args)
    folder = _out(args, Path(args.scenario).stem)
    results = _simulate(model, args.scenario, args.seed, args, folder, not args.no_detail)
    print(run_report(results.summary, model, args.replications, args.warmup_days, args.seed))
    print(f"\nResults written to {folder}/ (tasks.parquet, staff.parquet, summary.csv, "
          "replications.csv, run.json)")
    return 0


def _labels(paths: list[str]) -> list[str]:
    """Short unique scenario labels from file names."""
    labels: list[str] = []
    for path in paths:
        label = Path(path).stem
        while label in labels:
            label += "_2"
        labels.append(label)
    return labels


def cmd_compare(args: argparse.Namespace) -> int:
    """Run every scenario with the same streams and compare each with the first."""
    if len(args.scenarios) < 2:
        raise UsageError("compare needs a baseline and at least one variant")
    if not 0 < args.max_utilisation <= 1:
        raise UsageError(f"--max-utilisation must be between 0 and 1, got {args.max_utilisation}")
    labels = _labels(args.scenarios)
    _check_executor(args)
    models = [dataclasses.replace(_model(p, args.days, args.warmup_days)[1], name=label)
              for p, label in zip(args.scenarios, labels, strict=True)]
    seeds = [args.seed if not args.independent_streams or i == 0 else
             int(np.random.SeedSequence([args.seed, i]).generate_state(1)[0])
             for i in range(len(models))]
    with AtomicFolder(_out(args, "compare")) as top:
        results = [_simulate(model, path, seed, args, top.tmp / label, args.detail)
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


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run every design point (resumable), then rank the factors for each KPI."""
    if args.resume and not args.out:
        raise UsageError("--resume needs the --out folder of the sweep to carry on")
    source = args.scenario
    raw = load_raw(Path(source))
    _model(source, args.days, args.warmup_days)  # the base must be valid before anything else
    factors = check(raw, [parse_vary(v) for v in args.vary], source)
    values = design(args.design, factors, args.points, args.seed)
    check_points(raw, factors, values, source)
    _check_executor(args)
    spec = {"scenario_file": source, "scenario_sha256": sha256(source), "design": args.design,
            "points": args.points, "factors": [dataclasses.asdict(f) for f in factors],
            "replications": args.replications, "seed": args.seed, "days": args.days,
            "warmup_days": args.warmup_days, "wardsim_version": __version__}
    folder = _out(args, f"sweep-{Path(source).stem}")
    with AtomicFolder(folder, keep_partial=True, resume=args.resume) as top:
        spec_file, parts = top.tmp / "spec.json", top.tmp / "points"
        if spec_file.exists() and json.loads(spec_file.read_text(encoding="utf-8")) != spec:
            raise UsageError(f"{top.tmp} holds a different sweep; use another --out or drop --resume")
        write_json(spec_file, spec)
        parts.mkdir(exist_ok=True)
        done = {int(p.stem.split("-")[1]) for p in parts.glob("point-*.parquet")}
        jobs = [(raw, source, i, values[i].tolist(), factors, args.replications, args.seed,
                 args.warmup_days, args.days) for i in range(len(values)) if i not in done]
        try:
            with tqdm(total=len(values), initial=len(done), desc="design points", unit="point",
                      disable=None, file=sys.stderr) as bar:
                for index, frame in map_unordered(run_point, jobs, args.workers or default_workers(),
                                                  args.executor, args.scheduler):
                    target = parts / f"point-{index:06d}.parquet"
                    frame.to_parquet(target.with_suffix(".tmp"), index=False)
                    os.replace(target.with_suffix(".tmp"), target)
                    bar.update(1)
        except KeyboardInterrupt:
            print(f"wardsim: interrupted; finished points are kept – carry on with "
                  f"--resume --out {folder}", file=sys.stderr)
            return 130
        kpis = pd.concat([pd.read_parquet(p) for p in sorted(parts.glob("point-*.parquet"))],
                         ignore_index=True)
        table = point_table(kpis, factors, values)
        sensitivity = measures(args.design, kpis, factors, values, args.seed)
        table.to_csv(top.tmp / "points.csv", index=False)
        sensitivity.to_csv(top.tmp / "sensitivity.csv", index=False)
        kpis.to_csv(top.tmp / "replications.csv", index=False)
        shutil.rmtree(parts)
        folder = top.commit()
    header = (f"Sweep of {source}: {args.design} design, {len(values)} points × "
              f"{args.replications} replications, seed {args.seed} (same streams at every point).")
    print(sweep_report(sensitivity, args.design, header))
    print(f"\nResults written to {folder}/ (points.csv, sensitivity.csv, replications.csv, spec.json)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``wardsim`` command; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except (ScenarioError, UsageError, SweepError) as err:
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
