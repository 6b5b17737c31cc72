"""What every command shares: argument types, options, scenario loading, the output folder,
and running one scenario's replications into a folder with a progress bar.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from sim import __version__
from sim.experiment import Results, default_workers, run_replications
from sim.i18n import LANGUAGES, Messages
from sim.io.results import RunWriter, sha256
from sim.io.scenario import load, scenarios_in
from sim.io.schema import Scenario
from sim.io.sources import label_of
from sim.model import WardModel, build_model
from sim.parallel import EXECUTORS


class UsageError(Exception):
    """A bad command-line value; told in one line, exit code 2."""


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + message
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that simulates."""
    parser.add_argument("--replications", "-n", type=positive, default=10, help="default 10")
    parser.add_argument("--seed", type=int, default=12345, help="default 12345")
    parser.add_argument("--days", type=positive, help="override the scenario's calendar days")
    parser.add_argument("--warmup-days", type=non_negative, default=0,
                        help="days left out of summaries (default 0)")
    parser.add_argument("--out", help="results folder (default results/<name>-<time>)")
    parser.add_argument("--workers", type=positive, default=None,
                        help="local processes (default: every core)")
    parser.add_argument("--executor", choices=EXECUTORS, default="local",
                        help="local processes, or a Dask cluster (needs --scheduler)")
    parser.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="language of the tables and the report: nb, sv or en (default: "
                             "the scenario's `language:`, else en)")


def messages(args: argparse.Namespace, scenario: Scenario | None = None) -> Messages:
    """The message catalogue of ``--lang``, else of the scenario's ``language:``, else English."""
    return Messages(args.lang or (scenario.language if scenario else None) or "en")


def check_executor(args: argparse.Namespace) -> None:
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


def scenario_model(path: str, days: int | None, warmup_days: int) -> tuple[Scenario, WardModel]:
    """Load and build a scenario, refusing a warm-up that leaves nothing to measure."""
    scenario = load(path)
    model = build_model(scenario, source=path, days=days)
    if warmup_days >= model.calendar.days:
        raise UsageError(f"--warmup-days {warmup_days} must be less than the "
                         f"{model.calendar.days} simulated days")
    return scenario, model


def out_folder(args: argparse.Namespace, name: str) -> Path:
    """``--out``, or ``results/<name>-<time>``."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(args.out) if args.out else Path("results") / f"{name}-{stamp}"


def workers_of(args: argparse.Namespace) -> int:
    """The local processes to use: ``--workers``, or every core."""
    return args.workers or default_workers()


def simulate_into(model: WardModel, path: str, seed: int, args: argparse.Namespace, folder: Path,
                  detail: bool, by_shift: bool = False,
                  extra: Callable[[Path, Results], None] | None = None) -> Results:
    """Run the replications of one scenario into ``folder`` (atomically), with a progress bar.

    ``extra(folder, results)`` writes more files into the folder before it appears.
    """
    workers = workers_of(args)
    started, clock = dt.datetime.now().astimezone(), time.perf_counter()
    with RunWriter(folder) as writer, tqdm(total=args.replications, desc=model.name[:30],
                                           unit="rep", disable=None, file=sys.stderr) as bar:
        results = run_replications(
            model, args.replications, seed, args.warmup_days, detail=detail, workers=workers,
            executor=args.executor, scheduler=args.scheduler, on_replication=writer.add,
            on_progress=lambda *_: bar.update(1), by_shift=by_shift,
        )
        writer.finish(results, {
            "scenario": model.name, "scenario_file": str(path), "scenario_sha256": sha256(path),
            "seed": seed, "replications": args.replications, "days": model.calendar.days,
            "warmup_days": args.warmup_days, "workers": workers, "executor": args.executor,
            "wardsim_version": __version__, "python": platform.python_version(),
            "started": started.isoformat(timespec="seconds"),
            "ended": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "wall_seconds": round(time.perf_counter() - clock, 3),
        }, extra)
    return results


def expand_sources(paths: list[str]) -> list[str]:
    """Every scenario the files hold: a workbook with a proposal gives two (``#forslag``)."""
    return [source for path in paths for source in scenarios_in(path)]


def labels_of(paths: list[str]) -> list[str]:
    """Short unique scenario labels from file names (``ward-forslag`` for a proposal)."""
    labels: list[str] = []
    for path in paths:
        label = label_of(path)
        while label in labels:
            label += "_2"
        labels.append(label)
    return labels
