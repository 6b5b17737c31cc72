"""A scenario file and the chain of bases it ``extends``, read by a loop, never by recursion.

A variant names its base; the base may be a variant too. The chain is followed to the
file that extends nothing (or to a workbook), at most :data:`MAX_EXTENDS` files, refusing a
loop; then the files are merged from the base up (:func:`sim.io.scenario.apply_variant`).
Each YAML file is read by :mod:`sim.io.yaml_safe`, and errors in it name that file, shown
relative to how the variant was named (``scenarios/base.yaml``, not an absolute path).

The merged mapping (:class:`Merged`) remembers each base as merged up to it, so that an
error found once everything is merged can be told under the file it is in
(:func:`in_base`): the least derived file that, merged on its own, already has it.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.io.errors import ScenarioError, short
from sim.io.sources import is_workbook, split_source
from sim.io.variants import apply_variant
from sim.io.yaml_safe import read_yaml

#: Most files in one chain of ``extends`` (the variant itself included).
MAX_EXTENDS = 16


class Merged(dict):  # type: ignore[type-arg]
    """A variant's merged mapping; ``layers`` are (file, mapping merged up to that file).

    The layers run from the first base to the last file before the variant; they share
    their unchanged parts with the variant's mapping and are never modified.
    """

    layers: tuple[tuple[str, dict[str, Any]], ...] = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> Merged:
        out = Merged(copy.deepcopy(dict(self), memo))
        out.layers = self.layers
        return out

    def __reduce__(self) -> Any:  # pickled as a plain mapping: the layers stay behind
        return dict, (dict(self),)


def read_chain(path: Path, seen: tuple[Path, ...] = (),
               read_base: Callable[[Path], dict[str, Any]] | None = None) -> dict[str, Any]:
    """Read ``path`` and every base it extends, merged, as a mapping.

    ``read_base`` reads a base that is a workbook (:func:`sim.io.scenario.load_raw`).

    Raises
    ------
    ScenarioError
        For any file that cannot be read, a loop, a chain that is too long, or a bad
        ``extends``/``move``; the error names the file it is in.
    """
    label, current = str(path), path
    visited = {_resolved(p, label) for p in seen}
    variants: list[tuple[str, dict[str, Any], Any]] = []  # the variant first
    while True:
        raw = read_yaml(current, label)
        if not isinstance(raw, dict):
            raise ScenarioError(label, "", "must be a mapping of keys (name:, ward:, groups: ...)")
        base_name, move = raw.pop("extends", None), raw.pop("move", None)
        if base_name is None:
            if move is not None:
                raise ScenarioError(label, "move",
                                    "only a variant (a file with `extends:`) can move tasks")
            base = raw
            break
        if not isinstance(base_name, str) or not base_name.strip():
            raise ScenarioError(label, "extends", "must be the path of the base scenario file")
        variants.append((label, raw, move))
        if len(variants) >= MAX_EXTENDS:
            raise ScenarioError(label, "extends", f"more than {MAX_EXTENDS} files extend one "
                                "another in a chain; merge some of them")
        visited.add(_resolved(current, label))
        base_path = _resolved(current.parent / base_name, label)
        base_label = os.path.normpath(os.path.join(os.path.dirname(label), base_name))
        if base_path in visited:
            raise ScenarioError(label, "extends",
                                f"{short(base_name)} extends this file again (a loop)")
        if is_workbook(split_source(base_path)[0]):
            if read_base is None:
                raise ScenarioError(label, "extends", "a workbook base needs the workbook reader")
            base = read_base(base_path)
            break
        _check_base(base_path, base_name, label)
        label, current = base_label, base_path
    if not variants:
        return base
    merged, layers = base, [(label, base)]
    for file, change, move in reversed(variants):
        merged = apply_variant(merged, {**change, "move": move}, file)
        layers.append((file, merged))
    out = Merged(merged)
    out.layers = tuple(layers[:-1])
    return out


def in_base(err: ScenarioError, raw: Any,
            validate: Callable[[dict[str, Any], str], Any]) -> ScenarioError:
    """``err`` told under the base file it is in, if a base merged on its own has it.

    ``validate(mapping, file)`` is the check that raised ``err`` on the whole merge.
    """
    for file, layer in getattr(raw, "layers", ()):
        try:
            validate(layer, file)
        except ScenarioError as found:
            if (found.field, found.message) == (err.field, err.message):
                return ScenarioError(file, err.field,
                                     f"{err.message} (in the base file of {err.file})")
    return err


def _resolved(path: Path, label: str) -> Path:
    try:
        return path.resolve()
    except (OSError, ValueError, RuntimeError) as err:
        raise ScenarioError(label, "extends",
                            f"the base file cannot be found: {short(err, 80)}") from None


def _check_base(base_path: Path, base_name: str, label: str) -> None:
    try:
        folder, exists = base_path.is_dir(), base_path.exists()
    except (OSError, ValueError) as err:
        raise ScenarioError(label, "extends", f"base file {short(base_name)} cannot be read: "
                            f"{short(err, 80)}") from None
    if folder:
        raise ScenarioError(label, "extends",
                            f"base file {short(base_name)} is a folder, not a scenario file")
    if not exists:
        raise ScenarioError(label, "extends", f"base file {short(base_name)} not found "
                            f"(looked in {base_path.parent})")
    if base_path.suffix.casefold() not in (".yaml", ".yml"):
        raise ScenarioError(label, "extends", f"base file {short(base_name)} is not a scenario "
                            "file: name a .yaml file (or a workbook)")
