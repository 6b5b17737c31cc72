"""Verdict reasons as plain sentences in the user's language.

A check of ``assess`` records *why* a cell (staff group × shift × day type) is not feasible as
a catalogue key (``reason.<name>``) and its arguments, not as text, so that the same verdict
can be read in bokmål, Swedish or English and the numbers follow the language's convention.
This module turns key + arguments into the sentence: the cell first (``helsefagarbeider,
night, weekend:``), then what is wrong (``no one holding venous_blood_sampling on duty in 7%
of shifts …``). The shift, day type and priority arguments are shown through the catalogue's
labels (``natt``, ``helg``, ``akutt``); group, task and certification ids stay as the
scenario spells them.

Keys and the arguments they take besides ``group``, ``shift``, ``day_type``:

===========================  ===============================================
``roster_nobody``            task, clock
``roster_nobody_certified``  task, certification, clock
``crew``                     task, staff, heads, clock
``coverage``                 certification, share, certified, absence
``utilisation_above/near``   value, low, high, target
``utilisation_tail``         share, target, tail
``late_above/near``          priority, value, low, high, target
``late_tail``                priority, share, target, tail
``missed_above/near``        value, low, high, target
``*_uncertain``              value, target (chosen by :func:`render` for an
                             ``*_above``/``*_near`` reason whose CI is unknown)
``glide_back``               task, from_group, share, target
``ok``                       (none: a check that is met, for hover text)
===========================  ===============================================
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sim.i18n import ENGLISH, Messages

#: Every reason a check may give (catalogue keys ``reason.<name>``).
REASON_KEYS: tuple[str, ...] = (
    "roster_nobody", "roster_nobody_certified", "crew", "coverage",
    "utilisation_above", "utilisation_near", "utilisation_tail",
    "late_above", "late_near", "late_tail", "missed_above", "missed_near", "glide_back", "ok",
    "utilisation_uncertain", "late_uncertain", "missed_uncertain",
)
#: Arguments shown through a label of the catalogue (argument -> label kind).
LABELLED: dict[str, str] = {"shift": "shift", "day_type": "day_type", "priority": "priority",
                            "category": "category", "verdict": "verdict"}


def catalogue_key(reason_key: str) -> str:
    """``reason.crew`` for ``crew`` or ``reason.crew``; a feasible check (``""``) is ``ok``."""
    name = str(reason_key or "ok")
    return name if name.startswith("reason.") else f"reason.{name}"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _uncertain(key: str, args: Mapping[str, Any]) -> str:
    """Use ``reason.late_uncertain`` for a ``reason.late_near`` whose CI is unknown.

    With data in one replication only, a sentence with an empty interval ("[–, –]") would
    read as a glitch.
    """
    stem, _, kind = key.rpartition("_")
    if kind in ("near", "above") and (_missing(args.get("low")) or _missing(args.get("high"))):
        return f"{stem}_uncertain"
    return key


def _args(reason_args: Mapping[str, Any] | str | None) -> dict[str, Any]:
    """Return the arguments as a dict (a CSV read back holds them as JSON text)."""
    if reason_args is None or (isinstance(reason_args, float) and pd.isna(reason_args)):
        return {}
    if isinstance(reason_args, str):
        return dict(json.loads(reason_args)) if reason_args.strip() else {}
    return dict(reason_args)


def render(reason_key: str, reason_args: Mapping[str, Any] | str | None,
           msg: Messages = ENGLISH, *, with_cell: bool = True) -> str:
    """One verdict reason as a sentence.

    Parameters
    ----------
    reason_key
        ``crew`` or ``reason.crew`` (``""`` for a check that is met).
    reason_args
        Its arguments; always ``group``, ``shift``, ``day_type``, the rest per key.
    msg
        The language.
    with_cell
        Put ``group, shift, day type:`` in front (leave it off where the cell is plain from
        the context, e.g. the hover text of the verdict matrix).
    """
    args = _args(reason_args)
    if with_cell and not {"group", "shift", "day_type"} <= set(args):
        raise KeyError(f"reason {reason_key!r} needs the arguments group, shift and day_type")
    for name, kind in LABELLED.items():
        if name in args:
            args[name] = msg.label(kind, str(args[name]))
    text = msg(_uncertain(catalogue_key(reason_key), args), **args)
    if not with_cell:
        return text
    return msg("reason.cell", group=args["group"], shift=args["shift"],
               day_type=args["day_type"], text=text)


def render_row(row: Mapping[str, Any] | pd.Series, msg: Messages = ENGLISH, *,
               with_cell: bool = True) -> str:
    """Render the reason of one feasibility row (``reason_key``, ``reason_args``)."""
    return render(row["reason_key"], row["reason_args"], msg, with_cell=with_cell)


def reason_column(feasibility: pd.DataFrame, msg: Messages = ENGLISH, *,
                  with_cell: bool = True) -> pd.Series:
    """Render the ``reason`` of every row of a feasibility frame (same index)."""
    return pd.Series([render(k, a, msg, with_cell=with_cell) for k, a in zip(
        feasibility["reason_key"], feasibility["reason_args"], strict=True)],
        index=feasibility.index, name="reason", dtype=object)
