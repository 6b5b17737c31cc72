"""Task duration families around the estimated time (estimert tid).

Every family is sampled by inverse transform from uniforms, so two scenarios that share a
stream get the same *inherent* durations even if one of them changes a task's estimate
(common random numbers). The distributions themselves are scipy.stats'.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
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
    #: The scipy distribution, built once on first use (building one is slow in scipy).
    _dist: list = field(default_factory=list, init=False, compare=False, repr=False)

    def frozen(self) -> stats.rv_continuous | None:
        """The scipy frozen distribution (None for ``fixed``), built once."""
        if not self._dist:
            self._dist.append(self._build())
        return self._dist[0]

    def _build(self) -> stats.rv_continuous | None:
        if self.family == "lognormal":
            sigma2 = np.log1p(self.cv**2)
            return stats.lognorm(s=np.sqrt(sigma2), scale=self.mean * np.exp(-sigma2 / 2))
        if self.family == "gamma":
            shape = 1.0 / self.cv**2
            return stats.gamma(a=shape, scale=self.mean / shape)
        if self.family == "exponential":
            return stats.expon(scale=self.mean)
        if self.family == "triangular":
            width = self.high - self.low
            return stats.triang(c=(self.mode - self.low) / width, loc=self.low, scale=width)
        return None

    def from_uniform(self, u: np.ndarray) -> np.ndarray:
        """Durations for uniforms ``u`` in [0, 1) by inverse transform."""
        dist = self.frozen()
        if dist is None:
            return np.full(np.shape(u), self.mean, dtype=float)
        return dist.ppf(np.clip(u, _EPS, 1 - _EPS))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` durations from ``rng``."""
        return self.from_uniform(rng.random(size))

    def scaled(self, factor: float) -> Duration:
        """The same shape with every duration multiplied by ``factor``."""
        if factor == 1.0:
            return self
        scale = (lambda x: None if x is None else x * factor)
        return Duration(self.family, self.mean * factor, self.cv,
                        scale(self.low), scale(self.mode), scale(self.high))


def triangular(low: float, mode: float, high: float) -> Duration:
    """A triangular duration; its mean is (low + mode + high) / 3."""
    return Duration("triangular", (low + mode + high) / 3.0, None, low, mode, high)
