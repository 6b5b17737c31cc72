"""Validating a merged scenario mapping: pydantic, the name cross-checks, the work size.

Kept apart from reading files (:mod:`sim.io.scenario`) so that every reader – YAML files,
workbooks – validates the same way without importing one another.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from sim.io import explain
from sim.io.errors import ScenarioError, shown, suggest
from sim.io.extends import in_base
from sim.io.limits import check_work, paused_gc
from sim.io.references import check_references
from sim.io.schema import Scenario


def from_dict(raw: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate an already merged scenario mapping; errors name ``source``.

    For a variant read by :func:`load_raw`, an error that its base file has on its own
    names the base file (:func:`sim.io.extends.in_base`).
    """
    try:
        with paused_gc():
            return _validated(raw, source)
    except ScenarioError as err:
        raise in_base(err, raw, _validated) from None


def _validated(raw: dict[str, Any], source: str) -> Scenario:
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as err:
        raise to_scenario_error(err, raw, source) from None
    check_references(scenario, source)
    check_cover(scenario, source)
    check_work(scenario, source)
    return scenario


def check_cover(scenario: Scenario, source: str) -> None:
    """Check that ``absence_cover`` names staff groups (its shares are checked by the schema).

    A group with cover but no absence rate is allowed: it covers nothing until it has one.
    """
    groups = [g.id for g in scenario.groups]
    for group in scenario.absence_cover:
        if group not in groups:
            raise ScenarioError(source, f"absence_cover.{group}",
                                f"{shown(group)} is not a staff group{suggest(group, groups)}")


def to_scenario_error(err: ValidationError, raw: Any, source: str,
                      root: type[BaseModel] = Scenario) -> ScenarioError:
    """Turn pydantic's error list into the single most specific, readable message.

    ``root`` is the model ``raw`` was validated against (the whole scenario, or a part such
    as the targets of a ``--targets`` file); see :mod:`sim.io.explain`.
    """
    return explain.to_scenario_error(err, raw, source, root)
