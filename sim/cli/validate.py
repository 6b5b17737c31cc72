"""``wardsim validate``: a scenario file checked and built, nothing simulated.

Its own module, apart from ``run``: validating imports the schema, numpy and pandas, but
not the engine, scipy.stats or the report, so it answers in well under a second.
"""

from __future__ import annotations

import argparse

from sim.cli.args import messages
from sim.io.scenario import load
from sim.model import build_model, coverage_gaps


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a file and list where nobody on the roster may do a task."""
    scenario = load(args.scenario)
    model = build_model(scenario, source=args.scenario)
    msg = messages(args, scenario)
    gaps = coverage_gaps(model)
    print(msg("cli.valid", file=args.scenario, tasks=len(model.tasks), groups=len(model.group_ids),
              days=model.calendar.days))
    if gaps.empty:
        print(msg("cli.covered"))
    else:
        print(msg("cli.gaps"))
        print(gaps.to_string(index=False))
    return 0
