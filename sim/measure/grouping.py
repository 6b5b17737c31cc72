"""Group-by on numpy arrays that gives pandas' numbers bit for bit, without pandas' cost.

The KPIs of a replication were written with ``DataFrame.groupby``; a replication's few
hundred rows make each groupby call cost far more than its arithmetic. These helpers
reproduce the same groups in the same order and the same floating-point sums:
``groupby(sort=False)`` numbers groups by first appearance (:func:`first_seen`), a
group's ``Series.sum()`` is numpy's pairwise sum of its rows in row order
(:meth:`Groups.sums`), and ``groupby(...).sum()`` is a Kahan sum (:func:`kahan_sums`:
pandas' own compiled group sum, on integer codes).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd


def first_seen(*keys: np.ndarray | tuple[np.ndarray, int]) -> tuple[np.ndarray, int]:
    """Group code of every row, groups numbered by first appearance of their key tuple.

    A key is an array, or ``(codes, n)`` already numbered so (as ``pd.factorize`` gives);
    keys that are small non-negative integers are combined without hashing.
    """
    coded = [key if isinstance(key, tuple) else _coded(key) for key in keys]
    codes, n = coded[0]
    if len(coded) > 1 and codes.size and np.prod([m for _, m in coded]) <= 4 * codes.size + 1024:
        for more, m in coded[1:]:
            codes, n = codes * m + more, n * m
        return renumbered(codes, n)
    for more, m in coded[1:]:
        codes, combined = pd.factorize(codes * m + more)
        codes, n = codes.astype(np.int64), len(combined)
    return codes, n


def _coded(key: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes 0..n-1 of a key in order of first appearance (pandas' factorize numbering)."""
    if key.dtype.kind in "iu" and key.size and 0 <= key.min() and key.max() < 4 * key.size + 1024:
        return renumbered(key.astype(np.int64), int(key.max()) + 1)
    codes, uniques = pd.factorize(key)
    return codes.astype(np.int64), len(uniques)


def renumbered(codes: np.ndarray, n: int) -> tuple[np.ndarray, int]:
    """Codes (0..n-1) renumbered by first appearance, and how many of them appear."""
    first = np.full(n, codes.size)
    np.minimum.at(first, codes, np.arange(codes.size))
    seen = np.flatnonzero(first < codes.size)
    rank = np.zeros(n, dtype=np.int64)
    rank[seen[np.argsort(first[seen])]] = np.arange(seen.size)
    return rank[codes], seen.size


class Groups:
    """Rows split into ``n`` groups by ``codes`` (0..n-1), each group's rows in row order."""

    def __init__(self, codes: np.ndarray, n: int) -> None:
        self.codes, self.n = codes, n
        # a stable sort is one permutation whatever the algorithm; small ints sort by radix
        self.order = np.argsort(small_codes(codes, n), kind="stable")
        self.bounds = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=n))))

    @classmethod
    def of(cls, *keys: np.ndarray | tuple[np.ndarray, int]) -> Groups:
        """Split rows as ``groupby(keys, sort=False)`` does."""
        return cls(*first_seen(*keys))

    def first(self) -> np.ndarray:
        """Index of the first row of every group."""
        return self.order[self.bounds[:-1]]

    def sums(self, *columns: np.ndarray) -> np.ndarray:
        """Array (columns, n): each group's ``Series.sum()`` (pairwise, in row order)."""
        values = np.ascontiguousarray(np.stack(columns)[:, self.order])
        if not self.n:
            return np.empty((len(columns), 0))
        bounds = self.bounds.tolist()
        add = np.add.reduce  # what ndarray.sum calls, without its wrapper
        return np.array([add(values[:, a:b], axis=1)
                         for a, b in zip(bounds[:-1], bounds[1:], strict=True)]).T

    def rows(self, i: int) -> np.ndarray:
        """Row indices of group ``i`` in row order."""
        return self.order[self.bounds[i]:self.bounds[i + 1]]


def kept(mask: np.ndarray) -> np.ndarray | slice:
    """Index of the rows ``mask`` keeps: all of them as a slice when it keeps every row.

    Indexing with the slice gives views, not copies, which for a run without warm-up is
    every task; the values are the same either way.
    """
    return slice(None) if mask.all() else mask


def small_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """``codes`` (0..n-1) as int16 if they fit, which numpy's stable sort orders by radix."""
    return codes.astype(np.int16) if n <= np.iinfo(np.int16).max else codes


def kahan_sums(codes: np.ndarray, n: int, *columns: np.ndarray) -> np.ndarray:
    """Array (columns, n): ``groupby(codes).sum()`` of each column, 0 for an empty group."""
    values = np.ascontiguousarray(np.stack(columns).T, dtype=float)
    out = np.zeros((n, len(columns)))
    group_sum = _pandas_group_sum()
    if group_sum is not None:
        group_sum(out, np.zeros(n, dtype=np.int64), values, codes.astype(np.intp), None)
        return out.T.copy()
    sums = pd.DataFrame(values).groupby(codes, sort=True).sum()
    out[sums.index.to_numpy()] = sums.to_numpy()
    return out.T.copy()


@cache
def _pandas_group_sum() -> Callable[..., None] | None:
    """Return pandas' own Kahan group sum if this pandas has it and it agrees with groupby.

    Calling it directly costs a tenth of a ``groupby`` call; checked once on data where
    plain summation would differ, and left alone (the public call is used) otherwise.
    """
    try:
        from pandas._libs.groupby import group_sum
    except ImportError:  # pragma: no cover - another pandas
        return None
    values = np.array([1e16, 1.0, -1e16, 3.3, 0.1, 0.2, 0.3, 1e-3, 7.0]).reshape(-1, 1)
    codes = np.array([0, 0, 0, 1, 1, 1, 0, 1, 0], dtype=np.intp)
    out = np.zeros((2, 1))
    try:
        group_sum(out, np.zeros(2, dtype=np.int64), values, codes, None)
    except (TypeError, ValueError):  # pragma: no cover - another signature
        return None
    want = pd.DataFrame(values).groupby(codes).sum().to_numpy()
    return group_sum if np.array_equal(out, want) else None



def grouped(values: np.ndarray, codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return group 0's values, then group 1's, ..., each ascending; and each group's count."""
    order = np.argsort(small_codes(codes, n), kind="stable")
    count = np.bincount(codes, minlength=n)
    values = values[order]
    bounds = np.cumsum(count).tolist()
    for a, b in zip([0, *bounds[:-1]], bounds, strict=True):
        if b - a > 1:
            values[a:b].sort()
    return values, count


def run_quantiles(values: np.ndarray, count: np.ndarray, q: tuple[float, ...]) -> np.ndarray:
    """Array (len(count), q): ``np.quantile`` of every run of ``values`` (NaN for an empty run).

    ``values`` holds runs of ``count`` values one after another, each ascending (as
    :func:`grouped` gives). One ``np.quantile`` call per run costs far more than its
    arithmetic. The default ('linear') quantile of m sorted values lies between the order
    statistics ``floor((m - 1) q)`` and the next, at the fraction; and that is what
    ``np.quantile`` gives for the two-point sample of those two values at that fraction. So
    numpy interpolates every run at once: column k of a (2, K) sample at fraction k is the
    diagonal of one ``np.quantile`` call.
    """
    out = np.full((len(count), len(q)), np.nan)
    have = np.flatnonzero(count)
    if not have.size:
        return out
    m = count[have][:, None]
    at = (m - 1) * np.array(q, dtype=float)
    low = np.floor(at)
    fraction = (at - low).ravel()
    low = np.minimum(low.astype(np.int64), m - 1)
    high = np.minimum(low + 1, m - 1)
    start = (np.cumsum(count) - count)[have][:, None]
    pairs = np.stack([values[start + low].ravel(), values[start + high].ravel()])
    out[have] = np.diagonal(np.quantile(pairs, fraction, axis=0)).reshape(-1, len(q))
    return out
