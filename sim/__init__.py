"""wardsim: discrete-event simulation of ward task sharing (oppgavedeling).

The path of a scenario: :func:`load_scenario` (YAML -> frozen Scenario) ->
:func:`build_model` (-> WardModel) -> :func:`run_replications` (-> Results).
"""

from sim.experiment import run_replications
from sim.io.scenario import load as load_scenario
from sim.model import build_model

__version__ = "0.1.0"
__all__ = ["__version__", "build_model", "load_scenario", "run_replications"]
