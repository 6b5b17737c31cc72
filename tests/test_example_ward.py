"""The example ward against published nurse time use (issue 9, section 4).

``scenarios/hnt_medisin_baseline.yaml`` is calibrated so that its nurses spend their time
on duty like the nurses of Westbrook et al. 2011 (How much time do nurses have for
patients? BMC Health Serv Res 11:319, doi 10.1186/1472-6963-11-319): direct care, indirect
care, medication and professional communication each within 5 percentage points of the
mean of the study's two years (``tests/data/westbrook_2011_nurse_time_use.csv``, a copy of
the published figures with their source). These tests keep it there, so that a later
change to the example ward cannot drift away unnoticed:

- the four shares, checked with ``wardsim pilot check`` (:mod:`sim.pilot`) against a
  ``measured`` table of work-sampling shares built from the published figures;
- nurse utilisation on weekday day shifts (busy over on duty less breaks, nurses
  together) between 0.75 and 0.90;
- the task-sharing variant (what ``make demo`` assesses) still frees nurse hours.

Fast on purpose: 3 replications of 14 days with a fixed seed. If a test fails after a
change to the ward, re-tune the task times and rates (see the baseline's header,
NURSE TIME USE) rather than the tolerance.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from sim.experiment import run_replications
from sim.i18n import Messages
from sim.io.scenario import load
from sim.model import build_model
from sim.pilot import read_pilot
from sim.pilot.check import check_pilot
from sim.pilot.files import pilot_files

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "hnt_medisin_baseline.yaml"
VARIANT = ROOT / "scenarios" / "hnt_medisin_oppgavedeling.yaml"
REFERENCE = Path(__file__).parent / "data" / "westbrook_2011_nurse_time_use.csv"

CLASSES = ("direct_care", "indirect_care", "medication", "professional_communication")
TOLERANCE = 0.05            # ±5 percentage points of the published two-year mean
UTILISATION = (0.75, 0.90)  # nurses together, weekday day shifts
DAYS, REPLICATIONS, SEED = 14, 3, 2024


def published() -> dict[str, float]:
    """Return the mean of Westbrook's year 1 and year 3 per time-use class."""
    with REFERENCE.open(encoding="utf-8") as f:
        rows = {r["time_use_class"]: r for r in csv.DictReader(f)}
    return {c: (float(rows[c]["share_year1"]) + float(rows[c]["share_year3"])) / 2
            for c in CLASSES}


def test_the_reference_figures_are_westbrooks() -> None:
    assert published() == pytest.approx({"direct_care": 0.226, "indirect_care": 0.1455,
                                         "medication": 0.19,
                                         "professional_communication": 0.216})


@pytest.fixture(scope="module")
def runs() -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Summary and nurse staff minutes of the baseline and the variant (same seed)."""
    out = {}
    for name, path in (("baseline", BASELINE), ("variant", VARIANT)):
        model = build_model(load(path), str(path), days=DAYS)
        nurses = {model.group_ids[g] for g in model.nurse_groups}
        staff: list[pd.DataFrame] = []

        def keep(rep, nurses=nurses, staff=staff) -> None:
            st = rep.staff
            staff.append(st[st["group"].isin(nurses)])

        results = run_replications(model, REPLICATIONS, SEED, on_replication=keep)
        out[name] = (results.summary, pd.concat(staff, ignore_index=True))
    return out


def test_nurse_time_shares_are_within_5_points_of_westbrook_2011(tmp_path: Path) -> None:
    folder = tmp_path / "westbrook_2011"
    folder.mkdir()
    with (folder / "measured.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["group", "kpi", "category", "value"])
        for cls, share in published().items():
            writer.writerow(["nurses", "work_sampling", cls, f"{share:.4f}"])
    msg = Messages("en")
    model = build_model(load(BASELINE), str(BASELINE), days=DAYS)
    (files,) = pilot_files([str(folder)], {}, msg)
    pilot = read_pilot(files, model, msg)   # no census or staffing: the scenario's plan
    checked = check_pilot(pilot.label, pilot.model, pilot.measures, REPLICATIONS, SEED)
    table = checked.table.set_index("category")
    assert sorted(table.index) == sorted(CLASSES)
    off = {cls: float(table.loc[cls, "simulated"] - table.loc[cls, "measured"])
           for cls in CLASSES}
    assert all(abs(d) <= TOLERANCE for d in off.values()), (
        "nurse time shares moved away from Westbrook et al. 2011 (simulated minus published, "
        f"percentage points): { {c: round(100 * d, 1) for c, d in off.items()} }")


def test_the_run_reports_the_same_shares_as_the_pilot_check(runs) -> None:
    summary, _ = runs["baseline"]
    shares = summary[(summary["kpi"] == "nurse_time_share") & (summary["group"] == "nurses")]
    mean = dict(zip(shares["category"], shares["mean"], strict=True))
    for cls, share in published().items():
        assert abs(mean[cls] - share) <= TOLERANCE, (cls, mean[cls], share)


def _weekday_day_utilisation(staff: pd.DataFrame) -> float:
    cell = staff[(staff["shift"] == "day") & (staff["day_type"] == "weekday")]
    available = cell["on_duty_minutes"].sum() - cell.get("break_minutes", pd.Series(0.0)).sum()
    return float(cell["busy_minutes"].sum() / available)


def test_nurse_utilisation_on_weekday_day_shifts_stays_busy_but_stable(runs) -> None:
    utilisation = _weekday_day_utilisation(runs["baseline"][1])
    low, high = UTILISATION
    assert low <= utilisation <= high, utilisation


def test_the_task_sharing_variant_still_frees_nurse_hours(runs) -> None:
    def nurse_hours(summary: pd.DataFrame) -> float:
        row = summary[(summary["kpi"] == "nurse_busy_hours_per_week")
                      & (summary["group"] == "nurses") & (summary["category"] == "")
                      & (summary["shift"] == "all") & (summary["day_type"] == "all")]
        return float(row["mean"].iloc[0])

    before, after = nurse_hours(runs["baseline"][0]), nurse_hours(runs["variant"][0])
    assert after < 0.9 * before, (before, after)   # at least a tenth of nurse time on tasks
    assert _weekday_day_utilisation(runs["variant"][1]) < \
        _weekday_day_utilisation(runs["baseline"][1])
