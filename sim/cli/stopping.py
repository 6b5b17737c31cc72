"""Stopping a command: Ctrl-C, SIGTERM and SIGHUP, and the one line that tells what was left.

:func:`stop_signals` turns SIGTERM (and SIGHUP) into :class:`Terminated`, a
``KeyboardInterrupt``, so the cleanup of Ctrl-C runs for both: the worker pool is ended at
once (see :mod:`sim.parallel`), the unfinished ``.NAME.partial`` folder removed (a sweep
keeps its finished points), and :func:`stopped_line` tells what happened.

Light on purpose (the standard library only): :func:`sim.cli.main` needs it before it
imports anything heavy, so that a Ctrl-C while numpy or pandas load is caught too.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.i18n import Messages
    from sim.io.results import AtomicFolder


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
