"""Parallel map: results are not held after the caller has used them (memory stays flat)."""

from __future__ import annotations

import gc
import weakref

from sim.parallel import map_unordered


class Payload:
    """A stand-in for one replication's rows."""

    def __init__(self, n: int) -> None:
        self.n = n


def make(n: int) -> Payload:
    return Payload(n)


def test_process_pool_does_not_keep_finished_results() -> None:
    refs = []
    seen = []
    for result in map_unordered(make, [(i,) for i in range(6)], workers=2):
        seen.append(result.n)
        refs.append(weakref.ref(result))
        del result
        gc.collect()
        # every result but possibly the one being yielded is gone
        assert sum(r() is not None for r in refs[:-1]) == 0
    assert sorted(seen) == list(range(6))


def test_one_worker_runs_in_process_in_order() -> None:
    assert [p.n for p in map_unordered(make, [(i,) for i in range(4)], workers=1)] == [0, 1, 2, 3]
