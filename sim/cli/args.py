"""The command line's argument types and shared options, importable in milliseconds.

Every number and path on the command line is checked before any work starts: the types
below refuse what is not a whole number in range (naming the option and the range, never
a Python name). Nothing here imports numpy, scipy or pandas: ``wardsim --help`` builds
every parser from this module and :mod:`sim.cli.parser` alone.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.i18n import LANGUAGES, Messages
from sim.parallel import EXECUTORS

if TYPE_CHECKING:
    from sim.io.schema import Scenario


class UsageError(Exception):
    """A bad command-line value; told in one line, exit code 2."""


#: Upper bounds of the command line's numbers: beyond them no ward study makes sense.
MAX_REPLICATIONS = 100_000
MAX_WORKERS = 256
MAX_SEED = 2**63 - 1
MAX_POINTS = 1_000_000
#: Longest text of an argument quoted back in a message (characters).
SHOWN = 60


def one_line(text: str, limit: int = 1000) -> str:
    """``text`` as one printable line: control characters escaped, at most ``limit`` characters."""
    out = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                  for ch in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def shown(text: str) -> str:
    """``repr`` of a user's text, cut to :data:`SHOWN` characters (control characters escaped)."""
    return repr(text if len(text) <= SHOWN else text[: SHOWN - 1] + "…")


def whole(low: int, high: int) -> Callable[[str], int]:
    """Make an argument type: a whole number from ``low`` to ``high``, told in words if not."""
    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", "x"))  # 1_000 is Python, not a count
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            span = f"from {low:,} to {high:,}"
            raise argparse.ArgumentTypeError(f"must be a whole number {span}, got {shown(text)}")
        return value
    return parse


def days_from(low: int) -> Callable[[str], int]:
    """Make an argument type: a whole number of days from ``low`` to the longest calendar.

    The bound (:data:`sim.io.limits.MAX_DAYS`) is read when the option is given: its module
    imports the scenario schema, which ``--help`` should not wait for.
    """
    def parse(text: str) -> int:
        from sim.io.limits import MAX_DAYS

        return whole(low, MAX_DAYS)(text)
    return parse


positive = whole(1, MAX_REPLICATIONS)
non_negative = days_from(0)
seed = whole(0, MAX_SEED)


def share(text: str) -> float:
    """Read a number above 0 and at most 1, such as 0.85 (an argument type)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a number above 0 and at most 1, such as 0.85, "
                                         f"got {shown(text)}")
    return value


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (see :class:`UsageError`)."""

    def error(self, message: str) -> None:
        """Raise the error as one line instead of usage + message."""
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that simulates."""
    parser.add_argument("--replications", "-n", type=positive, default=10, help="default 10")
    parser.add_argument("--seed", type=seed, default=12345, help="default 12345")
    parser.add_argument("--days", type=days_from(1),
                        help="override the scenario's calendar days")
    parser.add_argument("--warmup-days", type=non_negative, default=0,
                        help="days left out of summaries (default 0)")
    parser.add_argument("--out", help="results folder (default results/<name>-<time>)")
    parser.add_argument("--workers", type=whole(1, MAX_WORKERS), default=None,
                        help="local processes (default: every core)")
    parser.add_argument("--executor", choices=EXECUTORS, default="local",
                        help="local processes, or a Dask cluster (needs --scheduler)")
    parser.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="language of the tables and the report: nb, sv or en (default: "
                             "the scenario's `language:`, else en)")


def messages(args: argparse.Namespace, scenario: Scenario | None = None) -> Messages:
    """Return the messages of ``--lang``, else of the scenario's ``language:``, else English."""
    return Messages(args.lang or (scenario.language if scenario else None) or "en")
