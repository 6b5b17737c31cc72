"""What common random numbers gain: variance of the nurse-utilisation difference (issue 3).

For the example ward, the KPI is nurse utilisation over the whole run (``kpi ==
"utilisation"``, ``group == "nurses"``, shift, day type and interval ``all``); the
difference is variant minus baseline (``scenarios/hnt_medisin_oppgavedeling.yaml`` minus
``scenarios/hnt_medisin_baseline.yaml``). Both scenarios run R replications:

* common random numbers (CRN): both with the same seed, so replication r of each sees the
  same patients, arrivals, inherent durations and absences; differences are paired by r;
* independent streams: the variant with its own seed,
  ``SeedSequence([seed, 1]).generate_state(1)[0]`` (as ``wardsim compare
  --independent-streams``); differences taken by replication index, which has the same
  distribution as an unpaired difference.

The baseline runs are shared by both cases. Printed: the sample variance of the
difference in each case, their ratio, and the replications each needs for a 95% CI
half-width of ``--half-width`` (default 0.01, one percentage point), found by iterating
``n = ceil((t_{0.975, n-1} * s / h)^2)``.

Usage::

    python benchmarks/crn_variance.py [--replications 30] [--days 7] [--workers 2] [--seed 12345]
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.experiment import run_replications
from sim.io.scenario import load
from sim.model import build_model

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "hnt_medisin_baseline.yaml"
VARIANT = ROOT / "scenarios" / "hnt_medisin_oppgavedeling.yaml"


def nurse_utilisation(kpis: pd.DataFrame) -> pd.Series:
    """Whole-run nurse utilisation per replication, indexed by replication."""
    rows = kpis[(kpis["kpi"] == "utilisation") & (kpis["group"] == "nurses")
                & (kpis["shift"] == "all") & (kpis["day_type"] == "all")
                & (kpis["interval"] == "all")]
    if rows["replication"].duplicated().any():
        raise ValueError("more than one whole-run nurse-utilisation row per replication")
    return rows.set_index("replication")["value"].sort_index()


def replications_needed(sd: float, half_width: float, confidence: float = 0.95) -> int:
    """Smallest n (found by fixed-point iteration) with t_{n-1} * sd / sqrt(n) <= half_width."""
    if sd == 0:
        return 2
    q = 0.5 + confidence / 2
    n = max(2, math.ceil((stats.norm.ppf(q) * sd / half_width) ** 2))
    for _ in range(100):
        new = max(2, math.ceil((stats.t.ppf(q, n - 1) * sd / half_width) ** 2))
        if new == n:
            break
        n = new
    while stats.t.ppf(q, n - 1) * sd / math.sqrt(n) > half_width:  # guard against oscillation
        n += 1
    return n


def bootstrap_ratio(base: np.ndarray, crn: np.ndarray, ind: np.ndarray, seed: int,
                    resamples: int = 4000) -> tuple[float, float]:
    """Percentile 95% interval of var(ind - base) / var(crn - base).

    Replications are resampled jointly (the baseline runs are shared by both cases, so the
    two variances are not independent and an F interval would not apply).
    """
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(base), size=(resamples, len(base)))
    ratios = (ind[idx] - base[idx]).var(axis=1, ddof=1) / (crn[idx] - base[idx]).var(axis=1, ddof=1)
    low, high = np.percentile(ratios, [2.5, 97.5])
    return float(low), float(high)


def main(argv: list[str] | None = None) -> int:
    """Run both cases and print the variance table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=30, help="default 30")
    parser.add_argument("--days", type=int, default=7, help="default 7")
    parser.add_argument("--workers", type=int, default=2, help="default 2")
    parser.add_argument("--seed", type=int, default=12345, help="default 12345")
    parser.add_argument("--half-width", type=float, default=0.01,
                        help="target 95%% CI half-width as a fraction (default 0.01 = 1 point)")
    parser.add_argument("--baseline", default=str(BASELINE))
    parser.add_argument("--variant", default=str(VARIANT))
    args = parser.parse_args(argv)

    base = build_model(load(args.baseline), source=args.baseline, days=args.days)
    var = build_model(load(args.variant), source=args.variant, days=args.days)
    other_seed = int(np.random.SeedSequence([args.seed, 1]).generate_state(1)[0])
    n = args.replications

    def run(model, seed: int) -> pd.Series:
        kpis = run_replications(model, n, seed, detail=False, workers=args.workers).kpis
        return nurse_utilisation(kpis)

    clock = time.perf_counter()
    u_base, u_crn, u_ind = run(base, args.seed), run(var, args.seed), run(var, other_seed)
    wall = time.perf_counter() - clock

    rows = []
    for case, seed, u_var in (("common random numbers", args.seed, u_crn),
                              ("independent streams", other_seed, u_ind)):
        diff = (u_var - u_base).to_numpy()
        sd = diff.std(ddof=1)
        half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
        rows.append({
            "case": case, "variant seed": seed,
            "mean diff (pp)": 100 * diff.mean(), "95% CI ± (pp)": 100 * half,
            "var(diff) (pp²)": 1e4 * sd ** 2,
            "corr(base, variant)": np.corrcoef(u_base, u_var)[0, 1],
            "n for ±%.2g pp" % (100 * args.half_width): replications_needed(sd, args.half_width),
        })
    table = pd.DataFrame(rows).set_index("case")
    ratio = table["var(diff) (pp²)"].iloc[1] / table["var(diff) (pp²)"].iloc[0]
    low, high = bootstrap_ratio(u_base.to_numpy(), u_crn.to_numpy(), u_ind.to_numpy(), args.seed)

    print(f"Nurse utilisation (whole run), {Path(args.variant).name} minus "
          f"{Path(args.baseline).name}")
    print(f"{n} replications x {args.days} days per scenario, baseline seed {args.seed}, "
          f"{args.workers} workers, {3 * n} replications in {wall:.1f} s")
    print(f"Mean nurse utilisation: baseline {100 * u_base.mean():.2f}% "
          f"(sd {100 * u_base.std(ddof=1):.2f} pp), variant {100 * u_crn.mean():.2f}% "
          f"(sd {100 * u_crn.std(ddof=1):.2f} pp, seed {args.seed})")
    with pd.option_context("display.float_format", "{:.4g}".format, "display.width", 200):
        print(table.to_string())
    print(f"Variance ratio independent / CRN: {ratio:.1f} (bootstrap 95% interval {low:.1f} to "
          f"{high:.1f}); CRN needs about 1/{ratio:.1f} of the replications for the same CI width")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
