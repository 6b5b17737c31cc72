"""A replication's random inputs, drawn once before the engine (:mod:`sim.inputs`).

What is pinned down here:

* one :class:`~sim.inputs.Inputs` drawn once serves every roster: on the example ward with
  1 and with 3 healthcare workers on day shifts it holds exactly the arrivals, duration
  uniforms, inherent durations, absence tables and call-bell draws that a draw per roster
  gives, and :func:`~sim.engine.simulate` on it gives the same log as on the roster's own
  draw (common random numbers for an optimiser);
* ``simulate(model, inputs)`` does not change ``inputs``: run twice on the same inputs it
  gives the same log, and every array is as it was (and read-only);
* inputs drawn for another task list or calendar are refused, and so is an absence table
  narrower than a head count (``max_heads`` widens it);
* :func:`~sim.experiment.run_one` on given inputs gives the frames it draws itself.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.decide.sweep import with_value
from sim.engine import simulate
from sim.engine.eventlog import EventLog
from sim.experiment import run_one
from sim.inputs import ABSENCE_BLOCK, Inputs, draw_inputs
from sim.io.scenario import from_dict, load_raw
from sim.model import WardModel, build_model
from sim.rng import Streams

EXAMPLE = Path(__file__).resolve().parent.parent / "scenarios" / "hnt_medisin_baseline.yaml"
HFA_DAY = "roster.helsefagarbeider.day"
DAYS = 7


def _model(hfa_day: int | None = None, days: int = DAYS) -> WardModel:
    raw = load_raw(EXAMPLE)
    if hfa_day is not None:
        raw = with_value(raw, HFA_DAY, hfa_day)
    return build_model(from_dict(raw, str(EXAMPLE)), str(EXAMPLE), days=days)


@pytest.fixture(scope="module")
def rosters() -> tuple[WardModel, WardModel]:
    return _model(1), _model(3)


def _log_rows(log: EventLog) -> tuple:
    duties = [(d.staff_id, d.start, d.end, bool(d.absent)) for d in log.duties]
    left = [None if math.isnan(t) else t for t in log.duty_end]  # NaN: absent
    return duties, left, log.started, log.unstarted


def _assert_same_draws(a: Inputs, b: Inputs) -> None:
    assert [d.task for d in a.open_tasks] == [d.task for d in b.open_tasks]
    for x, y in zip(a.open_tasks, b.open_tasks, strict=True):
        for name in ("times", "uniforms", "durations"):
            np.testing.assert_array_equal(getattr(x, name), getattr(y, name))
        assert (x.columns is None) == (y.columns is None)
    assert (a.arrivals.times, a.arrivals.kinds, a.arrivals.durations, a.arrivals.draws) == (
        b.arrivals.times, b.arrivals.kinds, b.arrivals.durations, b.arrivals.draws)
    assert a.absence.keys() == b.absence.keys()
    for key, table in a.absence.items():
        np.testing.assert_array_equal(table, b.absence[key])
    assert [(t, bed) for t, bed, _ in a.bells] == [(t, bed) for t, bed, _ in b.bells]
    for (_, _, x), (_, _, y) in zip(a.bells, b.bells, strict=True):
        for k in (0, 1, 255, 256, 700):
            assert x.draws(k)[:2] == y.draws(k)[:2]


def test_one_draw_serves_every_roster_with_the_same_numbers(rosters) -> None:
    few, many = rosters
    assert few.staffing.counts != many.staffing.counts and few.tasks == many.tasks
    once = draw_inputs(few, Streams(1, 0))
    assert once.arrivals.times and once.bells and once.absence
    for model in (few, many):
        own = draw_inputs(model, Streams(1, 0))
        _assert_same_draws(once, own)
        # ... so the engine gives the same log on either draw
        assert _log_rows(simulate(model, once)) == _log_rows(simulate(model, own))


def test_both_rosters_see_the_same_arrivals_on_one_draw(rosters) -> None:
    once = draw_inputs(rosters[0], Streams(2, 1))
    logs = [simulate(model, once) for model in rosters]
    drawn = sorted(zip(once.arrivals.kinds, once.arrivals.times, strict=True))
    for log in logs:  # every open instance arrives when it was drawn, whoever is on duty
        rows = [(r[1], r[3]) for r in log.started + log.unstarted if r[2] == -1]
        assert sorted(rows) == drawn
    # ... while who does what differs between the rosters
    assert [r[6] for r in logs[0].started] != [r[6] for r in logs[1].started]


def test_simulate_does_not_change_its_inputs(rosters) -> None:
    model = rosters[1]
    inputs = draw_inputs(model, Streams(3, 0))
    arrays = [a.copy() for d in inputs.open_tasks
              for a in (d.times, d.uniforms, d.durations, *(d.columns or ())) if a is not None]
    tables = {k: t.copy() for k, t in inputs.absence.items()}
    arrivals = (inputs.arrivals.times, inputs.arrivals.kinds, inputs.arrivals.durations)
    first = _log_rows(simulate(model, inputs))
    drawn = [(bell.drawn, [bell.draws(k)[:2] for k in range(bell.drawn)])
             for _, _, bell in inputs.bells]
    assert _log_rows(simulate(model, inputs)) == first
    assert _log_rows(simulate(rosters[0], inputs)) != first  # another roster in between ...
    assert _log_rows(simulate(model, inputs)) == first  # ... changes nothing either
    again = [a for d in inputs.open_tasks
             for a in (d.times, d.uniforms, d.durations, *(d.columns or ())) if a is not None]
    for old, new in zip(arrays, again, strict=True):
        np.testing.assert_array_equal(old, new)
        assert not new.flags.writeable
    for key, table in inputs.absence.items():
        np.testing.assert_array_equal(tables[key], table)
        assert not table.flags.writeable
    assert (inputs.arrivals.times, inputs.arrivals.kinds, inputs.arrivals.durations) == arrivals
    # the call bells' draws so far are kept as they were (later runs may only add blocks)
    for (count, values), (_, _, bell) in zip(drawn, inputs.bells, strict=True):
        assert bell.drawn >= count
        assert [bell.draws(k)[:2] for k in range(count)] == values


def test_inputs_for_another_task_list_or_calendar_are_refused(rosters) -> None:
    inputs = draw_inputs(rosters[0], Streams(1, 0))
    with pytest.raises(ValueError, match="another task list, calendar or census"):
        simulate(_model(1, days=DAYS + 1), inputs)
    raw = with_value(load_raw(EXAMPLE), "tasks.blodprove.minutes", 7)
    slower = build_model(from_dict(raw, str(EXAMPLE)), str(EXAMPLE), days=DAYS)
    with pytest.raises(ValueError, match="another task list"):
        simulate(slower, inputs)


def test_absence_tables_are_64_wide_unless_widened(rosters) -> None:
    inputs = draw_inputs(rosters[0], Streams(1, 0))
    # a table for every group with absence and every shift, rostered or not
    assert {s for _, s in inputs.absence} == {s.name for s in rosters[0].staffing.shifts}
    assert {t.shape for t in inputs.absence.values()} == {(DAYS + 1, ABSENCE_BLOCK)}
    big = _model(70)
    with pytest.raises(ValueError, match="no absence table for 70 helsefagarbeider"):
        simulate(big, inputs)
    wide = draw_inputs(rosters[0], Streams(1, 0), max_heads=80)
    assert {t.shape for t in wide.absence.values()} == {(DAYS + 1, 80)}
    simulate(big, wide)
    # the model's own roster of 70 gets 70 columns on that shift, as before inputs existed
    own = draw_inputs(big, Streams(1, 0))
    hfa = big.group_ids.index("helsefagarbeider")
    assert own.absence[(hfa, "day")].shape == (DAYS + 1, 70)
    assert own.absence[(hfa, "night")].shape == (DAYS + 1, ABSENCE_BLOCK)


def test_run_one_on_given_inputs_gives_the_frames_it_draws_itself(rosters) -> None:
    model = rosters[1]
    inputs = draw_inputs(model, Streams(4, 2))
    drawn, given = run_one(model, 4, 2, warmup_days=1), run_one(model, 4, 2, 1, inputs=inputs)
    for name in ("kpis", "staff", "tasks"):
        pd.testing.assert_frame_equal(getattr(drawn, name), getattr(given, name),
                                      check_exact=True)
    with pytest.raises(ValueError, match="seed 4, replication 2"):
        run_one(model, 4, 3, inputs=inputs)


def test_durations_of_all_tasks_at_once_are_each_tasks_own_to_the_bit() -> None:
    # draw_inputs evaluates every open task's durations in one scipy call per family
    from sim.distributions import Duration, from_uniform_many, triangular

    durations = [Duration("lognormal", 12.0, 0.5), Duration("lognormal", 3.0, 1.2),
                 Duration("gamma", 7.5, 0.3), Duration("gamma", 40.0, 1.0),
                 Duration("exponential", 5.0), triangular(2.0, 4.0, 11.0),
                 triangular(0.5, 0.5, 3.0), Duration("fixed", 9.0),
                 Duration("lognormal", 12.0, 0.5), Duration("exponential", 2.0)]
    rng = np.random.default_rng(11)
    us = [rng.random(n) for n in (300, 1, 17, 0, 64, 5, 250, 9, 0, 2)]
    us[1][0] = 0.0  # clipped away from 0 and 1 as one call clips them
    us[6][-1] = 1.0 - 1e-17
    many = from_uniform_many(durations, us)
    for duration, u, got in zip(durations, us, many, strict=True):
        want = duration.from_uniform(u)
        assert got.shape == want.shape and np.array_equal(got, want), duration


def test_the_example_week_draws_each_tasks_durations_as_its_own_call_would() -> None:
    model = _model()
    inputs = draw_inputs(model, Streams(4, 2))
    assert len(inputs.open_tasks) > 50
    for drawn in inputs.open_tasks:
        want = model.tasks[drawn.task].duration.from_uniform(drawn.uniforms)
        assert np.array_equal(drawn.durations, want)
