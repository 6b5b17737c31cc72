"""``report.html`` of ``wardsim optimise``: the chosen roster, its cost, proof and search.

Built from the files the command writes (:func:`read_optimise`: ``search.csv``,
``certificate.csv``, ``targets.csv``, ``summary.json``, ``spec.json``) and the model of the
chosen roster; the page is that of the other reports (:mod:`sim.report.blocks`): one
template, autoescape on, plotly.js embedded once, nothing fetched.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim import __version__
from sim.decide.costs import cost_table
from sim.decide.evaluate import is_mean_check
from sim.i18n import Messages
from sim.io.schema_targets import FTE
from sim.model import WardModel
from sim.report.blocks import Block, Section, figure_block, render_page, section, table_block
from sim.report.figures_search import search_trace
from sim.report.staffing import staffing_blocks
from sim.report.tables import COUNT_CHECKS, Cell
from sim.staff import CONTINUOUS

DAY_TYPE_ORDER = ("weekday", "weekend", "holiday")
#: Shades of the roster table, lightest first (css classes heat0 .. heat4).
HEAT_LEVELS = 4


@dataclass
class OptimiseData:
    """What the optimise report shows: the chosen roster's model and the command's frames."""

    title: str
    model: WardModel
    fte: FTE
    search: pd.DataFrame
    certificate: pd.DataFrame
    targets: pd.DataFrame
    summary: dict[str, Any]
    spec: dict[str, Any]
    costs: pd.DataFrame | None = None

    @property
    def varied(self) -> list[str]:
        """Keys of the varied cells (``group.shift.day_type``, or ``group``), in order."""
        return list(self.summary.get("roster", {}))


def _csv(path: Path) -> pd.DataFrame:
    """Read a CSV; an empty file (no certificate under --budget-minutes) is an empty frame."""
    try:
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def read_optimise(folder: Path, model: WardModel, fte: FTE) -> OptimiseData:
    """Read an optimise folder's files (finished or still partial) for the report."""
    folder = Path(folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    spec = json.loads((folder / "spec.json").read_text(encoding="utf-8"))
    return OptimiseData(model.name, model, fte, _csv(folder / "search.csv"),
                        _csv(folder / "certificate.csv"), _csv(folder / "targets.csv"),
                        summary, spec)


def _day_types(model: WardModel) -> list[str]:
    present = set(model.calendar.day_types())
    return [d for d in DAY_TYPE_ORDER if d in present]


def roster_table(data: OptimiseData, msg: Messages) -> tuple[list[str], list[list[Cell]]]:
    """Heads per group (rows) and shift × day type (columns), shaded; varied cells framed."""
    model, day_types = data.model, _day_types(data.model)
    heads: dict[tuple[str, str, str], int] = {}
    for g, shift, per_type in model.staffing.counts:
        for day_type, n in zip(DAY_TYPE_ORDER, per_type, strict=True):
            heads[(model.group_ids[g], shift, day_type)] = int(n)
    continuous = {model.group_ids[g]: int(n) for g, n in model.staffing.continuous}
    columns = [(s.name, d) for s in model.staffing.shifts for d in day_types]
    if continuous:
        columns.append((CONTINUOUS, ""))
    top = max([1, *heads.values(), *continuous.values()])
    varied = set(data.varied)
    header = [msg("report.col.group")] + [
        msg("report.cell", shift=msg.label("shift", s), day_type=msg.label("day_type", d))
        if d else msg.label("shift", s) for s, d in columns]
    rows = []
    for group in model.group_ids:
        row = [Cell(group)]
        for shift, day_type in columns:
            if shift == CONTINUOUS:
                n, key = continuous.get(group), group
            else:
                n, key = heads.get((group, shift, day_type)), f"{group}.{shift}.{day_type}"
            if n is None:
                row.append(Cell("–", "num"))
                continue
            css = f"num heat{math.ceil(HEAT_LEVELS * n / top)}"
            row.append(Cell(msg.number(n, "int"), css + (" varied" if key in varied else "")))
        rows.append(row)
    return header, rows


def cost_rows(data: OptimiseData, msg: Messages) -> tuple[list[str], list[list[Cell]]]:
    """Tabulate the cost per week and year, the lower bound, the gap and the certificate."""
    s = data.summary
    cost, bound = float(s["cost_per_week"]), float(s["lower_bound"])
    gap = cost - bound
    share = gap / cost if cost else 0.0
    certified = s.get("certified")
    confidence = msg.number(data.spec.get("confidence", math.nan), "pct0")
    if certified is None:
        verdict = Cell(msg("report.optimise.budget"), "long", badge="at_risk")
    elif certified:
        misses = int((data.certificate.get("claim", pd.Series(dtype=str)) == "misses").sum())
        verdict = Cell(msg("report.optimise.certified", confidence=confidence,
                           neighbours=msg.number(misses, "int")), "long", badge="feasible")
    else:
        verdict = Cell(msg("report.optimise.not_certified", confidence=confidence), "long",
                       badge="not_feasible")
    rows = [[Cell(msg("report.optimise.cost_week")), Cell(msg.number(cost, "num0"), "num")],
            [Cell(msg("report.optimise.cost_year")), Cell(msg.number(cost * 52, "num0"), "num")],
            [Cell(msg("report.optimise.bound")), Cell(msg.number(bound, "num0"), "num")],
            [Cell(msg("report.optimise.gap")),
             Cell(f"{msg.number(gap, 'num0')} ({msg.number(share, 'pct1')})", "num")],
            [Cell(msg("report.optimise.verdict")), verdict]]
    return [msg("report.model.setting"), msg("report.model.value")], rows


def _spec(check: str) -> str:
    return "num2" if check in COUNT_CHECKS or check == "missed_per_week" else "pct1"


def _where(msg: Messages, row: dict[str, Any]) -> str:
    if not row.get("group"):
        return "–"
    return msg("assess.cell", group=row["group"], shift=msg.label("shift", row["shift"]),
               day_type=msg.label("day_type", row["day_type"]))


def certificate_table(data: OptimiseData, msg: Messages) -> tuple[list[str], list[list[Cell]]]:
    """One row per statement of the certificate, with the check that decides it."""
    keys = ("roster", "claim", "status", "check", "where", "mean", "bound", "target",
            "replications")
    header = [msg(f"report.col.{k}") if k in ("check", "target") else
              msg(f"report.optimise.col_{k}") for k in keys]
    rows = []
    badge = {"meets": "feasible", "misses": "not_feasible", "undecided": "at_risk"}
    for r in data.certificate.to_dict("records"):
        check = str(r.get("check") or "")
        spec = _spec(check)
        changed = r.get("changed_cell")
        who = msg("optimise.chosen") if not isinstance(changed, str) or not changed else changed
        status = str(r["status"])
        rows.append([Cell(who), Cell(msg(f"optimise.status_{r['claim']}")),
                     Cell(msg(f"optimise.status_{status}"), badge=badge.get(status, "at_risk")),
                     Cell(msg.label("check", check) if check else "–"), Cell(_where(msg, r)),
                     Cell(msg.number(r.get("mean"), spec), "num"),
                     Cell(msg.number(r.get("bound"), spec), "num"),
                     Cell(msg.number(r.get("target"), spec), "num"),
                     Cell(msg.number(r.get("replications"), "int"), "num")])
    return header, rows


def targets_table(data: OptimiseData, msg: Messages) -> tuple[list[str], list[list[Cell]]]:
    """Every target of the chosen roster: mean and CI against the target, closest first."""
    header = [msg(f"report.col.{c}") for c in ("group", "shift", "day_type", "verdict", "check",
                                                "value", "ci", "target")]
    f = data.targets
    if f.empty:
        return header, []
    f = f.assign(_mean=f["check"].map(is_mean_check),
                 _room=f["ci_high"].fillna(f["value"]) - f["target"])
    f = f.sort_values(["_mean", "_room"], ascending=[False, False], kind="stable")
    rows = []
    for r in f.to_dict("records"):
        spec = _spec(str(r["check"]))
        low, high = r.get("ci_low"), r.get("ci_high")
        ci = "–" if pd.isna(low) or pd.isna(high) else msg(
            "report.range", low=msg.number(low, spec), high=msg.number(high, spec))
        rows.append([Cell(str(r["group"])), Cell(msg.label("shift", r["shift"])),
                     Cell(msg.label("day_type", r["day_type"])),
                     Cell(msg.label("verdict", r["verdict"]), badge=str(r["verdict"])),
                     Cell(msg.label("check", r["check"])),
                     Cell(msg.number(r["value"], spec), "num"), Cell(ci, "num"),
                     Cell(msg.number(r["target"], spec), "num")])
    return header, rows


def _settings_block(data: OptimiseData, msg: Messages) -> Block:
    spec = data.spec
    pairs = [(msg("report.model.file"), spec.get("scenario_file", "")),
             ("SHA-256", spec.get("scenario_sha256", "")),
             (msg("report.optimise.vary"), " ".join(spec.get("vary") or []) or "–"),
             (msg("report.optimise.fix"), "; ".join(spec.get("fix") or []) or "–"),
             (msg("report.model.seed"), str(spec.get("seed", ""))),
             (msg("report.model.replications"), msg.number(spec.get("replications"), "int")),
             (msg("report.model.days"), msg.number(data.model.calendar.days, "int")),
             (msg("report.model.warmup"), msg.number(spec.get("warmup_days"), "int")),
             (msg("report.optimise.confidence"), msg.number(spec.get("confidence"), "pct0")),
             (msg("report.model.version"), f"wardsim {spec.get('wardsim_version', __version__)}")]
    return Block("table", "optimise-settings", "", "",
                 header=[msg("report.model.setting"), msg("report.model.value")],
                 rows=[[Cell(k), Cell(str(v))] for k, v in pairs])


def optimise_sections(data: OptimiseData, msg: Messages) -> list[Section]:
    """Return the sections of the optimise report, in reading order."""
    m = data.model
    alpha = data.summary.get("alpha_per_test")
    parts = [
        section("optimise-roster", msg("report.optimise.section_roster"), [
            table_block("table-roster", msg("report.optimise.roster"),
                        msg("report.optimise.caption_roster"), roster_table(data, msg))]),
        section("optimise-cost", msg("report.optimise.section_cost"), [
            table_block("table-optimise-cost", msg("report.optimise.cost_table"),
                        msg("report.optimise.caption_cost"), cost_rows(data, msg)),
            *staffing_blocks([m], [m.name], [data.fte], msg,
                             [cost_table(m) if data.costs is None else data.costs],
                             prefix="optimise"),
            table_block("table-certificate", msg("report.optimise.certificate"),
                        msg("report.optimise.caption_certificate",
                            alpha=msg.number(alpha, "sig3")), certificate_table(data, msg))]),
        section("optimise-targets", msg("report.optimise.section_targets"), [
            table_block("table-targets", msg("report.optimise.targets"),
                        msg("report.optimise.caption_targets", replications=msg.number(
                            _fresh_replications(data), "int")), targets_table(data, msg),
                        folded=msg("report.optimise.show_targets",
                                   n=msg.number(len(data.targets), "int")))]),
        section("optimise-search", msg("report.optimise.section_search"), [
            figure_block(search_trace(data.search, data.varied, data.summary, msg),
                         "fig-search", msg("report.optimise.search"),
                         msg("report.optimise.caption_search"))]),
        section("optimise-settings", msg("report.optimise.section_settings"),
                [_settings_block(data, msg)]),
    ]
    return [p for p in parts if p is not None]


def _fresh_replications(data: OptimiseData) -> float:
    rows = data.certificate
    if len(rows) and "claim" in rows:
        chosen = rows[rows["claim"] == "meets"]
        if len(chosen):
            return float(chosen["replications"].iloc[0])
    return float(data.spec.get("replications", math.nan))


def render_optimise_report(data: OptimiseData, msg: Messages) -> str:
    """Render the optimise report as one HTML text in ``msg``'s language."""
    evaluated = int(data.search["outcome"].isin(["feasible", "not_feasible"]).sum()) \
        if "outcome" in data.search else 0
    subtitle = msg("report.optimise.subtitle", cells=msg.number(len(data.varied), "int"),
                   evaluated=msg.number(evaluated, "int"),
                   replications=msg.number(data.spec.get("replications"), "int"),
                   days=msg.number(data.model.calendar.days, "int"))
    return render_page(msg("report.optimise.title", scenario=data.title), subtitle,
                       optimise_sections(data, msg), msg)
