"""The headings of the task table: intervals of the daily-rhythm plan and task categories.

In the seed's layout a row holding only its first cell is a heading: one ending in ``:``
names the category of the rows below it ("Pasientbehandling:", also "Pasientbehandling
medisinsk overvåkning:", which starts with a category's name), any other names the interval
("Oppgaver uten tidspunkt, utføres hele døgnet hele uken", "kl. 07:00 – 09:00", the seed's
"Startpunkt, utføres hele døgnet hele året"). The same words are read in the flat layout's
Intervall and Kategori columns.
"""

from __future__ import annotations

import re

from sim.calendar import ANYTIME, DEFAULT_INTERVALS, WEEKDAY_DAYTIME, parse_span
from sim.io.schema_tasks import CATEGORIES
from sim.io.workbook.values import clock_of
from sim.io.workbook.vocab import Vocab, norm

#: The section of tasks at fixed clock times (no interval: their `at` says when).
FIXED = "fixed_times"
#: A first-cell-only row that is a sub-header and sets nothing (the seed's "Oppgavetiden").
SKIP = "task_time"
_NUMBERED = re.compile(r"^\d+\s*[.)]\s*")
_QUOTES = "\"'“”„«»‘’"
_SPAN = re.compile(r"^(?:kl\.?\s*)?(\d{1,2}[:.]\d{2})\s*-\s*(\d{1,2}[:.]\d{2})$")
_BULLETS = "•·◦‣▪●○∙"


def strip_bullet(text: str) -> str:
    """Return a task name without the seed's bullet (``• Sårstell`` -> ``Sårstell``)."""
    text = text.strip()
    if text[:1] in _BULLETS:
        return text[1:].strip()
    if text[:2] in ("- ", "* ", "– "):
        return text[2:].strip()
    return text


def interval_spans(intervals: dict[str, str] | None) -> dict[str, tuple[int, int]]:
    """Interval id -> (start, end) minutes, the scenario's own or the plan's six."""
    pairs = intervals.items() if intervals else DEFAULT_INTERVALS
    out = {}
    for iid, text in pairs:
        try:
            out[iid] = parse_span(text)
        except ValueError:
            continue
    return out


def interval_of(text: str, vocab: Vocab, spans: dict[str, tuple[int, int]]) -> str | None:
    """Return the interval a heading or Intervall cell names (or :data:`FIXED`, :data:`SKIP`)."""
    plain = _NUMBERED.sub("", str(text).strip()).strip(_QUOTES).strip()
    key = vocab.lookup("heading", plain)
    if key in ("anytime", "anytime_seed"):
        return ANYTIME
    if key == "weekday_daytime":
        return WEEKDAY_DAYTIME
    if key in (FIXED, SKIP):
        return key
    if norm(plain) in (ANYTIME, WEEKDAY_DAYTIME):
        return norm(plain)
    for iid in spans:
        if norm(iid) == norm(plain):
            return iid
    match = _SPAN.match(norm(plain))
    if match:
        start, end = clock_of(match.group(1)), clock_of(match.group(2))
        if start and end:
            wanted = parse_span(f"{start}-{end}")
            for iid, got in spans.items():
                if got == wanted:
                    return iid
    return None


def interval_heading(key: str, vocab: Vocab, intervals: dict[str, str] | None) -> str:
    """Return the heading the writer puts above an interval's rows."""
    if key == ANYTIME:
        return vocab.text("heading", "anytime")
    if key == WEEKDAY_DAYTIME:
        return vocab.text("heading", "weekday_daytime")
    if key == FIXED:
        return vocab.text("heading", "fixed_times")
    text = dict(intervals.items() if intervals else DEFAULT_INTERVALS)[key]
    start, end = (part.strip() for part in text.split("-"))
    return vocab.text("heading", "clock", start=start, end=end)


def interval_names(vocab: Vocab, intervals: dict[str, str] | None) -> list[str]:
    """Every interval heading in the writing language, the plan's order."""
    ids = list(intervals) if intervals else [i for i, _ in DEFAULT_INTERVALS]
    return [interval_heading(k, vocab, intervals) for k in (ANYTIME, WEEKDAY_DAYTIME, *ids)]


def category_of(text: str, vocab: Vocab) -> str | None:
    """Return the category a heading or Kategori cell names (exactly, or by its start)."""
    plain = norm(text)
    key = vocab.lookup("label.category", plain)
    if key in CATEGORIES:
        return key
    best, length = None, 0
    for name, cat in vocab.keys("label.category").items():
        if cat in CATEGORIES and len(name) > length and plain.startswith(name) and \
                not plain[len(name):len(name) + 1].isalnum():
            best, length = cat, len(name)
    return best
