"""``wardsim sweep``: Monte Carlo sensitivity over a design, resumable."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from sim import __version__
from sim.cli.common import UsageError, check_executor, messages, out_folder, scenario_model
from sim.decide.sensitivity import measures, point_table
from sim.decide.sweep import check, check_points, design, parse_vary, run_point
from sim.experiment import default_workers
from sim.io.results import AtomicFolder, sha256, write_json
from sim.io.scenario import load_raw
from sim.parallel import map_unordered
from sim.report.text import sweep_header, sweep_report


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run every design point (resumable), then rank the factors for each KPI."""
    if args.resume and not args.out:
        raise UsageError("--resume needs the --out folder of the sweep to carry on")
    source = args.scenario
    raw = load_raw(Path(source))
    scenario, _ = scenario_model(source, args.days, args.warmup_days)  # the base must be valid first
    msg = messages(args, scenario)
    factors = check(raw, [parse_vary(v) for v in args.vary], source)
    values = design(args.design, factors, args.points, args.seed)
    check_points(raw, factors, values, source)
    check_executor(args)
    spec = {"scenario_file": source, "scenario_sha256": sha256(source), "design": args.design,
            "points": args.points, "factors": [dataclasses.asdict(f) for f in factors],
            "replications": args.replications, "seed": args.seed, "days": args.days,
            "warmup_days": args.warmup_days, "wardsim_version": __version__}
    folder = out_folder(args, f"sweep-{Path(source).stem}")
    with AtomicFolder(folder, keep_partial=True, resume=args.resume) as top:
        spec_file, parts = top.tmp / "spec.json", top.tmp / "points"
        if spec_file.exists() and json.loads(spec_file.read_text(encoding="utf-8")) != spec:
            raise UsageError(f"{top.tmp} holds a different sweep; use another --out or drop --resume")
        write_json(spec_file, spec)
        parts.mkdir(exist_ok=True)
        done = {int(p.stem.split("-")[1]) for p in parts.glob("point-*.parquet")}
        jobs = [(raw, source, i, values[i].tolist(), factors, args.replications, args.seed,
                 args.warmup_days, args.days) for i in range(len(values)) if i not in done]
        try:
            with tqdm(total=len(values), initial=len(done), desc=msg("cli.points_bar"), unit="point",
                      disable=None, file=sys.stderr) as bar:
                for index, frame in map_unordered(run_point, jobs, args.workers or default_workers(),
                                                  args.executor, args.scheduler):
                    target = parts / f"point-{index:06d}.parquet"
                    frame.to_parquet(target.with_suffix(".tmp"), index=False)
                    os.replace(target.with_suffix(".tmp"), target)
                    bar.update(1)
        except KeyboardInterrupt:
            print("wardsim: " + msg("cli.sweep_interrupted", folder=folder), file=sys.stderr)
            return 130
        kpis = pd.concat([pd.read_parquet(p) for p in sorted(parts.glob("point-*.parquet"))],
                         ignore_index=True)
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
