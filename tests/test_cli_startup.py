"""The command line answers before it loads what a command needs (issue 10, "instant").

Not timed (timings are in ``benchmarks/bench_startup.py``): these tests check what is
*imported*, which is what makes ``--help`` slow. Building the parser must import none of
numpy, pandas, scipy, plotly, pyarrow or SimPy; every command's help still works and
names a function that exists; a Ctrl-C while a command's libraries load is one line and
exit code 130, not a traceback.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.cli import build_parser, main
from sim.cli.parser import PILOT_TABLES, handler

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(ROOT / "scenarios" / "hnt_medisin_baseline.yaml")
HEAVY = ("numpy", "pandas", "scipy", "plotly", "pyarrow", "simpy", "jinja2", "tqdm")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def _loaded_after(code: str) -> list[str]:
    """Return the heavy top-level packages a fresh interpreter holds after running ``code``."""
    proc = _python(f"import sys\n{code}\n"
                   f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))")
    assert proc.returncode == 0, proc.stderr
    return eval(proc.stdout.strip().splitlines()[-1])  # noqa: S307 - our own list literal


def test_building_the_parser_imports_nothing_heavy() -> None:
    assert _loaded_after("import sim.cli; sim.cli.build_parser()") == []


def test_help_and_version_import_nothing_heavy() -> None:
    for flag in ("--help", "--version"):
        code = ("import sim.cli, contextlib\n"
                f"with contextlib.suppress(SystemExit): sim.cli.main([{flag!r}])")
        assert _loaded_after(code) == [], flag


def test_validate_does_not_import_scipy_or_the_engine() -> None:
    """``validate`` builds the model (numpy, pandas) but draws nothing: no scipy.stats."""
    loaded = _loaded_after(f"import sim.cli\nassert sim.cli.main(['validate', {BASELINE!r}]) == 0")
    assert "scipy" not in loaded and "simpy" not in loaded and "plotly" not in loaded
    assert "pandas" in loaded  # the check really ran (the coverage-gap table is a frame)


def test_the_package_still_offers_its_functions_lazily() -> None:
    assert _loaded_after("import sim") == []
    assert sim.load_scenario.__module__ == "sim.io.scenario"
    assert sim.build_model.__module__ == "sim.model"
    assert sim.run_replications.__module__ == "sim.experiment"
    assert {"build_model", "load_scenario", "run_replications"} <= set(dir(sim))
    with pytest.raises(AttributeError, match="no_such"):
        sim.no_such  # noqa: B018 - the attribute access is the test


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
              ) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """List every runnable command as (words, parser), e.g. (("workbook", "import"), …)."""
    found = []
    for action in parser._actions:  # noqa: SLF001 - argparse keeps subcommands only here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for name, child in action.choices.items():
                found += _commands(child, (*prefix, name))
    if not found and prefix:
        found.append((prefix, parser))
    return found


COMMANDS = _commands(build_parser())


def test_every_command_is_listed() -> None:
    words = {" ".join(w) for w, _ in COMMANDS}
    assert words == {"run", "compare", "sweep", "assess", "validate", "workbook template",
                     "workbook import", "workbook export", "calibrate durations",
                     "calibrate arrivals", "optimise", "pilot check"}


@pytest.mark.parametrize("words", [w for w, _ in COMMANDS], ids=" ".join)
def test_every_command_has_help(words: tuple[str, ...],
                                capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main([*words, "--help"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: wardsim {' '.join(words)}")


@pytest.mark.parametrize("words", [w for w, _ in COMMANDS], ids=" ".join)
def test_every_command_names_a_function_that_exists(words: tuple[str, ...]) -> None:
    parser = dict(COMMANDS)[words]
    spec = parser.get_default("func")
    assert isinstance(spec, str) and spec.startswith("sim.cli.")
    assert callable(handler(spec)), spec


def test_pilot_tables_match_the_pilot_reader() -> None:
    from sim.pilot.files import TABLES

    assert PILOT_TABLES == TABLES


def test_sweep_designs_and_error_keep_their_old_home() -> None:
    from sim.decide import sweep, sweep_spec
    from sim.io import errors, results

    assert sweep.DESIGNS is sweep_spec.DESIGNS and sweep.SweepError is sweep_spec.SweepError
    assert results.OutFolderError is errors.OutFolderError


def test_module_entry_point_prints_the_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "--version"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == f"wardsim {sim.__version__}"


#: A fresh interpreter that sends itself SIGINT the moment ``pandas`` starts to load.
CTRL_C_WHILE_LOADING = """
import os, signal, sys

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "pandas":
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
from sim.cli import main
sys.exit(main(["validate", sys.argv[1]]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_the_libraries_load_is_one_line_and_130() -> None:
    proc = subprocess.run([sys.executable, "-c", CTRL_C_WHILE_LOADING, BASELINE], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 130, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr == "wardsim: interrupted; no results folder was written\n"
    assert proc.stdout == ""
