"""What every command shares: argument types, options, scenario loading, the results folder.

Also running one scenario's replications into a folder with a progress bar, and stopping.

Every number and path on the command line is checked before any work starts: the types
below refuse what is not a whole number in range (naming the option and the range, never
a Python name), and :func:`out_folder` refuses an ``--out`` that cannot become a folder.

Stopping: :func:`stop_signals` turns SIGTERM (and SIGHUP) into :class:`Terminated`, a
``KeyboardInterrupt``, so the cleanup of Ctrl-C runs for both: the worker pool is ended at
once (see :mod:`sim.parallel`), the unfinished ``.NAME.partial`` folder removed (a sweep
keeps its finished points), and :func:`stopped_line` tells what happened.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tqdm import tqdm

from sim import __version__
from sim.experiment import Results, default_workers, run_replications
from sim.i18n import LANGUAGES, Messages
from sim.io.limits import MAX_DAYS, check_work
from sim.io.results import AtomicFolder, RunWriter, sha256
from sim.io.scenario import load, scenarios_in
from sim.io.schema import Scenario
from sim.io.sources import label_of
from sim.model import WardModel, build_model
from sim.parallel import EXECUTORS


class UsageError(Exception):
    """A bad command-line value; told in one line, exit code 2."""


#: Upper bounds of the command line's numbers: beyond them no ward study makes sense.
MAX_REPLICATIONS = 100_000
MAX_WORKERS = 256
MAX_SEED = 2**63 - 1
MAX_POINTS = 1_000_000
#: Longest text of an argument quoted back in a message (characters).
SHOWN = 60


def one_line(text: str, limit: int = 1000) -> str:
    """``text`` as one printable line: control characters escaped, at most ``limit`` characters."""
    out = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                  for ch in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def shown(text: str) -> str:
    """``repr`` of a user's text, cut to :data:`SHOWN` characters (control characters escaped)."""
    return repr(text if len(text) <= SHOWN else text[: SHOWN - 1] + "…")


def whole(low: int, high: int) -> Callable[[str], int]:
    """Make an argument type: a whole number from ``low`` to ``high``, told in words if not."""
    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", "x"))  # 1_000 is Python, not a count
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            span = f"from {low:,} to {high:,}"
            raise argparse.ArgumentTypeError(f"must be a whole number {span}, got {shown(text)}")
        return value
    return parse


positive = whole(1, MAX_REPLICATIONS)
non_negative = whole(0, MAX_DAYS)
seed = whole(0, MAX_SEED)


def share(text: str) -> float:
    """Read a number above 0 and at most 1, such as 0.85 (an argument type)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a number above 0 and at most 1, such as 0.85, "
                                         f"got {shown(text)}")
    return value


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (see :class:`UsageError`)."""

    def error(self, message: str) -> None:
        """Raise the error as one line instead of usage + message."""
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that simulates."""
    parser.add_argument("--replications", "-n", type=positive, default=10, help="default 10")
    parser.add_argument("--seed", type=seed, default=12345, help="default 12345")
    parser.add_argument("--days", type=whole(1, MAX_DAYS),
                        help="override the scenario's calendar days")
    parser.add_argument("--warmup-days", type=non_negative, default=0,
                        help="days left out of summaries (default 0)")
    parser.add_argument("--out", help="results folder (default results/<name>-<time>)")
    parser.add_argument("--workers", type=whole(1, MAX_WORKERS), default=None,
                        help="local processes (default: every core)")
    parser.add_argument("--executor", choices=EXECUTORS, default="local",
                        help="local processes, or a Dask cluster (needs --scheduler)")
    parser.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="language of the tables and the report: nb, sv or en (default: "
                             "the scenario's `language:`, else en)")


def messages(args: argparse.Namespace, scenario: Scenario | None = None) -> Messages:
    """Return the messages of ``--lang``, else of the scenario's ``language:``, else English."""
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


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stopped like Ctrl-C, with exit code 128 + the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def exit_code(stop: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + (stop.signum if isinstance(stop, Terminated) else signal.SIGINT)


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """Turn Ctrl-C, SIGTERM and SIGHUP into exceptions, the first one only.

    After the first, the others are ignored so that the cleanup it starts (ending the
    workers, removing the unfinished folder) is not cut short. A signal that was ignored
    when the command started (``nohup``, a background job) stays ignored. The previous
    handlers are back on leaving (``main`` may be called more than once in a process).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = [n for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    watched = [getattr(signal, n) for n in names]
    previous = {}

    def stop(signum: int, frame: object) -> None:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        raise KeyboardInterrupt if signum == signal.SIGINT else Terminated(signum)

    for sig in watched:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            previous[sig] = signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


#: What the result folders of the running command did: (event, folder, messages), in order.
FOLDER_EVENTS: list[tuple[str, AtomicFolder, Messages]] = []


def notifier(msg: Messages) -> Callable[[str, AtomicFolder], None]:
    """Say at once that a stale partial folder went; keep the rest for :func:`stopped_line`."""
    def notify(event: str, folder: AtomicFolder) -> None:
        if event == "stale":
            key = "cli.stale_sweep" if folder.keep_partial else "cli.stale_partial"
            print("wardsim: " + msg(key, folder=folder.tmp), file=sys.stderr)
        else:
            FOLDER_EVENTS.append((event, folder, msg))
    return notify


def stopped_line(stop: KeyboardInterrupt, msg: Messages) -> str:
    """Tell what Ctrl-C or SIGTERM left: what was removed, or what is kept for ``--resume``."""
    signame = "SIGHUP" if getattr(stop, "signum", None) == getattr(signal, "SIGHUP", None) \
        else "SIGTERM"
    ctrl_c = not isinstance(stop, Terminated)
    outer = [(event, folder, m) for event, folder, m in FOLDER_EVENTS
             if not any(other.tmp in folder.tmp.parents for _, other, _ in FOLDER_EVENTS)]
    for event, folder, m in outer:
        if event == "kept":
            if ctrl_c:
                return m("cli.sweep_interrupted", folder=folder.out_dir)
            return m("cli.sweep_terminated", folder=folder.out_dir, signal=signame)
    removed = [folder.tmp for event, folder, _ in outer if event == "removed"]
    if removed:
        m = outer[0][2]
        if ctrl_c:
            return m("cli.interrupted_removed", folder=removed[0])
        return m("cli.terminated_removed", folder=removed[0], signal=signame)
    return msg("cli.interrupted") if ctrl_c else msg("cli.terminated", signal=signame)


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
