"""A tiny real simulation and hand-made assess frames, shared by the report tests.

Two scenario files (a baseline and a variant that moves a task), written to a temporary
folder so that the model description has real files to hash. Ids are plain (an id is 1–64
letters, digits and ``_``), but the names are hostile on purpose: the task ``blodprove`` is
named ``<script>alert(1)</script>`` and the staff group ``assistent`` ``<b>assistent</b>``,
and both stand in the scenario's description and leading comments too; they must show as
text everywhere. The assistant works days only, so its evening and night cells must show
"–". The verdict, training and feasibility frames follow the design's columns.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd
import yaml

from sim.decide.compare import compare, freed_nurse_hours
from sim.decide.fte import cost_per_week
from sim.experiment import run_replications
from sim.io.scenario import from_dict, load_raw
from sim.model import build_model
from sim.report.describe import describe_scenarios
from sim.report.html import ReportData
from sim.report.optimise_html import OptimiseData

#: The task's and the staff group's ids, and their hostile names.
TASK_ID, GROUP_ID = "blodprove", "assistent"
TASK = "<script>alert(1)</script>"
GROUP = "<b>assistent</b>"
DESCRIPTION = f"Hostile on purpose: the task {TASK}\nand the group {GROUP}."
LABELS = ("baseline", "variant")
REPLICATIONS, SEED, WARMUP = 3, 11, 1

BASE = {
    "name": "report test ward",
    "description": DESCRIPTION,
    "ward": {"beds": 6, "occupancy": {"weekday": 1.0, "weekend": 0.5}},
    "calendar": {"days": 3, "start": "friday"},
    "groups": [{"id": "sykepleier", "nurse": True, "cost_per_hour": 500},
               {"id": "helsefagarbeider", "cost_per_hour": 400},
               {"id": GROUP_ID, "name": GROUP, "cost_per_hour": 300}],
    "shifts": {"day": {"start": "07:00", "end": "15:00"},
               "evening": {"start": "15:00", "end": "23:00"},
               "night": {"start": "23:00", "end": "07:00"}},
    "roster": {"sykepleier": {"day": 2, "evening": 1, "night": 1},
               "helsefagarbeider": {"day": 1, "evening": 1, "night": 1},
               GROUP_ID: {"day": 1, "evening": 0, "night": 0}},
    "absence": {"sykepleier": 0.1},
    "absence_cover": {"sykepleier": {"extra_shift": 0.5, "agency": 0.2}},
    "fte": {"weekly_hours": 37.5, "post_size": 0.8},
    "dispatch": {"policy": "glide", "glide_after": 10},
    "durations": {"distribution": "lognormal", "cv": 0.5},
    "tasks": [
        {"id": "stell", "category": "pasientbehandling", "group": "helsefagarbeider",
         "when": {"anytime": 1.5}, "minutes": 12},
        {"id": TASK_ID, "name": TASK, "category": "blodprover", "group": "sykepleier",
         "when": {"07-09": 0.5}, "minutes": 6, "priority": "high", "max_wait": 20,
         "drop_after": 120},
        {"id": "medisin", "category": "legemiddelhandtering", "group": "sykepleier",
         "at": ["08:00", "20:00"], "jitter": 15, "minutes": 3},
        {"id": "rydding", "category": "renhold", "group": GROUP_ID, "per": "ward",
         "when": {"09-12": 2.0}, "minutes": 10, "priority": "low"},
    ],
}
BASE_HEADER = ("# Report test ward.\n# Assumption: every number here is made up.\n"
               f"# Hostile comment: {TASK} {GROUP}\n\n")
VARIANT_TEXT = ("# Variant: the blood sample moves to healthcare workers.\n"
                f"extends: base.yaml\nmove: {{{TASK_ID}: helsefagarbeider}}\n")


def write_scenarios(folder: Path) -> list[Path]:
    """Write the two scenario files; the variant extends the baseline."""
    base, variant = folder / "base.yaml", folder / "variant.yaml"
    base.write_text(BASE_HEADER + yaml.safe_dump(BASE, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    variant.write_text(VARIANT_TEXT, encoding="utf-8")
    return [base, variant]


def _cells() -> pd.DataFrame:
    """Verdict cells: the variant cannot do the moved task on weekend nights."""
    rows = []
    for scenario in LABELS:
        for group, shifts in (("sykepleier", ("day", "evening", "night")),
                              ("helsefagarbeider", ("day", "evening", "night")),
                              (GROUP_ID, ("day",))):
            for shift in shifts:
                for day_type in ("weekday", "weekend"):
                    verdict, reasons = "feasible", []
                    if scenario == "variant" and group == "helsefagarbeider" and shift == "night" \
                            and day_type == "weekend":
                        verdict = "not_feasible"
                        reasons = [f"{TASK} can arrive 07:00–09:00, but nobody on the roster then "
                                   "who holds blod may do it"]
                    elif group == "sykepleier" and shift == "day" and day_type == "weekday":
                        verdict, reasons = "at_risk", ["utilisation 84.0%: the target of 85% lies "
                                                       "inside the 95% CI 80.1%–88.2%"]
                    rows.append({"scenario": scenario, "group": group, "shift": shift,
                                 "day_type": day_type, "verdict": verdict, "reasons": reasons})
    return pd.DataFrame(rows)


def _feasibility(cells: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for cell in cells.to_dict("records"):
        rows.append({**{k: cell[k] for k in ("scenario", "group", "shift", "day_type")},
                     "verdict": cell["verdict"], "check": "utilisation", "value": 0.84,
                     "ci_low": 0.801, "ci_high": 0.882, "target": 0.85, "reason_key": "",
                     "reason_args": {}, "reason": "; ".join(cell["reasons"])})
    return pd.DataFrame(rows)


def build(folder: Path, command: str = "assess") -> ReportData:
    """Simulate the two scenarios (or only the baseline for ``run``) and bundle a report."""
    paths = write_scenarios(folder)
    labels = list(LABELS[:1] if command == "run" else LABELS)
    paths = paths[:len(labels)]
    scenarios = [from_dict(load_raw(p), str(p)) for p in paths]
    models = [dataclasses.replace(build_model(s), name=label)
              for s, label in zip(scenarios, labels, strict=True)]
    results = [run_replications(m, REPLICATIONS, SEED, WARMUP) for m in models]
    infos = describe_scenarios(paths, labels)
    data = ReportData(f"Report test – {TASK}", command, infos, models, results,
                      meta={"created": "2025-01-01 12:00"},
                      fte_settings=[s.fte for s in scenarios])
    if command == "run":
        return data
    data.comparison = compare(results, models, labels)
    data.freed = freed_nurse_hours(data.comparison, labels[0])
    if command == "compare":
        return data
    data.cells = _cells()
    data.feasibility = _feasibility(data.cells)
    data.verdicts = pd.DataFrame([
        {"scenario": "baseline", "verdict": "at_risk", "stopping": []},
        {"scenario": "variant", "verdict": "not_feasible",
         "stopping": [("helsefagarbeider", "night", "weekend")]}])
    data.training = pd.DataFrame([
        {"scenario": "variant", "certification": "blod", "group": "helsefagarbeider",
         "shift": "night", "day_type": "weekend", "certified_now": 0, "certified_needed": 2,
         "persons_to_train": 4.6}])
    return data


#: Graph divs an assess report of the two scenarios must hold.
ASSESS_FIGURES = (
    "fig-verdict-0", "fig-verdict-1", "fig-util-0", "fig-util-1", "fig-util-diff-1",
    "fig-util-fan", "fig-freed", "fig-nurse-time", "fig-nurse-time-use", "fig-wait-priority",
    "fig-wait-category", "fig-late-missed", "fig-staff-cost-0", "fig-staff-cost-1",
    "fig-staff-agency",
)
#: Tables of an assess report.
ASSESS_TABLES = ("table-verdicts", "table-feasibility", "table-training", "staff-fte-0",
                 "staff-fte-1", "model-groups-0",
                 "model-tasks-0", "model-groups-1", "model-tasks-1", "model-description")


#: The varied cells of the optimise case, and their chosen heads.
OPTIMISE_CELLS = ("helsefagarbeider.night.weekday", "helsefagarbeider.night.weekend")


def optimise_case(folder: Path) -> OptimiseData:
    """Return the baseline as the chosen roster of a made-up search over the nights.

    One head a night costs 8 h x 400 = 3 200 a night: 16 000 a week on weekdays, 6 400 at
    weekends. The search: the top, the bound (pruned), the chosen roster, a cheaper one that
    misses a target and one pruned because a roster with more heads missed.
    """
    base = write_scenarios(folder)[0]
    scenario = from_dict(load_raw(base), str(base))
    model = build_model(scenario)
    cost = cost_per_week(model)
    rows = [(3, 3, cost + 2 * 22_400, "feasible", "top"),
            (0, 0, cost - 22_400, "pruned_bound", "bound"),
            (1, 1, cost, "feasible", "bound"),
            (0, 1, cost - 16_000, "not_feasible", "down"),
            (0, 0, cost - 22_400, "pruned_monotone", "down")]
    search = pd.DataFrame(rows, columns=[*OPTIMISE_CELLS, "cost_per_week", "outcome", "phase"])
    certificate = pd.DataFrame([
        ("1 1", "", "meets", "meets", "utilisation", "sykepleier", "day", "weekday", 0.5, 0.6,
         0.85, 24),
        ("0 1", OPTIMISE_CELLS[0], "misses", "misses", "late_share_normal", "helsefagarbeider",
         "night", "weekday", 0.3, 0.2, 0.1, 24),
        ("1 0", OPTIMISE_CELLS[1], "misses", "undecided", "roster", "helsefagarbeider", "night",
         "weekend", 0.0, math.nan, 1.0, 8)],
        columns=["roster", "changed_cell", "claim", "status", "check", "group", "shift",
                 "day_type", "mean", "bound", "target", "replications"])
    targets = _feasibility(_cells()[lambda f: f["scenario"] == "baseline"]).drop(
        columns=["reason", "reason_args"])
    summary = {"roster": dict.fromkeys(OPTIMISE_CELLS, 1), "cost_per_week": cost,
               "lower_bound": cost - 6_400, "gap": 6_400, "certified": False,
               "alpha_per_test": 0.05 / 3}
    spec = {"scenario_file": str(base), "scenario_sha256": "0" * 64,
            "vary": ["roster.helsefagarbeider.night=0:3"], "fix": [f"{GROUP_ID}>=1 every shift"],
            "seed": SEED, "replications": 8, "warmup_days": WARMUP, "confidence": 0.95,
            "wardsim_version": "0.1.0"}
    return OptimiseData(f"optimise – {TASK}", model, scenario.fte, search, certificate, targets,
                        summary, spec)
