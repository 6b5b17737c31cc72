"""Sensitivity sweeps: vary numeric scenario fields over a design and run each point.

A factor is ``PATH=LOW:HIGH``, where PATH names a numeric field of the scenario file:
``ward.occupancy.weekday``, ``absence.sykepleier``, ``tasks.blodprove.minutes``,
``roster.helsefagarbeider.night``, ``groups.assistent.cost_per_hour`` (list items by id),
and the global multipliers ``durations.scale`` and ``arrivals.scale``. Every path is checked,
and the scenario built at LOW and at HIGH, before anything runs. Every point is simulated
with the same seed, so points differ only by their inputs (common random numbers).
"""

from __future__ import annotations

import copy
import itertools
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.calendar import DAY_TYPES
from sim.experiment import run_one
from sim.io.errors import ScenarioError
from sim.io.errors import suggest as _suggest
from sim.io.scenario import from_dict
from sim.metrics import ALL
from sim.model import build_model

DESIGNS = ("lhs", "sobol", "grid", "oat")
#: Fields that hold whole numbers (head counts, beds, days, crew size): their values are rounded.
_WHOLE = re.compile(r"^(roster\.|ward\.beds$|calendar\.days$|tasks\.[^.]+\.staff$)")
#: Multipliers that exist with a default even when a file does not mention them.
MULTIPLIERS = {"durations.scale": 1.0, "arrivals.scale": 1.0}


class SweepError(Exception):
    """A bad sweep specification; told in one line, exit code 2."""


@dataclass(frozen=True)
class Factor:
    """One varied input: its path, range, value in the base scenario, and whether whole."""

    path: str
    low: float
    high: float
    base: float = float("nan")
    integer: bool = False


def parse_vary(text: str) -> Factor:
    """Read ``PATH=LOW:HIGH``."""
    path, sep, span = text.partition("=")
    low, sep2, high = span.partition(":")
    if not (sep and sep2 and path.strip()):
        raise SweepError(f"--vary {text!r}: write it as PATH=LOW:HIGH, e.g. absence.sykepleier=0.02:0.12")
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        raise SweepError(f"--vary {text!r}: LOW and HIGH must be numbers") from None
    if not lo < hi:
        raise SweepError(f"--vary {text!r}: LOW ({lo:g}) must be less than HIGH ({hi:g})")
    return Factor(path.strip(), lo, hi)


def _step(node: Any, part: str, walked: str) -> Any:
    """The child ``part`` of a mapping, or of a list of items with ids."""
    if isinstance(node, dict):
        if part in node:
            return node[part]
        allowed = list(node)
    elif isinstance(node, list):
        ids = [item.get("id") for item in node if isinstance(item, dict)]
        if part in ids:
            return node[ids.index(part)]
        allowed = ids
    else:
        allowed = []
    where = f" under {walked!r}" if walked else ""
    hint = _suggest(part, allowed) if allowed else ""
    raise SweepError(f"unknown path: no {part!r}{where}{hint}")


def base_value(raw: dict, path: str) -> tuple[float, bool]:
    """The numeric value at ``path`` in a scenario mapping, and whether it is a whole number."""
    if path in MULTIPLIERS:
        head, key = path.split(".")
        value = raw.get(head, {}).get(key, MULTIPLIERS[path])
        return float(value), False
    parts = path.split(".")
    node: Any = raw
    for i, part in enumerate(parts):
        if isinstance(node, (int, float)) and not isinstance(node, bool) and part in DAY_TYPES \
                and i == len(parts) - 1:
            break  # a single number stands for every day type
        node = _step(node, part, ".".join(parts[:i]))
    if isinstance(node, dict) and node and set(node) <= set(DAY_TYPES):
        raise SweepError(f"{path} has a value per day type; vary {path}.weekday, "
                         f"{path}.weekend or {path}.holiday")
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise SweepError(f"{path}: {node!r} is not a number and cannot be varied")
    return float(node), bool(_WHOLE.match(path))


def with_value(raw: dict, path: str, value: float) -> dict:
    """A copy of ``raw`` with ``path`` set to ``value`` (the input is not modified)."""
    out = copy.deepcopy(raw)
    parts = path.split(".")
    node: Any = out
    for part in parts[:-1]:
        if isinstance(node, dict):
            child = node.get(part)
            if child is None and path in MULTIPLIERS:
                child = node[part] = {}
            elif isinstance(child, (int, float)) and parts[-1] in DAY_TYPES:
                # one number for every day type: keep it for the day types not varied
                child = node[part] = dict.fromkeys(DAY_TYPES, child)
            node = child
        else:
            node = next(item for item in node if item.get("id") == part)
    node[parts[-1]] = value
    return out


def check(raw: dict, factors: list[Factor], source: str) -> list[Factor]:
    """Validate every factor; returns them with their base value and whole-number flag."""
    if not factors:
        raise SweepError("give at least one --vary PATH=LOW:HIGH")
    paths = [f.path for f in factors]
    if len(set(paths)) < len(paths):
        raise SweepError("the same PATH is given twice")
    out = []
    for factor in factors:
        try:
            base, integer = base_value(raw, factor.path)
        except SweepError as err:
            raise SweepError(f"--vary {factor.path}: {err}") from None
        if integer and (factor.low != int(factor.low) or factor.high != int(factor.high)):
            raise SweepError(f"--vary {factor.path}: a whole-number field needs whole LOW and HIGH")
        for end in (factor.low, factor.high):
            try:
                build_model(from_dict(with_value(raw, factor.path, _cast(end, integer)), source), source)
            except ScenarioError as err:
                raise SweepError(f"--vary {factor.path}={end:g} makes the scenario invalid: {err}") from None
        out.append(Factor(factor.path, factor.low, factor.high, base, integer))
    return out


def point_scenario(raw: dict, factors: list[Factor], values: list[float]) -> dict:
    """The scenario mapping of one design point."""
    point = raw
    for factor, value in zip(factors, values, strict=True):
        point = with_value(point, factor.path, _cast(value, factor.integer))
    return point


def check_points(raw: dict, factors: list[Factor], values: np.ndarray, source: str) -> None:
    """Build every design point's model, so a bad combination fails before anything runs."""
    for i, row in enumerate(values):
        try:
            build_model(from_dict(point_scenario(raw, factors, list(row)), source), source)
        except ScenarioError as err:
            where = ", ".join(f"{f.path}={v:g}" for f, v in zip(factors, row, strict=True))
            raise SweepError(f"design point {i} ({where}) makes the scenario invalid: {err}") from None


def _cast(value: float, integer: bool) -> float | int:
    return int(round(value)) if integer else float(value)


def design(kind: str, factors: list[Factor], points: int, seed: int) -> np.ndarray:
    """Design points (rows) × factors (columns) in the factors' own units.

    ``lhs``: Latin hypercube of ``points`` rows; ``sobol``: Saltelli/Sobol' sample with
    ``points`` base rows (N·(d+2) rows, SALib); ``grid``: ``points`` levels per factor;
    ``oat``: the base point, then each factor alone over ``points`` levels.
    """
    if points < 2:
        raise SweepError(f"--points must be 2 or more, got {points}")
    d = len(factors)
    low = np.array([f.low for f in factors])
    high = np.array([f.high for f in factors])
    if kind == "lhs":
        unit = qmc.LatinHypercube(d=d, seed=seed).random(points)
        values = qmc.scale(unit, low, high)
    elif kind == "sobol":
        from SALib.sample import sobol as saltelli

        values = saltelli.sample(_problem(factors), points, calc_second_order=False, seed=seed)
    elif kind == "grid":
        levels = [np.linspace(f.low, f.high, points) for f in factors]
        values = np.array(list(itertools.product(*levels)))
    elif kind == "oat":
        base = np.array([f.base for f in factors])
        rows = [base]
        for j, f in enumerate(factors):
            for level in np.linspace(f.low, f.high, points):
                row = base.copy()
                row[j] = level
                rows.append(row)
        values = np.array(rows)
    else:
        raise SweepError(f"--design {kind!r}: choose one of {', '.join(DESIGNS)}")
    for j, f in enumerate(factors):
        if f.integer:
            values[:, j] = np.rint(values[:, j])
    return values


def _problem(factors: list[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.path for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def headline(kpis: pd.DataFrame) -> pd.DataFrame:
    """The KPIs of a sweep: whole-ward and per-group values, not broken down further."""
    sel = ((kpis["shift"] == ALL) & (kpis["day_type"] == ALL) & (kpis["interval"] == ALL)
           & kpis["category"].isin(["", ALL]))
    return kpis[sel]


def run_point(raw: dict, source: str, index: int, values: list[float], factors: list[Factor],
              replications: int, seed: int, warmup_days: int, days: int | None) -> tuple[int, pd.DataFrame]:
    """Simulate one design point; returns its index and per-replication headline KPIs."""
    model = build_model(from_dict(point_scenario(raw, factors, values), source), source, days=days)
    frames = [headline(run_one(model, seed, r, warmup_days, detail=False).kpis)
              for r in range(replications)]
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "point", index)
    return index, out
