"""The engine's run loop reads SimPy's private heap; its fallback through peek runs the same.

:func:`sim.engine._run` reads the head of ``Environment._queue`` (peek's call was the run's
largest single cost) and falls back to :meth:`simpy.Environment.peek` should a SimPy
release keep its heap elsewhere. Both loops must give the same event log, to the event.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import simpy

import sim.engine.ward as engine
from sim.engine import simulate
from sim.inputs import draw_inputs
from sim.io.scenario import load
from sim.model import build_model
from sim.rng import Streams

EXAMPLE = Path(__file__).resolve().parent.parent / "scenarios" / "hnt_medisin_baseline.yaml"


def _log(log) -> tuple:
    return (log.started, log.unstarted, [repr(float(x)) for x in log.duty_end], log.breaks,
            log.missed_breaks)


def test_this_simpy_exposes_the_heap_the_fast_loop_reads() -> None:
    heap = engine._heap(simpy.Environment())
    assert heap == [] and isinstance(heap, list)


def test_a_simpy_without_the_heap_attribute_gets_the_peek_loop() -> None:
    class Hidden:  # an environment-like object without ``_queue``
        pass

    assert engine._heap(Hidden()) is None


@pytest.mark.parametrize("days", [2, 4])
def test_peek_loop_gives_the_identical_log(monkeypatch: pytest.MonkeyPatch, days: int) -> None:
    model = build_model(load(EXAMPLE), source=str(EXAMPLE), days=days)
    inputs = draw_inputs(model, Streams(3, 0))
    fast = _log(simulate(model, inputs))
    used: list[bool] = []
    peeking = engine._run_peeking

    def counted(ward, until: float) -> None:
        used.append(True)
        peeking(ward, until)

    monkeypatch.setattr(engine, "_heap", lambda env: None)
    monkeypatch.setattr(engine, "_run_peeking", counted)
    slow = _log(simulate(model, inputs))
    assert used == [True]
    assert len(fast[0]) > 100 and slow == fast
