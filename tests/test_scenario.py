"""Scenario files: every bad input gives one clear error; variants merge as documented.

Each bad-input case must raise exactly one :class:`~sim.io.errors.ScenarioError` whose text
is one line, ``file: field: message``, naming the file, the field and what is allowed.
Checks that need the roster worked out (a task nobody may ever do) are raised by
:func:`sim.model.build_model`. The positive tests pin down ``extends`` (relative to the
variant's own folder), ``move``, key-by-key merging of roster and certifications, tasks
merged by id, ``null`` removing a key, frozen scenarios and the documented defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml
from conftest import base_dict

from sim.io.errors import ScenarioError
from sim.io.scenario import from_dict, load
from sim.io.schema import Scenario
from sim.io.schema_tasks import DEFAULT_MAX_WAIT
from sim.model import build_model

SOURCE = "ward.yaml"


def _error(raw: dict[str, Any], build: bool = False) -> ScenarioError:
    """Return the one ScenarioError raised for ``raw`` (validation; the model if ``build``)."""
    with pytest.raises(ScenarioError) as caught:
        scenario = from_dict(raw, SOURCE)
        if build:
            build_model(scenario, SOURCE)
    return caught.value


def _assert_clear(err: ScenarioError, file: str, field: str, *mentions: str) -> None:
    """One line ``file: field: message`` that mentions every one of ``mentions``."""
    text = str(err)
    assert "\n" not in text
    assert err.file == file
    assert err.field == field
    assert text.startswith(f"{file}: {field}: "), text
    for word in mentions:
        assert word in text, f"{word!r} not in {text!r}"


def _task(raw: dict[str, Any], task_id: str = "stell") -> dict[str, Any]:
    return next(t for t in raw["tasks"] if t["id"] == task_id)


def _write(path: Path, data: dict[str, Any] | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not isinstance(data, str):
        data = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    text = data
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------
# Unknown names


def test_unknown_group_of_a_task_suggests_the_closest_group() -> None:
    raw = base_dict()
    _task(raw)["group"] = "helsefagarbeidr"
    err = _error(raw)
    _assert_clear(err, SOURCE, "tasks.stell.group", "'helsefagarbeidr'", "'helsefagarbeider'")


def test_unknown_group_in_roster_lists_the_groups() -> None:
    raw = base_dict(roster={"assistent": {"day": 1}})
    _assert_clear(_error(raw), SOURCE, "roster.assistent", "'assistent'", "sykepleier",
                  "helsefagarbeider")


def test_unknown_group_in_certifications_lists_the_groups() -> None:
    raw = base_dict(certifications={"blod": {"assistent": "all"}})
    _assert_clear(_error(raw), SOURCE, "certifications.blod.assistent", "'assistent'",
                  "sykepleier", "helsefagarbeider")


def test_unknown_group_in_absence_lists_the_groups() -> None:
    raw = base_dict(absence={"assistent": 0.05})
    _assert_clear(_error(raw), SOURCE, "absence.assistent", "'assistent'", "sykepleier",
                  "helsefagarbeider")


def test_unknown_shift_in_roster_lists_the_shifts() -> None:
    raw = base_dict(roster={"sykepleier": {"natt": 1}})
    _assert_clear(_error(raw), SOURCE, "roster.sykepleier.natt", "'natt'", "day, evening, night")


def test_misspelt_shift_in_roster_suggests_the_closest_shift() -> None:
    raw = base_dict(roster={"sykepleier": {"evnening": 1}})
    _assert_clear(_error(raw), SOURCE, "roster.sykepleier.evnening", "'evnening'", "'evening'")


def test_unknown_certification_in_requires_says_where_to_declare_it() -> None:
    raw = base_dict(certifications={"venous_blood_sampling": {"sykepleier": "all"}})
    _task(raw)["requires"] = "venous_blood_samplng"
    _assert_clear(_error(raw), SOURCE, "tasks.stell.requires", "'venous_blood_samplng'",
                  "certifications", "'venous_blood_sampling'")


def test_requires_without_any_certifications_declared() -> None:
    raw = base_dict()
    _task(raw)["requires"] = "news"
    _assert_clear(_error(raw), SOURCE, "tasks.stell.requires", "'news'", "certifications")


def test_unknown_interval_in_when_suggests_the_closest_interval() -> None:
    raw = base_dict()
    _task(raw)["when"] = {"07-08": 1.0}
    _assert_clear(_error(raw), SOURCE, "tasks.stell.when.07-08", "'07-08'", "not an interval",
                  "'07-09'")


def test_when_on_own_intervals_rejects_the_default_interval_names() -> None:
    raw = base_dict(intervals={"morning": "07:00-15:00", "rest": "15:00-07:00"})
    _task(raw)["when"] = {"07-09": 1.0}
    _assert_clear(_error(raw), SOURCE, "tasks.stell.when.07-09", "'07-09'", "not an interval")


# ---------------------------------------------------------------------------------------
# A task nobody may ever do (needs the roster: raised by build_model)


def test_task_requiring_a_certificate_nobody_on_duty_holds_fails_in_build_model() -> None:
    # Only healthcare workers hold it; the task is on nurses, who are broader, and no
    # narrower group may ever take a broader group's task.
    raw = base_dict(certifications={"blod": {"helsefagarbeider": "all"}})
    _task(raw, "medisin")["requires"] = "blod"
    from_dict(raw, SOURCE)  # each name exists: only the roster shows the problem
    err = _error(raw, build=True)
    _assert_clear(err, SOURCE, "tasks.medisin.group", "nobody on the roster", "sykepleier",
                  "'blod'")


def test_task_of_a_group_never_rostered_fails_under_strict() -> None:
    raw = base_dict(dispatch={"policy": "strict"},
                    roster={"helsefagarbeider": {"day": 0, "evening": 0, "night": 0}})
    err = _error(raw, build=True)
    _assert_clear(err, SOURCE, "tasks.stell.group", "nobody on the roster", "helsefagarbeider")
    assert "broader" not in str(err)  # under strict no broader group could help


def test_task_of_a_group_never_rostered_is_fine_under_glide() -> None:
    raw = base_dict(roster={"helsefagarbeider": {"day": 0, "evening": 0, "night": 0}})
    build_model(from_dict(raw, SOURCE), SOURCE)  # nurses may glide onto it


def test_task_needing_more_staff_than_are_ever_on_duty_together_fails() -> None:
    # medisin is on nurses, the broadest group: at most 2 nurses are on duty at once
    # (day shift), so a crew of 3 can never form and every instance would wait forever.
    raw = base_dict()
    _task(raw, "medisin")["staff"] = 3
    err = _error(raw, build=True)
    assert err.file == SOURCE and "\n" not in str(err)
    assert err.field.startswith("tasks.medisin"), str(err)
    assert "3" in str(err) and "staff" in str(err)


def test_crew_that_can_form_with_gliding_is_accepted() -> None:
    # stell on healthcare workers (1 per shift) plus 2 nurses on the day shift: 3 can meet.
    raw = base_dict()
    _task(raw)["staff"] = 3
    build_model(from_dict(raw, SOURCE), SOURCE)


def test_negative_head_count_is_refused() -> None:
    raw = base_dict(roster={"sykepleier": -1})
    err = _error(raw, build=True)
    assert err.field == "roster.sykepleier", str(err)
    assert "-1" in str(err)


def test_fractional_head_count_names_the_roster_entry_plainly() -> None:
    raw = base_dict(roster={"sykepleier": 2.5})
    err = _error(raw)
    assert err.field == "roster.sykepleier", str(err)  # not pydantic's union-branch names
    assert "2.5" in str(err)
    assert "function-before" not in str(err) and "DayTypeCount" not in str(err)


def test_certificate_held_by_zero_per_shift_counts_as_nobody() -> None:
    raw = base_dict(certifications={"blod": {"sykepleier": 0}})
    _task(raw, "medisin")["requires"] = "blod"
    _assert_clear(_error(raw, build=True), SOURCE, "tasks.medisin.group", "nobody on the roster")


# ---------------------------------------------------------------------------------------
# Bad values


@pytest.mark.parametrize("minutes", [-5, 0, -0.5])
def test_negative_or_zero_minutes(minutes: float) -> None:
    raw = base_dict()
    _task(raw)["minutes"] = minutes
    _assert_clear(_error(raw), SOURCE, "tasks.stell.minutes", "greater than 0", repr(minutes))


def test_missing_minutes_is_named() -> None:
    raw = base_dict()
    del _task(raw)["minutes"]
    _assert_clear(_error(raw), SOURCE, "tasks.stell", "`minutes`", "required")


def test_priority_must_be_one_of_four() -> None:
    raw = base_dict()
    _task(raw)["priority"] = "urgent"
    _assert_clear(_error(raw), SOURCE, "tasks.stell.priority", "'urgent'", "'acute'", "'high'",
                  "'normal'", "'low'")


def test_category_must_be_one_of_the_twelve() -> None:
    raw = base_dict()
    _task(raw)["category"] = "cleaning"
    _assert_clear(_error(raw), SOURCE, "tasks.stell.category", "'cleaning'", "'renhold'",
                  "'administrativt'", "'blodprover'")


def test_dispatch_policy_must_be_strict_or_glide() -> None:
    raw = base_dict(dispatch={"policy": "greedy"})
    _assert_clear(_error(raw), SOURCE, "dispatch.policy", "'greedy'", "'strict'", "'glide'")


@pytest.mark.parametrize("occupancy", [1.2, {"weekday": 0.9, "weekend": 1.5}])
def test_occupancy_above_one_is_refused(occupancy: Any) -> None:
    raw = base_dict(ward={"occupancy": occupancy})
    err = _error(raw)
    assert "\n" not in str(err)
    assert str(err).startswith(f"{SOURCE}: ward")
    assert "occupancy" in str(err) and "between 0 and 1" in str(err)


def test_negative_occupancy_is_refused() -> None:
    raw = base_dict(ward={"occupancy": {"weekday": -0.1}})
    _assert_clear(_error(raw), SOURCE, "ward.occupancy.weekday", "between 0 and 1", "-0.1")


@pytest.mark.parametrize(("part", "text"),
                         [("start", "25:00"), ("end", "7.30"), ("start", "07:60")])
def test_bad_clock_time_in_a_shift(part: str, text: str) -> None:
    raw = base_dict(shifts={"day": {part: text}})
    allowed = "HH:MM" if ":" not in text else "00:00"
    _assert_clear(_error(raw), SOURCE, f"shifts.day.{part}", repr(text), allowed)


def test_bad_clock_time_in_at() -> None:
    raw = base_dict()
    _task(raw, "medisin")["at"] = ["08:00", "25:00"]
    _assert_clear(_error(raw), SOURCE, "tasks.medisin.at[1]", "'25:00'", "between 00:00 and 24:00")


def test_own_intervals_must_cover_the_day() -> None:
    raw = base_dict(intervals={"day": "07:00-15:00", "night": "22:00-07:00"})
    _task(raw)["when"] = {"day": 1.0}
    _assert_clear(_error(raw), SOURCE, "intervals", "15:00", "no interval", "exactly one")


def test_own_intervals_must_not_overlap() -> None:
    raw = base_dict(intervals={"day": "07:00-15:00", "rest": "14:00-07:00"})
    _task(raw)["when"] = {"day": 1.0}
    _assert_clear(_error(raw), SOURCE, "intervals", "14:00", "2 intervals", "exactly one")


def test_absence_must_be_a_probability() -> None:
    raw = base_dict(absence={"sykepleier": 1.0})
    _assert_clear(_error(raw), SOURCE, "absence.sykepleier", "at least 0 and less than 1", "1.0")


def test_when_and_at_together_are_refused() -> None:
    raw = base_dict()
    _task(raw, "medisin")["when"] = {"anytime": 1.0}
    _assert_clear(_error(raw), SOURCE, "tasks.medisin", "`when`", "`at`")


# ---------------------------------------------------------------------------------------
# Unknown keys (typos)


def test_typo_in_a_task_key_suggests_the_right_key() -> None:
    raw = base_dict()
    task = _task(raw)
    task["minuts"] = task.pop("minutes")
    err = _error(raw)
    assert "\n" not in str(err)
    assert str(err).startswith(f"{SOURCE}: tasks.stell")
    assert "'minuts'" in str(err) and "'minutes'" in str(err)


def test_typo_in_a_top_level_key_suggests_the_right_key() -> None:
    raw = base_dict()
    raw["rooster"] = raw.pop("roster")
    err = _error(raw)
    assert "\n" not in str(err)
    assert str(err).startswith(f"{SOURCE}: ")
    assert "'rooster'" in str(err) and "'roster'" in str(err)


def test_unknown_nested_key_without_a_close_match_lists_the_allowed_keys() -> None:
    raw = base_dict(ward={"xyzzy": 3})
    _assert_clear(_error(raw), SOURCE, "ward.xyzzy", "'xyzzy'", "beds", "occupancy")


# ---------------------------------------------------------------------------------------
# Files: YAML, extends, loops


def test_unreadable_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "broken.yaml", "name: x\nward: {beds: 4\ncalendar:\n  days: 3\n")
    with pytest.raises(ScenarioError) as caught:
        load(path)
    err = caught.value
    assert "\n" not in str(err)
    assert err.file == str(path)
    assert err.field.startswith("line ")
    assert int(err.field.removeprefix("line ")) in (3, 4)
    assert "not valid YAML" in str(err)


def test_bad_indentation_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "indent.yaml", "name: x\nward:\n  beds: 4\n   occupancy: 1\n")
    with pytest.raises(ScenarioError) as caught:
        load(path)
    assert caught.value.field == "line 4"


def test_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = _write(tmp_path / "list.yaml", "- a\n- b\n")
    with pytest.raises(ScenarioError, match="must be a mapping"):
        load(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="file not found") as caught:
        load(tmp_path / "nowhere.yaml")
    assert caught.value.file == str(tmp_path / "nowhere.yaml")


def test_file_errors_name_the_file_they_are_in(tmp_path: Path) -> None:
    raw = base_dict()
    _task(raw)["minutes"] = 0
    path = _write(tmp_path / "zero.yaml", raw)
    with pytest.raises(ScenarioError) as caught:
        load(path)
    _assert_clear(caught.value, str(path), "tasks.stell.minutes", "greater than 0")


def test_variant_extending_a_missing_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "variant.yaml", {"extends": "no_such_base.yaml", "name": "v"})
    with pytest.raises(ScenarioError) as caught:
        load(path)
    _assert_clear(caught.value, str(path), "extends", "no_such_base.yaml", "not found",
                  str(tmp_path))


def test_extends_loop_between_two_files(tmp_path: Path) -> None:
    _write(tmp_path / "a.yaml", {"extends": "b.yaml", "name": "a"})
    _write(tmp_path / "b.yaml", {"extends": "a.yaml", "name": "b"})
    with pytest.raises(ScenarioError) as caught:
        load(tmp_path / "a.yaml")
    assert caught.value.field == "extends"
    assert "loop" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_file_extending_itself(tmp_path: Path) -> None:
    path = _write(tmp_path / "self.yaml", {"extends": "self.yaml", "name": "s"})
    with pytest.raises(ScenarioError) as caught:
        load(path)
    _assert_clear(caught.value, str(path), "extends", "loop")


def test_move_of_an_unknown_task_suggests_the_closest(tmp_path: Path) -> None:
    _write(tmp_path / "base.yaml", base_dict())
    path = _write(tmp_path / "variant.yaml",
                  {"extends": "base.yaml", "move": {"stel": "sykepleier"}})
    with pytest.raises(ScenarioError) as caught:
        load(path)
    _assert_clear(caught.value, str(path), "move.stel", "'stel'", "'stell'")


def test_move_to_an_unknown_group_is_blamed_on_the_move(tmp_path: Path) -> None:
    # The user wrote `move: {stell: assistent}`; the variant file has no `tasks.stell.group`,
    # so the error must point at `move.stell` (and name the groups there are).
    _write(tmp_path / "base.yaml", base_dict())
    path = _write(tmp_path / "variant.yaml",
                  {"extends": "base.yaml", "move": {"stell": "assistent"}})
    with pytest.raises(ScenarioError) as caught:
        load(path)
    err = caught.value
    assert err.file == str(path)
    assert "'assistent'" in str(err) and "sykepleier" in str(err)
    assert err.field == "move.stell", str(err)


def test_move_without_extends_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "plain.yaml", {**base_dict(), "move": {"stell": "sykepleier"}})
    with pytest.raises(ScenarioError) as caught:
        load(path)
    _assert_clear(caught.value, str(path), "move", "extends")


# ---------------------------------------------------------------------------------------
# Variants that work


def _base_with_certs() -> dict[str, Any]:
    raw = base_dict(
        certifications={"blod": {"sykepleier": "all", "helsefagarbeider": 1}},
        absence={"sykepleier": 0.05, "helsefagarbeider": 0.04},
    )
    raw["tasks"].append({"id": "blodprove", "category": "blodprover", "group": "sykepleier",
                         "requires": "blod", "when": {"07-09": 0.5}, "minutes": 6,
                         "priority": "high", "max_wait": 20})
    return raw


def test_variant_merges_roster_certifications_tasks_and_moves(tmp_path: Path) -> None:
    _write(tmp_path / "base.yaml", _base_with_certs())
    path = _write(tmp_path / "variant.yaml", {
        "extends": "base.yaml",
        "name": "variant",
        "roster": {"helsefagarbeider": {"day": 2}},
        "certifications": {"blod": {"helsefagarbeider": "all"}},
        "move": {"blodprove": "helsefagarbeider"},
        "tasks": [{"id": "stell", "minutes": 12},
                  {"id": "ny", "category": "renhold", "group": "helsefagarbeider",
                   "when": {"anytime": 0.2}, "per": "ward", "minutes": 15}],
    })
    base, variant = load(tmp_path / "base.yaml"), load(path)
    assert variant.name == "variant"
    assert base.name == "test ward"
    # roster merged key by key: only helsefagarbeider's day changed
    assert variant.roster["helsefagarbeider"]["day"].weekday == 2
    hfa = "helsefagarbeider"
    assert variant.roster[hfa]["evening"] == base.roster[hfa]["evening"]
    assert variant.roster["sykepleier"] == base.roster["sykepleier"]
    # certifications merged holder by holder
    assert variant.certifications == {"blod": {"sykepleier": "all", "helsefagarbeider": "all"}}
    # tasks merged by id (order kept), new ids appended, move applied after the merge
    assert [t.id for t in variant.tasks] == ["stell", "medisin", "blodprove", "ny"]
    stell = {t.id: t for t in variant.tasks}["stell"]
    assert stell.minutes == 12 and stell.when == base.tasks[0].when
    assert stell.group == "helsefagarbeider"
    blod = {t.id: t for t in variant.tasks}["blodprove"]
    assert blod.group == "helsefagarbeider"
    base_blod = {t.id: t for t in base.tasks}["blodprove"]
    assert blod.model_dump(exclude={"group"}) == base_blod.model_dump(exclude={"group"})
    # everything not mentioned is the base's
    for key in ("ward", "calendar", "groups", "shifts", "absence", "dispatch", "durations"):
        assert getattr(variant, key) == getattr(base, key), key
    build_model(variant, str(path))


def test_null_removes_a_key(tmp_path: Path) -> None:
    _write(tmp_path / "base.yaml", _base_with_certs())
    path = _write(tmp_path / "variant.yaml", {
        "extends": "base.yaml",
        "absence": {"helsefagarbeider": None},
        "certifications": {"blod": {"helsefagarbeider": None}},
        "tasks": [{"id": "blodprove", "max_wait": None}],
    })
    variant = load(path)
    assert variant.absence == {"sykepleier": 0.05}
    assert variant.certifications == {"blod": {"sykepleier": "all"}}
    blod = {t.id: t for t in variant.tasks}["blodprove"]
    assert blod.max_wait is None
    assert blod.max_wait_minutes == DEFAULT_MAX_WAIT["high"]


def test_null_removes_a_whole_section(tmp_path: Path) -> None:
    _write(tmp_path / "base.yaml", _base_with_certs())
    path = _write(tmp_path / "variant.yaml", {"extends": "base.yaml", "absence": None})
    assert load(path).absence == {}


def test_variant_reads_its_base_relative_to_its_own_folder(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "wards" / "base.yaml", base_dict())
    path = _write(tmp_path / "wards" / "variants" / "v.yaml",
                  {"extends": "../base.yaml", "name": "v", "move": {"stell": "sykepleier"}})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _write(elsewhere / "base.yaml", "this: [is not the base\n")  # a decoy next to the cwd
    monkeypatch.chdir(elsewhere)
    variant = load(path)
    assert {t.id: t.group for t in variant.tasks}["stell"] == "sykepleier"


def test_the_shipped_variant_loads_and_differs_only_where_it_says() -> None:
    root = Path(__file__).resolve().parent.parent / "scenarios"
    base = load(root / "hnt_medisin_baseline.yaml")
    variant = load(root / "hnt_medisin_oppgavedeling.yaml")
    assert variant.ward == base.ward and variant.calendar == base.calendar
    assert [t.id for t in variant.tasks][: len(base.tasks)] == [t.id for t in base.tasks]
    base_ids = {t.id for t in base.tasks}
    assert {t.id for t in variant.tasks} >= base_ids


# ---------------------------------------------------------------------------------------
# Frozen objects and defaults


def test_scenario_is_frozen() -> None:
    scenario = from_dict(base_dict())
    with pytest.raises(pydantic.ValidationError):
        scenario.name = "changed"  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        scenario.tasks[0].minutes = 1  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        scenario.ward.beds = 99  # type: ignore[misc]
    with pytest.raises(TypeError):
        scenario.tasks[0] = scenario.tasks[1]  # type: ignore[index]
    assert scenario.name == "test ward"


def test_a_variant_is_a_new_object_and_leaves_the_base_alone() -> None:
    base = from_dict(base_dict())
    variant = base.model_copy(update={"name": "variant"})
    assert variant.name == "variant" and base.name == "test ward"


@pytest.mark.parametrize("priority", ["acute", "high", "normal", "low"])
def test_max_wait_defaults_by_priority(priority: str) -> None:
    raw = base_dict()
    _task(raw)["priority"] = priority
    task = from_dict(raw).tasks[0]
    assert task.max_wait is None
    assert task.max_wait_minutes == DEFAULT_MAX_WAIT[priority]


def test_explicit_max_wait_wins_over_the_default() -> None:
    raw = base_dict()
    _task(raw).update(priority="low", max_wait=5)
    assert from_dict(raw).tasks[0].max_wait_minutes == 5


def test_default_max_wait_grows_with_lower_priority() -> None:
    waits = [DEFAULT_MAX_WAIT[p] for p in ("acute", "high", "normal", "low")]
    assert waits == sorted(waits) and len(set(waits)) == 4


def test_holiday_falls_back_to_weekend_and_weekend_to_weekday() -> None:
    raw = base_dict(
        calendar={"days": 7, "holidays": [2]},
        ward={"occupancy": {"weekday": 0.9, "weekend": 0.5}},
        roster={"sykepleier": {"day": {"weekday": 3, "weekend": 2}, "evening": 2}},
    )
    _task(raw)["when"] = {"anytime": {"weekday": 2.0, "weekend": 1.0}}
    scenario = from_dict(raw)
    occupancy = scenario.ward.occupancy
    assert [occupancy.of(t) for t in ("weekday", "weekend", "holiday")] == [0.9, 0.5, 0.5]
    day = scenario.roster["sykepleier"]["day"]
    assert (day.of("weekday"), day.of("weekend"), day.of("holiday")) == (3, 2, 2)
    evening = scenario.roster["sykepleier"]["evening"]
    assert (evening.of("weekday"), evening.of("weekend"), evening.of("holiday")) == (2, 2, 2)
    assert scenario.tasks[0].when["anytime"].of("holiday") == 1.0
    model = build_model(scenario)
    # Monday start: day 2 is a Wednesday made a holiday, days 5 and 6 are the weekend
    assert model.calendar.day_types() == ["weekday", "weekday", "holiday", "weekday", "weekday",
                                          "weekend", "weekend"]
    assert model.patients == (9, 9, 5, 9, 9, 5, 5)
    nurse = model.group_ids.index("sykepleier")
    assert model.staffing.head_count(nurse, "day", "holiday") == 2
    assert model.staffing.head_count(nurse, "day", "weekday") == 3


def test_an_explicit_holiday_value_is_used() -> None:
    raw = base_dict(ward={"occupancy": {"weekday": 0.9, "weekend": 0.5, "holiday": 0.3}})
    assert from_dict(raw).ward.occupancy.of("holiday") == 0.3


def test_scenario_defaults() -> None:
    scenario = from_dict(base_dict(dispatch=None, durations=None))
    assert scenario.dispatch.policy == "glide" and scenario.dispatch.glide_after == 10
    assert scenario.durations.distribution == "lognormal" and scenario.durations.cv == 0.5
    assert scenario.calendar.start == "monday" and scenario.calendar.holidays == ()
    task = scenario.tasks[0]
    assert (task.per, task.priority, task.staff, task.drop_after) == ("patient", "normal", 1, None)
    assert isinstance(scenario, Scenario)


# ---------------------------------------------------------------------------------------
# Times per staff group (issue 8): `minutes` per group, `duration_by_group`

HFA, NURSE = "helsefagarbeider", "sykepleier"


def test_minutes_per_group_are_read_with_the_placed_group_as_the_estimate() -> None:
    raw = base_dict()
    _task(raw)["minutes"] = {HFA: 8, NURSE: 6}
    _task(raw)["duration_by_group"] = {NURSE: {"cv": 0.3}}
    stell = from_dict(raw).tasks[0]
    assert stell.estimate == 8 and stell.minutes_of(NURSE) == 6
    assert stell.own_time_groups == (HFA, NURSE)
    build_model(from_dict(raw))


def test_minutes_without_the_placed_group_name_the_field_and_the_group() -> None:
    raw = base_dict()
    _task(raw)["minutes"] = {NURSE: 6}
    _assert_clear(_error(raw), SOURCE, "tasks.stell.minutes", f"'{HFA}'", "placed on",
                  "estimate", f"{HFA}: 6")


def test_an_empty_minutes_mapping_asks_for_the_placed_group() -> None:
    raw = base_dict()
    _task(raw)["minutes"] = {}
    _assert_clear(_error(raw), SOURCE, "tasks.stell.minutes", f"'{HFA}'", "placed on")


def test_unknown_group_in_minutes_suggests_the_closest_group() -> None:
    raw = base_dict()
    _task(raw)["minutes"] = {HFA: 8, "sykepleir": 6}
    _assert_clear(_error(raw), SOURCE, "tasks.stell.minutes.sykepleir", "'sykepleir'",
                  "not a staff group", f"did you mean '{NURSE}'?")


@pytest.mark.parametrize("minutes", [0, -8])
def test_minutes_of_a_group_must_be_above_zero(minutes: float) -> None:
    raw = base_dict()
    _task(raw)["minutes"] = {HFA: 8, NURSE: minutes}
    _assert_clear(_error(raw), SOURCE, f"tasks.stell.minutes.{NURSE}", "greater than 0",
                  repr(minutes))


@pytest.mark.parametrize("minutes", ["six", True, [6, 8]])
def test_minutes_that_are_neither_a_number_nor_a_mapping(minutes: Any) -> None:
    raw = base_dict()
    _task(raw)["minutes"] = minutes
    written = "true" if minutes is True else repr(minutes)  # as the file reads: YAML's true
    _assert_clear(_error(raw), SOURCE, "tasks.stell.minutes", "a number", "per staff group",
                  f"{NURSE}: 6", written)


def test_unknown_group_in_duration_by_group_suggests_the_closest_group() -> None:
    raw = base_dict()
    _task(raw)["duration_by_group"] = {"helsefagarbeidr": {"cv": 0.8}}
    _assert_clear(_error(raw), SOURCE, "tasks.stell.duration_by_group.helsefagarbeidr",
                  "not a staff group", f"did you mean '{HFA}'?")


def test_typo_in_a_group_spread_suggests_the_key() -> None:
    raw = base_dict()
    _task(raw)["duration_by_group"] = {HFA: {"cvv": 0.8}}
    _assert_clear(_error(raw), SOURCE, f"tasks.stell.duration_by_group.{HFA}.cvv",
                  "unknown key 'cvv'", "did you mean 'cv'?")


def test_a_group_spread_that_is_not_a_mapping_says_what_to_give() -> None:
    raw = base_dict()
    _task(raw)["duration_by_group"] = {HFA: 0.8}
    _assert_clear(_error(raw), SOURCE, f"tasks.stell.duration_by_group.{HFA}", "mapping",
                  "{cv: 0.8}", "(got 0.8)")


def test_a_group_spread_with_an_unknown_distribution_lists_the_families() -> None:
    raw = base_dict()
    _task(raw)["duration_by_group"] = {HFA: {"distribution": "normal"}}
    _assert_clear(_error(raw), SOURCE, f"tasks.stell.duration_by_group.{HFA}.distribution",
                  "'normal'", "'lognormal'", "'triangular'", "'fixed'")


def test_a_group_triangle_must_be_complete() -> None:
    raw = base_dict()
    _task(raw)["duration_by_group"] = {NURSE: {"distribution": "triangular", "min": 3}}
    _assert_clear(_error(raw), SOURCE, f"tasks.stell.duration_by_group.{NURSE}",
                  "min <= mode <= max")


def test_minutes_for_a_group_with_a_triangle_are_refused() -> None:
    raw = base_dict()
    _task(raw)["minutes"] = {HFA: 8, NURSE: 6}
    _task(raw)["duration_by_group"] = {NURSE: {"distribution": "triangular", "min": 3,
                                               "mode": 5, "max": 9}}
    _assert_clear(_error(raw), SOURCE, f"tasks.stell.minutes.{NURSE}", "triangular",
                  "min, mode and max", "leave")


def test_group_errors_in_a_file_name_that_file(tmp_path: Path) -> None:
    raw = base_dict()
    _task(raw)["minutes"] = {NURSE: 6}
    path = _write(tmp_path / "ward.yaml", raw)
    with pytest.raises(ScenarioError) as caught:
        load(path)
    _assert_clear(caught.value, str(path), "tasks.stell.minutes", f"'{HFA}'")


def test_a_move_keeps_the_times_per_group(tmp_path: Path) -> None:
    # moved to a group with a time of its own: it takes that time; every time is kept
    raw = base_dict()
    _task(raw, "medisin")["minutes"] = {NURSE: 3, HFA: 4}
    _write(tmp_path / "base.yaml", raw)
    path = _write(tmp_path / "variant.yaml", {"extends": "base.yaml", "move": {"medisin": HFA}})
    medisin = {t.id: t for t in load(path).tasks}["medisin"]
    assert medisin.group == HFA and medisin.minutes == {NURSE: 3, HFA: 4}
    assert medisin.estimate == 4


def test_a_move_to_a_group_without_its_own_time_keeps_the_estimate(tmp_path: Path) -> None:
    raw = base_dict(groups=[{"id": NURSE}, {"id": HFA}, {"id": "assistent"}],
                    roster={"assistent": {"day": 1}})
    _task(raw)["minutes"] = {HFA: 8, NURSE: 6}
    _task(raw)["duration_by_group"] = {HFA: {"cv": 0.8}}
    _write(tmp_path / "base.yaml", raw)
    path = _write(tmp_path / "variant.yaml", {"extends": "base.yaml",
                                              "move": {"stell": "assistent"}})
    stell = load(path).tasks[0]
    assert stell.group == "assistent"
    assert stell.minutes == {HFA: 8, NURSE: 6, "assistent": 8}
    assert stell.duration_by_group is not None
    assert stell.duration_by_group["assistent"] == stell.duration_by_group[HFA]


def test_a_variant_changes_one_group_time_and_keeps_the_others(tmp_path: Path) -> None:
    raw = base_dict()
    _task(raw)["minutes"] = {HFA: 8, NURSE: 6}
    _write(tmp_path / "base.yaml", raw)
    path = _write(tmp_path / "variant.yaml", {"extends": "base.yaml",
                                              "tasks": [{"id": "stell", "minutes": {NURSE: 5}}]})
    assert load(path).tasks[0].minutes == {HFA: 8, NURSE: 5}
