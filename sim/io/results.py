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
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiment import Replication, Results
from sim.io.sources import file_of

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
    """Hex SHA-256 of a source's file, to tie results to the exact scenario text."""
    return hashlib.sha256(file_of(path).read_bytes()).hexdigest()


class AtomicFolder:
    """A results folder that appears only when complete.

    Files go to the hidden ``.<name>.partial`` beside it; :meth:`commit` renames it into
    place. If the block exits without a commit the partial folder is removed, unless
    ``keep_partial`` (a sweep keeps it so that ``--resume`` can carry on).
    """

    def __init__(self, out_dir: str | Path, keep_partial: bool = False, resume: bool = False) -> None:
        self.out_dir = Path(out_dir)
        self.tmp = self.out_dir.parent / f".{self.out_dir.name}.partial"
        self.keep_partial, self.resume = keep_partial, resume
        self.committed = False

    def __enter__(self) -> AtomicFolder:
        if self.out_dir.exists():
            raise FileExistsError(f"{self.out_dir} already exists; choose another --out")
        if self.tmp.exists() and not self.resume:
            shutil.rmtree(self.tmp)
        self.tmp.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self.committed and not self.keep_partial and self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)

    def commit(self) -> Path:
        """Move the finished folder into place and return its path."""
        os.rename(self.tmp, self.out_dir)
        self.committed = True
        return self.out_dir


class RunWriter(AtomicFolder):
    """One scenario's run: per-replication part files, joined and summarised at the end."""

    def __enter__(self) -> RunWriter:
        super().__enter__()
        (self.tmp / "parts").mkdir(exist_ok=True)
        return self

    def add(self, rep: Replication) -> None:
        """Write one replication's rows as part files."""
        parts = self.tmp / "parts"
        _write(rep.staff, STAFF_SCHEMA, parts / f"staff-{rep.replication:06d}.parquet")
        if rep.tasks is not None:
            _write(rep.tasks, TASK_SCHEMA, parts / f"tasks-{rep.replication:06d}.parquet")

    def finish(self, results: Results, meta: dict,
               extra: Callable[[Path, Results], None] | None = None) -> Path:
        """Join the parts, write the summary and run.json, and move the folder into place.

        ``extra(folder, results)`` may write more files (a report) before the move.
        """
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
        write_json(self.tmp / "run.json", meta)
        if extra is not None:
            extra(self.tmp, results)
        return self.commit()


def write_json(path: Path, data: dict) -> None:
    """Write ``data`` as readable UTF-8 JSON."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write(frame: pd.DataFrame, schema: pa.Schema, path: Path) -> None:
    table = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
    pq.write_table(table, path)


def _join(paths: list[Path], schema: pa.Schema, out: Path) -> None:
    """Concatenate part files one at a time (never all in memory)."""
    with pq.ParquetWriter(out, schema) as writer:
        for path in paths:
            writer.write_table(pq.read_table(path, schema=schema))
