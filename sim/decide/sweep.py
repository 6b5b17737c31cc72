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
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.calendar import DAY_TYPES
from sim.decide.sweep_spec import DESIGNS, SweepError
from sim.experiment import run_one
from sim.io.errors import ScenarioError
from sim.io.errors import suggest as _suggest
from sim.io.scenario import from_dict
from sim.measure.tidy import ALL
from sim.model import build_model

#: Fields that hold whole numbers (head counts, beds, days, crew size): their values are rounded.
_WHOLE = re.compile(r"^(roster\.|ward\.beds$|calendar\.days$|tasks\.[^.]+\.staff$)")
#: Multipliers that exist with a default even when a file does not mention them.
MULTIPLIERS = {"durations.scale": 1.0, "arrivals.scale": 1.0}
#: Most design points a sweep may have (a Sobol' design of 10 factors at N = 1024 has 12,288).
MAX_DESIGN_POINTS = 20_000
#: Longest text of a ``--vary`` quoted back in a message (characters).
_SHOWN = 60


@dataclass(frozen=True)
class Factor:
    """One varied input: its path, range, value in the base scenario, and whether whole."""

    path: str
    low: float
    high: float
    base: float = float("nan")
    integer: bool = False


def _shown(text: str) -> str:
    """``repr`` of a user's text, cut to a short excerpt (control characters escaped)."""
    return repr(_cut(text))


def _cut(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _named(path: str) -> str:
    """Return a factor's path as told in a message: short, and quoted only if it is odd."""
    cut = _cut(path)
    return cut if cut.isprintable() and " " not in cut else repr(cut)


def parse_vary(text: str) -> Factor:
    """Read ``PATH=LOW:HIGH``; LOW and HIGH are finite numbers, LOW below HIGH."""
    path, sep, span = text.partition("=")
    low, sep2, high = span.partition(":")
    if not (sep and sep2 and path.strip()):
        raise SweepError(f"--vary {_shown(text)}: write it as PATH=LOW:HIGH, "
                         "e.g. absence.sykepleier=0.02:0.12")
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        raise SweepError(f"--vary {_shown(text)}: LOW and HIGH must be numbers") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise SweepError(f"--vary {_shown(text)}: LOW and HIGH must be finite numbers, "
                         "such as 0.5:1.5")
    if not lo < hi:
        raise SweepError(f"--vary {_shown(text)}: LOW ({lo:g}) must be less than HIGH ({hi:g})")
    return Factor(path.strip(), lo, hi)


def _step(node: Any, part: str, walked: str) -> Any:
    """Return the child ``part`` of a mapping, or of a list of items with ids."""
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
    where = f" under {_shown(walked)}" if walked else ""
    hint = _suggest(part, allowed) if allowed else ""
    raise SweepError(f"unknown path: no {_shown(part)}{where}{hint}")


def base_value(raw: dict, path: str) -> tuple[float, bool]:
    """Return the number at ``path`` in a scenario mapping, and whether it is whole."""
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
        raise SweepError(_not_a_number(_named(path), node))
    return float(node), bool(_WHOLE.match(path))


def _not_a_number(path: str, node: Any) -> str:
    """``PATH is …, not a number`` in a few words (never the whole value), with a hint."""
    if isinstance(node, list):
        ids = [str(i["id"]) for i in node if isinstance(i, dict) and "id" in i]
        first = node[0] if node and isinstance(node[0], dict) else {}
        fields = [str(k) for k, v in first.items()
                  if isinstance(v, (int, float)) and not isinstance(v, bool)]
        hint = f" (e.g. {path}.{ids[0]}.{fields[0]})" if ids and fields else ""
        return (f"{path} is a list of {len(node)} items, not a number; "
                f"vary one field of one item{hint}")
    if isinstance(node, dict):
        names = [str(k) for k in node]
        shown = ", ".join(names[:6]) + (", …" if len(names) > 6 else "")
        return f"{path} holds fields ({shown}), not a number; vary one of them"
    if isinstance(node, bool):
        return f"{path} is yes or no, not a number"
    if node is None:
        return f"{path} is empty, not a number"
    return f"{path} is {_shown(str(node))}, not a number"


def with_value(raw: dict, path: str, value: float) -> dict:
    """Return a copy of ``raw`` with ``path`` set to ``value`` (``raw`` is not modified)."""
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
            raise SweepError(f"--vary {_named(factor.path)}: {err}") from None
        if integer and (factor.low != int(factor.low) or factor.high != int(factor.high)):
            raise SweepError(f"--vary {_named(factor.path)}: a whole-number field needs whole "
                             "LOW and HIGH")
        for end in (factor.low, factor.high):
            try:
                point = with_value(raw, factor.path, _cast(end, integer))
                build_model(from_dict(point, source), source)
            except ScenarioError as err:
                raise SweepError(f"--vary {_named(factor.path)}={end:g} makes the scenario "
                                 f"invalid: {err}") from None
        out.append(Factor(factor.path, factor.low, factor.high, base, integer))
    return out


def point_scenario(raw: dict, factors: list[Factor], values: list[float]) -> dict:
    """Return the scenario mapping of one design point."""
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
            raise SweepError(f"design point {i} ({where}) makes the scenario invalid: "
                             f"{err}") from None


def _cast(value: float, integer: bool) -> float | int:
    return int(round(value)) if integer else float(value)


def design(kind: str, factors: list[Factor], points: int, seed: int) -> np.ndarray:
    """Design points (rows) × factors (columns) in the factors' own units.

    ``lhs``: Latin hypercube of ``points`` rows; ``sobol``: Saltelli/Sobol' sample with
    ``points`` base rows (N·(d+2) rows, SALib); ``grid``: ``points`` levels per factor;
    ``oat``: the base point, then each factor alone over ``points`` levels.
    """
    d = len(factors)
    check_size(kind, d, points)
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


def design_size(kind: str, factors: int, points: int) -> int:
    """Count the design points (rows) of a design, without making it."""
    sizes = {"lhs": points, "sobol": points * (factors + 2), "grid": points ** factors,
             "oat": 1 + factors * points}
    if kind not in sizes:
        raise SweepError(f"--design {_shown(kind)}: choose one of {', '.join(DESIGNS)}")
    return sizes[kind]


def check_size(kind: str, factors: int, points: int) -> int:
    """Refuse fewer than 2 ``--points`` or a design of more than :data:`MAX_DESIGN_POINTS`."""
    if points < 2:
        raise SweepError(f"--points must be 2 or more, got {points}")
    size = design_size(kind, factors, points)
    if size > MAX_DESIGN_POINTS:
        shown = f"{size:,}" if size < 10**15 else f"about 10^{len(str(size)) - 1}"
        raise SweepError(f"--design {kind} --points {points} with {factors} factor(s) makes "
                         f"{shown} design points; at most {MAX_DESIGN_POINTS:,} can be run – "
                         "give fewer --points")
    return size


def _problem(factors: list[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.path for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def headline(kpis: pd.DataFrame) -> pd.DataFrame:
    """Select the KPIs of a sweep: whole-ward and per-group values, not broken down further."""
    sel = ((kpis["shift"] == ALL) & (kpis["day_type"] == ALL) & (kpis["interval"] == ALL)
           & kpis["category"].isin(["", ALL]))
    return kpis[sel]


def run_point(raw: dict, source: str, index: int, values: list[float], factors: list[Factor],
              replications: int, seed: int, warmup_days: int,
              days: int | None) -> tuple[int, pd.DataFrame]:
    """Simulate one design point; returns its index and per-replication headline KPIs."""
    model = build_model(from_dict(point_scenario(raw, factors, values), source), source, days=days)
    frames = [headline(run_one(model, seed, r, warmup_days, detail=False).kpis)
              for r in range(replications)]
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "point", index)
    return index, out
