"""The engine's run loop is SimPy's step written out; it needs SimPy's private heap and clock.

:func:`sim.engine.ward._run` pops ``Environment._queue`` and sets ``_now`` itself, and the
ward reads the heap's head to know whether anything else happens at an instant. A SimPy
that keeps them elsewhere must stop the run at once with one clear line, not run wrong.
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


def test_this_simpy_keeps_the_heap_and_clock_the_engine_reads() -> None:
    env = simpy.Environment(initial_time=3.0)
    engine._check_simpy(env)  # no error
    assert env._queue == [] and env._now == 3.0
    env.timeout(2.0)
    assert env._queue[0][0] == 5.0 == env.peek()


class _Hidden(simpy.Environment):  # the heap under another name
    def __init__(self) -> None:
        super().__init__()
        self._events = self._queue
        del self._queue


class _Elsewhere(simpy.Environment):  # heap where it was, clock under another name
    def __init__(self) -> None:
        super().__init__(initial_time=5.0)
        del self._now
        self._clock = 5.0

    @property
    def now(self) -> float:
        return self._clock


class _Unnumbered(simpy.Environment):  # event ids under another name
    def __init__(self) -> None:
        super().__init__()
        self._ids = self._eid
        del self._eid


@pytest.mark.parametrize("kind", [_Hidden, _Elsewhere, _Unnumbered])
def test_a_simpy_that_keeps_them_elsewhere_stops_with_one_clear_line(
        monkeypatch: pytest.MonkeyPatch, kind: type) -> None:
    model = build_model(load(EXAMPLE), source=str(EXAMPLE), days=1)
    inputs = draw_inputs(model, Streams(3, 0))
    monkeypatch.setattr(engine.simpy, "Environment", kind)
    with pytest.raises(RuntimeError,
                       match=r"Environment\._queue, _now and _eid.*simpy>=4\.1,<4\.2"):
        simulate(model, inputs)


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
