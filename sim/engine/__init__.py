"""The engine step: a model and a replication's drawn inputs in, an event log out.

:func:`simulate` (:mod:`sim.engine.ward`) runs the SimPy model; :mod:`sim.engine.work`
lets the work arrive, :mod:`sim.engine.queue` holds it until :mod:`sim.engine.dispatch`
says who takes it, :mod:`sim.engine.break_rules` adds meal breaks, and
:mod:`sim.engine.eventlog` is the record the metrics step reads. The engine computes no KPI.

``simulate`` is imported on first use, so the model may read its dispatch policy
(:class:`sim.engine.dispatch.DispatchPolicy`) without loading SimPy and the ward.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.engine.ward import simulate

__all__ = ["simulate"]


def __getattr__(name: str) -> Any:
    if name == "simulate":
        from sim.engine.ward import simulate

        return simulate
    raise AttributeError(f"module 'sim.engine' has no attribute {name!r}")
