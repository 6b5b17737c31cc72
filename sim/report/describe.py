"""The model description of a report, in the spirit of STRESS-DES.

A reader of a report must be able to tell exactly which model produced it: the scenario
files (with the files they extend) and their SHA-256, what a variant changes against the
baseline, the assumptions each file states in its leading comment block, and the run
settings (seed, replications, days, warm-up, version), with the scenario's own name and
description as the file gives them. The changes are computed from the
merged raw mappings of :func:`sim.io.scenario.load_raw`, so a variant's ``extends`` and
``move`` are already applied and the diff shows the effective change, not the file's text.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.io.diff import Change, diff
from sim.io.results import sha256
from sim.io.scenario import load_raw
from sim.io.sources import file_of, is_workbook


@dataclass(frozen=True)
class ScenarioFile:
    """One file read for a scenario: the file itself or one it extends."""

    path: str
    sha256: str
    assumptions: str


@dataclass(frozen=True)
class ScenarioInfo:
    """What the report says about one scenario's input."""

    label: str
    path: str
    files: tuple[ScenarioFile, ...]
    changes: tuple[Change, ...] = ()
    #: The scenario's ``name`` and ``description`` as written (user text: shown escaped).
    name: str = ""
    description: str = ""


def leading_comments(text: str) -> str:
    """Return the comment block at the top of a YAML file, without the ``#`` marks.

    Blank lines before the first comment are skipped; the block ends at the first line that
    is neither a comment nor blank. Rule lines (``# =====``) are dropped.
    """
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if lines:
                lines.append("")
            continue
        if not stripped.startswith("#"):
            break
        body = stripped[1:]
        body = body[1:] if body.startswith(" ") else body
        if body and set(body) <= set("=-#*~_ "):
            continue
        lines.append(body.rstrip())
    return "\n".join(lines).strip("\n")


def _chain(path: Path) -> list[Path]:
    """List the file and every file it extends, the file itself first."""
    chain, seen = [path], {path.resolve()}
    while True:
        try:
            raw = yaml.safe_load(chain[-1].read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            return chain
        base = raw.get("extends") if isinstance(raw, dict) else None
        if not isinstance(base, str):
            return chain
        nxt = Path(os.path.normpath(chain[-1].parent / base))
        if nxt.resolve() in seen or not nxt.is_file():
            return chain
        seen.add(nxt.resolve())
        chain.append(nxt)


def _assumptions(path: Path) -> str:
    """Return the leading comment block of a YAML file; a workbook has none."""
    if is_workbook(file_of(path)):
        return ""
    return leading_comments(path.read_text(encoding="utf-8"))


def show_value(value: Any) -> str:
    """Show a changed value as short text: scalars as written, mappings as flow YAML."""
    if value is None:
        return "–"
    if isinstance(value, (dict, list)):
        return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                              sort_keys=False, width=10_000).strip()
    return str(value)


def describe_scenarios(paths: Sequence[str | Path], labels: Sequence[str] | None = None
                       ) -> list[ScenarioInfo]:
    """Describe each scenario file; every one after the first is diffed against the first.

    Raises
    ------
    ScenarioError
        If a file cannot be read (the CLI has read them all before, so this is rare).
    """
    labels = list(labels) if labels is not None else [Path(p).stem for p in paths]
    raws = [load_raw(Path(p)) for p in paths]
    infos = []
    for i, (path, label, raw) in enumerate(zip(paths, labels, raws, strict=True)):
        files = tuple(ScenarioFile(str(f), sha256(f), _assumptions(f)) for f in _chain(Path(path)))
        changes = tuple(diff(raws[0], raw)) if i else ()
        name, description = (raw.get(k) for k in ("name", "description"))
        infos.append(ScenarioInfo(label, str(path), files, changes,
                                  name if isinstance(name, str) else "",
                                  description if isinstance(description, str) else ""))
    return infos
