"""Invariants of the engine and the tidy frames on random valid scenarios (hypothesis).

A strategy draws small scenarios: 1-4 staff groups, 1-3 shifts (overlapping, wrapping
midnight, ending at 24:00 or lasting the whole day) or a continuous roster per group, head
counts 0-3 per day type, certifications held by `all`, a count or a share of a group,
absence, 1-5 tasks (rates per interval or clock times with jitter, call bells, priorities,
`drop_after`, one or two staff, certifications), `strict` or `glide`, 1-3 days. Examples
that :func:`sim.model.build_model` rejects because nobody on the roster (or too few at
once for a two-person task) may ever do a task are skipped; any other rejection is a bug
in the strategy and fails.

On every example, the :class:`~sim.engine.eventlog.EventLog` must satisfy:

* every arrived task is exactly one of started (done), waiting at the end or missed; the
  sequence numbers are 0..n-1 without gaps or repeats; the open (non-call-bell) arrivals
  are exactly those :func:`sim.catalogue.open_arrivals` draws from the same streams, with
  their inherent durations; a call-bell bed has at most one request open at a time;
* waits are >= 0; a missed task is missed at arrival + ``drop_after``, a started one
  started before then, and one still waiting could not have been dropped before the end;
* a member works only while on duty: never while absent, never before the shift starts or
  after leaving, never starts a task at or after the planned shift end, never on two tasks
  at once, stays past the planned end only to finish the task in hand; busy time <= time
  on duty;
* no member of a narrower group (larger index) and nobody lacking the certification takes
  a task; a broader group takes one only under ``glide`` and after ``glide_after``; a task
  with ``staff: k`` has exactly k distinct crew;
* dispatch never leaves a task waiting while enough idle members on duty may take it;

and the tidy frames of :mod:`sim.measure.tidy` must agree: one task row per arrival with its
status, per staff row busy and overtime minutes within on-duty minutes, and totals equal
to the spans of the log.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from sim.calendar import WEEKDAYS
from sim.catalogue import open_arrivals
from sim.engine import simulate
from sim.engine.dispatch import DispatchPolicy, Job, Member, assign
from sim.engine.eventlog import MISSED, WAITING, EventLog
from sim.inputs import draw_inputs
from sim.io.errors import ScenarioError
from sim.io.scenario import from_dict
from sim.io.schema_tasks import CATEGORIES, PRIORITIES
from sim.measure.tidy import tidy_staff, tidy_tasks
from sim.model import WardModel, build_model
from sim.rng import Streams

EPS = 1e-9
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
INTERVAL_KEYS = ("anytime", "weekday_daytime", "07-09", "09-12", "12-15", "15-18", "18-22", "22-07")


# -- the strategy --------------------------------------------------------------------------

def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def _count(draw: st.DrawFn) -> int | dict[str, int]:
    """Draw a head count: one number, or one per day type (holiday optional)."""
    if draw(st.booleans()):
        return draw(st.integers(0, 3))
    per = {"weekday": draw(st.integers(0, 3)), "weekend": draw(st.integers(0, 3))}
    if draw(st.booleans()):
        per["holiday"] = draw(st.integers(0, 3))
    return per


def _any_on(entry: int | dict[str, Any]) -> bool:
    """Whether a roster entry puts anyone on duty on some day type."""
    if isinstance(entry, int):
        return entry > 0
    return any(c > 0 if isinstance(c, int) else any(v > 0 for v in c.values())
               for c in entry.values())


@st.composite
def _shift(draw: st.DrawFn) -> dict[str, str]:
    """Draw a shift: any start on the quarter hour, 4-12 h long (wrapping midnight), or 24 h.

    A 24-hour shift is 00:00-24:00: a start equal to the end is refused as a shift of no length.
    """
    start = draw(st.integers(0, 95)) * 15
    kind = draw(st.sampled_from(["hours", "hours", "hours", "whole_day", "to_midnight"]))
    if kind == "whole_day":
        return {"start": "00:00", "end": "24:00"}
    if kind == "to_midnight" and start > 0:
        return {"start": _clock(start), "end": "24:00"}
    end = (start + draw(st.integers(16, 48)) * 15) % 1440
    return {"start": _clock(start), "end": _clock(end)}


@st.composite
def _task(draw: st.DrawFn, index: int, groups: list[str], certs: list[str]) -> dict[str, Any]:
    task: dict[str, Any] = {
        "id": f"t{index}",
        "category": draw(st.sampled_from(CATEGORIES)),
        "group": draw(st.sampled_from(groups)),
        "per": draw(st.sampled_from(["patient", "ward"])),
        "priority": draw(st.sampled_from(PRIORITIES)),
        "minutes": draw(st.sampled_from([0.5, 2, 5, 12.5, 30, 75])),
    }
    if certs and draw(st.integers(0, 2)) == 0:
        task["requires"] = draw(st.sampled_from(certs))
    if draw(st.booleans()):
        task["drop_after"] = draw(st.sampled_from([5, 20, 60, 240]))
    if draw(st.integers(0, 4)) == 0:
        task["staff"] = 2
    kind = draw(st.sampled_from(["when", "when", "at", "bell"]))
    if kind == "at":
        times = draw(st.lists(st.integers(0, 95), min_size=1, max_size=3, unique=True))
        task["at"] = [_clock(15 * t) for t in times]
        if draw(st.booleans()):
            task["jitter"] = draw(st.sampled_from([1, 30, 200]))
    else:
        keys = draw(st.lists(st.sampled_from(INTERVAL_KEYS), min_size=1, max_size=3, unique=True))
        top = 3.0 if task["per"] == "patient" else 12.0
        rate = st.floats(0.2, top)
        task["when"] = {k: draw(st.one_of(rate, st.fixed_dictionaries(
            {"weekday": rate, "weekend": st.one_of(st.just(0.0), rate)}))) for k in keys}
        if kind == "bell":
            task["per"] = "patient"
            task["repeat"] = "after_done"
    spread = draw(st.sampled_from([None, "exponential", "fixed", "gamma", "triangular"]))
    if spread == "triangular":
        m = task.pop("minutes")
        task["duration"] = {"distribution": "triangular", "min": 0.5 * m, "mode": m, "max": 3 * m}
    elif spread is not None:
        task["duration"] = {"distribution": spread, "cv": draw(st.sampled_from([0.3, 1.0, 1.5]))}
    return task


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a small, valid scenario as a plain mapping (not yet validated)."""
    groups = [f"g{i}" for i in range(draw(st.integers(1, 4)))]
    shifts = {f"s{i}": draw(_shift()) for i in range(draw(st.integers(1, 3)))}
    roster: dict[str, Any] = {}
    for g in groups:  # an unstaffed group's tasks can only glide
        how = draw(st.sampled_from(["shifts", "shifts", "shifts", "continuous", "none", "none"]))
        if how == "continuous":
            roster[g] = draw(st.integers(0, 3))
        elif how == "shifts":
            on = draw(st.lists(st.sampled_from(sorted(shifts)), min_size=1, unique=True))
            roster[g] = {s: draw(_count()) for s in on}
    staffed = [i for i, g in enumerate(groups) if _any_on(roster.get(g, 0))]
    if not staffed:
        roster[groups[0]], staffed = 1, [0]
    policy = draw(st.sampled_from(["strict", "glide"]))
    # Tasks go to a staffed group, or under glide to any group narrower than one.
    placeable = [g for i, g in enumerate(groups)
                 if i in staffed or (policy == "glide" and i > staffed[0])]
    certs = [f"c{i}" for i in range(draw(st.integers(0, 2)))]
    rule = st.one_of(st.just("all"), st.integers(0, 3), st.sampled_from([0.3, 0.5, 0.75]))
    certifications = {c: {g: draw(rule) for g in draw(st.lists(st.sampled_from(groups), min_size=1,
                                                                unique=True))} for c in certs}
    absence = {g: draw(st.sampled_from([0.1, 0.3, 0.6])) for g in groups if draw(st.booleans())}
    days = draw(st.integers(1, 3))
    holidays = draw(st.lists(st.integers(0, days - 1), max_size=1, unique=True))
    n_tasks = draw(st.integers(1, 5))
    return {
        "name": "random ward",
        "ward": {"beds": draw(st.integers(1, 4)),
                 "occupancy": {"weekday": draw(st.sampled_from([0.75, 1.0])),
                               "weekend": draw(st.sampled_from([0.0, 0.5, 1.0]))}},
        "calendar": {"days": days, "start": draw(st.sampled_from(WEEKDAYS)), "holidays": holidays},
        "groups": [{"id": g, "nurse": i == 0} for i, g in enumerate(groups)],
        "shifts": shifts,
        "roster": roster,
        "certifications": certifications,
        "absence": absence,
        "dispatch": {"policy": policy,
                     "glide_after": draw(st.sampled_from([0, 7.5, 10, 30]))},
        "durations": {"distribution": draw(st.sampled_from(["exponential", "lognormal", "fixed"])),
                      "cv": 0.8},
        "tasks": [draw(_task(i, placeable, certs)) for i in range(n_tasks)],
    }


#: build_model's messages for a task nobody, or too few people at once, may ever do.
UNDOABLE = ("nobody on the roster may do this task", "staff at once")


def _run(raw: dict[str, Any], seed: int) -> tuple[WardModel, Streams, EventLog]:
    """Build and simulate ``raw``; skip it if some task can never be done (too few may take it)."""
    try:
        model = build_model(from_dict(raw, source="random.yaml"))
    except ScenarioError as err:
        assume(not any(reason in err.message for reason in UNDOABLE))
        raise
    return model, Streams(seed, 0), simulate(model, draw_inputs(model, Streams(seed, 0)))


SEEDS = st.integers(0, 10**6)


# -- helpers over the log -------------------------------------------------------------------

def _busy_spans(log: EventLog) -> dict[int, list[tuple[float, float, int]]]:
    """Member index -> sorted (start, end, seq) of every task in which it is in the crew."""
    spans: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    for seq, _k, _bed, _a, start, end, crew in log.started:
        for i in crew:
            spans[i].append((start, end, seq))
    for rows in spans.values():
        rows.sort()
    return spans


def _may_take(model: WardModel, log: EventLog, i: int, task_index: int, arrival: float,
              at: float) -> bool:
    """Tell whether member ``i`` may take the task at ``at`` (the issue's rule, own code)."""
    duty, task = log.duties[i], model.tasks[task_index]
    if duty.group > task.group or (task.requires is not None and task.requires not in duty.certs):
        return False
    if duty.group < task.group:
        return model.dispatch.rule == "glide" and at >= arrival + model.dispatch.glide_after
    return True


# -- invariants on the event log ---------------------------------------------------------

@SETTINGS
@given(raw=scenarios(), seed=SEEDS)
def test_every_arrival_is_done_waiting_or_missed(raw: dict[str, Any], seed: int) -> None:
    model, streams, log = _run(raw, seed)
    seqs = [r[0] for r in log.started] + [r[0] for r in log.unstarted]
    assert sorted(seqs) == list(range(len(seqs))), "seqs must be 0..n-1, each once"
    assert {r[4] for r in log.unstarted} <= {WAITING, MISSED}

    # Open arrivals: exactly the draws of the task's own streams, with their durations.
    rows: dict[int, list[tuple]] = defaultdict(list)
    for seq, k, _bed, arrival, start, end, _crew in log.started:
        rows[k].append((seq, arrival, end - start))
    for seq, k, _bed, arrival, _status, _missed_at in log.unstarted:
        rows[k].append((seq, arrival, None))
    for task in model.tasks:
        if task.after_done:
            continue
        times, durations = open_arrivals(task, model.calendar, list(model.patients), streams,
                                         model.arrival_scale)
        got = sorted(rows[task.index])
        assert len(got) == times.size, f"{task.id}: {len(got)} recorded, {times.size} arrived"
        for (_seq, arrival, took), t, d in zip(got, times, durations, strict=True):
            assert math.isclose(arrival, t, rel_tol=1e-12, abs_tol=1e-9)
            if took is not None:
                assert math.isclose(took, d, rel_tol=1e-9, abs_tol=1e-9)

    # Call bells: per bed, the next request only after the last one was done (or missed).
    bells: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for seq, k, bed, arrival, _start, end, _crew in log.started:
        if model.tasks[k].after_done:
            bells[(k, bed)].append((arrival, seq, end))
    for seq, k, bed, arrival, status, missed_at in log.unstarted:
        assert model.tasks[k].after_done == (bed >= 0)
        if bed >= 0:
            bells[(k, bed)].append((arrival, seq, missed_at if status == MISSED else math.inf))
    for requests in bells.values():
        requests.sort()
        for (_a, _s, done), (nxt, _s2, _e2) in zip(requests, requests[1:], strict=False):
            assert nxt >= done, "a bed rang again while its last request was open"


@SETTINGS
@given(raw=scenarios(), seed=SEEDS)
def test_waits_and_drops(raw: dict[str, Any], seed: int) -> None:
    model, _streams, log = _run(raw, seed)
    for _seq, k, _bed, arrival, start, end, _crew in log.started:
        drop = model.tasks[k].drop_after
        assert arrival <= start < log.horizon and end > start
        if drop is not None:
            assert start <= arrival + drop, "started after it should have been missed"
    for _seq, k, _bed, arrival, status, missed_at in log.unstarted:
        drop = model.tasks[k].drop_after
        if status == MISSED:
            assert drop is not None and missed_at == arrival + drop
            assert missed_at < log.horizon
        else:
            assert missed_at is None
            assert drop is None or arrival + drop >= log.horizon, "waiting past its drop time"


@SETTINGS
@given(raw=scenarios(), seed=SEEDS)
def test_staff_work_only_on_duty_and_one_task_at_a_time(raw: dict[str, Any], seed: int) -> None:
    model, _streams, log = _run(raw, seed)
    spans = _busy_spans(log)
    horizon = log.horizon
    for i, duty in enumerate(log.duties):
        left = log.duty_end[i]
        mine = spans.get(i, [])
        if duty.absent:
            assert not mine and math.isnan(left), f"{duty.staff_id} is absent but worked"
            continue
        assert left >= duty.start and left >= min(duty.end, horizon)
        for (_s0, e0, _), (s1, _e1, _) in zip(mine, mine[1:], strict=False):
            assert s1 >= e0, f"{duty.staff_id} is on two tasks at once"
        for start, end, _ in mine:
            assert duty.start <= start < duty.end, f"{duty.staff_id} started outside its shift"
            assert end <= left
        if left > duty.end:  # overtime: only to finish the task in hand
            assert mine and mine[-1][1] == left and mine[-1][0] < duty.end
        on_duty = min(left, horizon) - duty.start
        busy = sum(min(e, horizon) - s for s, e, _ in mine)
        assert busy <= on_duty + EPS


@SETTINGS
@given(raw=scenarios(), seed=SEEDS)
def test_only_competent_certified_crews_of_the_right_size(raw: dict[str, Any], seed: int) -> None:
    model, _streams, log = _run(raw, seed)
    for _seq, k, _bed, arrival, start, _end, crew in log.started:
        task = model.tasks[k]
        assert len(crew) == len(set(crew)) == task.staff
        for i in crew:
            duty = log.duties[i]
            assert duty.group <= task.group, "a narrower group took a broader group's task"
            assert task.requires is None or task.requires in duty.certs, "uncertified"
            if duty.group < task.group:
                assert model.dispatch.rule == "glide", "strict glided"
                assert start >= arrival + model.dispatch.glide_after, "glided before glide_after"


#: Found by this test: arrival 30.79123991602538 + 7.5 - arrival < 7.5 in floating point, so
#: the idle g0 members were not offered t1 when its glide timer fired at 38.29... (it then
#: waited until the end of the run: nothing else happened to wake dispatch).
GLIDE_FLOAT = {
    "name": "glide instant", "ward": {"beds": 1, "occupancy": 1.0},
    "calendar": {"days": 1, "start": "monday"},
    "groups": [{"id": "g0"}, {"id": "g1"}],
    "shifts": {"s0": {"start": "00:00", "end": "04:00"}},
    "roster": {"g0": {"s0": 1}},
    "dispatch": {"policy": "glide", "glide_after": 7.5},
    "durations": {"distribution": "exponential"},
    "tasks": [{"id": "t1", "category": "pasientbehandling", "group": "g1", "per": "ward",
               "minutes": 0.5, "at": ["00:30"], "jitter": 1}],
}


#: Found by this test (shrunk by hand): at 00:10 the two-person task may glide (glide_after
#: 0) and g1/continuous/1 and g0/continuous/0 are idle, but the g1 member is kept for an
#: all-g1 crew (g1/continuous/0 is busy until 01:00), so the task waits 50 minutes.
MIXED_CREW = {
    "name": "mixed crew", "ward": {"beds": 1, "occupancy": 1.0},
    "calendar": {"days": 1, "start": "monday"},
    "groups": [{"id": "g0"}, {"id": "g1"}],
    "roster": {"g0": 1, "g1": 2},
    "dispatch": {"policy": "glide", "glide_after": 0},
    "durations": {"distribution": "fixed"},
    "tasks": [{"id": "long", "category": "pasientbehandling", "group": "g1", "per": "ward",
               "minutes": 60, "at": ["00:00"]},
              {"id": "turn", "category": "pasientbehandling", "group": "g1", "per": "ward",
               "minutes": 5, "at": ["00:10"], "staff": 2}],
}


@SETTINGS
@given(raw=scenarios(), seed=SEEDS)
@example(raw=GLIDE_FLOAT, seed=1)
@example(raw=MIXED_CREW, seed=1)
def test_no_task_waits_while_enough_idle_members_may_take_it(raw: dict[str, Any],
                                                             seed: int) -> None:
    """Check every instant the situation can change: arrivals, glide times, frees, shift starts.

    Free members may be kept waiting for the colleague a two-person task needs, so an
    instant at which another two-person task is waiting is not checked.
    """
    model, _streams, log = _run(raw, seed)
    spans = _busy_spans(log)
    present = [i for i, d in enumerate(log.duties) if not d.absent]
    frees = sorted({e for rows in spans.values() for _s, e, _ in rows}
                   | {log.duties[i].start for i in present})

    def idle(i: int, t: float) -> bool:
        duty = log.duties[i]
        return duty.start <= t < duty.end and not any(s <= t < e for s, e, _ in spans.get(i, ()))

    stopped = {r[0]: r[4] for r in log.started}
    stopped.update({r[0]: (r[5] if r[4] == MISSED else log.horizon) for r in log.unstarted})
    tasks = [(r[0], r[1], r[3]) for r in log.started] + [(r[0], r[1], r[3]) for r in log.unstarted]
    crews = [(seq, arrival, stopped[seq]) for seq, k, arrival in tasks if model.tasks[k].staff > 1]

    def holds(t: float, seq: int) -> bool:
        return any(a <= t < b for other, a, b in crews if other != seq)

    for seq, k, arrival in tasks:
        stop = stopped[seq]
        glide_at = arrival + model.dispatch.glide_after
        lo, hi = np.searchsorted(frees, [arrival, stop])
        moments = {arrival, glide_at, *frees[lo:hi]}
        for t in sorted(m for m in moments if arrival <= m < stop and m < log.horizon):
            if holds(t, seq):
                continue
            able = [i for i in present if _may_take(model, log, i, k, arrival, t) and idle(i, t)]
            assert len(able) < model.tasks[k].staff, (
                f"task seq {seq} ({model.tasks[k].id}, arrived {arrival!r}) waits at {t!r} "
                f"while {[log.duties[i].staff_id for i in able]} are idle and may take it")


# -- invariants on the tidy frames ----------------------------------------------------------

@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=scenarios(), seed=SEEDS)
def test_tidy_frames_agree_with_the_log(raw: dict[str, Any], seed: int) -> None:
    model, _streams, log = _run(raw, seed)
    tasks = tidy_tasks(log, model)
    assert list(tasks["seq"]) == list(range(len(log.started) + len(log.unstarted)))
    assert (tasks["status"] == "done").sum() == len(log.started)
    assert (tasks["status"] == "missed").sum() == sum(r[4] == MISSED for r in log.unstarted)
    assert (tasks["missed"] == (tasks["status"] == "missed")).all()
    done = tasks[tasks["status"] == "done"]
    assert (done["wait"] >= 0).all() and done["performed_by"].notna().all()
    assert tasks.loc[tasks["status"] != "done", ["start", "wait"]].isna().all().all()

    staff = tidy_staff(log, model)
    if not len(staff):
        assert all(d.absent for d in log.duties) or not log.duties
        return
    assert (staff["busy_minutes"] <= staff["on_duty_minutes"] + EPS).all()
    assert (staff["overtime_minutes"] <= staff["on_duty_minutes"] + EPS).all()
    assert (staff["other_group_minutes"] <= staff["busy_minutes"] + EPS).all()
    minutes = ["on_duty_minutes", "busy_minutes", "overtime_minutes", "absent_minutes"]
    assert (staff[minutes] >= -EPS).all().all()
    horizon = log.horizon
    on_duty = sum(min(log.duty_end[i], horizon) - d.start
                  for i, d in enumerate(log.duties) if not d.absent)
    busy = sum((min(end, horizon) - start) * len(crew) for *_, start, end, crew in log.started)
    # each row's minutes are rounded to 1e-6 (so that nobody on duty is exactly 0)
    rounding = 1e-6 * len(staff)
    assert math.isclose(staff["on_duty_minutes"].sum(), on_duty, rel_tol=1e-9, abs_tol=rounding)
    assert math.isclose(staff["busy_minutes"].sum(), busy, rel_tol=1e-9, abs_tol=rounding)


# -- the glide rule at its exact instant ----------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(arrival=st.floats(0, 1e5, allow_nan=False), glide_after=st.floats(0.5, 60, allow_nan=False))
@example(arrival=65527.17555382377, glide_after=10.0)  # (a + 10) - a == 9.999999999992724
def test_a_task_glides_at_the_instant_its_glide_timer_fires(arrival: float,
                                                             glide_after: float) -> None:
    """The engine wakes dispatch at ``arrival + glide_after`` (a SimPy timeout from the arrival).

    At that instant an idle member of a broader group must get the task; otherwise it waits
    for whatever event comes next (in a quiet ward, the next arrival).
    """
    task = build_model(from_dict({
        "name": "glide", "ward": {"beds": 1}, "groups": [{"id": "broad"}, {"id": "narrow"}],
        "roster": {"broad": 1}, "dispatch": {"policy": "glide", "glide_after": glide_after},
        "tasks": [{"id": "t", "category": "prosedyrer", "group": "narrow", "per": "ward",
                   "when": {"anytime": 1}, "minutes": 1}],
    })).tasks[0]
    member = Member(0, 0, frozenset(), off_at=math.inf)
    fired = arrival + glide_after  # what env.timeout(glide_after) at env.now == arrival gives
    got = assign([Job(0, task, arrival, 1.0)], [member], fired,
                 DispatchPolicy("glide", glide_after))
    assert [(job.seq, [m.index for m in crew]) for job, crew in got] == [(0, [0])]


# -- call bells after a miss ------------------------------------------------------------------

def test_a_missed_call_bell_does_not_silence_the_bed() -> None:
    """A bed has at most one call open; once a call is missed it is no longer open.

    One nurse on a day shift, four beds ringing about once an hour around the clock, calls
    missed after 60 minutes: the night's calls are missed, and every bed must ring again
    after its miss (the next call is drawn from the miss, as it is from a completion).
    """
    raw = {"name": "bells", "ward": {"beds": 4}, "calendar": {"days": 3},
           "groups": [{"id": "sykepleier"}],
           "shifts": {"day": {"start": "07:00", "end": "15:00"}},
           "roster": {"sykepleier": {"day": 1}},
           "durations": {"distribution": "fixed"},
           "tasks": [{"id": "ringe", "category": "pasientbehandling", "group": "sykepleier",
                      "when": {"anytime": 24}, "repeat": "after_done", "minutes": 2,
                      "drop_after": 60}]}
    model = build_model(from_dict(raw))
    log = simulate(model, draw_inputs(model, Streams(1, 0)))
    first_miss = {}
    for _seq, _k, bed, _arrival, status, missed_at in log.unstarted:
        if status == MISSED:
            first_miss[bed] = min(first_miss.get(bed, math.inf), missed_at)
    assert sorted(first_miss) == [0, 1, 2, 3]  # the first night's calls go unanswered
    later = {bed for _seq, _k, bed, arrival, *_ in log.started + log.unstarted
             if arrival >= first_miss[bed]}
    assert later == {0, 1, 2, 3}, "a bed never rang again after a missed call"
