"""Checks that a written workbook holds its scenarios, and YAML for an imported one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from sim.io.diff import diff
from sim.io.schema import Scenario
from sim.io.validate import from_dict
from sim.io.workbook.reader import read_workbook


def first_difference(path: Path, scenario: Scenario | None,
                     proposal: Scenario | None) -> str | None:
    """Read a written workbook back; return the first field it does not hold as given."""
    book = read_workbook(path)
    pairs = [(scenario, book.baseline, "")]
    if proposal is not None:
        pairs.append((proposal, book.proposal, "proposal: "))
    for want, raw, label in pairs:
        if want is None:
            continue
        if raw is None:
            return f"{label}(no proposal was read back)"
        got = from_dict(raw, source=str(path))
        if got != want:
            changes = diff(want.model_dump(mode="json"), got.model_dump(mode="json"))
            where = changes[0][0] if changes else "the order of tasks or keys"
            return f"{label}{where}"
    return None


class _Dumper(yaml.SafeDumper):
    """Block style, but a mapping or list of plain values on one line (``{day: 2, night: 1}``)."""


def _plain(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple))


def _mapping(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = bool(data) and all(_plain(v) and not (isinstance(v, str) and len(v) > 40)
                              for v in data.values()) and len(data) <= 8
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _sequence(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data,
                                     flow_style=bool(data) and all(_plain(v) for v in data))


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data.rstrip("\n") or (data.endswith("\n") and len(data) > 60) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(dict, _mapping)
_Dumper.add_representer(list, _sequence)
_Dumper.add_representer(tuple, _sequence)


def to_yaml(raw: dict[str, Any], comment: str) -> str:
    """Return a scenario mapping as YAML text, with a leading comment block."""
    body = yaml.dump(raw, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    head = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return head + "\n" + body


def write_new(path: Path, text: str) -> None:
    """Write a new text file atomically; an existing file is never written over."""
    place_new(path, ".partial", lambda tmp: tmp.write_text(text, encoding="utf-8"))


def place_new(path: Path, suffix: str, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then link it into place.

    ``os.link`` fails if ``path`` appeared meanwhile, so nothing is ever written over; on a
    file system without hard links the file is moved into place instead.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}{suffix}")
    try:
        write(tmp)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise FileExistsError(f"{path} exists; wardsim does not write over a file") from None
        except OSError:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
