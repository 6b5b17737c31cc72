"""wardsim: discrete-event simulation of ward task sharing (oppgavedeling).

The path of a scenario: :func:`load_scenario` (YAML -> frozen Scenario) ->
:func:`build_model` (-> WardModel) -> :func:`run_replications` (-> Results).

The three are imported when first used, not with the package: ``wardsim --version``
must not wait for scipy and pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "build_model", "load_scenario", "run_replications"]

#: Public name -> (module, attribute), imported on first access.
_LAZY = {
    "build_model": ("sim.model", "build_model"),
    "load_scenario": ("sim.io.scenario", "load"),
    "run_replications": ("sim.experiment", "run_replications"),
}


def __getattr__(name: str) -> Any:
    """Import a public function on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    module, attr = _LAZY[name]
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
