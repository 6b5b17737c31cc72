"""Command line: ``wardsim run|validate|compare|assess|sweep|workbook|calibrate|optimise|pilot``.

The only package that prints. A problem with the user's input (scenario file, arguments,
output folder) is told in one line on stderr with exit code 2, and no results folder is
left behind.

Importing this package is cheap (the standard library and :mod:`sim.cli.stopping`): the
parser (:mod:`sim.cli.parser`) and a command's module, with numpy, pandas or scipy, are
imported inside :func:`main`, after Ctrl-C is caught, so a Ctrl-C while they load is one
line and exit code 130 like any other (``benchmarks/bench_startup.py`` times it).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import sys

from sim.cli.stopping import FOLDER_EVENTS, exit_code, stop_signals, stopped_line


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``wardsim`` command (see :mod:`sim.cli.parser`)."""
    from sim.cli.parser import build_parser as build

    return build()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``wardsim`` command; returns the exit code.

    0 done, 2 a problem with the input (one line on stderr, nothing left behind), 130 after
    Ctrl-C and 143 after SIGTERM (one line saying what was removed or kept).
    """
    FOLDER_EVENTS.clear()
    for stream in (sys.stdout, sys.stderr):  # a path that is not UTF-8 must not crash a print
        with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
            stream.reconfigure(errors="backslashreplace")
    args = None
    with stop_signals():
        try:
            from sim.cli.args import UsageError, one_line
            from sim.cli.parser import handler
            from sim.decide.sweep_spec import SweepError
            from sim.io.errors import OutFolderError, ScenarioError

            try:
                args = build_parser().parse_args(argv)
                command = handler(args.func)
                # what is loaded now lives as long as the process: leave it out of the
                # garbage collector's full passes, which on the week's many short-lived
                # objects would read it again and again (forked workers inherit this)
                gc.freeze()
                return command(args)
            except (ScenarioError, UsageError, SweepError, OutFolderError,
                    FileExistsError) as err:
                return _error(one_line(str(err)))
            except OSError as err:  # the disk or the system, while writing results
                where = f" ({err.filename})" if err.filename else ""
                return _error(one_line(f"{(err.strerror or str(err)).lower()}{where}"))
        except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM / SIGHUP as Terminated
            # the signals are ignored from here on, so these imports finish
            from sim.cli.args import one_line
            from sim.i18n import Messages

            msg = Messages(getattr(args, "lang", None) or "en")
            print("wardsim: " + one_line(stopped_line(stop, msg)), file=sys.stderr)
            return exit_code(stop)


def _error(text: str) -> int:
    print(f"wardsim: error: {text}", file=sys.stderr)
    return 2


def run() -> None:
    """Run :func:`main` as the ``wardsim`` command and exit with its code.

    After a stop (exit code 129, 130 or 143) the unfinished folder is already removed and
    the workers ended, so the process leaves at once (``os._exit``) rather than in the
    interpreter's exit handlers: those join the process pool's manager thread, which
    after its workers were terminated could wait on them for good (seen under load).
    """
    code = main()
    if code > 128:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
    sys.exit(code)

