"""Result files, written atomically: a run folder appears only when it is complete.

Per-replication task and staff rows are appended to part files in a hidden temporary
folder as replications finish (so memory stays flat), joined into one Parquet file each at
the end, and the folder is renamed into place. On any error the temporary folder is removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from types import TracebackType

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiment import Replication, Results

TASK_SCHEMA = pa.schema([
    ("replication", pa.int64()), ("scenario", pa.string()), ("seq", pa.int64()),
    ("task_id", pa.string()), ("category", pa.string()), ("priority", pa.string()),
    ("group", pa.string()), ("performed_by", pa.string()), ("staff_id", pa.string()),
    ("day", pa.int64()), ("day_type", pa.string()), ("interval", pa.string()),
    ("arrival", pa.float64()), ("start", pa.float64()), ("end", pa.float64()),
    ("wait", pa.float64()), ("late", pa.bool_()), ("missed", pa.bool_()),
    ("status", pa.string()), ("warmup", pa.bool_()),
])
STAFF_SCHEMA = pa.schema([
    ("replication", pa.int64()), ("scenario", pa.string()), ("group", pa.string()),
    ("shift", pa.string()), ("day", pa.int64()), ("day_type", pa.string()),
    ("interval", pa.string()), ("on_duty_minutes", pa.float64()), ("busy_minutes", pa.float64()),
    ("other_group_minutes", pa.float64()), ("overtime_minutes", pa.float64()),
    ("absent_minutes", pa.float64()), ("utilisation", pa.float64()), ("warmup", pa.bool_()),
])


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file, to tie results to the exact scenario text."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class RunWriter:
    """Collects one run's files in a temporary folder and renames it when complete.

    Use as a context manager; call :meth:`add` per replication and :meth:`finish` at the end.
    """

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.tmp = self.out_dir.parent / f".{self.out_dir.name}.partial-{os.getpid()}"

    def __enter__(self) -> RunWriter:
        if self.out_dir.exists():
            raise FileExistsError(f"{self.out_dir} already exists; choose another --out")
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        (self.tmp / "parts").mkdir(parents=True)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)

    def add(self, rep: Replication) -> None:
        """Write one replication's rows as part files."""
        parts = self.tmp / "parts"
        _write(rep.staff, STAFF_SCHEMA, parts / f"staff-{rep.replication:06d}.parquet")
        if rep.tasks is not None:
            _write(rep.tasks, TASK_SCHEMA, parts / f"tasks-{rep.replication:06d}.parquet")

    def finish(self, results: Results, meta: dict) -> Path:
        """Join the parts, write the summary and run.json, and move the folder into place."""
        parts = self.tmp / "parts"
        _join(sorted(parts.glob("staff-*.parquet")), STAFF_SCHEMA, self.tmp / "staff.parquet")
        task_parts = sorted(parts.glob("tasks-*.parquet"))
        if task_parts:
            _join(task_parts, TASK_SCHEMA, self.tmp / "tasks.parquet")
        shutil.rmtree(parts)
        summary = results.summary.copy()
        summary.insert(0, "scenario", results.scenario)
        summary.to_csv(self.tmp / "summary.csv", index=False)
        results.kpis.to_csv(self.tmp / "replications.csv", index=False)
        (self.tmp / "run.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        os.rename(self.tmp, self.out_dir)
        return self.out_dir


def _write(frame: pd.DataFrame, schema: pa.Schema, path: Path) -> None:
    table = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
    pq.write_table(table, path)


def _join(paths: list[Path], schema: pa.Schema, out: Path) -> None:
    """Concatenate part files one at a time (never all in memory)."""
    with pq.ParquetWriter(out, schema) as writer:
        for path in paths:
            writer.write_table(pq.read_table(path, schema=schema))
