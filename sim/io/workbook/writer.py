"""Writing a scenario (and a proposal) as a task-mapping workbook, with XlsxWriter.

XlsxWriter writes Excel's data validation (the drop-down lists that make a typo hard),
frozen header rows and column widths. The lists live on a hidden sheet (Lister) so that
long lists such as the interval headings are not cut at Excel's 255 characters. The file
is written beside the target and moved into place only when complete, and never over an
existing file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from sim.calendar import WEEKDAYS
from sim.io.schema import Scenario
from sim.io.schema_tasks import CATEGORIES, PRIORITIES, TIME_USE_CLASSES
from sim.io.workbook.groups import GroupNames
from sim.io.workbook.roundtrip import place_new
from sim.io.workbook.sections import interval_names
from sim.io.workbook.settings import (
    DISTRIBUTIONS,
    FIELDS,
    KIND_LIMITS,
    PER_GROUP,
    get,
    limit_of,
    show_value,
)
from sim.io.workbook.sheet_writer import SheetWriter
from sim.io.workbook.sheets import COVER_COLUMNS, GROUP_COLUMNS
from sim.io.workbook.task_writer import columns, task_rows
from sim.io.workbook.vocab import Vocab

EXTRA_ROWS = 300  # rows below the data that still get the drop-down lists


def dump(scenario: Scenario) -> dict[str, Any]:
    """Return what a scenario sets (defaults left out), as a file would hold it."""
    return scenario.model_dump(mode="python", exclude_unset=True)


def write_workbook(path: str | Path, scenario: Scenario | None, proposal: Scenario | None = None,
                   lang: str = "nb", flat: bool = False) -> Path:
    """Write ``scenario`` (None: an empty template) and the proposal's changes to ``path``.

    Raises
    ------
    FileExistsError
        If ``path`` exists; the workbook is never written over.
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists; wardsim does not write over a file, choose "
                              "another name")
    place_new(path, ".partial.xlsx", lambda tmp: _write(tmp, scenario, proposal, Vocab(lang), flat))
    return path


def _write(target: Path, scenario: Scenario | None, proposal: Scenario | None, vocab: Vocab,
           flat: bool) -> None:
    base = dump(scenario) if scenario is not None else _blank()
    prop = dump(proposal) if proposal is not None else None
    groups = GroupNames(tuple(g["id"] for g in base["groups"]),
                        tuple(g.get("name") for g in base["groups"]))
    book = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False,
                                             "strings_to_formulas": False,
                                             "strings_to_urls": False})
    try:
        lists = _lists(base, vocab, groups)
        out = SheetWriter(book, vocab, lists)
        out.instructions()
        _tasks(out, base, prop, vocab, groups, flat)
        _ward(out, base, prop, vocab)
        _groups(out, base, vocab, groups)
        _shifts(out, base)
        _roster(out, base, prop, groups)
        _certifications(out, base, prop, groups, vocab)
        _absence(out, base, prop, groups)
        out.write_lists()
    finally:
        book.close()


def _blank() -> dict[str, Any]:
    """Return what an empty template holds: the seed's five groups and three shifts."""
    groups = [("spesialsykepleier", "Sykepleier medisinsk overvåkning", True),
              ("sykepleier", "Sykepleier sengepost", True),
              ("helsefagarbeider", "Helsefagarbeider", False), ("sekretaer", "Sekretær", False),
              ("assistent", "Assistent", False)]
    return {"groups": [{"id": i, "name": n, "nurse": x} for i, n, x in groups],
            "shifts": {"day": {"start": "07:00", "end": "15:00"},
                       "evening": {"start": "14:30", "end": "22:30"},
                       "night": {"start": "22:00", "end": "07:30"}},
            "roster": {}, "tasks": []}


def _lists(base: dict[str, Any], vocab: Vocab, groups: GroupNames) -> dict[str, list[str]]:
    intervals = base.get("intervals")
    return {
        "groups": groups.shown, "mark": ["x"],
        "category": [vocab.label("category", c) for c in CATEGORIES],
        "time_use": [vocab.label("time_use", c) for c in TIME_USE_CLASSES],
        "interval": [*interval_names(vocab, intervals), vocab.text("heading", "fixed_times")],
        "priority": [vocab.label("priority", p) for p in PRIORITIES],
        "yes_no": [vocab.text("word", "yes"), vocab.text("word", "no")],
        "per": [vocab.text("word", "patient"), vocab.text("word", "ward")],
        "distribution": [vocab.text("word", d) for d in DISTRIBUTIONS],
        "certification": list(base.get("certifications", {})) or [""],
        "shift": list(base.get("shifts", {})) or [""],
        "weekday": [vocab.text("word", d) for d in WEEKDAYS],
        "holders": [vocab.text("word", "all")],
        "language": ["nb", "sv", "en"],
    }


def _proposed_tasks(base: dict[str, Any], prop: dict[str, Any] | None) -> dict[str, dict]:
    if prop is None:
        return {}
    before = {t["id"]: t for t in base["tasks"]}
    out = {}
    for task in prop["tasks"]:
        old = before.get(task["id"])
        if old is not None and (task["group"] != old["group"]
                                or task.get("requires") != old.get("requires")):
            out[task["id"]] = task
    return out


def _tasks(out: SheetWriter, base: dict[str, Any], prop: dict[str, Any] | None, vocab: Vocab,
           groups: GroupNames, flat: bool) -> None:
    cols = columns(vocab, groups, flat)
    rows = task_rows(list(base["tasks"]), _proposed_tasks(base, prop), vocab, groups,
                     base.get("intervals"), flat)
    sheet = out.sheet("tasks", [c.header for c in cols], freeze=(1, 1))
    last = out.task_rows(sheet, rows)
    widths = {"name": 58, "mark": 12, "time": 6, "training": 16, "proposal": 18, "interval": 40,
              "category": 22, "time_use": 22, "at": 18, "spread_by_group": 24, "id": 24}
    choices = {"mark": "mark", "training": "certification", "proposal": "groups",
               "interval": "interval", "category": "category", "time_use": "time_use",
               "per": "per", "priority": "priority", "repeat": "yes_no", "handover": "yes_no",
               "distribution": "distribution"}
    for i, col in enumerate(cols):
        sheet.set_column(i, i, widths.get(col.key, 11))
        if col.key in choices:
            out.choose(sheet, i, 1, last + EXTRA_ROWS, choices[col.key],
                       strict=col.key not in ("training",))


def _ward(out: SheetWriter, base: dict[str, Any], prop: dict[str, Any] | None,
          vocab: Vocab) -> None:
    sheet = out.sheet("ward", [vocab.text("col", k) for k in ("field", "value", "proposal",
                                                                "default")], freeze=(1, 1))
    choices = {"weekday": "weekday", "glide": "yes_no", "distribution": "distribution",
               "language": "language"}
    for r, (key, path, kind, default) in enumerate(FIELDS, start=1):
        value = get(base, path) if path else None
        if key in PER_GROUP and isinstance(value, dict):  # on the Grupper sheet
            value = None
        other = get(prop, path) if prop is not None and path else None
        if key in PER_GROUP and isinstance(other, dict):
            other = None
        shown = [vocab.text("field", key), show_value(kind, value, vocab),
                 show_value(kind, other, vocab) if prop is not None and other != value else None,
                 show_value(kind, default, vocab) if kind in ("weekday", "glide",
                                                              "distribution") else default or None]
        out.row(sheet, r, shown)
        if kind in choices:
            for c in (1, 2):
                out.choose(sheet, c, r, r, choices[kind])
        limit = limit_of(key, kind)
        if limit is not None:
            out.number(sheet, (r, 1), (r, 2), limit)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 2, 40)
    sheet.set_column(3, 3, 20)


def _groups(out: SheetWriter, base: dict[str, Any], vocab: Vocab, groups: GroupNames) -> None:
    """Grupper; a per-group utilisation target or post size in its column (else empty)."""
    sheet = out.sheet("groups", [vocab.text("col", k) for k in GROUP_COLUMNS], freeze=(1, 0))
    limits = get(base, ("targets", "max_utilisation"))
    limits = limits if isinstance(limits, dict) else {}
    sizes = get(base, ("fte", "post_size"))
    sizes = sizes if isinstance(sizes, dict) else {}
    for r, group in enumerate(base["groups"], start=1):
        nurse = vocab.text("word", "yes" if group.get("nurse") else "no")
        out.row(sheet, r, [group["id"], group.get("name"), nurse, group.get("cost_per_hour"),
                           limits.get(group["id"]), sizes.get(group["id"])])
    last = len(base["groups"]) + EXTRA_ROWS
    out.choose(sheet, 2, 1, last, "yes_no")
    for c, kind in ((3, "minutes"), (4, "share"), (5, "post_size")):
        out.number(sheet, (1, c), (last, c), KIND_LIMITS[kind])
    for c, width in enumerate((22, 36, 12, 16, 16, 18)):
        sheet.set_column(c, c, width)


def _shifts(out: SheetWriter, base: dict[str, Any]) -> None:
    vocab = out.vocab
    keys = ("shift", "start", "end", "break_minutes", "break_window")
    sheet = out.sheet("shifts", [vocab.text("col", k) for k in keys], freeze=(1, 0))
    breaks = base.get("breaks", {})
    for r, (name, shift) in enumerate(base.get("shifts", {}).items(), start=1):
        rest = breaks.get(name, {})
        out.row(sheet, r, [name, shift["start"], shift["end"], rest.get("minutes"),
                           rest.get("window")])
    sheet.set_column(0, 4, 14)


def _day_counts(entry: Any) -> list[Any]:
    if entry is None:
        return [None, None, None]
    if isinstance(entry, int):
        return [entry, None, None]
    return [entry.get("weekday"), entry.get("weekend"), entry.get("holiday")]


def _roster(out: SheetWriter, base: dict[str, Any], prop: dict[str, Any] | None,
            groups: GroupNames) -> None:
    vocab = out.vocab
    keys = ("group", "shift", "weekday", "weekend", "holiday", "proposal_weekday",
            "proposal_weekend", "proposal_holiday", "keep_on_floor", "proposal_keep_on_floor")
    sheet = out.sheet("roster", [vocab.text("col", k) for k in keys], freeze=(1, 0))
    cells = _pairs(base.get("roster", {}), (prop or {}).get("roster"))
    floor, later = _floor(base), _floor(prop) if prop is not None else {}
    cells += [(gid, shift, None, None) for gid, shift in {**floor, **later}
              if (gid, shift) not in {(g, s) for g, s, *_ in cells}]
    for r, (gid, shift, today, proposed) in enumerate(cells, start=1):
        changed = prop is not None and proposed != today
        again = _day_counts(proposed if proposed is not None else 0) if changed else [None] * 3
        keep, then = floor.get((gid, shift)), later.get((gid, shift))
        out.row(sheet, r, [groups.label(gid), shift, *_day_counts(today), *again, keep,
                           then if prop is not None and then != keep else None])
    out.choose(sheet, 0, 1, len(cells) + EXTRA_ROWS, "groups")
    out.choose(sheet, 1, 1, len(cells) + EXTRA_ROWS, "shift")
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 9, 12)


def _floor(raw: dict[str, Any]) -> dict[tuple[str, str], int]:
    """``keep_on_floor`` of every break as {(group, shift): fewest on the floor}."""
    return {(gid, shift): n for shift, rest in raw.get("breaks", {}).items()
            for gid, n in rest.get("keep_on_floor", {}).items()}


def _pairs(today: dict[str, Any], proposed: dict[str, Any] | None) -> list[tuple]:
    """(group, shift or None, today's entry, the proposal's) for every roster cell."""
    def flat(roster: dict[str, Any]) -> dict[tuple, Any]:
        out: dict[tuple, Any] = {}
        for gid, entry in roster.items():
            if isinstance(entry, dict):
                out.update({(gid, s): n for s, n in entry.items()})
            else:
                out[(gid, None)] = entry
        return out
    a, b = flat(today), flat(proposed) if proposed is not None else None
    keys = list(a) + [k for k in (b or {}) if k not in a]
    return [(g, s, a.get((g, s)), (b or {}).get((g, s)) if b is not None else a.get((g, s)))
            for g, s in keys]


def _certifications(out: SheetWriter, base: dict[str, Any], prop: dict[str, Any] | None,
                    groups: GroupNames, vocab: Vocab) -> None:
    keys = ("certification", "group", "holders", "proposal")
    sheet = out.sheet("certifications", [vocab.text("col", k) for k in keys], freeze=(1, 0))
    today = {(c, g): x for c, holders in base.get("certifications", {}).items()
             for g, x in holders.items()}
    later = {(c, g): x for c, holders in (prop or {}).get("certifications", {}).items()
             for g, x in holders.items()} if prop is not None else today

    def shown(x: Any) -> Any:
        return vocab.text("word", "all") if x == "all" else x
    rows = list(today) + [k for k in later if k not in today]
    for r, (cert, gid) in enumerate(rows, start=1):
        now, then = today.get((cert, gid)), later.get((cert, gid), 0)
        out.row(sheet, r, [cert, groups.label(gid), shown(now),
                           shown(then) if prop is not None and then != now else None])
    out.choose(sheet, 1, 1, len(rows) + EXTRA_ROWS, "groups")
    for c in (2, 3):
        out.choose(sheet, c, 1, len(rows) + EXTRA_ROWS, "holders", strict=False)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 3, 14)


def _absence(out: SheetWriter, base: dict[str, Any], prop: dict[str, Any] | None,
             groups: GroupNames) -> None:
    """Fravær: absence per group and the shares of it covered by each source (and proposals)."""
    vocab = out.vocab
    keys = ("group", "absence", "proposal", *(c[0] for c in COVER_COLUMNS),
            *(c[1] for c in COVER_COLUMNS))
    sheet = out.sheet("absence", [vocab.text("col", k) for k in keys], freeze=(1, 0))
    today, cover = base.get("absence", {}), base.get("absence_cover", {})
    later = (prop or {}).get("absence", {}) if prop is not None else today
    cover_later = (prop or {}).get("absence_cover", {}) if prop is not None else cover
    rows = list(dict.fromkeys([*today, *cover, *later, *cover_later]))
    for r, gid in enumerate(rows, start=1):  # a rate the proposal drops is written as 0
        now = today.get(gid)
        then = later.get(gid, None if now is None else 0)
        shares = cover.get(gid)
        if shares is not None and not shares:  # given, but no source set: 0 stands for it
            shares = {"extra_shift": 0.0}
        shares = shares or {}
        proposed = cover_later.get(gid, {})
        out.row(sheet, r, [
            groups.label(gid), now, then if prop is not None and then != now else None,
            *(shares.get(c[2]) for c in COVER_COLUMNS),
            *(_proposed_share(shares, proposed, c[2], prop is not None) for c in COVER_COLUMNS),
        ])
    out.choose(sheet, 0, 1, len(rows) + EXTRA_ROWS, "groups")
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 2, 12)
    sheet.set_column(3, 8, 18)


def _proposed_share(today: dict[str, Any], later: dict[str, Any], source: str,
                    proposal: bool) -> Any:
    """Return a proposal's cover share where it differs from today's (unset is 0)."""
    then = later.get(source, 0)
    return then if proposal and then != today.get(source, 0) else None
