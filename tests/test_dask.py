"""The Dask executor gives the same tables as the local one (issue 3, "Beyond one machine").

A :class:`dask.distributed.LocalCluster` of two worker processes (one thread each) is
started once for the module; ``wardsim compare``, ``sweep`` and ``optimise`` are run with
``--executor dask --scheduler ADDRESS`` and with one local worker, and their tables must be
equal exactly. A Dask executor without a usable scheduler is a command-line mistake: one
line on stderr, exit code 2, no results folder. Skipped when the ``dask`` extra is missing.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

distributed = pytest.importorskip("dask.distributed")

from conftest import base_dict  # noqa: E402

from sim.cli import main  # noqa: E402

SWEEP = ["--vary", "durations.scale=0.6:1.4", "--vary", "roster.helsefagarbeider.day=1:3",
         "--design", "oat", "--points", "2", "-n", "2", "--seed", "5"]


def _ward(**changes: Any) -> dict[str, Any]:
    raw = base_dict(calendar={"days": 1}, absence={"sykepleier": 0.1, "helsefagarbeider": 0.1},
                    **changes)
    raw["tasks"][0]["when"] = {"anytime": 6.0}
    return raw


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes with one thread each."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR) as local:
        yield local


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("scenarios")
    out = {}
    for name, raw in (("ward", _ward()),
                      ("roster", _ward(roster={"sykepleier": {"day": 3, "evening": 1}}))):
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
        out[name] = str(path)
    return out


def _same(a: Path, b: Path, names: list[str]) -> None:
    for name in names:
        if name.endswith(".parquet"):
            left, right = pd.read_parquet(a / name), pd.read_parquet(b / name)
        else:
            left, right = pd.read_csv(a / name), pd.read_csv(b / name)
        assert len(left) > 0, name
        pd.testing.assert_frame_equal(left, right, check_exact=True, obj=name)


def test_compare_on_dask_equals_local(cluster, files: dict[str, str], tmp_path: Path) -> None:
    args = ["compare", files["ward"], files["roster"], "-n", "2", "--seed", "9", "--detail",
            "--max-utilisation", "0.3"]
    assert main([*args, "--workers", "1", "--out", str(tmp_path / "local")]) == 0
    assert main([*args, "--executor", "dask", "--scheduler", cluster.scheduler_address,
                 "--out", str(tmp_path / "dask")]) == 0
    _same(tmp_path / "local", tmp_path / "dask",
          ["comparison.csv", "freed_nurse_hours.csv", "over_threshold.csv", "ward/summary.csv",
           "ward/replications.csv", "roster/replications.csv", "ward/tasks.parquet",
           "roster/staff.parquet"])


def test_sweep_on_dask_equals_local(cluster, files: dict[str, str], tmp_path: Path) -> None:
    args = ["sweep", files["ward"], *SWEEP]
    assert main([*args, "--workers", "1", "--out", str(tmp_path / "local")]) == 0
    assert main([*args, "--executor", "dask", "--scheduler", cluster.scheduler_address,
                 "--out", str(tmp_path / "dask")]) == 0
    _same(tmp_path / "local", tmp_path / "dask",
          ["points.csv", "sensitivity.csv", "replications.csv"])
    assert pd.read_csv(tmp_path / "dask" / "points.csv")["point"].nunique() == 1 + 2 * 2


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_dask_without_a_scheduler_fails_in_one_line(command: str, files: dict[str, str],
                                                    tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """``--executor dask`` needs ``--scheduler``: a usage error, told before anything runs."""
    args = (["compare", files["ward"], files["roster"], "-n", "2"] if command == "compare"
            else ["sweep", files["ward"], *SWEEP])
    try:
        code = main([*args, "--executor", "dask", "--out", str(tmp_path / "out")])
    except Exception as err:  # noqa: BLE001 - the test is that nothing escapes main
        pytest.fail(f"main raised {type(err).__name__}: {err}")
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("wardsim: error:") and "--scheduler" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_unreachable_scheduler_fails_in_one_line(files: dict[str, str], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        try:
            code = main(["compare", files["ward"], files["roster"], "-n", "2", "--executor", "dask",
                         "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "out")])
        except Exception as err:  # noqa: BLE001 - the test is that nothing escapes main
            pytest.fail(f"main raised {type(err).__name__}: {err}")
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("wardsim: error:") and "127.0.0.1:9" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_optimise_on_dask_equals_local(cluster, tmp_path: Path) -> None:
    """The optimiser's evaluations on Dask give the same roster, search and certificate."""
    from test_optimise import LAMBDA, queue_ward, write

    source = write(tmp_path, queue_ward({"sykepleier": (LAMBDA, 3)}))
    args = ["optimise", source, "--vary", "roster.sykepleier=1:9", "-n", "4", "--days", "4",
            "--warmup-days", "1", "--seed", "3"]
    assert main([*args, "--workers", "1", "--out", str(tmp_path / "local")]) == 0
    assert main([*args, "--executor", "dask", "--scheduler", cluster.scheduler_address,
                 "--out", str(tmp_path / "dask")]) == 0
    _same(tmp_path / "local", tmp_path / "dask", ["search.csv", "certificate.csv", "targets.csv"])
    local, dask = ((tmp_path / side / "optimum.yaml").read_text(encoding="utf-8")
                   for side in ("local", "dask"))
    assert local == dask and "sykepleier" in yaml.safe_load(local)["roster"]
