"""``import(export(s)) == s`` for random valid scenarios (hypothesis, bounded examples).

The scenarios are those of ``tests/test_properties.py`` with what a ward's workbook adds:
group and task names (Norwegian letters, a task without a name), times per staff group,
per-group spreads, clock tasks on some day types, a description, targets per group or for
all, a language, every ``fte`` setting (the post size one number or per group), absence
cover shares and their premiums. Numbers have at most four decimals: a workbook holds what
a person types (Excel keeps 15 significant digits, not a float's 17).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import scenarios

from sim.io.errors import ScenarioError
from sim.io.scenario import from_dict
from sim.io.workbook import read_workbook, write_workbook

LETTERS = "abcdefghijklmnopqrstuvwxyzæøåäöABCÆØÅ"
WORDS = st.text(alphabet=LETTERS, min_size=1, max_size=8)
FTE_VALUES = {"weekly_hours": [35.5, 37.5, 38.25], "night_weekly_hours": [33.6, 34.33],
              "holiday_weeks": [0, 5, 6.2], "public_holidays": [0, 8.6, 11]}


def _rounded(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _rounded(x) for k, x in value.items()}
    if isinstance(value, list):
        return [_rounded(x) for x in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


@st.composite
def ward_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    raw = _rounded(draw(scenarios()))
    groups = [g["id"] for g in raw["groups"]]
    for i, group in enumerate(raw["groups"]):
        if draw(st.booleans()):
            group["name"] = f"Gruppe {i} {draw(WORDS)}"
        group["cost_per_hour"] = draw(st.sampled_from([0, 410.5, 620]))
    for task in raw["tasks"]:
        if draw(st.integers(0, 3)):
            task["name"] = f"{draw(WORDS)} {draw(WORDS)}"
        others = [g for g in groups if g != task["group"]]
        if "minutes" in task and others and draw(st.booleans()):
            task["minutes"] = {task["group"]: task["minutes"],
                               draw(st.sampled_from(others)): draw(st.sampled_from([3, 7.5]))}
        if others and draw(st.integers(0, 3)) == 0:
            task["duration_by_group"] = {draw(st.sampled_from(others)): {
                "cv": draw(st.sampled_from([0.2, 0.9]))}}
        if "at" in task and draw(st.booleans()):
            task["day_types"] = draw(st.lists(st.sampled_from(["weekday", "weekend", "holiday"]),
                                              min_size=1, max_size=2, unique=True))
    if draw(st.booleans()):
        raw["description"] = f"{draw(WORDS)} {draw(WORDS)}\n"
    limit = draw(st.sampled_from([None, 0.8, "per group"]))
    if limit == "per group":
        raw["targets"] = {"max_utilisation": {groups[0]: 0.9}, "max_late_share": {"high": 0.03}}
    elif limit is not None:
        raw["targets"] = {"max_utilisation": limit, "shift_tail": 0.2}
    if draw(st.booleans()):
        raw["language"] = draw(st.sampled_from(["nb", "sv", "en"]))
    fte = {key: draw(st.sampled_from(values)) for key, values in FTE_VALUES.items()
           if draw(st.booleans())}
    sizes = draw(st.sampled_from([None, 0.8, "per group"]))
    if sizes == "per group":  # some groups or all; the others are full-time
        fte["post_size"] = {g: draw(st.sampled_from([0.45, 0.8, 1])) for g in groups
                            if draw(st.booleans())} or {groups[0]: 0.6}
    elif sizes is not None:
        fte["post_size"] = sizes
    if fte:
        raw["fte"] = fte
    share = st.sampled_from([0, 0.15, 0.3333])
    sources = ("extra_shift", "overtime", "agency")
    cover = {g: {s: draw(share) for s in sources if draw(st.booleans())}
             for g in groups if draw(st.integers(0, 2)) == 0}
    if cover:  # some groups without absence, an entry with no source set (all 0)
        raw["absence_cover"] = cover
    if draw(st.booleans()):
        raw["costs"] = {"premiums": {s: draw(st.sampled_from([0, 0.4, 1.25]))
                                     for s in sources if draw(st.booleans())}}
    return raw


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(raw=ward_scenarios(), lang=st.sampled_from(["nb", "sv", "en"]), flat=st.booleans())
def test_import_of_export_is_the_scenario(raw: dict[str, Any], lang: str, flat: bool,
                                          tmp_path_factory: Any) -> None:
    try:
        scenario = from_dict(raw, source="random.yaml")
    except ScenarioError as err:  # e.g. a spread the drawn task does not allow
        assert "duration" in err.field, err
        return
    path = Path(tmp_path_factory.mktemp("wb")) / "w.xlsx"
    write_workbook(path, scenario, lang=lang, flat=flat)
    book = read_workbook(path)
    assert book.change is None
    assert from_dict(book.baseline) == scenario
