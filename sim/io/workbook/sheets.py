"""The sheets other than the task table: Post, Grupper, Vakter, Bemanning, Sertifisering, Fravær.

Each reader adds today's values to ``book.raw`` and the proposal's (the Forslag cells) to
``book.change``, the variant that turns today's ward into the proposal: an empty Forslag
cell keeps today's value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.calendar import WEEKDAYS
from sim.io.workbook import values as v
from sim.io.workbook.cells import Sheet, as_text
from sim.io.workbook.groups import GroupNames
from sim.io.workbook.settings import FIELDS, put, read_value
from sim.io.workbook.task_rows import slug
from sim.io.workbook.vocab import Vocab

DAY_KEYS = ("weekday", "weekend", "holiday")


@dataclass
class Book:
    """What the sheets say: today's scenario, the proposal's change, and where each value is."""

    raw: dict[str, Any] = field(default_factory=dict)
    change: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    has_proposal: bool = False
    post_sizes: dict[str, float] = field(default_factory=dict)  # Grupper's column


def merge_post_sizes(book: Book, groups: GroupNames) -> None:
    """Give ``fte.post_size`` per group when the Grupper sheet has any post size.

    A group whose cell is empty takes the Post sheet's mean post size; without one, the
    group is left out (the scenario format's default, full-time posts).
    """
    if not book.post_sizes:
        return
    fte = book.raw.setdefault("fte", {})
    common = fte.get("post_size")
    fte["post_size"] = {gid: book.post_sizes.get(gid, common) for gid in groups.ids
                        if gid in book.post_sizes or common is not None}


def header(sheet: Sheet, vocab: Vocab, keys: tuple[str, ...], required: tuple[str, ...]
           ) -> tuple[int, dict[str, int]]:
    """Return the header row of a table sheet and each key's column; unknown ones fail."""
    row = next((r for r in range(sheet.height) if sheet.filled(r)), 0)
    cols: dict[str, int] = {}
    shown = [vocab.text("col", k) for k in keys]
    for col in sheet.filled(row):
        text = as_text(sheet.value(row, col))
        key = vocab.lookup("col", text)
        if key not in keys:
            sheet.fail(row, col, f"unknown column {text!r}{v.expected(text, shown)}")
        if key in cols:
            sheet.fail(row, col, f"the column {text!r} is there twice")
        cols[key] = col
    for key in required:
        if key not in cols:
            sheet.fail(row, 0, f"no {vocab.text('col', key)!r} column; the columns are: "
                               f"{', '.join(shown)}")
    return row, cols


def _rows(sheet: Sheet, start: int) -> list[int]:
    return [r for r in range(start + 1, sheet.height) if sheet.filled(r)]


def _group(sheet: Sheet, row: int, column: int, groups: GroupNames) -> str:
    """Return the group id a cell names (its id or display name); else fail at the cell."""
    text = v.text(sheet, row, column)
    gid = groups.resolve(text)
    if gid is None:
        sheet.fail(row, column, f"{text!r} is not a staff group"
                                f"{v.expected(str(text), groups.shown)}")
    return gid


#: The Grupper sheet's columns, in the writer's order.
GROUP_COLUMNS = ("id", "group_name", "nurse", "cost_per_hour", "max_utilisation", "post_size")


def read_groups(sheet: Sheet, vocab: Vocab, book: Book) -> GroupNames:
    """Grupper: one row per staff group, broadest competence first."""
    top, cols = header(sheet, vocab, GROUP_COLUMNS, ())
    if "id" not in cols and "group_name" not in cols:
        sheet.fail(top, 0, f"no {vocab.text('col', 'id')!r} or "
                           f"{vocab.text('col', 'group_name')!r} column")
    groups, targets = [], {}
    for r in _rows(sheet, top):
        name = v.text(sheet, r, cols.get("group_name"))
        gid = v.text(sheet, r, cols.get("id")) or (slug(name) if name else None)
        if gid is None:
            sheet.fail(r, sheet.filled(r)[0], "a group row needs its ID or Navn")
        if any(g["id"] == gid for g in groups):
            sheet.fail(r, cols.get("id", cols.get("group_name", 0)),
                       f"the group {gid!r} is there twice")
        group: dict[str, Any] = {"id": gid}
        if name is not None:
            group["name"] = name
        nurse = v.yes_no(sheet, r, cols.get("nurse"), vocab)
        if nurse is not None:
            group["nurse"] = nurse
        cost = v.number(sheet, r, cols.get("cost_per_hour"), "a cost per hour", ge=0)
        if cost is not None:
            group["cost_per_hour"] = cost
        limit = v.share(sheet, r, cols.get("max_utilisation"), "a utilisation")
        if limit is not None:
            targets[gid] = limit
            book.cells[f"targets.max_utilisation.{gid}"] = sheet.ref(r, cols["max_utilisation"])
        size = v.post_size(sheet, r, cols.get("post_size"))
        if size is not None:
            book.post_sizes[gid] = size
            book.cells[f"fte.post_size.{gid}"] = sheet.ref(r, cols["post_size"])
        book.cells[f"groups.{gid}"] = sheet.ref(r, cols.get("id", cols.get("group_name", 0)))
        groups.append(group)
    if not groups:
        sheet.fail(top, 0, "no staff groups; give one row per group, broadest competence first")
    book.raw["groups"] = groups
    if targets:
        book.raw.setdefault("targets", {})["max_utilisation"] = targets
    return GroupNames(tuple(g["id"] for g in groups), tuple(g.get("name") for g in groups))


def read_ward(sheet: Sheet, vocab: Vocab, book: Book) -> None:
    """Post: a setting per row (Felt), today's value (Verdi) and the proposal's (Forslag)."""
    top, cols = header(sheet, vocab, ("field", "value", "proposal", "default"), ("field", "value"))
    kinds = {key: (path, kind) for key, path, kind, _ in FIELDS}
    rows: dict[str, int] = {}
    for r in _rows(sheet, top):
        label = v.text(sheet, r, cols["field"])
        if label is None:
            continue
        key = vocab.lookup("field", label)
        if key not in kinds:
            shown = vocab.shown("field", [k for k, *_ in FIELDS])
            sheet.fail(r, cols["field"], f"unknown setting {label!r}{v.expected(label, shown)}")
        if key in rows:
            sheet.fail(r, cols["field"], f"the setting {label!r} is there twice")
        rows[key] = r
    start_date = {}
    for which in ("value", "proposal"):
        if "start_date" in rows and which in cols:
            start_date[which] = read_value(sheet, rows["start_date"], cols[which], "date", vocab,
                                           None)
    for key, r in rows.items():
        path, kind = kinds[key]
        if path:  # a required setting left empty is told at its cell
            book.cells[".".join(path)] = sheet.ref(r, cols["value"])
        for which, target in (("value", book.raw), ("proposal", book.change)):
            if which not in cols or key == "start_date":
                continue
            date = start_date.get(which) or start_date.get("value")
            value = read_value(sheet, r, cols[which], kind, vocab, date)
            if value is None:
                continue
            put(target, path, value)
            book.has_proposal |= which == "proposal"
    for which, target in (("value", book.raw), ("proposal", book.change)):
        date = start_date.get(which)
        if date is None:
            continue
        weekday = WEEKDAYS[date.weekday()]
        given = target.get("calendar", {}).get("start")
        if given is not None and given != weekday:
            sheet.fail(rows["start"], cols[which], f"the first weekday {given!r} is not the "
                                                   f"weekday of the start date ({weekday})")
        put(target, ("calendar", "start"), weekday)
        book.has_proposal |= which == "proposal"


def read_shifts(sheet: Sheet, vocab: Vocab, book: Book) -> None:
    """Vakter: a shift's name, start and end, and its meal break (minutes and window)."""
    top, cols = header(sheet, vocab, ("shift", "start", "end", "break_minutes", "break_window"),
                       ("shift", "start", "end"))
    shifts: dict[str, Any] = {}
    breaks: dict[str, Any] = {}
    for r in _rows(sheet, top):
        name = v.text(sheet, r, cols["shift"])
        if name is None:
            sheet.fail(r, sheet.filled(r)[0], "a shift row needs the shift's name")
        if name in shifts:
            sheet.fail(r, cols["shift"], f"the shift {name!r} is there twice")
        start, end = v.clock(sheet, r, cols["start"]), v.clock(sheet, r, cols["end"])
        if start is None or end is None:
            sheet.fail(r, cols["start" if start is None else "end"],
                       f"the shift {name!r} needs its start and end (HH:MM)")
        shifts[name] = {"start": start, "end": end}
        book.cells[f"shifts.{name}"] = sheet.ref(r, cols["shift"])
        minutes = v.number(sheet, r, cols.get("break_minutes"), "a break in minutes", gt=0)
        window = v.span(sheet, r, cols.get("break_window"))
        if (minutes is None) != (window is None):
            key = "break_window" if window is None else "break_minutes"
            sheet.fail(r, cols.get(key, cols["shift"]), f"the break of {name!r} needs both its "
                       f"{vocab.text('col', 'break_minutes')!r} and its "
                       f"{vocab.text('col', 'break_window')!r} (HH:MM-HH:MM)")
        if minutes is not None:
            breaks[name] = {"minutes": minutes, "window": window}
            book.cells[f"breaks.{name}"] = sheet.ref(r, cols["break_minutes"])
            book.cells[f"breaks.{name}.window"] = sheet.ref(r, cols["break_window"])
    book.raw["shifts"] = shifts
    if breaks:
        book.raw["breaks"] = breaks


def _counts(sheet: Sheet, r: int, cols: dict[str, int], keys: tuple[str, ...]) -> Any:
    got = {dt: v.whole(sheet, r, cols.get(k), "a head count") for dt, k in zip(DAY_KEYS, keys,
                                                                              strict=True)}
    if all(x is None for x in got.values()):
        return None
    if got["weekday"] is None:
        sheet.fail(r, cols[keys[1] if got["weekend"] is not None else keys[2]],
                   "a weekend or holiday head count needs the weekday count too")
    return got["weekday"] if got["weekend"] is None and got["holiday"] is None else \
        {k: n for k, n in got.items() if n is not None}


def read_roster(sheet: Sheet, vocab: Vocab, book: Book, groups: GroupNames) -> None:
    """Bemanning: head count per group, shift and day type; Forslag columns for the proposal."""
    keys = ("group", "shift", "weekday", "weekend", "holiday", "proposal_weekday",
            "proposal_weekend", "proposal_holiday", "keep_on_floor", "proposal_keep_on_floor")
    top, cols = header(sheet, vocab, keys, ("group",))
    roster: dict[str, Any] = {}
    change: dict[str, Any] = {}
    breaks = book.raw.get("breaks", {})
    for r in _rows(sheet, top):
        gid = _group(sheet, r, cols["group"], groups)
        shift = v.text(sheet, r, cols.get("shift"))
        today = _counts(sheet, r, cols, keys[2:5])
        proposed = _counts(sheet, r, cols, keys[5:8])
        for target, counts in ((roster, today), (change, proposed)):
            if counts is None:
                continue
            if shift is None:
                if not isinstance(counts, int):
                    sheet.fail(r, cols["group"], "without a shift, a head count is round the "
                                                 "clock and the same every day type")
                target[gid] = counts
            else:
                entry = target.setdefault(gid, {})
                if not isinstance(entry, dict):
                    sheet.fail(r, cols["shift"], f"{gid!r} is on duty round the clock (a row "
                                                 "without a shift) and on shifts")
                if shift in entry:
                    sheet.fail(r, cols["shift"], f"{gid!r} on {shift!r} is there twice")
                entry[shift] = counts
        if proposed is not None:
            book.has_proposal = True
        for key, target in (("keep_on_floor", book.raw), ("proposal_keep_on_floor", book.change)):
            keep = v.whole(sheet, r, cols.get(key), "a head count")
            if keep is None:
                continue
            if shift not in breaks:
                sheet.fail(r, cols[key], "the fewest on the floor during breaks needs a shift "
                           f"with a break ({vocab.text('col', 'break_minutes')!r} on the sheet "
                           f"{vocab.text('sheet', 'shifts')!r})")
            floor = target.setdefault("breaks", {}).setdefault(shift, {})
            floor.setdefault("keep_on_floor", {})[gid] = keep
            book.cells[f"breaks.{shift}.keep_on_floor.{gid}"] = sheet.ref(r, cols[key])
            book.has_proposal |= key.startswith("proposal")
        where = f"roster.{gid}" + (f".{shift}" if shift else "")
        book.cells.setdefault(where, sheet.ref(r, cols["shift" if shift else "group"]))
    book.raw["roster"] = roster
    if change:
        book.change["roster"] = change


def _holders(sheet: Sheet, r: int, col: int | None, vocab: Vocab) -> Any:
    value = sheet.value(r, col)
    if value is None:
        return None
    if vocab.lookup("word", value) == "all":
        return "all"
    got = v.number(sheet, r, col, "all, a number per shift or a share", ge=0)
    return int(got) if got is not None and got.is_integer() else got


def read_certifications(sheet: Sheet, vocab: Vocab, book: Book, groups: GroupNames) -> None:
    """Sertifisering: who holds what (alle, a number per shift, or a share)."""
    top, cols = header(sheet, vocab, ("certification", "group", "holders", "proposal"),
                       ("certification", "group"))
    certs: dict[str, dict[str, Any]] = {}
    change: dict[str, dict[str, Any]] = {}
    for r in _rows(sheet, top):
        cert = v.text(sheet, r, cols["certification"])
        if cert is None:
            sheet.fail(r, sheet.filled(r)[0], "a certification row needs its name")
        gid = _group(sheet, r, cols["group"], groups)
        today = _holders(sheet, r, cols.get("holders"), vocab)
        proposed = _holders(sheet, r, cols.get("proposal"), vocab)
        if today is None and proposed is None:
            sheet.fail(r, cols.get("holders", cols["group"]), "say who holds it: all, a number "
                                                               "per shift, or a share")
        if today is not None:
            if gid in certs.get(cert, {}):
                sheet.fail(r, cols["group"], f"{cert!r} for {gid!r} is there twice")
            certs.setdefault(cert, {})[gid] = today
            book.cells[f"certifications.{cert}.{gid}"] = sheet.ref(r, cols["holders"])
        if proposed is not None:
            change.setdefault(cert, {})[gid] = proposed
            book.has_proposal = True
    book.raw["certifications"] = certs
    if change:
        book.change["certifications"] = change


#: The Fravær sheet's cover columns: (today's column, the proposal's, the source).
COVER_COLUMNS = (("cover_extra_shift", "proposal_extra_shift", "extra_shift"),
                 ("cover_overtime", "proposal_overtime", "overtime"),
                 ("cover_agency", "proposal_agency", "agency"))


def read_absence(sheet: Sheet, vocab: Vocab, book: Book, groups: GroupNames) -> None:
    """Fravær: the share of rostered shifts lost per group, and the shares of it covered.

    A cover column left empty is not set (no cover from that source); a row with none of
    them filled gives the group no ``absence_cover`` entry.
    """
    keys = ("group", "absence", "proposal", *(k for c in COVER_COLUMNS for k in c[:2]))
    top, cols = header(sheet, vocab, keys, ("group",))
    absence: dict[str, float] = {}
    change: dict[str, float] = {}
    cover: dict[str, dict[str, float]] = {}
    cover_change: dict[str, dict[str, float]] = {}
    for r in _rows(sheet, top):
        gid = _group(sheet, r, cols["group"], groups)
        for target, key in ((absence, "absence"), (change, "proposal")):
            value = v.share(sheet, r, cols.get(key), "an absence")
            if value is None:
                continue
            if value >= 1:
                sheet.fail(r, cols[key], f"{as_text(value)!r}: an absence must be below 1")
            target[gid] = value
        book.cells[f"absence.{gid}"] = sheet.ref(r, cols.get("absence", cols["group"]))
        for today, proposed, source in COVER_COLUMNS:
            for target, key in ((cover, today), (cover_change, proposed)):
                value = v.share(sheet, r, cols.get(key), "a share of absences covered")
                if value is not None:
                    target.setdefault(gid, {})[source] = value
                    if target is cover:
                        book.cells[f"absence_cover.{gid}.{source}"] = sheet.ref(r, cols[key])
        if gid in cover:  # an error of the shares together: at the first one given
            first = next(c[0] for c in COVER_COLUMNS if c[2] in cover[gid])
            book.cells[f"absence_cover.{gid}"] = sheet.ref(r, cols[first])
    book.raw["absence"] = absence
    if cover:
        book.raw["absence_cover"] = cover
    if cover_change:
        book.change["absence_cover"] = cover_change
        book.has_proposal = True
    if change:
        book.change["absence"] = change
        book.has_proposal = True
