"""What every command that works shares: scenario loading, the results folder, running.

Also running one scenario's replications into a folder with a progress bar. Every path on
the command line is checked before any work starts: :func:`out_folder` refuses an ``--out``
that cannot become a folder.

The argument types and shared options (:mod:`sim.cli.args`) and stopping
(:mod:`sim.cli.stopping`) live in light modules of their own, so that building the parser
imports none of what this module does; their names are re-exported here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from sim import __version__
from sim.cli.args import (  # noqa: F401 - re-exported: the commands import them from here
    MAX_POINTS,
    MAX_REPLICATIONS,
    MAX_SEED,
    MAX_WORKERS,
    SHOWN,
    Parser,
    UsageError,
    add_common,
    messages,
    non_negative,
    one_line,
    positive,
    share,
    shown,
    whole,
)
from sim.cli.stopping import (  # noqa: F401 - re-exported
    FOLDER_EVENTS,
    Terminated,
    exit_code,
    notifier,
    stop_signals,
    stopped_line,
)
from sim.experiment import Results, default_workers, run_replications
from sim.i18n import Messages
from sim.io.limits import check_work
from sim.io.results import RunWriter, sha256
from sim.io.scenario import load, scenarios_in
from sim.io.schema import Scenario
from sim.io.sources import label_of
from sim.model import WardModel, build_model


def check_executor(args: argparse.Namespace) -> None:
    """Refuse a Dask run without a reachable scheduler before anything is written."""
    if args.executor != "dask":
        return
    if not args.scheduler:
        raise UsageError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)")
    try:
        from dask.distributed import Client
    except ImportError:
        raise UsageError("--executor dask needs the dask extra: "
                         "pip install 'wardsim[dask]'") from None
    try:
        with Client(args.scheduler, timeout=10):
            pass
    except (OSError, TimeoutError, ValueError, TypeError) as err:
        raise UsageError(f"cannot reach the Dask scheduler at {shown(args.scheduler)}: "
                         f"{err}") from None


def scenario_model(path: str, days: int | None, warmup_days: int,
                   replications: int = 1) -> tuple[Scenario, WardModel]:
    """Load and build a scenario, refusing a warm-up that leaves nothing to measure.

    Also refused before anything runs: more work than a run may take, ``replications``
    of ``days`` (:func:`sim.io.limits.check_work`).
    """
    scenario = load(path)
    check_work(scenario, path, days=days, replications=replications)
    model = build_model(scenario, source=path, days=days)
    if warmup_days >= model.calendar.days:
        raise UsageError(f"--warmup-days {warmup_days} must be less than the "
                         f"{model.calendar.days} simulated days")
    return scenario, model


def out_folder(args: argparse.Namespace, name: str) -> Path:
    """``--out``, or ``results/<name>-<time>``, checked to be a folder that can be made."""
    if args.out is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = Path("results") / f"{name}-{stamp}"
    elif not args.out.strip():
        raise UsageError("--out needs a folder name; got an empty one")
    else:
        folder = Path(args.out)
    check_out(folder, args.out is not None)
    return folder


def check_out(folder: Path, given: bool = True) -> None:
    """Refuse a results folder that exists or cannot be made, before any work starts.

    What only trying can tell (a read-only file system, ``/proc``) is told when the
    folder is made, by :class:`~sim.io.results.AtomicFolder`, still before any simulation.
    """
    text = str(folder)
    what = "--out" if given else "the results folder"
    if "\0" in text:
        raise UsageError(f"{what} {shown(text)} holds a NUL character")
    if folder.name in ("", ".", ".."):
        raise UsageError(f"{what} {shown(text)} must name a new folder")
    if os.path.lexists(folder):
        raise FileExistsError(f"{folder} already exists; choose another --out")
    ancestor = folder.parent
    while not os.path.lexists(ancestor) and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not os.path.isdir(ancestor):
        raise UsageError(f"cannot make the results folder {folder}: {ancestor} is a file, "
                         "not a folder; choose another --out")
    try:
        longest = os.pathconf(ancestor, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        longest = 255
    hidden = len(".") + len(".partial")  # the writer works in .NAME.partial beside it
    parts = folder.relative_to(ancestor).parts
    for i, part in enumerate(parts):
        room = longest - (hidden if i == len(parts) - 1 else 0)
        if len(os.fsencode(part)) > room:
            raise UsageError(f"{what}: the folder name {shown(part)} is too long for the file "
                             f"system (at most {room} bytes here)")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise UsageError(f"cannot make the results folder {folder}: no permission to write "
                         f"in {ancestor}; choose another --out")


def workers_of(args: argparse.Namespace) -> int:
    """Return the local processes to use: ``--workers``, or every core."""
    return args.workers or default_workers()


def simulate_into(model: WardModel, path: str, seed: int, args: argparse.Namespace, folder: Path,
                  detail: bool, by_shift: bool = False,
                  extra: Callable[[Path, Results], None] | None = None,
                  msg: Messages | None = None) -> Results:
    """Run the replications of one scenario into ``folder`` (atomically), with a progress bar.

    ``extra(folder, results)`` writes more files into the folder before it appears.
    """
    workers = workers_of(args)
    started, clock = dt.datetime.now().astimezone(), time.perf_counter()
    notify = notifier(msg or messages(args))
    with RunWriter(folder, notify=notify) as writer, \
            tqdm(total=args.replications, desc=model.name[:30], unit="rep", disable=None,
                 file=sys.stderr) as bar:
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
