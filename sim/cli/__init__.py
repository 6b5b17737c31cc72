"""Command line: ``wardsim run|validate|compare|assess|sweep|workbook|calibrate|pilot``.

The only package that prints. A problem with the user's input (scenario file, arguments,
output folder) is told in one line on stderr with exit code 2, and no results folder is
left behind.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys

from sim import __version__
from sim.cli.assess import cmd_assess
from sim.cli.calibrate import add_calibrate
from sim.cli.common import (
    FOLDER_EVENTS,
    MAX_POINTS,
    Parser,
    UsageError,
    add_common,
    exit_code,
    one_line,
    share,
    stop_signals,
    stopped_line,
    whole,
)
from sim.cli.compare import cmd_compare
from sim.cli.optimise import add_optimise
from sim.cli.pilot import add_pilot
from sim.cli.run import cmd_run, cmd_validate
from sim.cli.sweep import cmd_sweep
from sim.cli.workbook import add_workbook
from sim.decide.sweep import DESIGNS, SweepError
from sim.i18n import LANGUAGES, Messages
from sim.io.errors import ScenarioError
from sim.io.results import OutFolderError


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``wardsim`` command."""
    parser = Parser(prog="wardsim", description="Simulate a hospital ward's task sharing.")
    parser.add_argument("--version", action="version", version=f"wardsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    run = sub.add_parser("run", help="simulate a scenario and write tidy results")
    run.add_argument("scenario", help="scenario YAML file")
    add_common(run)
    run.add_argument("--no-detail", action="store_true",
                     help="do not write one row per task (tasks.parquet)")
    run.add_argument("--report", action="store_true",
                     help="also write report.html, an interactive report that works offline")
    run.set_defaults(func=cmd_run)

    compare = sub.add_parser("compare",
                             help="compare a baseline with variants (common random numbers)")
    compare.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                         help="baseline file first, then one or more variants")
    add_common(compare)
    compare.add_argument("--max-utilisation", type=share, default=0.85,
                         help="flag groups and intervals above this utilisation (default 0.85)")
    compare.add_argument("--detail", action="store_true", help="also write one row per task")
    compare.add_argument("--independent-streams", action="store_true",
                         help="give each scenario its own seed (for measuring what CRN gains)")
    compare.add_argument("--report", action="store_true",
                         help="also write report.html, an interactive report that works offline")
    compare.set_defaults(func=cmd_compare)

    sweep = sub.add_parser("sweep", help="vary inputs over a design and rank their influence")
    sweep.add_argument("scenario", help="scenario YAML file")
    sweep.add_argument("--vary", action="append", required=True, metavar="PATH=LOW:HIGH",
                       help="a numeric field and its range; repeat for more factors")
    sweep.add_argument("--design", choices=DESIGNS, default="lhs",
                       help="lhs (default), sobol, grid or oat (one at a time, for a tornado)")
    sweep.add_argument("--points", type=whole(2, MAX_POINTS), default=16,
                       help="design points (lhs), base points (sobol), "
                            "levels per factor (grid, oat)")
    add_common(sweep)
    sweep.add_argument("--resume", action="store_true",
                       help="carry on a killed sweep in the same --out folder")
    sweep.set_defaults(func=cmd_sweep)

    assess = sub.add_parser("assess", help="is a split feasible on every shift? verdicts, "
                            "training need and an HTML report")
    assess.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                        help="today's ward first, then the proposed splits "
                             "(one file: judge it alone)")
    add_common(assess)
    assess.add_argument("--targets", metavar="TARGETS.yaml",
                        help="service targets merged over every scenario's own `targets:`")
    assess.add_argument("--detail", action="store_true", help="also write one row per task")
    assess.set_defaults(func=cmd_assess)

    validate = sub.add_parser("validate", help="check a scenario file without running it")
    validate.add_argument("scenario", help="scenario YAML file")
    validate.add_argument("--lang", choices=LANGUAGES, default=None,
                          help="language of the output: nb, sv or en")
    validate.set_defaults(func=cmd_validate)
    add_workbook(sub)
    add_calibrate(sub)
    add_optimise(sub)
    add_pilot(sub)
    return parser


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
            args = build_parser().parse_args(argv)
            return args.func(args)
        except (ScenarioError, UsageError, SweepError, OutFolderError, FileExistsError) as err:
            return _error(str(err))
        except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM / SIGHUP as Terminated
            msg = Messages(getattr(args, "lang", None) or "en")
            print("wardsim: " + one_line(stopped_line(stop, msg)), file=sys.stderr)
            return exit_code(stop)
        except OSError as err:  # the disk or the system, while writing results
            where = f" ({err.filename})" if err.filename else ""
            return _error(f"{(err.strerror or str(err)).lower()}{where}")


def _error(text: str) -> int:
    print(f"wardsim: error: {one_line(text)}", file=sys.stderr)
    return 2
