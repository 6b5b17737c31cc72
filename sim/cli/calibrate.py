"""``wardsim calibrate durations|arrivals``: scenario parameters from a time study.

Both read the observation files against the scenario (every problem is one line naming the
file, row and column, exit code 2, no folder), fit, and write one folder atomically:
``calibrated.yaml`` (a variant that extends the scenario with only the fitted values),
``calibration.csv``, ``calibration.html`` and, with ``--emit-sweep``, ``sweep.txt`` and
``sweep.json``, the CIs as ``--vary`` ranges of a ``wardsim sweep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from calibration.arrivals import Rate, observed_rates
from calibration.census import check_event_days, read_census, read_events
from calibration.durations import Fit, fit_observations
from calibration.export import (
    Range,
    arrival_changes,
    arrival_table,
    duration_changes,
    duration_table,
    sig,
    sweep_files,
    variant_text,
)
from calibration.report import arrivals_sections, durations_sections, render
from calibration.timestudy import read_observations
from sim.cli.common import messages, out_folder
from sim.i18n import Messages
from sim.io.results import AtomicFolder
from sim.io.scenario import from_dict, load, load_raw
from sim.io.schema import Scenario
from sim.model import build_model

VARIANT = "calibrated.yaml"


def _scenario(path: str) -> tuple[Scenario, dict[str, Any], Any]:
    scenario = load(path)
    model = build_model(scenario, source=path)
    return scenario, load_raw(Path(path)), model


def _folder(args: argparse.Namespace, source: str) -> Path:
    folder = out_folder(args, f"calibrate-{Path(source).stem}")
    if folder.exists():
        raise FileExistsError(f"{folder} already exists; choose another --out")
    return folder


def _write(folder: Path, args: argparse.Namespace, text: str, table: Any, html: str,
           ranges: list[Range], msg: Messages) -> Path:
    """Write every file into the hidden folder, check the variant loads, move into place."""
    with AtomicFolder(folder) as top:
        variant = top.tmp / VARIANT
        variant.write_text(text, encoding="utf-8")
        build_model(from_dict(load_raw(variant), source=str(folder / VARIANT)),
                    source=str(folder / VARIANT))
        table.to_csv(top.tmp / "calibration.csv", index=False)
        (top.tmp / "calibration.html").write_text(html, encoding="utf-8")
        if args.emit_sweep:
            sweep_files(top.tmp, folder / VARIANT, ranges, msg)
        return top.commit()


def _header(msg: Messages, source: str) -> list[str]:
    today = dt.date.today().isoformat()
    return [msg("calibrate.yaml.header", source=source, date=today),
            msg("calibrate.yaml.only_fitted")]


def _done(folder: Path, args: argparse.Namespace, msg: Messages) -> None:
    files = ", ".join([VARIANT, "calibration.csv", "calibration.html",
                       *(["sweep.txt", "sweep.json"] if args.emit_sweep else [])])
    print("\n" + msg("common.written", folder=folder, files=files))
    print(msg("common.report", path=folder / "calibration.html"))
    if args.emit_sweep:
        print(msg("calibrate.sweep_written", path=folder / "sweep.txt"))


def cmd_durations(args: argparse.Namespace) -> int:
    """Fit the observed times, print a line per task, write the folder."""
    scenario, raw, _ = _scenario(args.scenario)
    msg = messages(args, scenario)
    folder = _folder(args, args.observations)
    obs, whole = read_observations(args.observations, scenario, msg)
    fits = fit_observations(obs, whole, scenario, args.min_observations, args.seed)
    changes, ranges = duration_changes(fits, scenario, raw)
    table = duration_table(fits, msg, args.min_observations)
    treatment = msg("calibrate.treatment_interval" if whole else "calibrate.treatment_exact")
    comments: dict[str, list[str]] = {}
    for fit in (f for f in fits if f.written):
        comments.setdefault(fit.task_id, []).append(msg(
            "calibrate.yaml.duration", label=_label(fit), n=fit.n,
            family=msg(f"calibrate.family.{fit.family}"), censored=fit.sample.n_censored,
            mean=sig(fit.mean), low=sig(fit.mean_ci[0]), high=sig(fit.mean_ci[1]),
            cv=sig(fit.cv)))
    text = variant_text(args.scenario, folder, changes, comments,
                        [*_header(msg, args.observations), treatment])
    title = msg("calibrate.report.title_durations", scenario=scenario.name)
    subtitle = msg("calibrate.report.subtitle_durations", source=args.observations,
                   scenario=args.scenario, n=len(obs))
    html = render(title, subtitle, durations_sections(fits, list(table["action"]), whole,
                                                      treatment, msg), msg)
    folder = _write(folder, args, text, table, html, ranges, msg)
    print(msg("calibrate.durations_head", tasks=len({f.task_id for f in fits}), n=len(obs),
              censored=int(obs["interrupted"].sum())))
    print(treatment)
    for fit, action in zip(fits, table["action"], strict=True):
        if fit.family:
            print(msg("calibrate.duration_row", label=_label(fit), n=fit.n, action=action,
                      family=msg(f"calibrate.family.{fit.family}"), mean=fit.mean, cv=fit.cv,
                      mean_ci=_interval(msg, fit.mean_ci, "num1"),
                      cv_ci=_interval(msg, fit.cv_ci, "num2")))
        else:
            print(msg("calibrate.duration_row_kept", label=_label(fit), n=fit.n, action=action))
    if scenario.durations.scale != 1:
        print(msg("calibrate.scale_note", key="durations.scale", scale=scenario.durations.scale))
    _done(folder, args, msg)
    return 0


def _label(fit: Fit) -> str:
    return fit.task_id + (f" ({fit.group})" if fit.group else "")


def _interval(msg: Messages, ci: tuple[float, float], spec: str) -> str:
    return msg("common.interval", low=msg.number(ci[0], spec), high=msg.number(ci[1], spec))


def _print_rates(rates: list[Rate], actions: list[str], events: Any, msg: Messages) -> None:
    """Per task a line per interval with the day types side by side, then the warnings."""
    for task_id in dict.fromkeys(r.task_id for r in rates):
        mine = [r for r in rates if r.task_id == task_id]
        print(msg("calibrate.arrival_task", task=task_id, per=msg(f"calibrate.per.{mine[0].per}"),
                  count=int((events["task_id"] == task_id).sum())))
        if mine[0].action == "clock_task":
            print(msg("calibrate.arrival_interval", interval="–",
                      cells=msg("calibrate.action.clock_task")))
            continue
        for interval in dict.fromkeys(r.interval for r in mine):
            here = [r for r in mine if r.interval == interval and r.action != "none"]
            if here:
                cells = [msg("calibrate.arrival_cell", day_type=msg.label("day_type", r.day_type),
                             rate=r.rate, estimate=r.estimate, count=r.count,
                             ci=_interval(msg, (r.rate_ci_low, r.rate_ci_high), "sig3"))
                         for r in here]
                print(msg("calibrate.arrival_interval", interval=interval, cells=" · ".join(cells)))
    for rate, action in zip(rates, actions, strict=True):
        if rate.action == "overdispersed":
            print(msg("calibrate.arrival_note", task=rate.task_id, interval=rate.interval,
                      day_type=msg.label("day_type", rate.day_type), action=action))


def cmd_arrivals(args: argparse.Namespace) -> int:
    """Count the events per interval and day type against the census, write the folder."""
    scenario, _, model = _scenario(args.scenario)
    msg = messages(args, scenario)
    folder = _folder(args, args.events)
    events, event_kind = read_events(args.events, scenario, msg)
    census, census_kind = read_census(args.census, model.calendar, msg)
    check_event_days(events, event_kind, args.events, census, census_kind, args.census, msg)
    rates = observed_rates(events, census, scenario, model.calendar)
    changes, ranges = arrival_changes(rates, scenario, model.calendar)
    table = arrival_table(rates, msg)
    counts = events["task_id"].value_counts()
    comments = {c["id"]: [msg("calibrate.yaml.rates", events=int(counts[c["id"]]),
                              days=len(census))] for c in changes}
    text = variant_text(args.scenario, folder, changes, comments, _header(msg, args.events))
    title = msg("calibrate.report.title_arrivals", scenario=scenario.name)
    subtitle = msg("calibrate.report.subtitle_arrivals", source=args.events, census=args.census,
                   scenario=args.scenario, n=len(events), days=len(census))
    html = render(title, subtitle, arrivals_sections(rates, list(table["action"]), msg), msg)
    folder = _write(folder, args, text, table, html, ranges, msg)
    print(msg("calibrate.arrivals_head", tasks=len({r.task_id for r in rates}), n=len(events),
              days=len(census)))
    _print_rates(rates, list(table["action"]), events, msg)
    flagged = sum(r.action == "overdispersed" for r in rates)
    if flagged:
        print(msg("calibrate.overdispersed_warning", count=flagged, rows=len(rates)))
    if scenario.arrivals.scale != 1:
        print(msg("calibrate.scale_note", key="arrivals.scale", scale=scenario.arrivals.scale))
    _done(folder, args, msg)
    return 0
