"""What a variant changes: every leaf where two scenario mappings differ."""

from __future__ import annotations

from typing import Any

#: (dotted path, value in the base, value in the other); ``None`` where a side lacks it.
Change = tuple[str, Any, Any]


def _key(item: Any) -> str | None:
    return str(item["id"]) if isinstance(item, dict) and "id" in item else None


def diff(base: Any, other: Any, path: str = "") -> list[Change]:
    """Every leaf where ``other`` differs from ``base``, as (path, base value, other value).

    Mappings are compared key by key, lists of items with an ``id`` (tasks, groups) item by
    item under ``<list>.<id>``; any other list is compared as one value.
    """
    if isinstance(base, dict) and isinstance(other, dict):
        out: list[Change] = []
        for key in [*base, *(k for k in other if k not in base)]:
            out += diff(base.get(key), other.get(key), f"{path}.{key}" if path else str(key))
        return out
    if (isinstance(base, list) and isinstance(other, list) and base + other
            and all(_key(i) is not None for i in base + other)):
        before = {_key(i): i for i in base}
        after = {_key(i): i for i in other}
        out = []
        for key in [*before, *(k for k in after if k not in before)]:
            out += diff(before.get(key), after.get(key), f"{path}.{key}")
        return out
    return [] if base == other else [(path, base, other)]
