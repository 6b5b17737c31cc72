"""Unit tests of :mod:`sim.engine.dispatch`: who takes which waiting task, without SimPy.

Groups are hierarchy indices, broadest first: 0 = spesialsykepleier, 1 = sykepleier,
2 = helsefagarbeider. :func:`sim.engine.dispatch.assign` gets the waiting jobs sorted by
:attr:`~sim.engine.dispatch.Job.key` and the idle members, and returns who starts what now. The
rules checked here: ``strict`` never glides; a narrower group never takes a broader group's
task; a required certification is required; gliding only once a job has waited
``glide_after``; jobs by priority, then arrival, then arrival order; within a priority a
member's own group's jobs first; among members the own group, then the narrowest broader
group, then the longest idle, then staff order; the inputs are left unchanged.

Missed tasks (``drop_after``) are not dispatch's business: the engine removes them from
the queue at their deadline, before the dispatch of that instant (see
``tests/test_engine_deterministic.py``).
"""

from __future__ import annotations

import copy

import pytest

from sim.catalogue import TaskType
from sim.distributions import Duration
from sim.engine.dispatch import DispatchPolicy, Job, Member, assign, may_take

SPES, NURSE, HFA = 0, 1, 2
PRIORITY = {"acute": 0, "high": 1, "normal": 2, "low": 3}


def _policy(glide: bool, glide_after: float = 10.0) -> DispatchPolicy:
    return DispatchPolicy("glide" if glide else "strict", glide_after)


GLIDE = _policy(True)


def _type(group: int, priority: str = "normal", requires: str | None = None, staff: int = 1,
          tid: str = "t") -> TaskType:
    return TaskType(index=0, id=tid, name=tid, category="pasientbehandling", group=group,
                    requires=requires, per_patient=False, priority=PRIORITY[priority],
                    max_wait=60.0, drop_after=None, staff=staff,
                    duration=Duration("fixed", 10.0), after_done=False)


def _job(seq: int, group: int, arrival: float, **kw: object) -> Job:
    return Job(seq, _type(group, **kw), arrival, 10.0)


def _member(index: int, group: int, idle_since: float = 0.0, certs: tuple[str, ...] = ()) -> Member:
    return Member(index, group, frozenset(certs), off_at=1e9, idle_since=idle_since)


def _queue(*jobs: Job) -> list[Job]:
    return sorted(jobs, key=lambda j: j.key)


def _pairs(result: list[tuple[Job, list[Member]]]) -> list[tuple[int, list[int]]]:
    """(job seq, crew member indices) per assignment, in the order returned."""
    return [(job.seq, [m.index for m in crew]) for job, crew in result]


# -- who may take a job ------------------------------------------------------------------------


def test_strict_never_glides_however_long_the_wait() -> None:
    job = _job(0, HFA, arrival=0.0)
    nurse = _member(0, NURSE)
    assert not may_take(nurse, job, 10_000.0, _policy(False, 10.0))
    assert assign([job], [nurse], 10_000.0, _policy(False, 10.0)) == []
    assert assign([job], [nurse], 10_000.0, _policy(False, 0.0)) == []


def test_narrower_group_never_takes_a_broader_groups_job() -> None:
    for group, member_group in ((SPES, NURSE), (SPES, HFA), (NURSE, HFA)):
        job = _job(0, group, arrival=0.0)
        member = _member(0, member_group)
        assert not may_take(member, job, 1_000.0, _policy(True, 0.0))
        assert assign([job], [member], 1_000.0, _policy(True, 0.0)) == []


def test_certification_is_required_of_own_and_broader_groups() -> None:
    job = _job(0, HFA, arrival=0.0, requires="blod")
    assert assign([job], [_member(0, HFA)], 100.0, GLIDE) == []
    assert assign([job], [_member(0, NURSE)], 100.0, GLIDE) == []
    certified_hfa = [_member(0, NURSE), _member(1, HFA, certs=("blod",))]
    assert _pairs(assign([job], certified_hfa, 100.0, GLIDE)) == [(0, [1])]
    certified_nurse = [_member(0, HFA), _member(1, NURSE, certs=("blod",))]
    assert _pairs(assign([job], certified_nurse, 100.0, GLIDE)) == [(0, [1])]
    assert not may_take(_member(0, HFA, certs=("other",)), job, 100.0, GLIDE)


@pytest.mark.parametrize(("waited", "glides"),
                         [(0.0, False), (9.999, False), (10.0, True), (50.0, True)])
def test_glide_only_once_the_job_has_waited_glide_after(waited: float, glides: bool) -> None:
    job = _job(0, HFA, arrival=100.0)
    nurse = _member(3, NURSE)
    assert may_take(nurse, job, 100.0 + waited, GLIDE) is glides
    expected = [(0, [3])] if glides else []
    assert _pairs(assign([job], [nurse], 100.0 + waited, GLIDE)) == expected


def test_own_group_takes_its_job_at_once_under_both_policies() -> None:
    job = _job(0, HFA, arrival=100.0)
    for glide in (True, False):
        assert _pairs(assign([job], [_member(0, HFA)], 100.0, _policy(glide))) == [(0, [0])]


# -- which job first ---------------------------------------------------------------------------


def test_job_key_orders_by_priority_then_arrival_then_seq() -> None:
    jobs = [_job(0, NURSE, 5.0), _job(1, NURSE, 1.0, priority="low"),
            _job(2, NURSE, 9.0, priority="acute"),
            _job(3, NURSE, 5.0), _job(4, NURSE, 2.0), _job(5, NURSE, 2.0, priority="high")]
    assert [j.seq for j in _queue(*jobs)] == [2, 5, 4, 0, 3, 1]


def test_pick_order_priority_then_arrival_then_seq() -> None:
    queue = _queue(_job(0, NURSE, 5.0), _job(1, NURSE, 1.0, priority="low"),
                   _job(2, NURSE, 9.0, priority="acute"), _job(3, NURSE, 5.0), _job(4, NURSE, 2.0))
    nurses = [_member(0, NURSE), _member(1, NURSE), _member(2, NURSE)]
    result = assign(queue, nurses, 20.0, GLIDE)
    assert [job.seq for job, _ in result] == [2, 4, 0]
    one = assign(queue, [_member(0, NURSE)], 20.0, GLIDE)
    assert _pairs(one) == [(2, [0])]


def test_own_group_job_before_an_earlier_glided_job_of_the_same_priority() -> None:
    queue = _queue(_job(0, HFA, arrival=0.0), _job(1, NURSE, arrival=50.0))
    assert _pairs(assign(queue, [_member(7, NURSE)], 60.0, GLIDE)) == [(1, [7])]


def test_more_urgent_job_glides_before_own_groups_less_urgent_job() -> None:
    queue = _queue(_job(0, HFA, arrival=0.0, priority="acute"), _job(1, NURSE, arrival=0.0))
    assert _pairs(assign(queue, [_member(7, NURSE)], 60.0, GLIDE)) == [(0, [7])]
    # not yet glidable: the nurse takes its own job instead
    assert _pairs(assign(queue, [_member(7, NURSE)], 5.0, GLIDE)) == [(1, [7])]


def test_each_free_member_gets_at_most_one_job_and_all_fitting_jobs_are_matched() -> None:
    queue = _queue(_job(0, HFA, 0.0), _job(1, NURSE, 1.0), _job(2, HFA, 2.0), _job(3, NURSE, 3.0))
    result = assign(queue, [_member(0, NURSE), _member(1, HFA)], 100.0, GLIDE)
    # own-group pass first (nurse job 1, hfa job 0), then nothing is left free
    assert sorted(_pairs(result)) == [(0, [1]), (1, [0])]


def test_leftover_broader_member_glides_after_own_groups_are_served() -> None:
    queue = _queue(_job(0, HFA, 0.0), _job(1, HFA, 1.0), _job(2, NURSE, 3.0))
    idle = [_member(0, NURSE), _member(1, NURSE), _member(2, HFA)]
    result = assign(queue, idle, 100.0, GLIDE)
    assert sorted(_pairs(result)) == [(0, [2]), (1, [1]), (2, [0])]


# -- which member ------------------------------------------------------------------------------


def test_member_order_own_group_then_narrowest_broader_then_longest_idle() -> None:
    job = _job(0, HFA, arrival=0.0)
    spes = _member(0, SPES, idle_since=0.0)
    nurse_recent = _member(1, NURSE, idle_since=30.0)
    nurse_long = _member(2, NURSE, idle_since=10.0)
    hfa = _member(3, HFA, idle_since=50.0)
    everyone = [spes, nurse_recent, nurse_long, hfa]
    assert _pairs(assign([job], everyone, 60.0, GLIDE)) == [(0, [3])]
    assert _pairs(assign([job], [spes, nurse_recent, nurse_long], 60.0, GLIDE)) == [(0, [2])]
    assert _pairs(assign([job], [spes, nurse_recent], 60.0, GLIDE)) == [(0, [1])]
    assert _pairs(assign([job], [spes], 60.0, GLIDE)) == [(0, [0])]


def test_equal_idle_time_falls_back_to_staff_order() -> None:
    job = _job(0, NURSE, arrival=0.0)
    members = [_member(5, NURSE, 10.0), _member(2, NURSE, 10.0), _member(9, NURSE, 10.0)]
    assert _pairs(assign([job], members, 20.0, GLIDE)) == [(0, [2])]


def test_two_person_job_needs_two_eligible_members() -> None:
    job = _job(0, NURSE, arrival=0.0, staff=2)
    assert assign([job], [_member(0, NURSE), _member(1, HFA)], 100.0, _policy(True, 0.0)) == []
    pair = [_member(0, NURSE, idle_since=5.0), _member(1, NURSE, idle_since=1.0)]
    assert _pairs(assign([job], pair, 100.0, _policy(True, 0.0))) == [(0, [1, 0])]


def test_two_person_job_of_narrower_group_takes_a_broader_member_only_after_glide() -> None:
    job = _job(0, HFA, arrival=0.0, staff=2)
    members = [_member(0, NURSE), _member(1, HFA)]
    assert assign([job], members, 5.0, GLIDE) == []
    assert _pairs(assign([job], members, 10.0, GLIDE)) == [(0, [1, 0])]
    assert assign([job], members, 10.0, _policy(False, 10.0)) == []


# -- purity ------------------------------------------------------------------------------------


def test_inputs_are_not_modified() -> None:
    queue = _queue(_job(0, HFA, 0.0), _job(1, NURSE, 1.0, staff=2), _job(2, SPES, 2.0),
                   _job(3, HFA, 3.0))
    idle = [_member(0, SPES, 3.0), _member(1, NURSE, 1.0), _member(2, NURSE, 2.0),
            _member(3, HFA, 0.0)]
    before_queue, before_idle = list(queue), list(idle)
    snapshot = copy.deepcopy((queue, idle))
    result = assign(queue, idle, 100.0, GLIDE)
    assert result  # something was assigned, so there was something to mutate
    assert queue == before_queue and idle == before_idle  # same objects, same order
    for job, old in zip(queue, snapshot[0], strict=True):
        assert (job.seq, job.arrival, job.start, job.crew) == (
            old.seq, old.arrival, old.start, old.crew)
    for member, old in zip(idle, snapshot[1], strict=True):
        assert (member.busy, member.idle_since, member.free_at) == (
            old.busy, old.idle_since, old.free_at)


def test_nothing_to_do_returns_empty() -> None:
    assert assign([], [_member(0, NURSE)], 0.0, GLIDE) == []
    assert assign([_job(0, NURSE, 0.0)], [], 0.0, GLIDE) == []


def test_a_policy_is_one_value_and_an_unknown_rule_is_refused() -> None:
    assert DispatchPolicy() == DispatchPolicy("glide", 10.0) == GLIDE
    assert GLIDE.broader_may_take and not _policy(False).broader_may_take
    job = _job(0, HFA, arrival=100.0)
    assert GLIDE.wake_after(job.task) == 10.0
    assert _policy(False).wake_after(job.task) is None  # strict: nobody else ever may
    assert _policy(True, 0.0).wake_after(job.task) is None  # may glide at once
    assert GLIDE.wake_after(_type(SPES)) is None  # the broadest group: nobody broader
    with pytest.raises(ValueError, match="greedy"):
        DispatchPolicy("greedy")
