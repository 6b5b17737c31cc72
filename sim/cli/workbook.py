"""``wardsim workbook template|import|export``: the task-mapping workbook in and out.

The user's workbook is only ever read: ``import`` writes new YAML files, ``template`` and
``export`` a new workbook, and none of them writes over an existing file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.common import UsageError
from sim.io.scenario import load, scenarios_in
from sim.io.schema import Scenario
from sim.io.sources import PROPOSAL, is_workbook
from sim.io.workbook import read_workbook, write_workbook
from sim.io.workbook.roundtrip import first_difference, to_yaml, write_new


def _new_xlsx(out: str) -> Path:
    path = Path(out)
    if not is_workbook(path):
        raise UsageError(f"{out}: the workbook's name must end in .xlsx")
    if path.exists():
        raise UsageError(f"{out} exists; wardsim does not write over a file, choose another name")
    if not path.parent.is_dir():
        raise UsageError(f"{out}: the folder {path.parent} does not exist")
    return path


def _write(path: Path, scenario: Scenario | None, proposal: Scenario | None, lang: str | None,
           flat: bool) -> None:
    lang = lang or (scenario.language if scenario is not None else None) or "nb"
    write_workbook(path, scenario, proposal, lang=lang, flat=flat)
    if scenario is None:
        return
    missing = first_difference(path, scenario, proposal)
    if missing is not None:
        path.unlink()
        raise UsageError(f"the workbook cannot hold {missing} as the scenario gives it; no "
                         "workbook was written")


def _pair(source: str, proposal: str | None) -> tuple[Scenario, Scenario | None]:
    sources = scenarios_in(source)
    scenario = load(sources[0])
    if proposal is not None:
        return scenario, load(proposal)
    return scenario, load(sources[1]) if len(sources) > 1 else None


def cmd_template(args: argparse.Namespace) -> int:
    """Write a new workbook, empty or filled from a scenario."""
    path = _new_xlsx(args.out)
    scenario, proposal = _pair(args.source, None) if args.source else (None, None)
    _write(path, scenario, proposal, args.lang, args.flat)
    print(f"{path}: written; fill it in, then: wardsim validate {path}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write a scenario (and a variant as the Forslag columns) as a new workbook."""
    path = _new_xlsx(args.out)
    scenario, proposal = _pair(args.scenario, args.proposal)
    _write(path, scenario, proposal, args.lang, args.flat)
    print(f"{path}: written" + (" with the proposal in the Forslag columns" if proposal else ""))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Write the workbook's scenario, and its proposal as a variant, to new YAML files."""
    out = Path(args.out)
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"{args.out}: the scenario file's name must end in .yaml")
    variant = out.with_name(f"{out.stem}-{PROPOSAL}{out.suffix}")
    book = read_workbook(args.workbook)
    targets = [out] + ([variant] if book.change is not None else [])
    for target in targets:
        if target.exists():
            raise UsageError(f"{target} exists; wardsim does not write over a file, choose "
                             "another name with -o")
    if not out.parent.is_dir():
        raise UsageError(f"{args.out}: the folder {out.parent} does not exist")
    note = (f"Imported from {Path(args.workbook).name} by wardsim workbook import.\n"
            "The workbook is the source: change it and import again.")
    write_new(out, to_yaml(book.baseline, note))
    print(f"{out}: today's ward, {len(book.baseline['tasks'])} tasks")
    if book.change is not None:
        change = dict(book.change)
        raw = {"name": change.pop("name")}
        raw.update({"extends": out.name, **change})
        about = f"\nThe proposal (Forslag): a variant of {out.name}."
        write_new(variant, to_yaml(raw, note + about))
        print(f"{variant}: the proposal, a variant of {out.name}")
    return 0
