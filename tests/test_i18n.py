"""Message catalogues: complete in every language, numbers in each language's convention.

- every key of one catalogue exists in the others, with the same placeholder names and specs,
  and every spec is one that :class:`sim.i18n.Messages` knows;
- decimal comma and non-breaking-space grouping in nb and sv, point and comma in en;
- NaN and None are shown as "–";
- labels of fixed vocabularies are translated, unknown ids come back unchanged;
- an unknown language is a ValueError that lists the languages, an unknown key a KeyError.
"""

from __future__ import annotations

import math

import pytest

from sim.calendar import DAY_TYPES
from sim.i18n import LANGUAGES, SPECS, Messages, catalogue, placeholders
from sim.io.schema_tasks import CATEGORIES, PRIORITIES

NBSP = "\u00a0"


def test_every_key_exists_in_every_language_with_the_same_placeholders() -> None:
    english = catalogue("en")
    assert len(english) > 100
    for lang in LANGUAGES:
        texts = catalogue(lang)
        assert set(texts) == set(english), (lang, set(texts) ^ set(english))
        for key, text in texts.items():
            assert text.strip(), (lang, key)
            assert placeholders(text) == placeholders(english[key]), (lang, key)
            assert set(placeholders(text).values()) <= set(SPECS) | {""}, (lang, key)


def test_placeholders_parse_names_and_specs() -> None:
    assert placeholders("{a} of {b:pct1} ({c:int})") == {"a": "", "b": "pct1", "c": "int"}


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", f"12,5{NBSP}%"), ("sv", f"12,5{NBSP}%"), ("en", "12.5%")])
def test_percent_with_one_decimal(lang: str, expected: str) -> None:
    assert Messages(lang).number(0.125, "pct1") == expected


@pytest.mark.parametrize(("lang", "num1", "num0", "num2"), [
    ("nb", f"12{NBSP}345,7", f"12{NBSP}346", "3,14"),
    ("sv", f"12{NBSP}345,7", f"12{NBSP}346", "3,14"),
    ("en", "12,345.7", "12,346", "3.14")])
def test_decimals_and_grouping(lang: str, num1: str, num0: str, num2: str) -> None:
    msg = Messages(lang)
    assert msg.number(12345.67, "num1") == num1
    assert msg.number(12345.67, "num0") == num0
    assert msg.number(3.14159, "num2") == num2


def test_optional_decimals_and_whole_numbers() -> None:
    nb, en = Messages("nb"), Messages("en")
    assert nb.number(0.07, "pct") == f"7{NBSP}%"
    assert nb.number(0.015, "pct") == f"1,5{NBSP}%"
    assert en.number(0.0, "num") == "0"
    assert en.number(2.5, "num") == "2.5"
    assert en.number(1999.6, "int") == "2,000"
    assert en.number(0.012345, "sig3") == "0.0123"
    assert nb.number(-0.01, "num1") == "0,0"  # no "minus zero"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_numbers_show_a_dash(lang: str) -> None:
    msg = Messages(lang)
    assert msg.number(math.nan, "pct1") == "–"
    assert msg.number(None, "num0") == "–"
    assert "–" in msg("headline.group_utilisation", group=math.nan)


def test_messages_format_numbers_inside_sentences() -> None:
    text = Messages("nb")("assess.scenario_feasible", scenario="oppgavedeling")
    assert text == "oppgavedeling: gjennomførbart på alle vakter og dagtyper."
    nb = Messages("nb")("compare.busy", threshold=0.85)
    assert f"85{NBSP}%" in nb
    assert "85%" in Messages("en")("compare.busy", threshold=0.85)


def test_labels_are_translated() -> None:
    nb, sv, en = Messages("nb"), Messages("sv"), Messages("en")
    assert [nb.label("shift", s) for s in ("day", "evening", "night")] == ["dag", "kveld", "natt"]
    assert [sv.label("shift", s) for s in ("day", "evening", "night")] == ["dag", "kväll", "natt"]
    assert nb.label("day_type", "holiday") == "helligdag"
    assert sv.label("day_type", "holiday") == "helgdag"
    assert nb.label("day_type", "weekend") == "helg"
    assert nb.label("category", "legemiddelhandtering") == "Legemiddelhåndtering"
    assert nb.label("category", "parorende") == "Pårørende"
    assert en.label("verdict", "not_feasible") == "not feasible"
    assert sv.label("priority", "high") == "hög"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_fixed_vocabulary_has_a_label(lang: str) -> None:
    texts = catalogue(lang)
    vocabularies = {"day_type": DAY_TYPES, "category": CATEGORIES, "priority": PRIORITIES,
                    "verdict": ("feasible", "at_risk", "not_feasible"),
                    "verdict_short": ("feasible", "at_risk", "not_feasible"),
                    "shift": ("day", "evening", "night", "office", "continuous")}
    for kind, ids in vocabularies.items():
        for id_ in ids:
            assert f"label.{kind}.{id_}" in texts, (lang, kind, id_)
    short = [texts[f"label.verdict_short.{v}"] for v in vocabularies["verdict"]]
    assert len(set(short)) == 3


def test_unknown_ids_come_back_unchanged() -> None:
    nb = Messages("nb")
    assert nb.label("shift", "langvakt") == "langvakt"
    assert nb.label("category", "sykepleier") == "sykepleier"
    with pytest.raises(KeyError, match="colour"):
        nb.label("colour", "red")


def test_unknown_language_lists_the_languages() -> None:
    with pytest.raises(ValueError, match="unknown language 'de'") as err:
        Messages("de")
    assert all(lang in str(err.value) for lang in ("nb", "sv", "en"))


def test_unknown_key_and_missing_argument_are_key_errors() -> None:
    en = Messages("en")
    with pytest.raises(KeyError, match="reason.no_such"):
        en("reason.no_such")
    with pytest.raises(KeyError, match="threshold"):
        en("compare.busy")


def test_default_is_english() -> None:
    assert Messages().lang == "en"
