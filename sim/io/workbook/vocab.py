"""The workbook's words: sheet names, headers and cell words in nb, sv and en.

The texts live in the ``[workbook]`` tables of ``sim/messages/{en,nb,sv}.toml`` and in the
``label.category``, ``label.time_use``, ``label.priority`` and ``label.day_type`` tables the
reports use. A workbook is *written* in one language and *read* in any: a header or word is
looked up among the texts of all three languages (and the English ids), compared without
case, surrounding space or a trailing colon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sim.i18n import LANGUAGES, Messages, catalogue

_SPACE = re.compile(r"\s+")
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-", "\u00a0": " "})


def norm(text: Any) -> str:
    """Compare-form of a header or word: no case, one space, plain dashes, no trailing ':'."""
    out = _SPACE.sub(" ", str(text).translate(_DASHES)).strip().casefold()
    return out[:-1].rstrip() if out.endswith(":") else out


@dataclass
class Vocab:
    """Look-ups from any language's text to the key it stands for.

    Parameters
    ----------
    lang
        The language the workbook is written in (labels for writing).
    """

    lang: str = "nb"
    _tables: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @property
    def msg(self) -> Messages:
        """Return the catalogue of the writing language."""
        return Messages(self.lang)

    def text(self, table: str, key: str, **args: Any) -> str:
        """Return the text of ``workbook.<table>.<key>`` in the writing language."""
        return self.msg(f"workbook.{table}.{key}", **args)

    def label(self, kind: str, key: str) -> str:
        """Return a report label (``category``, ``priority``, ``day_type``)."""
        return self.msg.label(kind, key)

    def keys(self, table: str) -> dict[str, str]:
        """``{normalised text: key}`` for every language's text of a table.

        ``table`` is a ``workbook.<table>`` name or ``label.<kind>``; the ids themselves are
        read as well in the word and label tables (``pasientbehandling``, ``high``).
        """
        if table not in self._tables:
            prefix = table if table.startswith("label.") else f"workbook.{table}"
            found: dict[str, str] = {}
            ids = table == "word" or table.startswith("label.")
            for lang in ("en", *(x for x in LANGUAGES if x != "en")):
                for name, text in catalogue(lang).items():
                    if name.startswith(prefix + "."):
                        key = name[len(prefix) + 1:]
                        if ids:
                            found.setdefault(norm(key), key)
                        found.setdefault(norm(text), key)
            self._tables[table] = found
        return self._tables[table]

    def lookup(self, table: str, text: Any) -> str | None:
        """Return the key ``text`` stands for in ``table``, or None."""
        return self.keys(table).get(norm(text))

    def shown(self, table: str, keys: list[str] | tuple[str, ...] | None = None) -> list[str]:
        """Return the writing language's texts of a table's keys (all keys when None)."""
        prefix = table if table.startswith("label.") else f"workbook.{table}"
        texts = self.msg.texts
        names = keys if keys is not None else [n[len(prefix) + 1:] for n in texts
                                                 if n.startswith(prefix + ".")]
        return [texts.get(f"{prefix}.{k}", k) for k in names]
