"""What a sweep may be asked for, without what running one takes: its designs and its error.

The command line needs both before any work (``--design`` choices; a bad ``--vary`` told in
one line), so they live apart from :mod:`sim.decide.sweep`, which imports scipy and pandas.
"""

from __future__ import annotations

#: The designs ``wardsim sweep --design`` offers.
DESIGNS = ("lhs", "sobol", "grid", "oat")


class SweepError(Exception):
    """A bad sweep specification; told in one line, exit code 2."""
