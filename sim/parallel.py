"""Run independent jobs on every core, or on a Dask cluster, and yield results as they finish.

Jobs are pure functions of their arguments (a replication or a design point draws only
from its own seeded streams), so which worker runs a job, and in which order they finish,
never changes a number. Callers sort what they collect by job key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

EXECUTORS = ("local", "dask")


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
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            # drop each future once read, so finished results are not all held until the end
            pending = {pool.submit(fn, *job) for job in jobs}
            for future in as_completed(pending):
                pending.discard(future)
                yield future.result()


def _dask(fn: Callable[..., Any], jobs: Sequence[tuple], scheduler: str | None) -> Iterator[Any]:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError:  # pragma: no cover - depends on the installation
        raise RuntimeError("the dask executor needs the dask extra: pip install 'wardsim[dask]'") from None
    if not scheduler:
        raise RuntimeError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)")
    with Client(scheduler) as client:
        pending = dask_completed([client.submit(fn, *job, pure=False) for job in jobs])
        for future in pending:
            result = future.result()
            future.release()  # let the cluster forget it too
            yield result
