"""``wardsim optimise``: the cheapest roster that ``assess`` finds feasible, with a certificate.

Search, bound and clean-up are in :mod:`sim.decide.optimise`, :mod:`sim.decide.bound` and
:mod:`sim.decide.certificate`. Every evaluated roster is kept in the partial folder
(``evals/``), so ``--resume`` replays a killed search from the verdicts on disk.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import time
from pathlib import Path

import pandas as pd
import yaml
from tqdm import tqdm

from sim import __version__
from sim.cli.common import (
    UsageError,
    check_executor,
    messages,
    notifier,
    out_folder,
    workers_of,
)
from sim.decide.bound import lower_bound
from sim.decide.cells import apply_fixes, parse_cells, parse_fix, roster_of
from sim.decide.certificate import certify
from sim.decide.costs import cost_lines, cost_table
from sim.decide.evaluate import Evaluator, Verdict, build
from sim.decide.fte import fte_table
from sim.decide.optimise import NoRosterError, Search
from sim.io.limits import check_work
from sim.io.results import AtomicFolder, sha256, write_json
from sim.io.scenario import from_dict, load_raw
from sim.io.targets import apply_targets, check_targets_file, read_targets_file
from sim.report.optimise_text import optimise_report


class OutOfTime(Exception):
    """``--budget-minutes`` spent: the search stops with the best roster found so far."""


def _problem(args: argparse.Namespace) -> tuple[dict, object, list, list]:
    raw = load_raw(Path(args.scenario))
    if args.targets:
        targets = read_targets_file(args.targets)
        check_targets_file(targets, args.targets)
        groups = [g.get("id") for g in raw.get("groups", []) if isinstance(g, dict)]
        raw = apply_targets(raw, targets, groups, args.targets)
    scenario = from_dict(raw, source=args.scenario)
    check_work(scenario, args.scenario, days=args.days, replications=args.replications)
    model = build(raw, args.scenario, [], (), args.days)
    if args.warmup_days >= model.calendar.days:
        raise UsageError(f"--warmup-days {args.warmup_days} must be less than the "
                         f"{model.calendar.days} simulated days")
    present = set(model.calendar.day_types())
    day_types = [d for d in ("weekday", "weekend", "holiday") if d in present]
    cells = parse_cells(raw, args.vary, day_types)
    cells = apply_fixes(cells, [parse_fix(raw, f, day_types) for f in args.fix], raw)
    return raw, scenario, model, cells


def cmd_optimise(args: argparse.Namespace) -> int:
    """Bound, search, clean-up; write optimum.yaml, search.csv and the certificate."""
    if args.resume and not args.out:
        raise UsageError("--resume needs the --out folder of the search to carry on")
    if args.budget_minutes is not None and not 0 < args.budget_minutes <= 100_000:
        raise UsageError("--budget-minutes must be a number of minutes above 0")
    folder = out_folder(args, f"optimise-{Path(args.scenario).stem}")
    raw, scenario, model, cells = _problem(args)
    msg = messages(args, scenario)
    check_executor(args)
    bound = lower_bound(model, cells, scenario.targets)
    if bound.values is None:
        top = tuple(c.high for c in cells)
        raise NoRosterError("no roster in the --vary ranges meets the targets: even with every "
                            f"varied cell at HIGH, the roster cannot have {bound.broken(top)[0]}; "
                            "widen the ranges")
    spec = {"scenario_file": args.scenario, "scenario_sha256": sha256(args.scenario),
            "vary": args.vary, "fix": args.fix, "targets": scenario.targets.model_dump(),
            "replications": args.replications, "seed": args.seed, "days": args.days,
            "warmup_days": args.warmup_days, "confidence": args.confidence,
            "wardsim_version": __version__}
    started = time.monotonic()
    with AtomicFolder(folder, keep_partial=True, resume=args.resume,
                      notify=notifier(msg)) as top:
        evals = top.tmp / "evals"
        _check_resumed(top.tmp / "spec.json", spec)
        write_json(top.tmp / "spec.json", spec)
        evals.mkdir(exist_ok=True)
        cache = read_evals(evals)
        with tqdm(desc=msg("optimise.bar"), unit=" rosters", disable=None, file=sys.stderr) as bar:
            def seen(verdict: Verdict, first: int) -> None:
                write_eval(evals, verdict, first)
                bar.update(1)
                if search.best is not None:
                    best = search.cost(search.best.roster)
                    bar.set_postfix_str(f"{msg('optimise.best')} {best:,.0f}")
                if args.budget_minutes and time.monotonic() - started > 60 * args.budget_minutes:
                    raise OutOfTime

            evaluator = Evaluator(raw, args.scenario, cells, args.seed, args.warmup_days,
                                  args.days, scenario.targets, workers_of(args), args.executor,
                                  args.scheduler, cache, seen)
            search = Search(evaluator, bound, cells, args.replications,
                            {g: i for i, g in enumerate(model.group_ids)},
                            model.dispatch.broader_may_take)
            certificate = None
            try:
                chosen = search.run()
                certificate = certify(evaluator, cells, chosen.roster, args.replications,
                                      args.confidence)
            except NoRosterError:
                top.keep_partial = False  # nothing to resume: the ranges must change
                raise
            except OutOfTime:
                if search.best is None:
                    top.keep_partial = False
                    raise UsageError("--budget-minutes ran out before any roster met the "
                                     "targets; give more minutes") from None
                chosen = search.best
        best_model = build(raw, args.scenario, cells, chosen.roster, args.days)
        fte = fte_table(best_model, scenario.fte)
        _write(top.tmp, folder, args, raw, scenario, cells, search, chosen, certificate, fte,
               bound)
        cost_table(best_model).to_csv(top.tmp / "costs.csv", index=False)
        _report(top.tmp, best_model, scenario, msg)
        shutil.rmtree(evals)
        folder = top.commit()
    print(optimise_report(cells, chosen, search, certificate, fte, bound, args.confidence,
                          scenario.fte, msg))
    print(cost_lines(best_model, msg))
    print("\n" + msg("common.written", folder=folder, files="optimum.yaml, search.csv, "
                     "certificate.csv, targets.csv, fte.csv, costs.csv, spec.json, report.html"))
    print(msg("common.report", path=folder / "report.html"))
    return 0


def _report(tmp: Path, model, scenario, msg) -> None:
    """Write report.html from the files just written (plotly and jinja2 imported only here)."""
    from sim.report.optimise_html import read_optimise, render_optimise_report

    data = read_optimise(tmp, dataclasses.replace(model, name=scenario.name), scenario.fte)
    (tmp / "report.html").write_text(render_optimise_report(data, msg), encoding="utf-8")


def _check_resumed(spec_file: Path, spec: dict) -> None:
    if not spec_file.exists():
        return
    try:
        old = json.loads(spec_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise UsageError(f"{spec_file} is damaged; use another --out, or drop --resume") from None
    if old != json.loads(json.dumps(spec)):
        raise UsageError(f"{spec_file.parent} holds a different search; use another --out or "
                         "drop --resume")


def _eval_name(verdict: Verdict, first: int) -> str:
    return f"{first}-{verdict.replications}-{'_'.join(map(str, verdict.roster))}.parquet"


def write_eval(evals: Path, verdict: Verdict, first: int) -> None:
    """Keep one verdict in ``evals/`` (written whole, then moved into place)."""
    target = evals / _eval_name(verdict, first)
    frame = verdict.feasibility.copy()
    frame["reason_key"] = frame["reason_key"].astype(str)
    frame.to_parquet(target.with_suffix(".tmp"), index=False)
    os.replace(target.with_suffix(".tmp"), target)


def read_evals(evals: Path) -> dict:
    """Return the verdicts a killed search left; a damaged file is removed (evaluated again)."""
    cache = {}
    for path in sorted(evals.glob("*.parquet")):
        try:
            first, count, roster = path.stem.split("-", 2)
            key = tuple(int(x) for x in roster.split("_"))
            verdict = Verdict(key, pd.read_parquet(path), int(count))
            # an unbuildable roster's verdict is kept with 0 replications: any count
            cache[(key, int(first), int(count))] = verdict
        except Exception:  # noqa: BLE001 - anything unreadable is evaluated again
            path.unlink(missing_ok=True)
    for path in evals.glob("*.tmp"):
        path.unlink(missing_ok=True)
    return cache


def _write(tmp: Path, folder: Path, args: argparse.Namespace, raw: dict, scenario, cells,
           search: Search, chosen: Verdict, certificate, fte: pd.DataFrame, bound) -> None:
    base = Path(os.path.relpath(Path(args.scenario).resolve(), folder.resolve())).as_posix()
    variant = {"extends": base, "name": f"{scenario.name} – optimum",
               "roster": roster_of(raw, cells, chosen.roster)}
    (tmp / "optimum.yaml").write_text(yaml.safe_dump(variant, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    rows, keyed = [], set()
    for roster, cost, outcome, phase, verdict in search.trace.rows:
        if (roster, outcome) in keyed:
            continue
        keyed.add((roster, outcome))
        row = {c.key: v for c, v in zip(cells, roster, strict=True)}
        row.update({"cost_per_week": round(cost, 2), "outcome": outcome, "phase": phase})
        if verdict is not None and not verdict.feasible:
            worst = verdict.failing().iloc[0]
            row.update({"worst_check": worst["check"], "worst_group": worst["group"],
                        "worst_shift": worst["shift"], "worst_day_type": worst["day_type"],
                        "worst_value": worst["value"], "worst_target": worst["target"]})
        rows.append(row)
    pd.DataFrame(rows).to_csv(tmp / "search.csv", index=False)
    fte.to_csv(tmp / "fte.csv", index=False)
    shown = certificate.verdict if certificate is not None else chosen
    shown.feasibility.to_csv(tmp / "targets.csv", index=False)
    if certificate is not None:
        certificate.rows.to_csv(tmp / "certificate.csv", index=False)
    else:
        pd.DataFrame().to_csv(tmp / "certificate.csv", index=False)
    write_json(tmp / "summary.json", {
        "roster": {c.key: v for c, v in zip(cells, chosen.roster, strict=True)},
        "cost_per_week": bound.cost_of(chosen.roster), "lower_bound": bound.cost,
        "gap": bound.cost_of(chosen.roster) - bound.cost,
        "certified": None if certificate is None else certificate.certified,
        "alpha_per_test": None if certificate is None else certificate.alpha_per_test})
