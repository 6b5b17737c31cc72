"""Reading service targets from a ``--targets`` file, checked on their own.

The targets themselves (what each means, the defaults) are
:class:`sim.io.schema_targets.Targets`.
A ``--targets`` file holds a ``targets:`` mapping, or the same keys at its top level; it is
merged over every assessed scenario's own ``targets:`` block.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.io.errors import ScenarioError, suggest
from sim.io.schema_targets import Targets
from sim.io.validate import to_scenario_error
from sim.io.variants import merge
from sim.io.yaml_safe import read_yaml


def read_targets_file(path: str | Path) -> dict[str, Any]:
    """Read a ``--targets`` file: a ``targets:`` mapping, or the target keys at the top.

    Raises
    ------
    ScenarioError
        If the file is missing, not YAML, or not a mapping.
    """
    file = str(path)
    path = Path(path)
    raw = read_yaml(path, file)  # the limits of a scenario file: size, aliases, duplicates
    if isinstance(raw, dict) and set(raw) == {"targets"}:
        raw = raw["targets"]
    if not isinstance(raw, dict):
        raise ScenarioError(file, "", "must be a mapping of targets, e.g. max_utilisation: 0.85")
    return raw


def check_targets_file(raw: dict[str, Any], source: str) -> None:
    """Validate a ``--targets`` mapping on its own, so an error names that file."""
    try:
        Targets.model_validate(raw)
    except ValidationError as err:
        raise to_scenario_error(err, raw, source, root=Targets) from None


def apply_targets(scenario_raw: dict[str, Any], targets: dict[str, Any], groups: list[str],
                  source: str) -> dict[str, Any]:
    """``scenario_raw`` with the ``--targets`` mapping merged over its ``targets:`` block.

    Raises
    ------
    ScenarioError
        Naming the targets file, if it sets a utilisation target for a group the scenario
        does not have.
    """
    per_group = targets.get("max_utilisation")
    if isinstance(per_group, dict):
        for group in per_group:
            if group not in groups:
                raise ScenarioError(source, f"max_utilisation.{group}",
                                    f"{group!r} is not a staff group{suggest(group, groups)}")
    own = scenario_raw.get("targets") if isinstance(scenario_raw.get("targets"), dict) else {}
    return {**scenario_raw, "targets": merge(own, targets)}
