"""What the ``wardsim`` command line accepts: every command, its arguments and its help.

Only the parser is built here, from light modules (argparse, :mod:`sim.cli.args`), so that
``wardsim --help`` and ``--version`` answer at once. Each command names its function as
``"module:function"`` (:func:`handler` imports it when the command runs): ``wardsim run``
loads numpy, pandas and scipy, ``wardsim --help`` none of them.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from sim import __version__
from sim.cli.args import MAX_POINTS, Parser, add_common, positive, seed, share, whole
from sim.decide.sweep_spec import DESIGNS
from sim.i18n import LANGUAGES

#: The tables of a pilot (:data:`sim.pilot.files.TABLES`; a test keeps the two the same:
#: importing :mod:`sim.pilot` builds models).
PILOT_TABLES = ("census", "staffing", "measured")


def handler(spec: str) -> Callable[[argparse.Namespace], int]:
    """Import the function of a command, ``"sim.cli.run:cmd_run"``, when it is to run."""
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``wardsim`` command."""
    parser = Parser(prog="wardsim", description="Simulate a hospital ward's task sharing.")
    parser.add_argument("--version", action="version", version=f"wardsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    _add_run(sub)
    _add_compare(sub)
    _add_sweep(sub)
    _add_assess(sub)
    _add_validate(sub)
    _add_workbook(sub)
    _add_calibrate(sub)
    _add_optimise(sub)
    _add_pilot(sub)
    return parser


def _add_run(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="simulate a scenario and write tidy results")
    run.add_argument("scenario", help="scenario YAML file")
    add_common(run)
    run.add_argument("--no-detail", action="store_true",
                     help="do not write one row per task (tasks.parquet)")
    run.add_argument("--report", action="store_true",
                     help="also write report.html, an interactive report that works offline")
    run.set_defaults(func="sim.cli.run:cmd_run")


def _add_compare(sub: argparse._SubParsersAction) -> None:
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
    compare.set_defaults(func="sim.cli.compare:cmd_compare")


def _add_sweep(sub: argparse._SubParsersAction) -> None:
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
    sweep.set_defaults(func="sim.cli.sweep:cmd_sweep")


def _add_assess(sub: argparse._SubParsersAction) -> None:
    assess = sub.add_parser("assess", help="is a split feasible on every shift? verdicts, "
                            "training need and an HTML report")
    assess.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                        help="today's ward first, then the proposed splits "
                             "(one file: judge it alone)")
    add_common(assess)
    assess.add_argument("--targets", metavar="TARGETS.yaml",
                        help="service targets merged over every scenario's own `targets:`")
    assess.add_argument("--detail", action="store_true", help="also write one row per task")
    assess.set_defaults(func="sim.cli.assess:cmd_assess")


def _add_validate(sub: argparse._SubParsersAction) -> None:
    validate = sub.add_parser("validate", help="check a scenario file without running it")
    validate.add_argument("scenario", help="scenario YAML file")
    validate.add_argument("--lang", choices=LANGUAGES, default=None,
                          help="language of the output: nb, sv or en")
    validate.set_defaults(func="sim.cli.validate:cmd_validate")


def _add_workbook(sub: argparse._SubParsersAction) -> None:
    """Register ``wardsim workbook`` and its three commands."""
    top = sub.add_parser("workbook", help="the task-mapping workbook (Excel): template, import, "
                                          "export")
    commands = top.add_subparsers(dest="workbook_command", required=True,
                                  parser_class=type(top))
    template = commands.add_parser("template", help="write an empty workbook to fill in, or one "
                                                    "filled from a scenario")
    template.add_argument("out", metavar="OUT.xlsx", help="the new workbook")
    template.add_argument("--from", dest="source", metavar="SCENARIO",
                          help="fill it from this scenario (YAML or workbook)")
    _workbook_layout(template)
    template.set_defaults(func="sim.cli.workbook:cmd_template")

    imp = commands.add_parser("import", help="turn a workbook into scenario YAML files")
    imp.add_argument("workbook", metavar="IN.xlsx", help="the filled-in workbook (only read)")
    imp.add_argument("-o", "--out", required=True, metavar="WARD.yaml",
                     help="today's ward; a proposal goes to WARD-forslag.yaml beside it")
    imp.set_defaults(func="sim.cli.workbook:cmd_import")

    export = commands.add_parser("export", help="write a scenario as a workbook")
    export.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file (or workbook)")
    export.add_argument("-o", "--out", required=True, metavar="OUT.xlsx", help="the new workbook")
    export.add_argument("--proposal", metavar="VARIANT",
                        help="a variant of SCENARIO, written as the Forslag columns")
    _workbook_layout(export)
    export.set_defaults(func="sim.cli.workbook:cmd_export")


def _workbook_layout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="language of the sheets and headers (default: the scenario's "
                             "`language:`, else nb)")
    parser.add_argument("--flat", action="store_true",
                        help="one flat task table with Intervall and Kategori columns, instead "
                             "of the seed's interval and category headings")


def _add_calibrate(sub: argparse._SubParsersAction) -> None:
    """Register ``wardsim calibrate durations`` and ``wardsim calibrate arrivals``."""
    calibrate = sub.add_parser("calibrate", help="fit task times and rates from a time study "
                               "into a variant of the scenario")
    kinds = calibrate.add_subparsers(dest="kind", required=True, parser_class=type(calibrate))
    durations = kinds.add_parser("durations", help="fit task durations from observed times")
    durations.add_argument("observations", metavar="OBSERVATIONS",
                           help="CSV or xlsx: task_id, minutes, optional group and interrupted")
    durations.add_argument("--min-observations", type=positive, default=10,
                           help="fewer observations keep the mapped estimate (default 10)")
    durations.set_defaults(func="sim.cli.calibrate:cmd_durations")
    arrivals = kinds.add_parser("arrivals", help="estimate arrival rates from task events")
    arrivals.add_argument("events", metavar="EVENTS",
                          help="CSV or xlsx: task_id and time (or date/day and clock)")
    arrivals.add_argument("--census", required=True, metavar="CENSUS",
                          help="CSV or xlsx: date (or day), patients, optional day_type")
    arrivals.set_defaults(func="sim.cli.calibrate:cmd_arrivals")
    for parser in (durations, arrivals):
        parser.add_argument("--scenario", required=True, metavar="S.yaml",
                            help="the scenario the observations belong to (never changed)")
        parser.add_argument("--out", help="output folder (default results/calibrate-<file>-<time>)")
        parser.add_argument("--emit-sweep", action="store_true",
                            help="also write sweep.txt and sweep.json: the CIs as --vary ranges")
        parser.add_argument("--seed", type=int, default=12345,
                            help="seed of the bootstrap and the goodness-of-fit test "
                                 "(default 12345)")
        parser.add_argument("--lang", choices=LANGUAGES, default=None,
                            help="language of the output: nb, sv or en (default: the scenario's)")


def _add_optimise(sub: argparse._SubParsersAction) -> None:
    """Register ``wardsim optimise``."""
    p = sub.add_parser("optimise", help="the cheapest roster that meets the targets, with a "
                                        "lower bound and a certificate")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--vary", action="append", required=True,
                   metavar="roster.GROUP[.SHIFT[.DAY_TYPE]]=LOW:HIGH",
                   help="roster cells to choose and their range of heads; repeat for more")
    p.add_argument("--fix", action="append", default=[], metavar='"GROUP[.SHIFT]>=N"',
                   help='a rule every roster keeps, e.g. "sykepleier>=2 every shift"')
    p.add_argument("--targets", metavar="TARGETS.yaml",
                   help="service targets merged over the scenario's own `targets:`")
    add_common(p)
    p.add_argument("--confidence", type=share, default=0.95,
                   help="confidence of the certificate (default 0.95)")
    p.add_argument("--budget-minutes", type=float, default=None,
                   help="stop searching after this many minutes (best so far, no certificate)")
    p.add_argument("--resume", action="store_true",
                   help="carry on a killed search in the same --out folder")
    p.set_defaults(func="sim.cli.optimise:cmd_optimise")


def _add_pilot(sub: argparse._SubParsersAction) -> None:
    """Register ``wardsim pilot check``."""
    pilot = sub.add_parser("pilot", help="check the model against what a pilot measured")
    kinds = pilot.add_subparsers(dest="kind", required=True, parser_class=type(pilot))
    check = kinds.add_parser("check", help="run the scenario on a pilot's census and staffing "
                             "and compare with its measured KPIs")
    check.add_argument("scenario", help="scenario file (YAML or workbook)")
    check.add_argument("pilots", nargs="*", metavar="PILOT",
                       help="a workbook with the sheets census, staffing and measured, or a "
                            "folder of census.csv, staffing.csv and measured.csv (without "
                            "census or staffing: the scenario's plan); two or more are "
                            "compared side by side")
    for table in PILOT_TABLES:
        extra = " (the other two may be left out)" if table == "measured" else ""
        check.add_argument(f"--{table}", metavar=f"{table.upper()}.csv",
                           help=f"the {table} table as a file of its own{extra}")
    check.add_argument("--replications", "-n", type=whole(2, 100_000), default=20,
                       help="pilot periods simulated per section (default 20)")
    check.add_argument("--seed", type=seed, default=12345, help="default 12345")
    check.add_argument("--workers", type=whole(1, 256), default=None,
                       help="local processes (default: every core)")
    check.add_argument("--out", help="output folder (default results/pilot-<name>-<time>)")
    check.add_argument("--report", action="store_true", help="also write report.html")
    check.add_argument("--lang", choices=LANGUAGES, default=None,
                       help="language of the output: nb, sv or en (default: the scenario's)")
    check.set_defaults(func="sim.cli.pilot:cmd_pilot_check", executor="local")
