"""Unit tests of :mod:`sim.staff`: from a roster to each person's duties.

A roster gives head counts per group, shift and day type (weekend falls back to weekday,
holiday to weekend) or a single number for a group on duty around the clock. Each head
count is a set of numbered positions ``group/shift/i``; certifications given as a count or
share go to the first positions of each shift; absence is drawn per position and shift, so
position i's absences do not change when the head count does (common random numbers).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest
from conftest import base_dict
from scipy import stats

from sim.inputs import draw_absence
from sim.io.scenario import from_dict
from sim.model import WardModel, build_model
from sim.rng import Streams
from sim.staff import CONTINUOUS, Duty

NURSE, HFA = "sykepleier", "helsefagarbeider"


def _model(**changes: Any) -> WardModel:
    """Return the conftest ward with ``changes``; roster, certifications, absence replaced."""
    raw = base_dict()
    for key in ("roster", "certifications", "absence"):
        if key in changes:
            raw[key] = changes.pop(key)
    for key, value in changes.items():
        raw[key] = value
    return build_model(from_dict(raw))


def _duties(model: WardModel, seed: int | None = None) -> list[Duty]:
    absence = None if seed is None else draw_absence(model.staffing, model.calendar,
                                                     Streams(seed, 0))
    return model.staffing.duties(model.calendar, absence)


def _counts(duties: list[Duty], group: str) -> dict[tuple[str, int], int]:
    return dict(Counter((d.shift, d.day) for d in duties if d.staff_id.startswith(group + "/")))


# -- head counts -------------------------------------------------------------------------------


def test_head_counts_per_shift_and_day_type_with_holiday_fallback() -> None:
    # friday start: day -1 thursday, 0 friday, 1 saturday, 2 sunday, 3 monday (a holiday)
    model = _model(calendar={"days": 4, "start": "friday", "holidays": [3]},
                   roster={NURSE: {"day": {"weekday": 3, "weekend": 2, "holiday": 1},
                                   "evening": {"weekday": 2, "weekend": 1},
                                   "night": 1},
                           HFA: {"day": 1}})
    nurses = _counts(_duties(model), NURSE)
    assert {d: nurses[("day", d)] for d in range(4)} == {0: 3, 1: 2, 2: 2, 3: 1}
    # holiday falls back to weekend
    assert {d: nurses[("evening", d)] for d in range(4)} == {0: 2, 1: 1, 2: 1, 3: 1}
    assert {d: nurses[("night", d)] for d in range(-1, 4)} == {-1: 1, 0: 1, 1: 1, 2: 1, 3: 1}
    assert ("day", -1) not in nurses and ("evening", -1) not in nurses  # ended before day 0
    assert _counts(_duties(model), HFA) == {("day", d): 1 for d in range(4)}


def test_head_count_lookup() -> None:
    model = _model(roster={NURSE: {"day": {"weekday": 4, "weekend": 3}, "evening": 2},
                           HFA: {"day": 1}})
    staffing = model.staffing
    group = model.group_ids.index(NURSE)
    types = ("weekday", "weekend", "holiday")
    assert [staffing.head_count(group, "day", t) for t in types] == [4, 3, 3]
    assert [staffing.head_count(group, "evening", t) for t in types] == [2, 2, 2]
    assert staffing.head_count(group, "night", "weekday") == 0


def test_night_before_day_zero_is_staffed_by_its_own_day_type_and_cut_at_zero() -> None:
    # monday start: the night shift that began on sunday evening (day -1) is a weekend shift
    model = _model(calendar={"days": 2, "start": "monday"},
                   roster={NURSE: {"day": 1, "night": {"weekday": 3, "weekend": 2}},
                           HFA: {"day": 1}})
    night = [d for d in _duties(model) if d.shift == "night"]
    first = [d for d in night if d.day == -1]
    assert len(first) == 2
    assert all((d.start, d.end) == (0.0, 7 * 60.0) for d in first)
    last = [d for d in night if d.day == 1]
    assert len(last) == 3
    assert all((d.start, d.end) == (1440 + 23 * 60.0, 2880 + 7 * 60.0) for d in last)


def test_duty_times_follow_the_shifts() -> None:
    model = _model(calendar={"days": 2}, roster={NURSE: {"evening": 1}, HFA: {"day": 1}})
    spans = sorted((d.staff_id, d.day, d.start, d.end) for d in _duties(model))
    assert spans == [
        ("helsefagarbeider/day/0", 0, 420.0, 900.0), ("helsefagarbeider/day/0", 1, 1860.0, 2340.0),
        ("sykepleier/evening/0", 0, 900.0, 1380.0), ("sykepleier/evening/0", 1, 2340.0, 2820.0),
    ]


def test_continuous_roster_is_on_duty_the_whole_horizon() -> None:
    model = _model(calendar={"days": 3}, shifts={}, roster={NURSE: 4, HFA: 2})
    duties = _duties(model, seed=1)
    assert sorted(d.staff_id for d in duties) == [
        "helsefagarbeider/continuous/0", "helsefagarbeider/continuous/1",
        "sykepleier/continuous/0", "sykepleier/continuous/1", "sykepleier/continuous/2",
        "sykepleier/continuous/3"]
    assert all((d.shift, d.start, d.end, d.absent) == (CONTINUOUS, 0.0, 3 * 1440.0, False)
               for d in duties)
    assert model.shift_names == (CONTINUOUS,)


def test_continuous_and_shift_rosters_mix() -> None:
    model = _model(calendar={"days": 2},
                   roster={NURSE: {"day": 2, "evening": 1, "night": 1}, HFA: 1})
    counts = Counter(d.shift for d in _duties(model))
    assert counts == {"day": 4, "evening": 2, "night": 3, CONTINUOUS: 1}
    assert model.shift_names == ("day", "evening", "night", CONTINUOUS)


def test_staff_ids_are_group_shift_position_and_unique_per_day() -> None:
    model = _model(calendar={"days": 3},
                   roster={NURSE: {"day": {"weekday": 3, "weekend": 2}, "night": 1},
                           HFA: {"evening": 2}})
    duties = _duties(model)
    keys = [(d.staff_id, d.day) for d in duties]
    assert len(keys) == len(set(keys))
    assert {d.staff_id for d in duties if d.day == 0} == {
        "sykepleier/day/0", "sykepleier/day/1", "sykepleier/day/2", "sykepleier/night/0",
        "helsefagarbeider/evening/0", "helsefagarbeider/evening/1"}
    assert [d.start for d in duties] == sorted(d.start for d in duties)
    for d in duties:
        group, shift, position = d.staff_id.split("/")
        assert model.group_ids[d.group] == group and d.shift == shift and int(position) >= 0


# -- certifications ----------------------------------------------------------------------------


def _certified(duties: list[Duty], group: str, shift: str, day: int, cert: str) -> list[bool]:
    rows = sorted((d for d in duties if d.staff_id.startswith(group + "/")
                   and d.shift == shift and d.day == day),
                  key=lambda d: int(d.staff_id.rsplit("/", 1)[1]))
    return [cert in d.certs for d in rows]


def test_certification_all_count_and_nobody_else() -> None:
    model = _model(roster={NURSE: {"day": 3, "evening": 2, "night": 1},
                           HFA: {"day": 3, "evening": 1}},
                   certifications={"blod": {NURSE: "all", HFA: 2}})
    duties = _duties(model)
    assert _certified(duties, NURSE, "day", 0, "blod") == [True, True, True]
    assert _certified(duties, NURSE, "night", -1, "blod") == [True]
    assert _certified(duties, HFA, "day", 1, "blod") == [True, True, False]
    assert _certified(duties, HFA, "evening", 1, "blod") == [True]  # a count above the head count
    other = _model(roster={NURSE: {"day": 2}, HFA: {"day": 2}}, certifications={"blod": {HFA: 1}})
    # nurses are not declared holders, so none of them holds it
    assert _certified(_duties(other), NURSE, "day", 0, "blod") == [False, False]


@pytest.mark.parametrize(("share", "on_duty", "holders"), [
    (0.5, 2, 1), (0.5, 3, 2), (0.5, 5, 3), (0.25, 2, 1), (0.25, 1, 0), (0.4, 3, 1), (0.34, 3, 1),
    (0.99, 4, 4), (0.1, 10, 1), (0.15, 10, 2),
])
def test_certification_share_rounds_half_up(share: float, on_duty: int, holders: int) -> None:
    model = _model(roster={NURSE: {"day": on_duty}, HFA: {"day": 1}},
                   certifications={"blod": {NURSE: share}})
    group = model.group_ids.index(NURSE)
    assert model.staffing.certified("blod", group, on_duty) == holders
    expected = [True] * holders + [False] * (on_duty - holders)
    assert _certified(_duties(model), NURSE, "day", 0, "blod") == expected


def test_certification_share_is_taken_of_each_shifts_own_head_count() -> None:
    model = _model(calendar={"days": 7, "start": "monday"},
                   roster={NURSE: {"day": {"weekday": 6, "weekend": 3}}, HFA: {"day": 1}},
                   certifications={"blod": {NURSE: 0.5}})
    duties = _duties(model)
    assert sum(_certified(duties, NURSE, "day", 0, "blod")) == 3
    assert sum(_certified(duties, NURSE, "day", 5, "blod")) == 2


# -- absence -----------------------------------------------------------------------------------


def test_no_absence_without_streams_or_with_zero_rate() -> None:
    model = _model(absence={NURSE: 0.5})
    assert not any(d.absent for d in _duties(model))
    assert not any(d.absent for d in _duties(model, seed=3) if d.staff_id.startswith(HFA))


def test_absence_rate_is_right_over_many_shifts() -> None:
    rate = 0.06
    model = _model(calendar={"days": 150},
                   roster={NURSE: {"day": 6, "evening": 5, "night": 3}, HFA: 2},
                   absence={NURSE: rate})
    nurses = [d for d in _duties(model, seed=11) if d.staff_id.startswith(NURSE)]
    absent = sum(d.absent for d in nurses)
    assert len(nurses) == 150 * 14 + 3  # and the night before day 0
    low, high = stats.binomtest(absent, len(nurses), rate).proportion_ci(0.95)
    assert low <= rate <= high
    # absence is drawn per shift, not once per person: every position is sometimes absent
    positions = {d.staff_id for d in nurses if d.absent}
    assert len(positions) == 14


def test_absence_is_independent_of_the_head_count_for_existing_positions() -> None:
    small = _model(calendar={"days": 30}, roster={NURSE: {"day": 3, "night": 1}, HFA: {"day": 2}},
                   absence={NURSE: 0.3, HFA: 0.3})
    large = _model(calendar={"days": 30},
                   roster={NURSE: {"day": {"weekday": 5, "weekend": 4}, "night": 2},
                           HFA: {"day": 4}},
                   absence={NURSE: 0.3, HFA: 0.3})
    a = {(d.staff_id, d.day): d.absent for d in _duties(small, seed=5)}
    b = {(d.staff_id, d.day): d.absent for d in _duties(large, seed=5)}
    assert set(a) < set(b)
    assert {key: b[key] for key in a} == a
    assert 0 < sum(a.values()) < len(a)  # the comparison is not vacuous


def test_absence_of_one_group_does_not_depend_on_another_groups_roster() -> None:
    base = _model(calendar={"days": 20}, roster={NURSE: {"day": 3}, HFA: {"day": 2}},
                  absence={NURSE: 0.3, HFA: 0.3})
    changed = _model(calendar={"days": 20},
                     roster={NURSE: {"day": 3}, HFA: {"day": 2, "evening": 2}},
                     absence={NURSE: 0.3, HFA: 0.1})

    def nurses(model: WardModel) -> list[tuple[str, int, bool]]:
        return [(d.staff_id, d.day, d.absent) for d in _duties(model, seed=8)
                if d.staff_id.startswith(NURSE)]

    assert nurses(base) == nurses(changed)


def test_absence_differs_between_replications_and_seeds_but_repeats_for_the_same() -> None:
    model = _model(calendar={"days": 20}, roster={NURSE: {"day": 4}, HFA: {"day": 1}},
                   absence={NURSE: 0.3})

    def absent(seed: int, replication: int) -> list[bool]:
        absence = draw_absence(model.staffing, model.calendar, Streams(seed, replication))
        return [d.absent for d in model.staffing.duties(model.calendar, absence)]

    assert absent(1, 0) == absent(1, 0)
    assert absent(1, 0) != absent(1, 1)
    assert absent(1, 0) != absent(2, 0)


def test_certified_position_stays_certified_when_absent() -> None:
    # certification follows the position, so an absent holder leaves the shift without one
    model = _model(calendar={"days": 60}, roster={NURSE: {"day": 2}, HFA: {"day": 1}},
                   certifications={"blod": {NURSE: 1}}, absence={NURSE: 0.5})
    duties = [d for d in _duties(model, seed=2) if d.staff_id.startswith(NURSE)]
    holders = [d for d in duties if "blod" in d.certs]
    assert {d.staff_id for d in holders} == {"sykepleier/day/0"}
    assert np.any([d.absent for d in holders])
