"""Run independent jobs on every core, or on a Dask cluster, and yield results as they finish.

Jobs are pure functions of their arguments (a replication or a design point draws only
from its own seeded streams), so which worker runs a job, and in which order they finish,
never changes a number. Callers sort what they collect by job key.

Stopping. Local workers ignore Ctrl-C (the terminal sends it to every process of the job;
the parent handles it) and die with their parent: on Linux the kernel kills them when it
goes (``PR_SET_PDEATHSIG``), elsewhere a thread in each worker sees it gone within half a
second. If the caller stops early – Ctrl-C, SIGTERM turned into an exception, an error in a
job or in the caller's own code – the pool is not waited for: queued jobs are cancelled
and running workers terminated (killed if they have not gone within a second).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing.connection import wait
from typing import Any

EXECUTORS = ("local", "dask")
#: Seconds a terminated worker gets to go before it is killed.
TERMINATE_GRACE = 1.0
#: How often a worker without ``PR_SET_PDEATHSIG`` checks that its parent is alive (seconds).
PARENT_POLL = 0.5


def map_unordered(
    fn: Callable[..., Any],
    jobs: Sequence[tuple],
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
) -> Iterator[Any]:
    """Yield ``fn(*job)`` for every job, in completion order.

    Parameters
    ----------
    workers
        Local processes; 1 runs in this process (no pickling, easiest to debug).
    executor
        ``local`` (a process pool) or ``dask`` (a ``dask.distributed`` cluster).
    scheduler
        The Dask scheduler address, e.g. ``tcp://10.0.0.5:8786``.
    """
    if executor == "dask":
        yield from _dask(fn, jobs, scheduler)
    elif workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield fn(*job)
    else:
        yield from _local(fn, jobs, min(workers, len(jobs)))


def _local(fn: Callable[..., Any], jobs: Sequence[tuple], workers: int) -> Iterator[Any]:
    pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_start,
                               initargs=(os.getpid(),))
    finished = False
    try:
        # drop each future once read, so finished results are not all held until the end
        pending = {pool.submit(fn, *job) for job in jobs}
        for future in as_completed(pending):
            pending.discard(future)
            yield future.result()
        finished = True
    finally:
        if finished:
            pool.shutdown()
        else:  # stopped early (also GeneratorExit): do not wait for the running jobs
            stop_pool(pool)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued jobs and end the workers now: terminate, then kill stragglers."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        _signal(process, "terminate")
    _wait_for(processes, TERMINATE_GRACE)
    for process in processes:
        if process.exitcode is None:
            _signal(process, "kill")
    _wait_for(processes, TERMINATE_GRACE)


def _signal(process: Any, how: str) -> None:
    try:
        getattr(process, how)()
    except (OSError, ValueError, AttributeError):  # already gone or already closed
        pass


def _wait_for(processes: list[Any], seconds: float) -> None:
    """Wait until every process has ended, at most ``seconds``."""
    deadline = time.monotonic() + seconds
    for process in processes:
        try:
            sentinel = process.sentinel
        except (ValueError, AttributeError):
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            if wait([sentinel], left):
                process.join(0)
        except (OSError, ValueError):
            pass


def worker_start(parent: int) -> None:
    """Set up a pool worker: Ctrl-C is the parent's business, and die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the CLI's handler
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    watch_parent(parent)


def watch_parent(parent: int) -> None:
    """End this process as soon as ``parent`` (the process that started the pool) is gone."""
    if sys.platform == "win32":  # pragma: no cover - no getppid() change to watch
        return
    first = os.getppid()  # the pool's parent, or a fork server that dies with it
    if _die_with_parent():
        if os.getppid() != first or (first != parent and not _alive(parent)):
            os._exit(1)  # it went before the request took effect
        return

    def poll() -> None:
        while True:
            if os.getppid() != first or (first != parent and not _alive(parent)):
                os._exit(1)
            time.sleep(PARENT_POLL)

    threading.Thread(target=poll, name="watch-parent", daemon=True).start()


def _die_with_parent() -> bool:
    """Ask Linux to kill this process when its parent dies; whether that worked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1  # noqa: N806 - the name in <sys/prctl.h>
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _dask(fn: Callable[..., Any], jobs: Sequence[tuple], scheduler: str | None) -> Iterator[Any]:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError:  # pragma: no cover - depends on the installation
        raise RuntimeError("the dask executor needs the dask extra: "
                           "pip install 'wardsim[dask]'") from None
    if not scheduler:
        raise RuntimeError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)")
    with Client(scheduler) as client:  # closing it releases what is left on the cluster
        pending = dask_completed([client.submit(fn, *job, pure=False) for job in jobs])
        for future in pending:
            result = future.result()
            future.release()  # let the cluster forget it too
            yield result
