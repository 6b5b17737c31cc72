"""FTEs (årsverk), the night week, persons with holiday cover and posts: hand-computed."""

from __future__ import annotations

from typing import Any

import pytest

from sim.decide.fte import FTE_COLUMNS, fte_table, night_shifts
from sim.io.errors import ScenarioError
from sim.io.scenario import from_dict
from sim.io.schema_targets import FTE
from sim.model import build_model


def ward(fte: dict[str, Any] | None = None, **shifts: dict[str, str]) -> dict[str, Any]:
    """One nurse group: day 07–15 (4 on weekdays, 2 at weekends) and night 23–07 (2 every day)."""
    raw: dict[str, Any] = {
        "name": "fte ward", "ward": {"beds": 4, "occupancy": 1.0}, "calendar": {"days": 7},
        "groups": [{"id": "sykepleier", "nurse": True, "cost_per_hour": 500},
                   {"id": "assistent", "cost_per_hour": 300}],
        "shifts": {"day": {"start": "07:00", "end": "15:00"},
                   "night": {"start": "23:00", "end": "07:00"}, **shifts},
        "roster": {"sykepleier": {"day": {"weekday": 4, "weekend": 2}, "night": 2},
                   "assistent": {"day": {"weekday": 1, "weekend": 0}}},
        "tasks": [{"id": "stell", "category": "pasientbehandling", "group": "sykepleier",
                   "when": {"anytime": 1}, "minutes": 10}],
    }
    if fte is not None:
        raw["fte"] = fte
    return raw


def table(raw: dict[str, Any]):
    scenario = from_dict(raw, "ward.yaml")
    return fte_table(build_model(scenario), scenario.fte).set_index("group")


def test_defaults_keep_fte_as_hours_over_the_rota_week() -> None:
    t = table(ward())
    nurse = t.loc["sykepleier"]
    # day 8 h x (4 x 5 + 2 x 2) = 192, night 8 h x 2 x 7 = 112
    assert nurse["hours_per_week"] == 304
    assert nurse["fte"] == 8.56  # 304 / 35.5 = 8.563
    assert nurse["fte_night"] == nurse["fte"]  # no night week given
    assert nurse["night_hours_per_week"] == 0
    # a full-time person works 52 - 5 - 8.6 / 5 = 45.28 weeks: 8.5634 x 52 / 45.28 = 9.834
    assert nurse["persons"] == 9.83
    assert nurse["posts"] == 10 and nurse["post_size"] == 1.0
    assert nurse["cost_per_week"] == 304 * 500 and nurse["cost_per_year"] == 304 * 500 * 52
    assistant = t.loc["assistent"]
    assert assistant["hours_per_week"] == 40 and assistant["posts"] == 2  # 1.127 x 52/45.28


def test_swedish_week_night_week_holidays_and_post_size() -> None:
    t = table(ward({"weekly_hours": 38.25, "night_weekly_hours": 34, "holiday_weeks": 5,
                    "public_holidays": 10, "post_size": 0.8}))
    nurse = t.loc["sykepleier"]
    assert nurse["fte"] == 7.95  # 304 / 38.25 = 7.948
    assert nurse["night_hours_per_week"] == 112
    assert nurse["fte_night"] == 8.31  # 192 / 38.25 + 112 / 34 = 5.020 + 3.294 = 8.314
    assert nurse["persons"] == 9.61  # 8.314 x 52 / (52 - 5 - 2) = 9.607
    assert nurse["posts"] == 13  # 9.607 / 0.8 = 12.01, rounded up
    total = t.loc["total"]
    assistant = t.loc["assistent"]  # 40 / 38.25 x 52 / 45 = 1.208; / 0.8 = 1.51 -> 2
    assert assistant["persons"] == 1.21 and assistant["posts"] == 2
    assert total["posts"] == 15 and total["persons"] == pytest.approx(9.61 + 1.21)
    assert list(t.reset_index().columns) == FTE_COLUMNS


def test_post_size_per_group_and_a_whole_number_stays_whole() -> None:
    # no holidays: a person is 40 h a week all year, and the assistant's 40 h one person
    t = table(ward({"weekly_hours": 40, "holiday_weeks": 0, "public_holidays": 0,
                    "post_size": {"assistent": 0.5}}))
    assistant = t.loc["assistent"]
    assert assistant["persons"] == 1.0 and assistant["posts"] == 2  # 1 / 0.5 exactly
    assert t.loc["sykepleier", "post_size"] == 1.0  # not listed: full-time posts
    assert t.loc["sykepleier", "posts"] == 8  # 304 / 40 = 7.6 -> 8


def test_a_number_is_taken_as_the_weekly_hours() -> None:
    scenario = from_dict(ward(), "ward.yaml")
    model = build_model(scenario)
    assert fte_table(model, 37.5).equals(fte_table(model, FTE(weekly_hours=37.5)))


@pytest.mark.parametrize(("start", "end", "night"), [
    ("23:00", "07:00", True),    # 7 of 8 hours between 21 and 06
    ("15:00", "23:00", False),   # 2 of 8
    ("19:00", "07:00", True),    # 9 of 12
    ("14:00", "22:00", False),   # 1 of 8
    ("21:00", "02:00", True),    # all 5
    ("03:00", "09:00", False),   # 3 of 6: half is not more than half
])
def test_a_night_shift_has_more_than_half_its_hours_between_21_and_06(
        start: str, end: str, night: bool) -> None:
    model = build_model(from_dict(ward(None, extra={"start": start, "end": end}), "ward.yaml"))
    assert ("extra" in night_shifts(model)) is night


@pytest.mark.parametrize(("fte", "field", "words"), [
    ({"post_size": 1.5}, "fte.post_size", "at most 1"),
    ({"post_size": 0}, "fte.post_size", "greater than 0"),
    ({"post_size": True}, "fte.post_size", "such as 0.8"),
    ({"post_size": {"nobody": 0.8}}, "fte.post_size.nobody", "is not a staff group"),
    ({"post_size": {"assistent": 2}}, "fte.post_size.assistent", "at most 1"),
    ({"holiday_weeks": 30}, "fte.holiday_weeks", "between 0 and 20 weeks"),
    ({"public_holidays": -1}, "fte.public_holidays", "between 0 and 30 days"),
    ({"night_weekly_hours": 0}, "fte.night_weekly_hours", "greater than 0"),
    ({"nights": 34}, "fte.nights", ""),
])
def test_bad_fte_settings_are_one_line_naming_the_field(fte: dict, field: str,
                                                        words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        from_dict(ward(fte), "ward.yaml")
    text = str(caught.value)
    assert "\n" not in text and words in text, text
    assert caught.value.field.startswith(field), text
