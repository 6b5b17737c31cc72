"""The engine's settled-ward shortcuts give the log a dispatch at every instant gives.

:mod:`sim.engine.ward` skips the dispatch of an instant when its outcome is known: a task
arriving on a settled ward starts at once or waits, a member freed alone is matched alone,
a glide timer whose tasks have all started asks for nothing. The reference here is the
engine without them: every arrival queued and a dispatch asked for, every completion and
glide timer asking for one (the engine as it was before the shortcuts). Both must give the
same event log to the event, on the example ward, on a small ward with breaks, two-person
crews, shift reports, call bells, certifications, drops and per-group times, under
``glide`` (also with ``glide_after: 0``, when a task may glide as it arrives) and
``strict``, and on random wards (hypothesis).
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
import simpy
from hypothesis import given
from test_properties import SEEDS, SETTINGS, UNDOABLE, scenarios

import sim.engine.ward as engine
from sim.engine.break_rules import BreakRules
from sim.engine.dispatch import DispatchPolicy
from sim.inputs import draw_inputs
from sim.io.errors import ScenarioError
from sim.io.scenario import from_dict, load
from sim.model import WardModel, build_model
from sim.rng import Streams

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "hnt_medisin_baseline.yaml"

SMALL: dict[str, Any] = {
    "name": "small ward",
    "ward": {"beds": 8, "occupancy": {"weekday": 1.0, "weekend": 0.75}},
    "calendar": {"days": 4, "start": "friday"},
    "groups": [{"id": "sykepleier", "nurse": True}, {"id": "helsefagarbeider"},
               {"id": "assistent"}],
    "shifts": {"day": {"start": "07:00", "end": "15:00"},
               "evening": {"start": "15:00", "end": "23:00"},
               "night": {"start": "23:00", "end": "07:00"}},
    "roster": {"sykepleier": {"day": 2, "evening": 2, "night": 1},
               "helsefagarbeider": {"day": 2, "evening": 1, "night": 1},
               "assistent": {"day": 1}},
    "certifications": {"blod": {"sykepleier": "all"}},
    "absence": {"sykepleier": 0.15, "helsefagarbeider": 0.1},
    "dispatch": {"policy": "glide", "glide_after": 10},
    "durations": {"distribution": "lognormal", "cv": 0.5},
    "breaks": {"day": {"minutes": 30, "window": "10:30-13:00",
                       "keep_on_floor": {"sykepleier": 1}},
               "evening": {"minutes": 30, "window": "17:00-20:00"}},
    "tasks": [
        {"id": "stell", "category": "pasientbehandling", "group": "helsefagarbeider",
         "when": {"anytime": 2.0}, "minutes": {"helsefagarbeider": 12, "sykepleier": 9},
         "duration_by_group": {"sykepleier": {"cv": 0.8}}},
        {"id": "vask", "category": "pasientbehandling", "group": "assistent",
         "when": {"anytime": 1.0}, "minutes": 8, "drop_after": 240},
        {"id": "blodprove", "category": "blodprover", "group": "sykepleier",
         "requires": "blod", "when": {"07-09": 0.5}, "minutes": 6, "priority": "high",
         "max_wait": 20, "drop_after": 120},
        {"id": "medisin", "category": "legemiddelhandtering", "group": "sykepleier",
         "at": ["08:00", "14:00", "20:00"], "jitter": 15, "minutes": 3},
        {"id": "snu", "category": "pasientbehandling", "group": "helsefagarbeider",
         "when": {"anytime": 0.5}, "minutes": 10, "staff": 2, "drop_after": 60},
        {"id": "rapport", "category": "dokumentasjon", "group": "sykepleier", "per": "ward",
         "at": ["14:45", "22:45", "06:45"], "minutes": 10, "staff": 2, "handover": True,
         "drop_after": 30},
        {"id": "klokke", "category": "pasientbehandling", "group": "helsefagarbeider",
         "when": {"anytime": 3.0}, "minutes": 4, "repeat": "after_done", "drop_after": 45},
    ],
}


#: Dispatches run, per ward kind ("fast": the engine's, "reference").
DISPATCHES = {"fast": 0, "reference": 0}


class _Reference(engine._Ward):
    """The ward without the shortcuts: a dispatch asked for at every state change."""

    def _arrived(self, job, last: bool) -> None:
        self.queue.add(job)
        self.new_jobs.append(job)
        self._request()

    def _done(self, event) -> None:
        # the engine's completion on a ward never known settled: it frees the crew, lets a
        # call bell ring again and asks for a dispatch (its match_one shortcut needs settled)
        self.settled = False
        super()._done(event)

    def _wake(self, event) -> None:
        self._request()

    def _dispatch(self, now: float) -> None:
        DISPATCHES["reference"] += 1
        super()._dispatch(now)


class _ReferenceBreaks(BreakRules, _Reference):
    """:class:`_Reference` with meal breaks."""


class _Counted(engine._Ward):
    """The engine's own ward, counting its dispatches."""

    def _dispatch(self, now: float) -> None:
        DISPATCHES["fast"] += 1
        super()._dispatch(now)


class _CountedBreaks(BreakRules, _Counted):
    """:class:`_Counted` with meal breaks."""


def _simulate(model: WardModel, inputs, plain: type, breaks: type) -> tuple:
    """:func:`sim.engine.simulate` with the given ward classes; the log as comparable rows."""
    env = simpy.Environment()
    ward = (breaks if model.breaks else plain)(env, model, inputs)
    ward.start()
    engine._run(ward, model.calendar.horizon)
    log = ward.finish()
    return (log.started, log.unstarted, [repr(float(x)) for x in log.duty_end], log.breaks,
            log.missed_breaks)


def _both(model: WardModel, seed: int) -> tuple[tuple, tuple]:
    inputs = draw_inputs(model, Streams(seed, 0))
    return (_simulate(model, inputs, _Counted, _CountedBreaks),
            _simulate(model, inputs, _Reference, _ReferenceBreaks))


def _policy(model: WardModel, rule: str, glide_after: float | None = None) -> WardModel:
    after = model.dispatch.glide_after if glide_after is None else glide_after
    return dataclasses.replace(model, dispatch=DispatchPolicy(rule, after))


def _variants(model: WardModel) -> dict[str, WardModel]:
    return {"glide": model, "strict": _policy(model, "strict"),
            "glide_at_once": _policy(model, "glide", 0.0),
            "no_breaks": dataclasses.replace(model, breaks=())}


@pytest.fixture(autouse=True)
def _zero_counts() -> None:
    DISPATCHES.update(fast=0, reference=0)


@pytest.mark.parametrize("variant", ["glide", "strict", "glide_at_once", "no_breaks"])
@pytest.mark.parametrize("seed", [5, 6])  # with 6, a glide timer must ask while unsettled
def test_example_ward_week_same_log_with_far_fewer_dispatches(variant: str, seed: int) -> None:
    model = _variants(build_model(load(EXAMPLE), source=str(EXAMPLE), days=7))[variant]
    fast, reference = _both(model, seed)
    assert len(fast[0]) > 5000
    assert fast == reference
    # the shortcuts are taken: more than half the dispatches are skipped
    assert 0 < DISPATCHES["fast"] < 0.5 * DISPATCHES["reference"]


@pytest.mark.parametrize("variant", ["glide", "strict", "glide_at_once", "no_breaks"])
@pytest.mark.parametrize("seed", range(6))
def test_small_ward_with_crews_reports_bells_and_breaks_same_log(variant: str,
                                                                 seed: int) -> None:
    model = _variants(build_model(from_dict(copy.deepcopy(SMALL))))[variant]
    fast, reference = _both(model, seed)
    assert fast[0] and fast == reference


@SETTINGS
@given(raw=scenarios(), seed=SEEDS)
def test_random_wards_same_log(raw: dict[str, Any], seed: int) -> None:
    try:
        model = build_model(from_dict(raw, source="random.yaml"))
    except ScenarioError as err:
        if any(reason in err.message for reason in UNDOABLE):
            return
        raise
    fast, reference = _both(model, seed)
    assert fast == reference


def _one_nurse_ward(shifts: dict[str, dict[str, str]], roster: dict[str, int],
                    tasks: list[dict[str, Any]]) -> WardModel:
    """Nurses only, fixed durations, no absence: a timeline to compute by hand."""
    return build_model(from_dict({
        "name": "hand ward", "ward": {"beds": 1, "occupancy": 1.0},
        "calendar": {"days": 2, "start": "monday"},
        "groups": [{"id": "sykepleier", "nurse": True}], "shifts": shifts,
        "roster": {"sykepleier": roster}, "durations": {"distribution": "fixed"},
        "tasks": [{"category": "pasientbehandling", "group": "sykepleier", "per": "ward",
                   "minutes": 10, **t} for t in tasks]}))


def test_two_tasks_arriving_together_go_by_priority_not_by_arrival_order() -> None:
    # "lav" comes first (task order) but the one free nurse takes "hoy" first: a task is
    # started at arrival only as the instant's last arrival
    model = _one_nurse_ward({"day": {"start": "07:00", "end": "15:00"}}, {"day": 1},
                            [{"id": "lav", "at": ["08:00"]},
                             {"id": "hoy", "at": ["08:00"], "priority": "high"}])
    fast, reference = _both(model, 1)
    assert fast == reference
    starts = {(model.tasks[kind].id, round(start)) for _, kind, _, _, start, _, _ in fast[0]}
    assert starts == {("hoy", 480), ("lav", 490), ("hoy", 1920), ("lav", 1930)}


def test_a_task_arriving_as_a_shift_ends_goes_to_the_one_who_stays() -> None:
    # at 08:00 the early nurse (free since 06:00) leaves and the day nurse comes: the
    # arrival's event runs before the roster's, so starting it at once would give it to
    # the one leaving; the instant's dispatch gives it to the day nurse
    model = _one_nurse_ward({"early": {"start": "06:00", "end": "08:00"},
                             "day": {"start": "08:00", "end": "16:00"}},
                            {"early": 1, "day": 1}, [{"id": "stell", "at": ["08:00"]}])
    fast, reference = _both(model, 1)
    assert fast == reference
    log = engine.simulate(model, draw_inputs(model, Streams(1, 0)))
    shifts = [log.duties[crew[0]].shift for *_, crew in log.started]
    assert shifts == ["day", "day"]


def test_a_nurse_freed_as_an_urgent_task_arrives_takes_the_urgent_one() -> None:
    # "a" ends at 08:00 as "hoy" arrives; "b" has waited since 07:55. Her completion's
    # event runs first, so matching her at once would give her "b"; the instant's dispatch
    # gives her "hoy"
    model = _one_nurse_ward({"day": {"start": "07:00", "end": "15:00"}}, {"day": 1},
                            [{"id": "a", "at": ["07:50"]}, {"id": "b", "at": ["07:55"]},
                             {"id": "hoy", "at": ["08:00"], "priority": "high"}])
    fast, reference = _both(model, 1)
    assert fast == reference
    starts = sorted((round(start), model.tasks[kind].id) for _, kind, _, _, start, _, _
                    in fast[0] if start < 1440)
    assert starts == [(470, "a"), (480, "hoy"), (490, "b")]
