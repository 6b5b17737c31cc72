"""Message catalogues: every fixed text a user reads, in English, bokmål and Swedish.

The users are Norwegian and Swedish nurses and ward managers, so the terminal tables, the
verdict reasons and the report speak their language, and numbers follow its convention
(decimal comma and a non-breaking space for grouping in nb/sv). The texts live in
``sim/messages/{en,nb,sv}.toml`` (one catalogue per language, the same keys in each), not in
the code, so that a translator edits one file and a test can check that nothing is missing.

A text may hold placeholders ``{name}`` or ``{name:spec}``; the specs are rendered by babel in
the language's locale (``en_GB``, ``nb_NO``, ``sv_SE``):

============  =====================================================  ==============
spec          what                                                   en / nb
============  =====================================================  ==============
``pct``       a share as a percentage, at most one decimal           7% / 7 %
``pct0``      a share as a percentage, no decimals                   12% / 12 %
``pct1``      … one decimal (``pct2``: two)                          12.5% / 12,5 %
``num``       a number with at most two decimals                     3.25 / 3,25
``num0``      a number, no decimals (``num1``, ``num2``: 1, 2)        1,234 / 1 234
``int``       a whole number, with grouping                          1,000 / 1 000
``sig3``      three significant digits                               0.0123 / 0,0123
============  =====================================================  ==============

A missing number (NaN or None) is shown as "–". Labels of fixed vocabularies (day types,
verdicts, task categories, time-use classes, priorities, KPI names, well-known shift ids) are
looked up with :meth:`Messages.label`; an id that is not in the catalogue (a group or shift id
from a scenario file) is returned unchanged.
"""

from __future__ import annotations

import math
import string
import tomllib
from collections.abc import Mapping
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

LANGUAGES: tuple[str, ...] = ("en", "nb", "sv")
LOCALES: dict[str, str] = {"en": "en_GB", "nb": "nb_NO", "sv": "sv_SE"}
#: Kinds of fixed vocabulary that :meth:`Messages.label` knows (catalogue ``label.<kind>.<id>``).
LABEL_KINDS: tuple[str, ...] = (
    "day_type", "verdict", "verdict_short", "category", "priority", "kpi", "shift", "check",
    "time_use",
)
#: Shown for a number that is missing (NaN or None), in every language.
MISSING = "–"
#: (kind, decimals, optional decimals) of every format spec.
SPECS: dict[str, tuple[str, int, bool]] = {
    "pct": ("percent", 1, True), "pct0": ("percent", 0, False), "pct1": ("percent", 1, False),
    "pct2": ("percent", 2, False), "num": ("decimal", 2, True), "num0": ("decimal", 0, False),
    "num1": ("decimal", 1, False), "num2": ("decimal", 2, False), "int": ("decimal", 0, False),
    "sig3": ("significant", 3, False),
}


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """TOML tables to dotted keys: ``[reason] crew = "…"`` becomes ``reason.crew``."""
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, str):
            flat[name] = value
        else:
            raise TypeError(f"message {name!r} is not text: {value!r}")
    return flat


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """Read the flat catalogue of one language (once per process)."""
    check_language(lang)
    text = resources.files("sim").joinpath("messages", f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


def check_language(lang: str) -> str:
    """Return ``lang`` if it is a known language, else raise a ValueError that lists them."""
    if lang not in LANGUAGES:
        known = ", ".join(("nb", "sv", "en"))
        raise ValueError(f"unknown language {lang!r}: choose one of {known}")
    return lang


def placeholders(text: str) -> dict[str, str]:
    """Return the placeholder names of a catalogue text and their format specs."""
    return {name: spec or "" for _, name, spec, _ in string.Formatter().parse(text)
            if name is not None}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class _Formatter(string.Formatter):
    """``str.format`` whose specs in :data:`SPECS` go through babel."""

    def __init__(self, messages: Messages) -> None:
        self.messages = messages

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in SPECS or (not format_spec and _missing(value)):
            return self.messages.number(value, format_spec or "num")
        return super().format_field(value, format_spec)


class Messages:
    """The texts of one language: ``msg(key, **args)``, ``msg.label(kind, id)``, numbers.

    Parameters
    ----------
    lang
        ``"en"``, ``"nb"`` or ``"sv"``; anything else is a ValueError.
    """

    def __init__(self, lang: str = "en") -> None:
        self.lang = check_language(lang)
        self._formatter = _Formatter(self)

    @property
    def texts(self) -> dict[str, str]:
        """The flat catalogue, read on first use (so building a Messages reads no file)."""
        return catalogue(self.lang)

    @cached_property
    def locale(self) -> Locale:
        """The babel locale of this language, for numbers and lists."""
        return Locale.parse(LOCALES[self.lang])

    def __repr__(self) -> str:
        return f"Messages({self.lang!r})"

    def text(self, key: str) -> str:
        """Return the raw text of ``key``; an unknown key is a bug (KeyError naming it)."""
        try:
            return self.texts[key]
        except KeyError:
            raise KeyError(f"no message {key!r} in the {self.lang} catalogue") from None

    def __call__(self, key: str, **args: Any) -> str:
        """Format the catalogue text of ``key`` with ``args``."""
        template = self.text(key)
        try:
            return self._formatter.vformat(template, (), args)
        except KeyError as err:
            raise KeyError(f"message {key!r} needs the argument {err.args[0]!r}") from None

    def has(self, key: str) -> bool:
        """Whether the catalogue holds ``key``."""
        return key in self.texts

    def label(self, kind: str, id: str) -> str:  # noqa: A002 - "id" is the domain word
        """Return the display label of a fixed id, or ``id`` itself if the catalogue lacks it."""
        if kind not in LABEL_KINDS:
            raise KeyError(f"unknown label kind {kind!r} (known: {', '.join(LABEL_KINDS)})")
        return self.texts.get(f"label.{kind}.{id}", str(id))

    def number(self, value: Any, spec: str = "num") -> str:
        """``value`` rendered by a spec of :data:`SPECS` in this language's convention."""
        if _missing(value):
            return MISSING
        try:
            kind, decimals, optional = SPECS[spec]
        except KeyError:
            raise KeyError(f"unknown number format {spec!r} (known: {', '.join(SPECS)})") from None
        value = float(value)
        if kind == "significant":
            return format_decimal(value, "@" * decimals, locale=self.locale)
        frac = ("." + ("#" if optional else "0") * decimals) if decimals else ""
        if kind == "percent":
            base = self.locale.percent_formats[None].pattern  # e.g. '#,##0\xa0%'
            cut = base.rfind("0") + 1
            text = format_percent(value, base[:cut] + frac + base[cut:], locale=self.locale)
        else:
            text = format_decimal(round(value) if spec == "int" else value, "#,##0" + frac,
                                  locale=self.locale)
        return "0" + text[2:] if text.startswith("-0") and not any(c in "123456789" for c in text) \
            else text

    def join(self, items: list[str]) -> str:
        """Join items as ``a, b and c`` in this language (``a, b og c``, ``a, b och c``)."""
        return format_list(list(items), locale=self.locale) if items else ""


def messages(lang: str | None = None) -> Messages:
    """Return a :class:`Messages` for ``lang`` (English when None)."""
    return Messages(lang or "en")


#: The default catalogue, for callers that do not choose a language.
ENGLISH = Messages("en")
