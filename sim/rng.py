"""Random streams: one independent, reproducible generator per source of randomness.

A stream is keyed by the replication and a stable name such as ``("arrivals",
"blodprove")``. Two scenarios run with the same seed therefore draw the same arrivals and
durations for a task of the same id, whatever else differs between them (common random
numbers), and adding a task does not shift any other task's random numbers.
"""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    """Factory of named generators for one replication of one seed."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = int(seed)
        self.replication = int(replication)

    def generator(self, *key: str | int) -> np.random.Generator:
        """Return a fresh generator for the source named by ``key``.

        The same (seed, replication, key) always gives the same stream; the key is hashed
        with CRC-32 into the SeedSequence spawn key, as in ``SeedSequence.spawn``.
        """
        name = ":".join(str(k) for k in key).encode("utf-8")
        sequence = np.random.SeedSequence(
            entropy=self.seed, spawn_key=(self.replication, zlib.crc32(name))
        )
        return np.random.Generator(np.random.PCG64(sequence))
