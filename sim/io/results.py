"""Result files, written atomically: a run folder appears only when it is complete.

Per-replication task and staff rows are appended to part files in a hidden temporary
folder as replications finish (so memory stays flat), joined into one Parquet file each at
the end, and the folder is renamed into place. On any error the temporary folder is removed.
"""

from __future__ import annotations

import errno
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
from sim.io.errors import OutFolderError
from sim.io.sources import file_of

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

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
    # meal breaks (sim.breaks), 0 without breaks; utilisation = busy / (on duty - break)
    ("break_minutes", pa.float64()), ("missed_breaks", pa.float64()),
    ("missed_break_minutes", pa.float64()),
])


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of a source's file, to tie results to the exact scenario text."""
    return hashlib.sha256(file_of(path).read_bytes()).hexdigest()


#: ``notify(event, folder)`` of an :class:`AtomicFolder`: ``stale`` (a partial folder left by
#: an earlier, stopped run was removed), ``removed`` (this run's partial folder was removed
#: unfinished) or ``kept`` (left for ``--resume``).
Notify = Callable[[str, "AtomicFolder"], None]
#: The file in a partial folder that a run holds a lock on while it writes there.
LOCK_FILE = ".lock"


class AtomicFolder:
    """A results folder that appears only when complete.

    Files go to the hidden ``.<name>.partial`` beside it; :meth:`commit` renames it into
    place. If the block exits without a commit the partial folder is removed (and the
    parent folders this run created, if still empty), unless ``keep_partial`` (a sweep
    keeps it so that ``--resume`` can carry on). A partial folder left by an earlier run
    that was stopped is removed on entry (kept with ``resume``); one that another live run
    is writing (it holds a lock on its ``.lock`` file) is refused. A folder that cannot be
    made (a parent that is a file, no permission, a read-only file system, a name too
    long) is an :class:`OutFolderError`.
    """

    def __init__(self, out_dir: str | Path, keep_partial: bool = False, resume: bool = False,
                 notify: Notify | None = None) -> None:
        self.out_dir = Path(out_dir)
        self.tmp = self.out_dir.parent / f".{self.out_dir.name}.partial"
        self.keep_partial, self.resume, self.notify = keep_partial, resume, notify
        self.committed = False
        self._made: list[Path] = []  # parent folders this run created, outermost first
        self._created = False  # whether this run made the partial folder
        self._lock: int | None = None

    def __enter__(self) -> AtomicFolder:
        if os.path.lexists(self.out_dir):
            raise FileExistsError(f"{self.out_dir} already exists; choose another --out")
        try:
            self._make_parents()
            if os.path.lexists(self.tmp):
                if not os.path.isdir(self.tmp) or os.path.islink(self.tmp):
                    raise OutFolderError(f"{self.tmp} is in the way of the results folder "
                                         f"{self.out_dir} (it is not a folder); remove it or "
                                         "choose another --out")
                self._take_lock()
                if not self.resume:
                    shutil.rmtree(self.tmp)
                    self._unlock()
                    self._event("stale")
            if not os.path.lexists(self.tmp):
                self.tmp.mkdir()
                self._created = True
            if self._lock is None:
                self._take_lock()
        except OSError as err:
            self._undo(self._created)
            raise OutFolderError(_why_not(err, self.out_dir)) from None
        except BaseException:
            self._undo(self._created)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.committed:
            return
        if self.keep_partial:
            self._unlock()
            if os.path.isdir(self.tmp):
                self._event("kept")
            return
        existed = os.path.isdir(self.tmp)
        self._undo(True)
        if existed:
            self._event("removed")

    def commit(self) -> Path:
        """Move the finished folder into place and return its path."""
        os.rename(self.tmp, self.out_dir)
        self.committed = True
        self._unlock(self.out_dir)
        return self.out_dir

    def _event(self, event: str) -> None:
        if self.notify is not None:
            self.notify(event, self)

    def _make_parents(self) -> None:
        missing, folder = [], self.tmp.parent
        while not os.path.lexists(folder) and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            folder.mkdir()
            self._made.append(folder)

    def _undo(self, remove: bool) -> None:
        """Drop the lock; remove the partial folder if ``remove``, and the parents made for it."""
        self._unlock()
        if remove and os.path.isdir(self.tmp) and not os.path.islink(self.tmp):
            shutil.rmtree(self.tmp, ignore_errors=True)
        for folder in reversed(self._made):
            try:
                folder.rmdir()
            except OSError:
                break
        self._made = []

    def _take_lock(self) -> None:
        """Lock ``.lock`` in the partial folder, or refuse if another live run holds it.

        A POSIX record lock belongs to this process (not to forked workers) and goes when
        it ends, however it ends; no lock on Windows.
        """
        if fcntl is None:  # pragma: no cover - Windows
            return
        fd = os.open(self.tmp / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            os.close(fd)
            if err.errno in (errno.EACCES, errno.EAGAIN):
                raise OutFolderError(f"another wardsim run is writing {self.out_dir} right "
                                     f"now (in {self.tmp}); wait for it or choose another "
                                     "--out") from None
            raise
        self._lock = fd

    def _unlock(self, folder: Path | None = None) -> None:
        """Remove the lock file (from ``folder``, else the partial folder) and release it."""
        if self._lock is None:
            return
        try:
            os.unlink((folder or self.tmp) / LOCK_FILE)
        except OSError:
            pass
        os.close(self._lock)
        self._lock = None


def _why_not(err: OSError, out_dir: Path) -> str:
    """One line on why the results folder ``out_dir`` cannot be made."""
    ancestor = out_dir.parent
    while not os.path.lexists(ancestor) and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    reasons = {
        errno.ENAMETOOLONG: "the name is longer than the file system allows",
        errno.EACCES: f"no permission to write in {ancestor}",
        errno.EPERM: f"no permission to write in {ancestor}",
        errno.EROFS: f"{ancestor} is on a read-only file system",
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.ENOENT: f"{ancestor} does not take new folders",
        errno.ELOOP: "the path has a symbolic link loop",
    }
    if err.errno == errno.ENOTDIR or not os.path.isdir(ancestor):
        reason = f"{_first_file(out_dir)} is a file, not a folder"
    else:
        reason = reasons.get(err.errno or 0, (err.strerror or str(err)).lower())
    return f"cannot make the results folder {out_dir}: {reason}; choose another --out"


def _first_file(path: Path) -> Path:
    """Find the outermost part of ``path`` that exists and is not a folder."""
    for part in reversed(path.parents):
        if os.path.lexists(part) and not os.path.isdir(part):
            return part
    return path


class RunWriter(AtomicFolder):
    """One scenario's run: per-replication part files, joined and summarised at the end."""

    def __enter__(self) -> RunWriter:
        super().__enter__()
        try:
            (self.tmp / "parts").mkdir(exist_ok=True)
        except BaseException:
            self._undo(True)
            raise
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
    """Write ``data`` as readable UTF-8 JSON, atomically (a stopped run leaves no half file)."""
    part = path.with_name(path.name + ".tmp")
    part.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(part, path)


def _write(frame: pd.DataFrame, schema: pa.Schema, path: Path) -> None:
    table = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
    pq.write_table(table, path)


def _join(paths: list[Path], schema: pa.Schema, out: Path) -> None:
    """Concatenate part files one at a time (never all in memory)."""
    with pq.ParquetWriter(out, schema) as writer:
        for path in paths:
            writer.write_table(pq.read_table(path, schema=schema))
