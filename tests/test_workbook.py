"""The task-mapping workbook: the seed's table, round trips, the example ward, the commands.

- the seed's own task table, typed into a workbook in its sectioned layout, imports with
  every task under the right interval, category and group;
- ``import(export(s)) == s`` for every scenario in ``scenarios/`` (and the variant as the
  Forslag columns), in both layouts and all three languages, and for random valid scenarios;
- ``export(import(w))`` keeps every value of a workbook written by ``template --from``;
- ``scenarios/hnt_medisin.xlsx`` is in step with the YAML, and gives the same results;
- ``wardsim workbook import|export|template`` and ``wardsim assess`` on a workbook.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from workbook_case import SEED_TABLE, seed_rows, seed_workbook

from sim.calendar import ANYTIME
from sim.cli import main
from sim.experiment import run_one
from sim.io.scenario import from_dict, load, load_raw, scenarios_in
from sim.io.schema import Scenario
from sim.io.workbook import read_workbook, write_workbook
from sim.model import build_model

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "hnt_medisin_baseline.yaml"
VARIANT = SCENARIOS / "hnt_medisin_oppgavedeling.yaml"
EXAMPLE = SCENARIOS / "hnt_medisin.xlsx"


def imported(path: Path) -> tuple[Scenario, Scenario | None]:
    book = read_workbook(path)
    proposal = book.proposal
    return from_dict(book.baseline), from_dict(proposal) if proposal is not None else None


# -- the seed's own table --------------------------------------------------------------------

def test_the_seed_table_imports_under_its_interval_category_and_group(tmp_path: Path) -> None:
    path, expected = seed_workbook(tmp_path / "kartlegging.xlsx")
    scenario, proposal = imported(path)
    assert proposal is None
    names = {g.name: g.id for g in scenario.groups}
    assert [(t.name, t.group) for t in scenario.tasks] == [(n, names[g]) for n, g in expected]
    assert len(scenario.tasks) == 40
    for task in scenario.tasks:
        # "Startpunkt, utføres hele døgnet hele året" is the plan's no-fixed-time interval;
        # every "Pasientbehandling ...:" heading is the category pasientbehandling.
        assert list(task.when) == [ANYTIME]
        assert task.category == "pasientbehandling"
        assert isinstance(task.minutes, float)
    ids = [t.id for t in scenario.tasks]
    assert len(set(ids)) == len(ids)
    assert ids.count("oppgaver_fra_leger") == 1 and "oppgaver_fra_leger_2" in ids


def test_the_seed_rows_in_tests_data_are_the_seeds_own() -> None:
    seeds = sorted((ROOT.parent / "shared" / "seeds").glob("001_*.txt"))
    if not seeds:
        pytest.skip("shared/seeds is not beside the repository")
    lines = seeds[0].read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Oppgaven\tSykepleier"))
    table = SEED_TABLE.read_text(encoding="utf-8").splitlines()
    assert lines[start:start + len(table)] == table
    assert seed_rows()[0][:4] == ["Oppgaven", "Sykepleier medisinsk overvåkning", "Tid",
                                  "Behov: Opplæring"]


def test_the_seed_layout_sets_intervals_by_clock_headings(tmp_path: Path) -> None:
    from workbook_case import save, support_sheets

    rows = [["Oppgaven", "Sykepleier sengepost", "Tid", "Behov: Opplæring", "Helsefagarbeider",
             "Tid", "Antall", "Antall helg", "ID"],
            ["1. \"kl. 07:00 – 09:00\""], ["Blodprøver/andre prøver:"],
            ["• Blodprøver", "x", 6, "venepunksjon", None, 8, 0.5, 0.2, "blodprove"],
            ["kl. 12:00 – 15:00"], ["Blodprøver:"],
            ["• Blodprøver", "x", 6, "venepunksjon", None, 8, 0.1, None, "blodprove"],
            ["Oppgaver som utføres/kan utføres dagtid vanlige ukedager"], ["Bestillinger:"],
            ["• Bestille varer", None, None, None, "x", 10, 2]]
    sheets = support_sheets()
    sheets["Sertifisering"] = [["Sertifisering", "Gruppe", "Hvem har den"],
                               ["venepunksjon", "sykepleier", "alle"]]
    scenario, _ = imported(save(tmp_path / "w.xlsx", {"Oppgaver": rows, **sheets}))
    blood, order = scenario.tasks
    assert blood.id == "blodprove" and blood.requires == "venepunksjon"
    assert blood.minutes == {"sykepleier": 6, "helsefagarbeider": 8}
    assert blood.category == "blodprover"
    assert blood.when["07-09"].of("weekend") == 0.2 and blood.when["12-15"].of("weekend") == 0.1
    assert order.when["weekday_daytime"].of("weekday") == 2 and order.group == "helsefagarbeider"


# -- round trips -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_import_of_export_gives_the_scenario_back(path: Path, tmp_path: Path) -> None:
    scenario = load(path)
    out = write_workbook(tmp_path / "w.xlsx", scenario)
    assert imported(out) == (scenario, None)


@pytest.mark.parametrize(("lang", "flat"), [("nb", False), ("sv", False), ("en", True),
                                            ("nb", True)])
def test_the_variant_round_trips_as_the_forslag_columns(lang: str, flat: bool,
                                                        tmp_path: Path) -> None:
    base, variant = load(BASELINE), load(VARIANT)
    out = write_workbook(tmp_path / "w.xlsx", base, variant, lang=lang, flat=flat)
    assert imported(out) == (base, variant)


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames}


def test_export_of_import_keeps_every_value_of_a_template(tmp_path: Path) -> None:
    first = tmp_path / "mapping.xlsx"
    assert main(["workbook", "template", str(first), "--from", str(BASELINE)]) == 0
    assert main(["workbook", "import", str(first), "-o", str(tmp_path / "ward.yaml")]) == 0
    again = tmp_path / "again.xlsx"
    assert main(["workbook", "export", str(tmp_path / "ward.yaml"), "-o", str(again)]) == 0
    assert _cells(again) == _cells(first)


def test_the_example_workbook_is_in_step_with_the_yaml(tmp_path: Path) -> None:
    fresh = write_workbook(tmp_path / "fresh.xlsx", load(BASELINE), load(VARIANT))
    assert imported(EXAMPLE) == imported(fresh) == (load(BASELINE), load(VARIANT)), \
        "scenarios/hnt_medisin.xlsx is out of step with the YAML: run `make workbook`"


def test_the_example_yaml_and_workbook_give_identical_results() -> None:
    sources = scenarios_in(EXAMPLE)
    assert sources == [str(EXAMPLE), f"{EXAMPLE}#forslag"]
    for yaml_file, source in zip((BASELINE, VARIANT), sources, strict=True):
        runs = [run_one(build_model(load(s), days=3), seed=2024, replication=0)
                for s in (yaml_file, source)]
        for frame in ("kpis", "staff", "tasks", "waits"):
            pd.testing.assert_frame_equal(getattr(runs[0], frame), getattr(runs[1], frame))


# -- the commands ----------------------------------------------------------------------------

def test_import_writes_the_ward_and_its_proposal_as_a_variant(tmp_path: Path) -> None:
    book = tmp_path / "mapping.xlsx"
    shutil.copy(EXAMPLE, book)
    before = book.read_bytes()
    assert main(["workbook", "import", str(book), "-o", str(tmp_path / "ward.yaml")]) == 0
    assert book.read_bytes() == before  # never edited in place
    variant = tmp_path / "ward-forslag.yaml"
    assert "extends: ward.yaml" in variant.read_text(encoding="utf-8")
    assert load(tmp_path / "ward.yaml") == load(BASELINE)
    assert load(variant) == load(VARIANT)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mapping.xlsx", "ward-forslag.yaml",
                                                          "ward.yaml"]


@pytest.mark.parametrize("argv", [
    ["workbook", "import", "{book}", "-o", "{dir}/ward.yaml"],
    ["workbook", "export", str(BASELINE), "-o", "{book}"],
    ["workbook", "template", "{book}"],
])
def test_an_existing_output_is_never_written_over(argv: list[str], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "mapping.xlsx"
    shutil.copy(EXAMPLE, book)
    (tmp_path / "ward.yaml").write_text("keep me", encoding="utf-8")
    before = book.read_bytes()
    args = [a.format(book=book, dir=tmp_path) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("wardsim: error: ") and "exists" in err and err.count("\n") == 1
    assert book.read_bytes() == before
    assert (tmp_path / "ward.yaml").read_text(encoding="utf-8") == "keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_every_command_reads_a_workbook_and_its_proposal(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    assert from_dict(load_raw(EXAMPLE)) == load(BASELINE)
    assert from_dict(load_raw(Path(f"{EXAMPLE}#forslag"))) == load(VARIANT)
    assert main(["validate", str(EXAMPLE)]) == 0
    out = tmp_path / "assess"
    assert main(["assess", str(EXAMPLE), "-n", "1", "--days", "1", "--workers", "1",
                 "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["hnt_medisin",
                                                                   "hnt_medisin-forslag"]
    feasibility = pd.read_csv(out / "feasibility.csv")
    assert set(feasibility["scenario"]) == {"hnt_medisin", "hnt_medisin-forslag"}
    assert "report.html" in {p.name for p in out.iterdir()}
    capsys.readouterr()
