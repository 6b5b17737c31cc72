"""What a pilot measured: one row per KPI, with what the measurement rests on.

Columns ``group``, ``kpi``, ``category``, ``value``, ``count``, ``n`` and the optional
``shift`` and ``day_type`` that narrow a row to those cells (empty or ``all``: every one).

- ``work_sampling``: ``count`` of ``n`` random moments at which a member of ``group`` (a
  group id or ``nurses``) on duty was on a task of ``category`` – a task category of the
  scenario format, a time-use class (``direct_care`` …), or ``idle`` for none; ``value`` =
  count / n may stand in for ``count``, and if both are given they must agree. A share
  without ``n`` (a published figure) is taken as it is, without a CI.
- ``utilisation``: the share of ``group``'s time on duty spent on tasks; ``category`` empty.
- ``late_share``: the share of tasks placed on ``group`` (empty or ``all``: every task) that
  waited longer than their ``max_wait``; ``category`` may narrow it.
- ``missed_per_week``: tasks never done per week, as ``late_share`` narrows them.

For the last three ``value`` is the measurement (or ``count`` and ``n``); ``n`` is optional:
the moments or tasks a share rests on, or the weeks a count per week was measured over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from calibration.timestudy import hint, number
from sim.calendar import DAY_TYPES
from sim.i18n import LANGUAGES, catalogue
from sim.io import schema_tasks
from sim.io.errors import ScenarioError, quoted
from sim.model import WardModel
from sim.pilot.files import Table, plain, shown

KPIS = ("work_sampling", "utilisation", "late_share", "missed_per_week")
#: KPIs of staff time (by the group whose time it is) and of tasks (by the group placed on).
STAFF_KPIS = frozenset({"work_sampling", "utilisation"})
SHARES = frozenset({"work_sampling", "utilisation", "late_share"})
IDLE = "idle"
NURSES = "nurses"
ALL = "all"
#: A value and count / n given together may differ by this much (a share rounded to 1 %).
AGREE = 0.0051
#: Most observations a row may rest on.
MAX_N = 10**9


@dataclass(frozen=True)
class Measure:
    """One measured KPI; ``count`` and ``n`` None when not given. ``file``/``field``: where."""

    group: str
    kpi: str
    category: str
    shift: str
    day_type: str
    value: float
    count: float | None
    n: float | None
    file: str = ""
    field: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What the row measures: (group, kpi, category, shift, day type)."""
        return (self.group, self.kpi, self.category, self.shift, self.day_type)

    def error(self, message: str) -> ScenarioError:
        """Return a one-line error about this row."""
        return ScenarioError(self.file, self.field, message)


def categories() -> list[str]:
    """Task categories and time-use classes a row may name (the format's, not only used ones)."""
    known = schema_tasks.CATEGORIES
    return list(known) + [c for c in schema_tasks.TIME_USE_CLASSES if c not in known]


def _day_types() -> dict[str, str]:
    words = {d: d for d in DAY_TYPES}
    for lang in LANGUAGES:
        for d in DAY_TYPES:
            words[catalogue(lang)[f"label.day_type.{d}"].lower()] = d
    return words


def read_measured(table: Table, model: WardModel) -> list[Measure]:
    """Every measured row, checked against the scenario."""
    table.check_columns(["group", "kpi"], ["category", "value", "count", "n", "shift",
                                           "day_type"])
    groups = list(model.group_ids) + ([NURSES] if model.nurse_groups else []) + [ALL]
    shifts = list(model.shift_names)
    words = _day_types()
    out: list[Measure] = []
    seen: dict[tuple, int] = {}
    for row, cells in table.rows:
        kpi = plain(table.cell(cells, "kpi")).lower()
        if kpi not in KPIS:
            raise table.fail(row, "kpi", "unknown_kpi", value=quoted(kpi),
                             hint=hint(table.msg, kpi, list(KPIS)))
        group = _choice(table, row, "group", cells, groups) or ALL
        category = _category(table, row, cells, kpi)
        shift = _choice(table, row, "shift", cells, [*shifts, ALL]) or ALL
        given = plain(table.cell(cells, "day_type")).lower()
        if given and given != ALL and given not in words:
            raise table.fail(row, "day_type", "unknown_day_type", value=quoted(given))
        day_type = words.get(given, ALL)
        value, count, n = _numbers(table, row, cells, kpi)
        key = (group, kpi, category, shift, day_type)
        if key in seen:
            raise table.fail(row, "kpi", "duplicate_measure", first=seen[key])
        seen[key] = row
        out.append(Measure(group, kpi, category, shift, day_type, value, count, n,
                           table.file, table.where(row, "kpi")))
    return out


def _choice(table: Table, row: int, column: str, cells: list[Any], allowed: list[str]) -> str:
    text = plain(table.cell(cells, column))
    if text and text not in allowed:
        raise table.fail(row, column, f"unknown_{column}", value=quoted(text),
                         hint=hint(table.msg, text, allowed))
    return text


def _category(table: Table, row: int, cells: list[Any], kpi: str) -> str:
    text = plain(table.cell(cells, "category"))
    if kpi == "utilisation":
        if text:
            raise table.fail(row, "category", "category_not_here", value=quoted(text))
        return ""
    allowed = categories() + ([IDLE] if kpi == "work_sampling" else [])
    if not text:
        if kpi == "work_sampling":
            raise table.fail(row, "category", "category_needed",
                             allowed=", ".join(allowed[:6]) + " …")
        return ""
    if text not in allowed:
        raise table.fail(row, "category", "unknown_category", value=quoted(text),
                         hint=hint(table.msg, text, allowed))
    return text


def _numbers(table: Table, row: int, cells: list[Any], kpi: str
             ) -> tuple[float, float | None, float | None]:
    """(value, count, n) of a row, each checked; value from count / n when not given."""
    raw = {c: table.cell(cells, c) for c in ("value", "count", "n")}
    got: dict[str, float | None] = {}
    for column, cell in raw.items():
        got[column] = None if cell is None else number(cell)
        if cell is not None and got[column] is None:
            raise table.fail(row, column, "not_number", value=shown(cell))
    value, count, n = got["value"], got["count"], got["n"]
    if n is not None and not (0 < n <= MAX_N and (kpi == "missed_per_week" or n == int(n))):
        raise table.fail(row, "n", "not_n" if kpi != "missed_per_week" else "not_weeks",
                         value=shown(raw["n"]), most=MAX_N)
    if count is not None and (count < 0 or count != int(count)
                              or (n is not None and kpi in SHARES and count > n)):
        raise table.fail(row, "count", "not_count", value=shown(raw["count"]),
                         n=plain(raw["n"]) or "n")
    if value is None:
        if count is None or n is None:
            raise table.fail(row, "value", "value_needed")
        value = count / n
    if kpi in SHARES and not 0 <= value <= 1:
        raise table.fail(row, "value", "not_share", value=shown(raw["value"]))
    if kpi == "missed_per_week" and not 0 <= value <= MAX_N:
        raise table.fail(row, "value", "not_rate", value=shown(raw["value"]))
    if count is not None and n is not None and raw["value"] is not None \
            and abs(value - count / n) > (AGREE if kpi in SHARES else AGREE * max(value, 1)):
        raise table.fail(row, "value", "value_mismatch", value=plain(raw["value"]),
                         count=plain(raw["count"]), n=plain(raw["n"]))
    return float(value), count, n
