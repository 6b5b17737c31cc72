"""Reading a scenario file: YAML -> merged mapping (``extends``/``move``) -> frozen Scenario.

Everything a user can get wrong in a scenario file is reported as one
:class:`~sim.io.errors.ScenarioError` naming the file, the field and what is allowed. A
*variant* file states only its change: ``extends: base.yaml`` plus ``move:`` and any keys
to merge.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.io import explain
from sim.io.errors import ScenarioError, shown, suggest
from sim.io.extends import in_base, read_chain
from sim.io.limits import check_work, paused_gc
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
    """Validate an already merged scenario mapping; errors name ``source``.

    For a variant read by :func:`load_raw`, an error that its base file has on its own
    names the base file (:func:`sim.io.extends.in_base`).
    """
    try:
        with paused_gc():
            return _validated(raw, source)
    except ScenarioError as err:
        raise in_base(err, raw, _validated) from None


def _validated(raw: dict[str, Any], source: str) -> Scenario:
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as err:
        raise to_scenario_error(err, raw, source) from None
    check_references(scenario, source)
    check_work(scenario, source)
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
    return read_chain(path, _seen)  # YAML read safely, `extends` followed by a loop


def apply_variant(base: dict[str, Any], change: dict[str, Any], file: str) -> dict[str, Any]:
    """Return ``base`` with a variant's keys merged in and its ``move`` applied (``base`` kept)."""
    change = dict(change)
    move = change.pop("move", None)
    merged = merge(base, change)
    if move is not None:
        _apply_move(merged, move, file)
    return merged


def scenarios_in(path: str | Path) -> list[str]:
    """Return the scenarios a file holds: itself, and for a workbook with a proposal that too."""
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
        raise ScenarioError(source, "",
                            "the workbook holds no proposal (no Forslag cell is filled)")
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
    index = {_tid(t): i for i, t in enumerate(tasks) if _tid(t) is not None}
    for task in change:
        tid = _tid(task)
        if tid is not None and tid in index:
            tasks[index[tid]] = merge(tasks[index[tid]], task)
        else:
            tasks.append(task)
    return tasks


def _apply_move(merged: dict[str, Any], move: Any, file: str) -> None:
    if not isinstance(move, dict):
        raise ScenarioError(file, "move", "must map task ids to their new group, "
                            "e.g. {blodprove: helsefagarbeider}")
    listed = merged.get("tasks") if isinstance(merged.get("tasks"), list) else []
    tasks = {_tid(t): t for t in listed if _tid(t) is not None}
    listed_groups = merged.get("groups") if isinstance(merged.get("groups"), list) else []
    groups = [g.get("id") for g in listed_groups if isinstance(g, dict)]
    for task_id, group in move.items():
        if not isinstance(group, str):
            raise ScenarioError(file, f"move.{task_id}", "give the id of the staff group to move "
                                f"the task to (got {shown(group)})")
        if task_id not in tasks:
            raise ScenarioError(file, f"move.{task_id}",
                                f"no task {task_id!r}{suggest(task_id, tasks)}")
        if groups and group not in groups:
            raise ScenarioError(file, f"move.{task_id}",
                                f"{group!r} is not a staff group{suggest(group, groups)}")
        tasks[task_id] = merge(tasks[task_id], _moved(tasks[task_id], group))
    if listed:
        merged["tasks"] = [tasks.get(_tid(t), t) for t in listed]


def _tid(task: Any) -> Any:
    """Return a task's id if it can name the task (text or a number), else None."""
    tid = task.get("id") if isinstance(task, dict) else None
    return tid if isinstance(tid, (str, int, float)) and not isinstance(tid, bool) else None


def _moved(task: dict[str, Any], group: Any) -> dict[str, Any]:
    """Return the change that moves ``task`` to ``group``, keeping its per-group times.

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
    as the targets of a ``--targets`` file); see :mod:`sim.io.explain`.
    """
    return explain.to_scenario_error(err, raw, source, root)
