"""The scenario file: YAML -> validated, frozen :class:`Scenario`.

Everything a user can get wrong in a scenario file is caught here (or, for checks that
need the roster worked out, in :mod:`sim.model`) and reported as one
:class:`ScenarioError` naming the file, the field and what is allowed. A *variant*
file states only its change: ``extends: base.yaml`` plus ``move:`` and any keys to merge.
"""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from sim.calendar import ANYTIME, WEEKDAY_DAYTIME, WEEKDAYS

CATEGORIES: tuple[str, ...] = (
    "pasientbehandling", "prosedyrer", "dokumentasjon", "legemiddelhandtering", "parorende",
    "blodprover", "ernaering", "sjekkerutiner", "opplaering", "bestillinger", "renhold",
    "administrativt",
)
PRIORITIES: tuple[str, ...] = ("acute", "high", "normal", "low")
#: Longest acceptable wait (minutes) by priority when a task gives no `max_wait`.
DEFAULT_MAX_WAIT: dict[str, float] = {"acute": 10.0, "high": 30.0, "normal": 60.0, "low": 240.0}
DISTRIBUTIONS = Literal["lognormal", "gamma", "triangular", "exponential", "fixed"]


class ScenarioError(Exception):
    """A problem in a scenario file, told as ``file: field: message``."""

    def __init__(self, file: str, field: str, message: str) -> None:
        self.file, self.field, self.message = file, field, message
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {message}")


def _per_day_type(value: Any) -> Any:
    """Let a plain number stand for the same value on every day type."""
    return {"weekday": value} if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _clock_text(value: Any) -> Any:
    """YAML reads an unquoted 14:30 as the number 870 (base 60): ask for quotes."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f'write clock times in quotes, e.g. "07:30" (an unquoted time was read as the number {value})')
    return value


Clock = Annotated[str, BeforeValidator(_clock_text)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DayTypeFloat(_Frozen):
    """A value per day type; weekend falls back to weekday, holiday to weekend."""

    weekday: float = Field(ge=0)
    weekend: float | None = Field(default=None, ge=0)
    holiday: float | None = Field(default=None, ge=0)

    def of(self, day_type: str) -> float:
        """Return the value for ``weekday``, ``weekend`` or ``holiday``."""
        weekend = self.weekday if self.weekend is None else self.weekend
        if day_type == "holiday":
            return weekend if self.holiday is None else self.holiday
        return weekend if day_type == "weekend" else self.weekday


class DayTypeCount(DayTypeFloat):
    """A head count per day type."""

    weekday: int = Field(ge=0)
    weekend: int | None = Field(default=None, ge=0)
    holiday: int | None = Field(default=None, ge=0)


PerDayType = Annotated[DayTypeFloat, BeforeValidator(_per_day_type)]
PerDayTypeCount = Annotated[DayTypeCount, BeforeValidator(_per_day_type)]


class Ward(_Frozen):
    """Beds and the share of them occupied (census) by day type."""

    beds: int = Field(gt=0)
    occupancy: PerDayType = Field(default_factory=lambda: DayTypeFloat(weekday=1.0))

    @model_validator(mode="after")
    def _share(self) -> Ward:
        for day_type in ("weekday", "weekend", "holiday"):
            if self.occupancy.of(day_type) > 1:
                raise ValueError("occupancy is a share of beds and must be between 0 and 1")
        return self


class CalendarSpec(_Frozen):
    """The horizon and its day types."""

    days: int = Field(default=28, gt=0)
    start: Literal[WEEKDAYS] = "monday"  # type: ignore[valid-type]
    holidays: tuple[Annotated[int, Field(ge=0)], ...] = ()
    weekday_daytime: Clock = "08:00-15:00"


class Group(_Frozen):
    """A staff group (yrkesgruppe); list order is the competence hierarchy, broadest first."""

    id: str
    name: str | None = None
    nurse: bool = False
    cost_per_hour: float = Field(default=0.0, ge=0)


class ShiftSpec(_Frozen):
    """A shift (vakt) by clock times; an end before the start runs past midnight."""

    start: Clock
    end: Clock


class DurationSpec(_Frozen):
    """How a task's duration spreads around its estimate."""

    distribution: DISTRIBUTIONS = "lognormal"
    cv: float | None = Field(default=None, gt=0)
    min: float | None = Field(default=None, ge=0)
    mode: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, gt=0)


class DurationDefaults(DurationSpec):
    """The scenario-wide duration spread, and a multiplier on every duration."""

    cv: float | None = Field(default=0.5, gt=0)
    scale: float = Field(default=1.0, gt=0)


class Arrivals(_Frozen):
    """A multiplier on every arrival rate (for sensitivity runs)."""

    scale: float = Field(default=1.0, ge=0)


class DispatchSpec(_Frozen):
    """Who may take a waiting task: only its own group (strict), or broader ones after a wait."""

    policy: Literal["strict", "glide"] = "glide"
    glide_after: float = Field(default=10.0, ge=0)


class Task(_Frozen):
    """One task type of the ward's task mapping (kartlegging)."""

    id: str
    name: str | None = None
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    group: str
    requires: str | None = None
    per: Literal["patient", "ward"] = "patient"
    when: dict[str, PerDayType] | None = None
    at: tuple[Clock, ...] | None = None
    jitter: float = Field(default=0.0, ge=0)
    day_types: tuple[Literal["weekday", "weekend", "holiday"], ...] | None = None
    repeat: Literal["after_done"] | None = None
    minutes: float | None = Field(default=None, gt=0)
    duration: DurationSpec | None = None
    priority: Literal[PRIORITIES] = "normal"  # type: ignore[valid-type]
    max_wait: float | None = Field(default=None, ge=0)
    drop_after: float | None = Field(default=None, gt=0)
    staff: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _shape(self) -> Task:
        if (self.when is None) == (self.at is None):
            raise ValueError("give either `when` (rates per interval) or `at` (clock times), not both")
        if self.repeat and (self.when is None or self.per != "patient"):
            raise ValueError("`repeat: after_done` needs `per: patient` and `when` rates")
        if self.day_types is not None and self.at is None:
            raise ValueError("`day_types` filters `at` tasks; for `when` give rates per day type")
        triangular = self.duration is not None and self.duration.distribution == "triangular"
        if self.minutes is None and not triangular:
            raise ValueError("`minutes` (the estimated time) is required")
        return self

    @property
    def max_wait_minutes(self) -> float:
        """The longest acceptable wait, from the task or its priority's default."""
        return DEFAULT_MAX_WAIT[self.priority] if self.max_wait is None else self.max_wait


class Scenario(_Frozen):
    """A whole ward scenario, validated and frozen. Variants are new objects."""

    name: str
    description: str | None = None
    ward: Ward
    calendar: CalendarSpec = Field(default_factory=CalendarSpec)
    intervals: dict[str, str] | None = None
    groups: tuple[Group, ...] = Field(min_length=1)
    shifts: dict[str, ShiftSpec] = Field(default_factory=dict)
    roster: dict[str, Annotated[int, Field(ge=0)] | dict[str, PerDayTypeCount]]
    certifications: dict[str, dict[str, Literal["all"] | float]] = Field(default_factory=dict)
    absence: dict[str, float] = Field(default_factory=dict)
    dispatch: DispatchSpec = Field(default_factory=DispatchSpec)
    durations: DurationDefaults = Field(default_factory=DurationDefaults)
    arrivals: Arrivals = Field(default_factory=Arrivals)
    tasks: tuple[Task, ...] = Field(min_length=1)


# ---------------------------------------------------------------------------------------
# Loading, variants and error messages


def load(path: str | Path) -> Scenario:
    """Read, merge (``extends``/``move``) and validate a scenario file.

    Raises
    ------
    ScenarioError
        One clear message naming the file, the field and what is allowed.
    """
    path = Path(path)
    raw = load_raw(path)
    return from_dict(raw, source=str(path))


def from_dict(raw: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate an already merged scenario mapping; errors name ``source``."""
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as err:
        raise _to_scenario_error(err, raw, source) from None
    from sim.model import check_references  # cross-checks live with the model they need

    check_references(scenario, source)
    return scenario


def load_raw(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a scenario file as a plain mapping, with ``extends`` and ``move`` applied."""
    file = str(path)
    if not path.is_file():
        raise ScenarioError(file, "", "file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ScenarioError(file, where, f"not valid YAML: {problem}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(file, "", f"cannot be read: {err}") from None
    if not isinstance(raw, dict):
        raise ScenarioError(file, "", "must be a mapping of keys (name:, ward:, groups: ...)")
    base_name = raw.pop("extends", None)
    move = raw.pop("move", None)
    if base_name is None:
        if move is not None:
            raise ScenarioError(file, "move", "only a variant (a file with `extends:`) can move tasks")
        return raw
    if not isinstance(base_name, str):
        raise ScenarioError(file, "extends", "must be the path of the base scenario file")
    base_path = (path.parent / base_name).resolve()
    if base_path in _seen:
        raise ScenarioError(file, "extends", f"{base_name} extends this file again (a loop)")
    if not base_path.is_file():
        raise ScenarioError(file, "extends", f"base file {base_name} not found (looked in {base_path.parent})")
    base = load_raw(base_path, (*_seen, path.resolve()))
    merged = merge(base, raw)
    if move is not None:
        _apply_move(merged, move, file)
    return merged


def merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``change`` merged in; neither input is modified.

    Mappings merge key by key (a key set to ``null`` is removed); ``tasks`` merge by task
    id (a new id is added); any other value replaces the base's.
    """
    out = dict(base)
    for key, value in change.items():
        if value is None:
            out.pop(key, None)
        elif key == "tasks" and isinstance(value, list) and isinstance(base.get(key), list):
            out[key] = _merge_tasks(base[key], value)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = merge(base[key], value)
        else:
            out[key] = value
    return out


def _merge_tasks(base: list[Any], change: list[Any]) -> list[Any]:
    tasks = list(base)
    index = {t.get("id"): i for i, t in enumerate(tasks) if isinstance(t, dict)}
    for task in change:
        tid = task.get("id") if isinstance(task, dict) else None
        if tid in index:
            tasks[index[tid]] = merge(tasks[index[tid]], task)
        else:
            tasks.append(task)
    return tasks


def _apply_move(merged: dict[str, Any], move: Any, file: str) -> None:
    if not isinstance(move, dict):
        raise ScenarioError(file, "move", "must map task ids to their new group, e.g. {blodprove: helsefagarbeider}")
    tasks = {t.get("id"): t for t in merged.get("tasks", []) if isinstance(t, dict)}
    groups = [g.get("id") for g in merged.get("groups", []) if isinstance(g, dict)]
    for task_id, group in move.items():
        if task_id not in tasks:
            raise ScenarioError(file, f"move.{task_id}", f"no task {task_id!r}{_suggest(task_id, tasks)}")
        if groups and group not in groups:
            raise ScenarioError(file, f"move.{task_id}", f"{group!r} is not a staff group{_suggest(group, groups)}")
        tasks[task_id] = merge(tasks[task_id], {"group": group})
    merged["tasks"] = [tasks.get(t.get("id"), t) if isinstance(t, dict) else t for t in merged.get("tasks", [])]


def _suggest(word: Any, allowed: Any) -> str:
    names = [str(a) for a in allowed]
    close = difflib.get_close_matches(str(word), names, n=1)
    if close:
        return f"; did you mean {close[0]!r}?"
    shown = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
    return f"; allowed: {shown}"


def _to_scenario_error(err: ValidationError, raw: Any, source: str) -> ScenarioError:
    """Turn pydantic's error list into the single most specific, readable message."""
    best = max(err.errors(), key=lambda e: len(_readable_loc(raw, e["loc"], e["type"])[0]))
    field, node_loc = _readable_loc(raw, best["loc"], best["type"])
    kind, given = best["type"], best.get("input")
    if kind == "extra_forbidden":
        key = str(best["loc"][-1])
        allowed = _allowed_keys(node_loc)
        return ScenarioError(source, field, f"unknown key {key!r}{_suggest(key, allowed)}")
    if kind == "missing":
        return ScenarioError(source, field, "is required but missing")
    message = best["msg"].removeprefix("Value error, ")
    if kind.startswith("literal") or kind in ("literal_error", "enum"):
        return ScenarioError(source, field, f"{given!r} is not allowed; {message[0].lower()}{message[1:]}")
    if isinstance(given, (str, int, float)) and kind != "value_error":
        message = f"{message} (got {given!r})"
    return ScenarioError(source, field, message)


def _readable_loc(raw: Any, loc: tuple[Any, ...], kind: str = "") -> tuple[str, list[Any]]:
    """Map a pydantic error location onto the user's data: ``tasks.blodprove.minutes``.

    Location parts that are not in the data (union branch tags, validator names) are
    skipped; list items with an ``id`` are named by it. Also returns the path of keys and
    indices into the data (the model path) for finding the allowed keys.
    """
    parts: list[str] = []
    path: list[Any] = []
    node = raw
    for i, key in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and key in node:
            parts.append(str(key))
            path.append(key)
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            item = node[key]
            label = str(item["id"]) if isinstance(item, dict) and "id" in item else f"[{key}]"
            if label.startswith("[") and parts:
                parts[-1] += label
            else:
                parts.append(label)
            path.append(key)
            node = item
        elif last and kind in ("missing", "extra_forbidden"):
            parts.append(str(key))
    return ".".join(parts), path


def _allowed_keys(path: list[Any]) -> list[str]:
    """Field names of the model found by walking ``path`` from :class:`Scenario`."""
    tp: Any = Scenario
    for key in path:
        tp = _model_in(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(key, str) and key in tp.model_fields:
            tp = tp.model_fields[key].annotation
        else:
            args = [a for a in typing.get_args(tp) if a not in (type(None), Ellipsis)]
            tp = args[-1] if args else tp
    tp = _model_in(tp)
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def _model_in(tp: Any) -> Any:
    """Unwrap Optional/Annotated/Union down to a pydantic model if there is one."""
    for _ in range(5):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp
        args = typing.get_args(tp)
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if models:
            return models[0]
        if typing.get_origin(tp) is Annotated:
            tp = args[0]
        else:
            return tp
    return tp
