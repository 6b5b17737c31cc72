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


def test_a_simpy_whose_clock_is_elsewhere_gets_the_peek_loop() -> None:
    class Elsewhere(simpy.Environment):  # heap where it was, clock under another name
        def __init__(self) -> None:
            super().__init__(initial_time=5.0)
            del self._now
            self._clock = 5.0

        @property
        def now(self) -> float:
            return self._clock

    assert engine._heap(Elsewhere()) is None


def _ward(days: int = 2) -> engine._Ward:
    model = build_model(load(EXAMPLE), source=str(EXAMPLE), days=days)
    ward = engine._BreakWard(simpy.Environment(), model, draw_inputs(model, Streams(3, 0)))
    ward.start()
    return ward


def test_a_failed_event_stops_the_fast_loop_as_simpy_step_would() -> None:
    ward = _ward()
    boom = ValueError("no such bed")
    ward.env.timeout(90).callbacks.append(lambda _: ward.env.event().fail(boom))
    with pytest.raises(ValueError, match="no such bed") as raised:
        engine._run(ward, ward.log.horizon)
    assert raised.value.__cause__ is boom
    assert ward.env.now == 90  # it stopped at the failure, as SimPy's step does
    assert ward.log.started and all(row[4] <= 90 for row in ward.log.started)


def test_a_defused_failure_does_not_stop_the_fast_loop() -> None:
    ward, plain = _ward(), _ward()

    def fail_defused(_) -> None:
        event = ward.env.event()
        event.fail(ValueError("handled"))
        event.defused = True

    ward.env.timeout(90).callbacks.append(fail_defused)
    plain.env.timeout(90)  # the same timer, without the failure
    engine._run(ward, ward.log.horizon)
    engine._run(plain, plain.log.horizon)
    assert _log(ward.finish()) == _log(plain.finish())
