"""Task duration families around the estimated time (estimert tid).

Every family is sampled by inverse transform from uniforms, so two scenarios that share a
stream get the same *inherent* durations even if one of them changes a task's estimate
(common random numbers). The distributions themselves are scipy.stats', imported when a
duration is first drawn: building a model (``wardsim validate``) must not wait for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import stats

#: Keeps ppf away from 0 and 1, where some families return 0 or infinity.
_EPS = 1e-12


@dataclass(frozen=True)
class Duration:
    """A duration distribution in minutes.

    ``lognormal`` and ``gamma`` take the mean and the coefficient of variation (the mean is
    the estimate, not the median); ``triangular`` takes low, mode and high; ``exponential``
    the mean; ``fixed`` is always the mean.
    """

    family: str
    mean: float
    cv: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None

    def _scipy(self) -> tuple[stats.rv_continuous, tuple[float, ...], float, float] | None:
        """Return the scipy family with its shape, loc and scale (None for ``fixed``).

        The generic family objects are used rather than frozen distributions: scipy builds
        a frozen one slowly, and each worker process would rebuild them for every job.
        """
        from scipy import stats  # here, not at the top: it takes half a second to import

        if self.family == "lognormal":
            sigma2 = np.log1p(self.cv**2)
            return stats.lognorm, (np.sqrt(sigma2),), 0.0, self.mean * np.exp(-sigma2 / 2)
        if self.family == "gamma":
            shape = 1.0 / self.cv**2
            return stats.gamma, (shape,), 0.0, self.mean / shape
        if self.family == "exponential":
            return stats.expon, (), 0.0, self.mean
        if self.family == "triangular":
            width = self.high - self.low
            return stats.triang, ((self.mode - self.low) / width,), self.low, width
        return None

    def frozen(self) -> stats.rv_continuous | None:
        """Return the scipy frozen distribution (None for ``fixed``), e.g. for its mean or pdf."""
        spec = self._scipy()
        if spec is None:
            return None
        family, shapes, loc, scale = spec
        return family(*shapes, loc=loc, scale=scale)

    def from_uniform(self, u: np.ndarray) -> np.ndarray:
        """Durations for uniforms ``u`` in [0, 1) by inverse transform."""
        spec = self._scipy()
        if spec is None:
            return np.full(np.shape(u), self.mean, dtype=float)
        family, shapes, loc, scale = spec
        return family.ppf(np.clip(u, _EPS, 1 - _EPS), *shapes, loc=loc, scale=scale)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` durations from ``rng``."""
        return self.from_uniform(rng.random(size))

    def scaled(self, factor: float) -> Duration:
        """Return the same shape with every duration multiplied by ``factor``."""
        if factor == 1.0:
            return self

        def scale(x: float | None) -> float | None:
            return None if x is None else x * factor

        return Duration(self.family, self.mean * factor, self.cv,
                        scale(self.low), scale(self.mode), scale(self.high))


def from_uniform_shared(durations: Sequence[Duration | None], u: np.ndarray
                        ) -> list[np.ndarray | None]:
    """:meth:`Duration.from_uniform` of several durations over the same uniforms ``u``.

    Durations of one family and shape (e.g. one task's times for several staff groups,
    which differ only in the mean) share one evaluation of the standard quantiles, scaled
    to each: scipy's ``ppf`` computes ``standard_ppf(u) * scale + loc`` itself, so the
    result is the same to the bit, for the cost of one distribution call. None stays None.
    """
    clipped = np.clip(u, _EPS, 1 - _EPS)
    standard: dict[tuple[str, tuple[float, ...]], np.ndarray] = {}
    out: list[np.ndarray | None] = []
    for duration in durations:
        spec = None if duration is None else duration._scipy()
        if spec is None:
            out.append(None if duration is None else duration.from_uniform(u))
            continue
        family, shapes, loc, scale = spec
        key = (family.name, tuple(float(x) for x in shapes))
        if key not in standard:
            standard[key] = family.ppf(clipped, *shapes)
        out.append(standard[key] * scale + loc)
    return out


def from_uniform_many(durations: Sequence[Duration], us: Sequence[np.ndarray]
                      ) -> list[np.ndarray]:
    """:meth:`Duration.from_uniform` of each duration over its own uniforms, all at once.

    One scipy ``ppf`` call per family for every task of the replication instead of one per
    task: ``ppf`` takes its shape, ``loc`` and ``scale`` per element (broadcast) and applies
    the same elementwise formula, so each duration is what its own call gives, to the bit;
    the call's checks, which cost more than a task's few hundred quantiles, are made once.
    """
    specs = [duration._scipy() for duration in durations]
    out: list[np.ndarray | None] = [None] * len(durations)
    families: dict[str, list[int]] = {}  # family name -> indices of its durations
    for i, (duration, spec, u) in enumerate(zip(durations, specs, us, strict=True)):
        if spec is None or not np.size(u):
            out[i] = duration.from_uniform(u)
        else:
            families.setdefault(spec[0].name, []).append(i)
    for chosen in families.values():
        sizes = [np.size(us[i]) for i in chosen]
        # per uniform, its duration's shapes, loc and scale (one row per duration, repeated)
        params = np.repeat([[*specs[i][1], specs[i][2], specs[i][3]] for i in chosen],
                           sizes, axis=0)
        *shapes, loc, scale = params.T
        u = np.clip(np.concatenate([us[i] for i in chosen]), _EPS, 1 - _EPS)
        values = specs[chosen[0]][0].ppf(u, *shapes, loc=loc, scale=scale)
        for i, part in zip(chosen, np.split(values, np.cumsum(sizes)[:-1]), strict=True):
            out[i] = part
    return out  # type: ignore[return-value]  # every entry is set above


def triangular(low: float, mode: float, high: float) -> Duration:
    """Return a triangular duration; its mean is (low + mode + high) / 3."""
    return Duration("triangular", (low + mode + high) / 3.0, None, low, mode, high)
