"""wardsim optimise: the bound, the search with common random numbers, the certificate, FTEs.

The wards are textbook queues (one group on duty around the clock, Poisson arrivals,
exponential durations), so the right answer is known: for an M/M/c queue the share of
tasks that wait longer than w is ``C(c, a) · exp(-(c·mu - lambda)·w)`` (Erlang C), and the
optimiser must return the smallest c whose share is below the target.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from test_queueing_theory import erlang_c

from sim.cli import main
from sim.decide.bound import lower_bound
from sim.decide.cells import parse_cells
from sim.decide.fte import fte_table
from sim.io.scenario import from_dict
from sim.model import build_model

#: Arrivals per hour, mean minutes, max_wait (minutes) and late-share target.
LAMBDA, MINUTES, WAIT, TARGET = 6.0, 30.0, 30.0, 0.10
FLAGS = ["--replications", "8", "--days", "10", "--warmup-days", "1", "--workers", "2"]


def queue_ward(groups: dict[str, tuple[float, int]], policy: str = "strict") -> dict:
    """Return groups (arrivals per hour, heads) each with one exponential task, round the clock."""
    return {
        "name": "queues", "ward": {"beds": 1, "occupancy": 1.0}, "calendar": {"days": 10},
        "groups": [{"id": g, "cost_per_hour": 400 + 100 * i} for i, g in enumerate(groups)],
        "roster": {g: heads for g, (_, heads) in groups.items()},
        "dispatch": {"policy": policy},
        "durations": {"distribution": "exponential", "cv": 1.0},
        "targets": {"max_utilisation": 0.95, "shift_tail": 1.0,
                    "max_late_share": {"normal": TARGET}},
        "tasks": [{"id": f"task_{g}", "category": "pasientbehandling", "group": g, "per": "ward",
                   "when": {"anytime": rate * 24}, "minutes": MINUTES, "max_wait": WAIT}
                  for g, (rate, _) in groups.items()],
    }


def erlang_answer(lam: float = LAMBDA) -> int:
    """Return the smallest c with P(wait > WAIT) at or below TARGET and utilisation at most 0.95."""
    mu = 60.0 / MINUTES
    for c in range(1, 50):
        if lam / (c * mu) < 0.95 and \
                erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * WAIT / 60.0) <= TARGET:
            return c
    raise AssertionError("no c")


def write(tmp_path: Path, raw: dict, name: str = "ward.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return str(path)


def optimise(tmp_path: Path, source: str, *args: str, out: str = "out") -> dict:
    code = main(["optimise", source, *args, *FLAGS, "--out", str(tmp_path / out)])
    assert code == 0
    return json.loads((tmp_path / out / "summary.json").read_text(encoding="utf-8"))


def test_erlang_answer_is_well_separated() -> None:
    """The test ward's answer is 5, with 4 and 5 far on either side of the target."""
    mu = 60.0 / MINUTES
    late = {c: erlang_c(c, LAMBDA / mu) * math.exp(-(c * mu - LAMBDA) * WAIT / 60) for c in (4, 5)}
    assert erlang_answer() == 5
    assert late[4] > 1.5 * TARGET and late[5] < 0.5 * TARGET
    assert erlang_answer(4.0) == 4  # 0.163 with 3, 0.024 with 4


def test_mmc_ward_gets_the_c_of_erlang_c(tmp_path: Path) -> None:
    source = write(tmp_path, queue_ward({"sykepleier": (LAMBDA, 3)}))
    summary = optimise(tmp_path, source, "--vary", "roster.sykepleier=1:9")
    assert summary["roster"] == {"sykepleier": erlang_answer()}
    assert summary["certified"] is True
    assert summary["lower_bound"] <= summary["cost_per_week"]
    folder = tmp_path / "out"
    assert not (folder / "evals").exists()
    variant = yaml.safe_load((folder / "optimum.yaml").read_text(encoding="utf-8"))
    assert variant["roster"] == {"sykepleier": erlang_answer()}
    search = (folder / "search.csv").read_text(encoding="utf-8")
    assert "pruned_monotone" in search and "not_feasible" in search


def test_bound_of_the_mmc_ward_is_its_capacity() -> None:
    """Offered work 6/h × 30 min over 24 h within 0.95 of each head's day: c >= 3.16, so 4."""
    raw = queue_ward({"sykepleier": (LAMBDA, 3)})
    model = build_model(from_dict(raw))
    cells = parse_cells(raw, ["roster.sykepleier=1:9"], ["weekday", "weekend"])
    bound = lower_bound(model, cells, from_dict(raw).targets)
    assert bound.values == (4,)
    assert bound.cost == pytest.approx(4 * 168 * 400)
    assert bound.broken((3,)) and not bound.broken((4,))


def test_independent_groups_alone_and_together(tmp_path: Path) -> None:
    """Strict dispatch: two queues that share nothing are optimised to the same heads."""
    raw = queue_ward({"sykepleier": (LAMBDA, 7), "helsefagarbeider": (4.0, 7)})
    source = write(tmp_path, raw)
    both = optimise(tmp_path, source, "--vary", "roster.sykepleier=1:8",
                    "--vary", "roster.helsefagarbeider=1:8", out="both")
    alone = {}
    for group in ("sykepleier", "helsefagarbeider"):
        alone |= optimise(tmp_path, source, "--vary", f"roster.{group}=1:8", out=group)["roster"]
    assert both["roster"] == alone
    assert both["roster"]["sykepleier"] == erlang_answer()
    assert both["roster"]["helsefagarbeider"] == erlang_answer(4.0)
    assert both["lower_bound"] <= both["cost_per_week"]


def test_lower_bound_is_never_above_the_optimum_under_glide(tmp_path: Path) -> None:
    raw = queue_ward({"sykepleier": (LAMBDA, 7), "helsefagarbeider": (4.0, 7)}, policy="glide")
    source = write(tmp_path, raw)
    summary = optimise(tmp_path, source, "--vary", "roster.sykepleier=1:8",
                       "--vary", "roster.helsefagarbeider=0:8")
    assert summary["lower_bound"] <= summary["cost_per_week"] + 1e-6


def test_a_target_no_roster_meets_names_it(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    source = write(tmp_path, queue_ward({"sykepleier": (LAMBDA, 3)}))
    code = main(["optimise", source, "--vary", "roster.sykepleier=1:4", *FLAGS,
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert "no roster in the --vary ranges meets the targets" in err
    assert "late_share_normal of sykepleier" in err and "against a target of 0.1" in err
    assert not (tmp_path / "out").exists() and not (tmp_path / ".out.partial").exists()
    # below the capacity: the bound alone says so, naming the condition
    code = main(["optimise", source, "--vary", "roster.sykepleier=1:3", *FLAGS])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "offered work of sykepleier" in err


@pytest.mark.parametrize(("vary", "fix", "says"), [
    ("roster.nobody=0:3", None, "no group 'nobody'"),
    ("roster.sykepleier=3", None, "PATH=LOW:HIGH"),
    ("ward.beds=1:3", None, "varies head counts"),
    ("roster.sykepleier=1.5:3", None, "whole LOW and HIGH"),
    ("roster.sykepleier=x:3", None, "must be numbers"),
    ("roster.sykepleier.day=1:3", None, "round the clock"),
    ("roster.sykepleier=1:300", None, "at most 100"),
    ("roster.sykepleier=1:4", "sykepleier>>2", "GROUP[.SHIFT[.DAY_TYPE]]>=N"),
    ("roster.sykepleier=1:4", "nobody>=2", "no group 'nobody'"),
    ("roster.sykepleier=1:4", "sykepleier>=6", "leaves no head count"),
])
def test_bad_specs_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture,
                                       vary: str, fix: str | None, says: str) -> None:
    source = write(tmp_path, queue_ward({"sykepleier": (LAMBDA, 3)}))
    extra = ["--fix", fix] if fix else []
    code = main(["optimise", source, "--vary", vary, *extra, "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and err.startswith("wardsim: error:")
    assert says in err
    assert not (tmp_path / "o").exists()


def test_shift_cells_and_fixes(tmp_path: Path) -> None:
    raw = queue_ward({"sykepleier": (LAMBDA, 3)})
    raw["shifts"] = {"day": {"start": "07:00", "end": "15:00"},
                     "evening": {"start": "15:00", "end": "23:00"},
                     "night": {"start": "23:00", "end": "07:00"}}
    raw["roster"] = {"sykepleier": {"day": 3, "evening": {"weekday": 2, "weekend": 1}, "night": 1}}
    specs = ["roster.sykepleier.evening=0:4", "roster.sykepleier.night.weekend=1:2"]
    cells = parse_cells(raw, specs, ["weekday", "weekend"])
    assert [c.key for c in cells] == ["sykepleier.evening.weekday", "sykepleier.evening.weekend",
                                      "sykepleier.night.weekend"]


def test_fte_is_hours_over_the_full_time_week() -> None:
    raw = queue_ward({"sykepleier": (LAMBDA, 3)})
    raw["shifts"] = {"day": {"start": "07:00", "end": "15:00"}}
    raw["roster"] = {"sykepleier": {"day": {"weekday": 4, "weekend": 2}}}
    raw["fte"] = {"weekly_hours": 37.5}
    scenario = from_dict(raw)
    table = fte_table(build_model(scenario), scenario.fte.weekly_hours)
    row = table.set_index("group").loc["sykepleier"]
    hours = 8 * (4 * 5 + 2 * 2)
    assert row["hours_per_week"] == hours and row["fte"] == round(hours / 37.5, 2)
    assert row["cost_per_week"] == hours * 400


def test_resume_replays_the_search_from_disk(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.cli.optimise as cli
    import sim.decide.evaluate as evaluate

    source = write(tmp_path, queue_ward({"sykepleier": (LAMBDA, 3)}))
    args = ["optimise", source, "--vary", "roster.sykepleier=1:9", *FLAGS[:-2], "--workers", "1",
            "--out", str(tmp_path / "out")]

    def stop(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "certify", stop)
    assert main(args) == 130
    assert list((tmp_path / ".out.partial" / "evals").glob("*.parquet"))
    monkeypatch.undo()
    calls = []
    real = evaluate.replicate

    def counted(*job):
        calls.append(job[5])
        return real(*job)

    monkeypatch.setattr(evaluate, "replicate", counted)
    assert main([*args, "--resume"]) == 0
    assert calls and min(calls) >= 1_000_000  # only the clean-up's fresh replications ran
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["roster"] == {"sykepleier": erlang_answer()}


def test_a_group_varies_on_the_shifts_it_is_rostered_on() -> None:
    raw = queue_ward({"sykepleier": (LAMBDA, 3), "assistent": (1.0, 1)})
    raw["shifts"] = {"day": {"start": "07:00", "end": "15:00"},
                     "office": {"start": "08:00", "end": "15:30"}}
    raw["roster"] = {"sykepleier": {"day": 3}}
    days = ["weekday", "weekend"]
    specs = ["roster.sykepleier=1:4", "roster.assistent=0:2"]
    keys = [c.key for c in parse_cells(raw, specs, days)]
    assert keys == ["sykepleier.day.weekday", "sykepleier.day.weekend", "assistent.day.weekday",
                    "assistent.day.weekend", "assistent.office.weekday", "assistent.office.weekend"]


def test_a_spent_budget_before_any_feasible_roster_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    source = write(tmp_path, queue_ward({"sykepleier": (LAMBDA, 3)}))
    code = main(["optimise", source, "--vary", "roster.sykepleier=1:9", *FLAGS,
                 "--budget-minutes", "0.00001", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "--budget-minutes ran out" in err and "\n" not in err
    assert not (tmp_path / "out").exists() and not (tmp_path / ".out.partial").exists()


def test_a_process_never_reuses_the_drawn_inputs_of_another_ward() -> None:
    import pandas as pd

    from sim.decide.evaluate import build, replicate
    from sim.experiment import run_one

    plain = queue_ward({"sykepleier": (LAMBDA, 3)})
    other = {**plain, "calendar": {**plain["calendar"], "holidays": [3]}}  # another calendar
    cells = parse_cells(plain, ["roster.sykepleier=1:9"], ["weekday", "weekend"])
    replicate(plain, "plain.yaml", cells, (4,), 7, 0, 1, 10, 9)  # leaves its inputs cached
    # the same seed, replication and widest roster: once, its inputs were taken for these
    _, _, staff, _ = replicate(other, "other.yaml", cells, (4,), 7, 0, 1, 10, 9)
    alone = run_one(build(other, "other.yaml", cells, (4,), 10), 7, 0, 1, detail=False,
                    by_shift=True)
    pd.testing.assert_frame_equal(staff, alone.shift_staff)
