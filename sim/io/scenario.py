"""Reading a scenario file: YAML -> merged mapping (``extends``/``move``) -> frozen Scenario.

Everything a user can get wrong in a scenario file is reported as one
:class:`~sim.io.errors.ScenarioError` naming the file, the field and what is allowed. A
*variant* file states only its change: ``extends: base.yaml`` plus ``move:`` and any keys
to merge.
"""

from __future__ import annotations

import copy
import typing
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.io.errors import ScenarioError, suggest
from sim.io.references import check_references
from sim.io.schema import Scenario
from sim.io.sources import is_workbook, proposal_source, split_source


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
        raise to_scenario_error(err, raw, source) from None
    check_references(scenario, source)
    return scenario


def load_raw(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a scenario file as a plain mapping, with ``extends`` and ``move`` applied.

    A workbook (``.xlsx``) is read by :mod:`sim.io.workbook`: today's ward, or its proposal
    for ``ward.xlsx#forslag`` (:mod:`sim.io.sources`).
    """
    file = str(path)
    workbook, proposal = split_source(path)
    if is_workbook(workbook):
        return _workbook_raw(workbook, proposal, file)
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
    return apply_variant(base, {**raw, "move": move}, file)


def apply_variant(base: dict[str, Any], change: dict[str, Any], file: str) -> dict[str, Any]:
    """``base`` with a variant's keys merged in and its ``move`` applied (``base`` is kept)."""
    change = dict(change)
    move = change.pop("move", None)
    merged = merge(base, change)
    if move is not None:
        _apply_move(merged, move, file)
    return merged


def scenarios_in(path: str | Path) -> list[str]:
    """The scenarios a file holds: itself, and for a workbook with a proposal that too."""
    workbook, proposal = split_source(path)
    if not is_workbook(workbook) or proposal:
        return [str(path)]
    from sim.io.workbook import read_workbook

    book = read_workbook(workbook)
    return [str(path)] + ([proposal_source(path)] if book.change is not None else [])


def _workbook_raw(path: Path, proposal: bool, source: str) -> dict[str, Any]:
    from sim.io.workbook import read_workbook

    book = read_workbook(path)
    if not proposal:
        return copy.deepcopy(book.baseline)
    raw = book.proposal
    if raw is None:
        raise ScenarioError(source, "", "the workbook holds no proposal (no Forslag cell is filled)")
    return copy.deepcopy(raw)


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
            raise ScenarioError(file, f"move.{task_id}", f"no task {task_id!r}{suggest(task_id, tasks)}")
        if groups and group not in groups:
            raise ScenarioError(file, f"move.{task_id}", f"{group!r} is not a staff group{suggest(group, groups)}")
        tasks[task_id] = merge(tasks[task_id], _moved(tasks[task_id], group))
    merged["tasks"] = [tasks.get(t.get("id"), t) if isinstance(t, dict) else t for t in merged.get("tasks", [])]


def _moved(task: dict[str, Any], group: Any) -> dict[str, Any]:
    """The change that moves ``task`` to ``group``, keeping its per-group times.

    The new group takes its own ``minutes`` and ``duration_by_group`` entry if the task
    has them; where it has none it takes those of the group the task is moved from, which
    stay the estimate.
    """
    change: dict[str, Any] = {"group": group}
    old = task.get("group")
    for key in ("minutes", "duration_by_group"):
        per_group = task.get(key)
        if isinstance(per_group, dict) and group not in per_group and old in per_group:
            change[key] = {group: per_group[old]}
    return change


def to_scenario_error(err: ValidationError, raw: Any, source: str,
                      root: type[BaseModel] = Scenario) -> ScenarioError:
    """Turn pydantic's error list into the single most specific, readable message.

    ``root`` is the model ``raw`` was validated against (the whole scenario, or a part such
    as the targets of a ``--targets`` file), for listing the keys allowed where one is wrong.
    """
    best = max(err.errors(), key=lambda e: len(_readable_loc(raw, e["loc"], e["type"])[0]))
    field, node_loc = _readable_loc(raw, best["loc"], best["type"])
    kind, given = best["type"], best.get("input")
    if kind == "extra_forbidden":
        key = str(best["loc"][-1])
        allowed = _allowed_keys(node_loc, root)
        return ScenarioError(source, field, f"unknown key {key!r}{suggest(key, allowed)}")
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


def _allowed_keys(path: list[Any], root: type[BaseModel] = Scenario) -> list[str]:
    """Field names of the model found by walking ``path`` from ``root``."""
    tp: Any = root
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
