"""``wardsim pilot check``: the scenario on a pilot's census and staffing, against its measures.

Every pilot is read and checked against the scenario before anything runs (a bad file is one
line naming the file, sheet or row and column, exit code 2, no folder); then each section is
simulated trace-driven with the same seed (common random numbers across sections) and one
folder is written atomically: ``pilot_check.csv`` (one row per measured KPI and section),
``pilot_replications.csv`` (every replication's simulated value), ``pilot.json`` (what was
run) and with ``--report`` ``report.html``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from sim import __version__
from sim.cli.common import (
    UsageError,
    messages,
    notifier,
    out_folder,
    workers_of,
)
from sim.i18n import Messages
from sim.io.limits import check_work
from sim.io.results import AtomicFolder, sha256
from sim.io.scenario import load
from sim.io.schema import Scenario
from sim.model import build_model
from sim.pilot import Pilot, read_pilot
from sim.pilot.check import Checked, check_pilot
from sim.pilot.files import TABLES, pilot_files
from sim.pilot.report import report_html, row_line, side_by_side, summary_line


def _read(args: argparse.Namespace, scenario: Scenario, msg: Messages) -> list[Pilot]:
    model = build_model(scenario, source=args.scenario)
    files = pilot_files(args.pilots, {t: getattr(args, t) for t in TABLES}, msg)
    if not files:
        raise UsageError("wardsim pilot check: give a PILOT (a workbook or a folder), or "
                         "--measured (see wardsim pilot check --help)")
    pilots = [read_pilot(f, model, msg) for f in files]
    for pilot in pilots:
        check_work(scenario, args.scenario, days=pilot.model.calendar.days,
                   replications=args.replications)
    return pilots


def cmd_pilot_check(args: argparse.Namespace) -> int:
    """Read every pilot, simulate each, print the verdicts, write the folder."""
    scenario = load(args.scenario)
    msg = messages(args, scenario)
    pilots = _read(args, scenario, msg)
    folder = out_folder(args, f"pilot-{pilots[0].label}")
    workers = workers_of(args)
    started = dt.datetime.now().astimezone()
    print(msg("pilot.head", scenario=scenario.name, sections=len(pilots),
              replications=args.replications, seed=args.seed))
    with AtomicFolder(folder, notify=notifier(msg)) as top:
        checked = []
        for pilot in pilots:
            with tqdm(total=args.replications, desc=pilot.label[:30], unit="rep", disable=None,
                      file=sys.stderr) as bar:
                checked.append(check_pilot(pilot.label, pilot.model, pilot.measures,
                                           args.replications, args.seed, workers,
                                           on_progress=lambda bar=bar: bar.update(1)))
        table = pd.concat([c.table for c in checked], ignore_index=True)
        table.to_csv(top.tmp / "pilot_check.csv", index=False)
        pd.concat([c.replications for c in checked], ignore_index=True).to_csv(
            top.tmp / "pilot_replications.csv", index=False)
        (top.tmp / "pilot.json").write_text(json.dumps(
            _record(args, pilots, started), indent=2, ensure_ascii=False), encoding="utf-8")
        if args.report:
            subtitle = msg("pilot.report.subtitle", scenario=args.scenario,
                           pilots=", ".join(p.label for p in pilots),
                           replications=args.replications, seed=args.seed)
            (top.tmp / "report.html").write_text(
                report_html(scenario.name, checked, subtitle, msg), encoding="utf-8")
        folder = top.commit()
    _print(pilots, checked, msg)
    files = ", ".join(["pilot_check.csv", "pilot_replications.csv", "pilot.json",
                       *(["report.html"] if args.report else [])])
    print("\n" + msg("common.written", folder=folder, files=files))
    if args.report:
        print(msg("common.report", path=folder / "report.html"))
    return 0


def _print(pilots: list[Pilot], checked: list[Checked], msg: Messages) -> None:
    for pilot, result in zip(pilots, checked, strict=True):
        census = pilot.census
        first = census.first.isoformat() if census.first else msg("pilot.day_zero")
        print("\n" + msg("pilot.section", pilot=pilot.label, days=census.calendar.days,
                         first=first, rows=len(pilot.measures)))
        if pilot.planned:
            print(msg("pilot.planned"))
        if pilot.kept:
            print(msg("pilot.kept", groups=msg.join(list(pilot.kept))))
        for row in result.table.to_dict("records"):
            print(row_line(row, msg))
    print("\n" + msg("pilot.rule"))
    for result in checked:
        print(summary_line(result, msg))
    if len(checked) > 1:
        lines = side_by_side(checked, msg)
        if lines:
            print("\n" + msg("pilot.side_head"))
            print("\n".join(lines))


def _record(args: argparse.Namespace, pilots: list[Pilot], started: dt.datetime) -> dict:
    return {
        "scenario_file": str(args.scenario), "scenario_sha256": sha256(args.scenario),
        "pilots": [{"label": p.label, "files": [str(f) for f in p.files.paths],
                    "sha256": [sha256(f) for f in p.files.paths],
                    "days": p.model.calendar.days,
                    "first_date": p.census.first.isoformat() if p.census.first else None,
                    "roster_kept_for": list(p.kept), "measured_rows": len(p.measures)}
                   for p in pilots],
        "replications": args.replications, "seed": args.seed,
        "prediction_interval": "Student-t, 95 %, one more replication",
        "measured_ci": "Clopper-Pearson exact binomial (shares), Garwood exact Poisson (per week)",
        "wardsim_version": __version__, "python": platform.python_version(),
        "started": started.isoformat(timespec="seconds"),
        "ended": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "out": str(Path(args.out)) if args.out else None,
    }
