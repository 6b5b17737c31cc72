"""``python -m sim.cli``: the same as the ``wardsim`` command."""

from sim.cli import run

run()
