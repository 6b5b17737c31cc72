"""pydantic's error list -> the one most specific error, told in a user's words.

pydantic speaks Python ("Input should be a valid tuple", "a valid dictionary or instance of
ShiftSpec", "function-after[...]"); a ward's planner needs "must be a list, such as [17]" or
"must be a mapping of keys, such as {start: "07:00", end: "15:00"}". The location is told
in the file's own terms (``tasks.blodprove.minutes``); a misspelt key is answered with the
key it most likely means, whether pydantic saw it as unknown or the right key as missing.
"""

from __future__ import annotations

import difflib
import re
import typing
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError

from sim.io.errors import ScenarioError, shown, suggest

_NUMBER = "must be a number, such as 0.5"
_WHOLE = "must be a whole number, such as 4"
_TEXT = "must be text (put it in quotes if YAML reads it as a number, a date or yes/no)"
_MAPPING = "must be a mapping of keys"
_LIST = "must be a list"

#: The words for each kind of pydantic type error.
TYPE_MESSAGES: dict[str, str] = {
    "float_parsing": _NUMBER, "float_type": _NUMBER, "finite_number": _NUMBER,
    "int_parsing": _WHOLE, "int_type": _WHOLE, "int_from_float": _WHOLE, "int_parsing_size": _WHOLE,
    "string_type": _TEXT, "string_sub_type": _TEXT, "string_unicode": _TEXT,
    "bool_type": "must be true or false", "bool_parsing": "must be true or false",
    "dict_type": _MAPPING, "model_type": _MAPPING, "model_attributes_type": _MAPPING,
    "mapping_type": _MAPPING, "dataclass_type": _MAPPING,
    "tuple_type": _LIST, "list_type": _LIST, "iterable_type": _LIST, "sequence_str": _LIST,
    "set_type": _LIST, "frozen_set_type": _LIST,
}
#: An example of each part of a scenario, by pydantic model.
MODEL_EXAMPLES: dict[str, str] = {
    "Ward": "{beds: 24, occupancy: 0.9}",
    "CalendarSpec": "{days: 28, start: monday}",
    "Group": "{id: sykepleier, name: Sykepleier, nurse: true}",
    "ShiftSpec": '{start: "07:00", end: "15:00"}',
    "DurationSpec": "{distribution: gamma, cv: 0.3}",
    "GroupDuration": "{cv: 0.8}",
    "DurationDefaults": "{distribution: lognormal, cv: 0.5}",
    "Arrivals": "{scale: 1.0}",
    "DispatchSpec": "{policy: glide, glide_after: 10}",
    "Task": '{id: blodprove, category: blodprover, group: sykepleier, when: {"07-09": 0.5}, '
            "minutes: 6}",
    "LateShares": "{high: 0.05}",
    "Targets": "{max_utilisation: 0.85}",
    "FTE": "{weekly_hours: 35.5}",
    "Scenario": "name:, ward:, groups:, roster:, tasks:",
}
#: Day-type values: a plain value stands for every day type.
DAY_TYPE_EXAMPLES: dict[str, str] = {
    "DayTypeFloat": "must be a number, or one per day type such as {weekday: 1, weekend: 0.4}",
    "DayTypeShare": "must be a share between 0 and 1, or one per day type such as "
                    "{weekday: 0.9, weekend: 0.8}",
    "DayTypeCount": "must be a head count, or one per day type such as {weekday: 5, weekend: 4}",
}
#: An example by the key a mapping or list is given under.
FIELD_EXAMPLES: dict[str, str] = {
    "when": '{"07-09": 0.5, "12-15": 0.1}',
    "shifts": '{day: {start: "07:00", end: "15:00"}}',
    "roster": "{sykepleier: {day: 5, evening: 4, night: 2}}",
    "certifications": "{news: {sykepleier: all, helsefagarbeider: 1}}",
    "absence": "{sykepleier: 0.06}",
    "intervals": '{"07-15": "07:00-15:00", "15-07": "15:00-07:00"}',
    "minutes": "{sykepleier: 6, helsefagarbeider: 8}",
    "duration_by_group": "{helsefagarbeider: {cv: 0.8}}",
    "max_utilisation": "{sykepleier: 0.85}",
    "groups": "[{id: sykepleier, nurse: true}, {id: helsefagarbeider}]",
    "tasks": "a list of tasks, each starting with `- id:`",
    "at": '["08:00", "14:00", "20:00"]',
    "holidays": "[17]",
    "day_types": "[weekday, weekend]",
}
#: What to give instead of an empty list or mapping, by its key.
TOO_SHORT: dict[str, str] = {
    "when": 'give at least one interval and its rate, such as {"07-09": 0.5}: a task with no '
            "rates never comes",
    "at": 'give at least one clock time, such as ["08:00"]: a task with no times never comes',
    "day_types": "give at least one day type, such as [weekday]: with none the task never comes",
    "tasks": "list at least one task",
    "groups": "list at least one staff group",
    "intervals": "list intervals that cover the day, or leave `intervals` out for the default six",
}
#: Which error to tell when several are equally specific (lower first).
_PREFERENCE = {"value_error": 0, "literal_error": 1, "enum": 1, "missing": 2, "extra_forbidden": 3}
_ID = re.compile(r"\w{1,64}")


def to_scenario_error(err: ValidationError, raw: Any, source: str,
                      root: type[BaseModel]) -> ScenarioError:
    """Turn pydantic's error list into the single most specific, readable message.

    ``root`` is the model ``raw`` was validated against (the whole scenario, or a part such
    as the targets of a ``--targets`` file), for listing the keys allowed where one is wrong.
    """
    errors = err.errors(include_url=False)
    ranked = [(_readable_loc(raw, e["loc"], e["type"]), e) for e in errors]
    (field, node_loc), best = max(
        ranked, key=lambda r: (len(r[0][0]), -_PREFERENCE.get(r[1]["type"], 4)))
    kind, given, ctx = best["type"], best.get("input"), best.get("ctx") or {}
    if kind == "extra_forbidden":
        key = str(best["loc"][-1])
        allowed = _allowed_keys(node_loc, root)
        return ScenarioError(source, field, f"unknown key {shown(key)}{suggest(key, allowed)}")
    if kind == "missing":
        return ScenarioError(source, field, "is required but missing"
                             + _misspelt(raw, node_loc, str(best["loc"][-1]), root))
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected") or best["msg"].removeprefix("Input should be ")
        return ScenarioError(source, field, f"{shown(given)} is not allowed; use {expected}")
    if kind == "too_short":
        names = [k for k in reversed(best["loc"]) if isinstance(k, str) and k in TOO_SHORT]
        if names:
            return ScenarioError(source, field, TOO_SHORT[names[0]])
    if kind in ("value_error", "assertion_error"):
        return ScenarioError(source, field, str(best["msg"]).removeprefix("Value error, ")
                             .removeprefix("Assertion failed, "))
    return ScenarioError(source, field, f"{_type_message(kind, best, ctx)} (got {_given(given)})")


def _type_message(kind: str, error: dict[str, Any], ctx: dict[str, Any]) -> str:
    model = str(ctx.get("class_name", ""))
    if model in DAY_TYPE_EXAMPLES:
        return DAY_TYPE_EXAMPLES[model]
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"must hold at least {least} {'item' if least == 1 else 'items'}"
    if kind == "too_long":
        return f"may hold at most {ctx.get('max_length', 0):,} items"
    message = TYPE_MESSAGES.get(kind)
    if message is None:  # a kind not met in testing: keep pydantic's words, without Python
        text = str(error["msg"]).replace("Input should be", "must be")
        text = re.sub(r" or instance of \w+", "", text).replace("a valid dictionary", "a mapping")
        return text.replace("a valid ", "")
    example = MODEL_EXAMPLES.get(model) if model else None
    if example is None and message in (_MAPPING, _LIST):
        names = [k for k in reversed(error["loc"]) if isinstance(k, str) and k in FIELD_EXAMPLES]
        example = FIELD_EXAMPLES[names[0]] if names else None
    return f"{message}, such as {example}" if example else message


def _given(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping" if len(value) > 4 else shown(value)
    if isinstance(value, (list, tuple)):
        return "a list" if len(value) > 6 else shown(value)
    return shown(value)


def _misspelt(raw: Any, path: list[Any], missing: str, root: type[BaseModel]) -> str:
    """``; the file has 'bed' here: did you mean 'beds'?`` for a close unknown key."""
    node = raw
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return ""
    if not isinstance(node, dict):
        return ""
    allowed = set(_allowed_keys(path, root))
    unknown = [str(k) for k in node if str(k) not in allowed][:200]
    close = difflib.get_close_matches(missing, [k[:80] for k in unknown], n=1, cutoff=0.6)
    return f"; the file has {shown(close[0])} here: did you mean {missing!r}?" if close else ""


def _label(item: Any, index: int) -> str:
    tid = item.get("id") if isinstance(item, dict) else None
    return tid if isinstance(tid, str) and _ID.fullmatch(tid) else f"[{index}]"


def _readable_loc(raw: Any, loc: tuple[Any, ...], kind: str = "") -> tuple[str, list[Any]]:
    """Map a pydantic error location onto the user's data: ``tasks.blodprove.minutes``.

    Location parts that are not in the data (union branch tags, validator names) are
    skipped; list items with a usable ``id`` are named by it. Also returns the path of keys
    and indices into the data (the model path) for finding the allowed keys.
    """
    parts: list[str] = []
    path: list[Any] = []
    node = raw
    for i, key in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and isinstance(key, (str, int)) and key in node:
            parts.append(str(key))
            path.append(key)
            node = node[key]
        elif isinstance(node, (list, tuple)) and isinstance(key, int) and 0 <= key < len(node):
            item = node[key]
            label = _label(item, key)
            if label.startswith("[") and parts:
                parts[-1] += label
            else:
                parts.append(label)
            path.append(key)
            node = item
        elif last and kind in ("missing", "extra_forbidden"):
            parts.append(str(key))
    return ".".join(parts), path


def _allowed_keys(path: list[Any], root: type[BaseModel]) -> list[str]:
    """Field names of the model found by walking ``path`` from ``root``."""
    tp: Any = root
    for key in path:
        tp = _model_in(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(key, str) \
                and key in tp.model_fields:
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
