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

from sim.io.errors import ScenarioError
from sim.io.extends import read_chain
from sim.io.schema import Scenario
from sim.io.sources import is_workbook, proposal_source, split_source
from sim.io.validate import from_dict, to_scenario_error
from sim.io.variants import apply_variant, merge
from sim.io.workbook import read_workbook

#: Re-exported: most callers read, merge and validate through this module.
__all__ = ["apply_variant", "from_dict", "load", "load_raw", "merge", "scenarios_in",
           "to_scenario_error"]


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


def load_raw(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a scenario file as a plain mapping, with ``extends`` and ``move`` applied.

    A workbook (``.xlsx``) is read by :mod:`sim.io.workbook`: today's ward, or its proposal
    for ``ward.xlsx#forslag`` (:mod:`sim.io.sources`).
    """
    file = str(path)
    workbook, proposal = split_source(path)
    if is_workbook(workbook):
        return _workbook_raw(workbook, proposal, file)
    # YAML read safely, `extends` followed by a loop; a workbook base read as above
    return read_chain(path, _seen, read_base=load_raw)


def scenarios_in(path: str | Path) -> list[str]:
    """Return the scenarios a file holds: itself, and for a workbook with a proposal that too."""
    workbook, proposal = split_source(path)
    if not is_workbook(workbook) or proposal:
        return [str(path)]
    book = read_workbook(workbook)
    return [str(path)] + ([proposal_source(path)] if book.change is not None else [])


def _workbook_raw(path: Path, proposal: bool, source: str) -> dict[str, Any]:
    book = read_workbook(path)
    if not proposal:
        return copy.deepcopy(book.baseline)
    raw = book.proposal
    if raw is None:
        raise ScenarioError(source, "",
                            "the workbook holds no proposal (no Forslag cell is filled)")
    return copy.deepcopy(raw)
