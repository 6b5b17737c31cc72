"""How a variant changes its base: keys merged in, tasks merged by id, ``move`` applied.

Plain functions on mappings (nothing is read or validated here), shared by variant files
(``extends``) and a workbook's proposal.
"""

from __future__ import annotations

from typing import Any

from sim.io.errors import ScenarioError, shown, suggest


def apply_variant(base: dict[str, Any], change: dict[str, Any], file: str) -> dict[str, Any]:
    """Return ``base`` with a variant's keys merged in and its ``move`` applied (``base`` kept)."""
    change = dict(change)
    move = change.pop("move", None)
    merged = merge(base, change)
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
