"""``wardsim sweep``: Monte Carlo sensitivity over a design, resumable."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from sim import __version__
from sim.cli.common import (
    UsageError,
    check_executor,
    messages,
    notifier,
    out_folder,
    scenario_model,
)
from sim.decide.sensitivity import measures, point_table
from sim.decide.sweep import check, check_points, check_size, design, parse_vary, run_point
from sim.experiment import default_workers
from sim.i18n import Messages
from sim.io.results import AtomicFolder, sha256, write_json
from sim.io.scenario import load_raw
from sim.parallel import map_unordered
from sim.report.text import sweep_header, sweep_report

#: A finished point's file in the partial folder's ``points/`` (anything else is ignored).
POINT_FILE = re.compile(r"point-(\d{6})\.parquet")
#: A point file being written (replaced into place when complete).
PART_FILE = re.compile(r"point-\d{6}\.tmp")


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run every design point (resumable), then rank the factors for each KPI."""
    if args.resume and not args.out:
        raise UsageError("--resume needs the --out folder of the sweep to carry on")
    source = args.scenario
    folder = out_folder(args, f"sweep-{Path(source).stem}")
    factors = [parse_vary(v) for v in args.vary]
    size = check_size(args.design, len(factors), args.points)  # before the design is made
    raw = load_raw(Path(source))
    # the base must be valid, and every point's replications not too much work
    scenario, _ = scenario_model(source, args.days, args.warmup_days, size * args.replications)
    msg = messages(args, scenario)
    factors = check(raw, factors, source)
    values = design(args.design, factors, args.points, args.seed)
    check_points(raw, factors, values, source)
    check_executor(args)
    spec = {"scenario_file": source, "scenario_sha256": sha256(source), "design": args.design,
            "points": args.points, "factors": [dataclasses.asdict(f) for f in factors],
            "replications": args.replications, "seed": args.seed, "days": args.days,
            "warmup_days": args.warmup_days, "wardsim_version": __version__}
    with AtomicFolder(folder, keep_partial=True, resume=args.resume,
                      notify=notifier(msg)) as top:
        spec_file, parts = top.tmp / "spec.json", top.tmp / "points"
        _check_resumed(top.tmp, spec_file, parts, spec)
        write_json(spec_file, spec)
        parts.mkdir(exist_ok=True)
        done = finished_points(parts, len(values), msg)
        jobs = [(raw, source, i, values[i].tolist(), factors, args.replications, args.seed,
                 args.warmup_days, args.days) for i in range(len(values)) if i not in done]
        with tqdm(total=len(values), initial=len(done), desc=msg("cli.points_bar"), unit="point",
                  disable=None, file=sys.stderr) as bar:
            for index, frame in map_unordered(run_point, jobs, args.workers or default_workers(),
                                              args.executor, args.scheduler):
                target = parts / f"point-{index:06d}.parquet"
                frame.to_parquet(target.with_suffix(".tmp"), index=False)
                os.replace(target.with_suffix(".tmp"), target)
                bar.update(1)
        kpis = pd.concat([pd.read_parquet(parts / f"point-{i:06d}.parquet")
                          for i in range(len(values))], ignore_index=True)
        table = point_table(kpis, factors, values)
        sensitivity = measures(args.design, kpis, factors, values, args.seed)
        table.to_csv(top.tmp / "points.csv", index=False)
        sensitivity.to_csv(top.tmp / "sensitivity.csv", index=False)
        kpis.to_csv(top.tmp / "replications.csv", index=False)
        shutil.rmtree(parts)
        folder = top.commit()
    header = sweep_header(source, args.design, len(values), args.replications, args.seed, msg=msg)
    print(sweep_report(sensitivity, args.design, header, msg=msg))
    print("\n" + msg("common.written", folder=folder,
                      files="points.csv, sensitivity.csv, replications.csv, spec.json"))
    return 0


def _check_resumed(tmp: Path, spec_file: Path, parts: Path, spec: dict) -> None:
    """Refuse to carry on a partial folder of another sweep, or one too damaged to trust."""
    again = "use another --out, or drop --resume to start the sweep over"
    if os.path.lexists(parts) and not os.path.isdir(parts):
        raise UsageError(f"{parts} is not a folder, so {tmp} is damaged; {again}")
    if not os.path.lexists(spec_file):
        if os.path.isdir(parts) and any(POINT_FILE.fullmatch(p.name) for p in parts.iterdir()):
            raise UsageError(f"{tmp} holds points but no spec.json to tell which sweep they "
                             f"belong to; {again}")
        return
    try:
        old = json.loads(spec_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise UsageError(f"{spec_file} is damaged, so its points cannot be trusted; "
                         f"{again}") from None
    if old != spec:
        raise UsageError(f"{tmp} holds a different sweep; use another --out or drop --resume")


def finished_points(parts: Path, count: int, msg: Messages) -> set[int]:
    """Find the design points already on disk; a damaged point file is removed (it runs again).

    Files that are not ``point-NNNNNN.parquet`` of a point of this design are ignored.
    """
    done = set()
    for path in sorted(parts.iterdir()):
        match = POINT_FILE.fullmatch(path.name)
        if PART_FILE.fullmatch(path.name):  # a write cut short: it would be in the way
            _remove(path)
        if not match or int(match[1]) >= count:
            continue
        index = int(match[1])
        try:
            frame = pd.read_parquet(path) if path.is_file() and not path.is_symlink() else None
            good = frame is not None and len(frame) > 0 and "point" in frame.columns \
                and bool((frame["point"] == index).all())
        except Exception:  # noqa: BLE001 - any unreadable file is a damaged point
            good = False
        if good:
            done.add(index)
        else:
            print("wardsim: " + msg("cli.damaged_point", file=path), file=sys.stderr)
            _remove(path)
    return done


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
