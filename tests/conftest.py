"""Tiny scenario builders shared by the tests."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sim.io.scenario import from_dict, merge
from sim.io.schema import Scenario
from sim.model import WardModel, build_model

SHIFTS = {
    "day": {"start": "07:00", "end": "15:00"},
    "evening": {"start": "15:00", "end": "23:00"},
    "night": {"start": "23:00", "end": "07:00"},
}


def base_dict(**changes: Any) -> dict[str, Any]:
    """Return a small valid two-group ward as a plain mapping; ``changes`` are merged in."""
    raw = {
        "name": "test ward",
        "ward": {"beds": 10, "occupancy": 1.0},
        "calendar": {"days": 3, "start": "monday"},
        "groups": [{"id": "sykepleier", "nurse": True, "cost_per_hour": 500},
                   {"id": "helsefagarbeider", "cost_per_hour": 400}],
        "shifts": copy.deepcopy(SHIFTS),
        "roster": {"sykepleier": {"day": 2, "evening": 2, "night": 1},
                   "helsefagarbeider": {"day": 1, "evening": 1, "night": 1}},
        "dispatch": {"policy": "glide", "glide_after": 10},
        "durations": {"distribution": "exponential"},
        "tasks": [
            {"id": "stell", "category": "pasientbehandling", "group": "helsefagarbeider",
             "when": {"anytime": 1.0}, "minutes": 10},
            {"id": "medisin", "category": "legemiddelhandtering", "group": "sykepleier",
             "at": ["08:00", "20:00"], "minutes": 3},
        ],
    }
    return merge(raw, changes)


def scenario(**changes: Any) -> Scenario:
    """Return a validated :class:`Scenario` from :func:`base_dict`."""
    return from_dict(base_dict(**changes))


def one_group_model(servers: int, arrivals_per_hour: float, mean_minutes: float, days: int = 20,
                    distribution: str = "exponential", **task: Any) -> WardModel:
    """M/M/c-like ward: one group of ``servers`` on duty around the clock, one Poisson task."""
    raw = {
        "name": f"M/M/{servers}",
        "ward": {"beds": 1, "occupancy": 1.0},
        "calendar": {"days": days},
        "groups": [{"id": "sykepleier"}],
        "roster": {"sykepleier": servers},
        "durations": {"distribution": distribution, "cv": 1.0},
        "tasks": [{"id": "oppgave", "category": "pasientbehandling", "group": "sykepleier",
                   "per": "ward", "when": {"anytime": arrivals_per_hour * 24},
                   "minutes": mean_minutes, **task}],
    }
    return build_model(from_dict(raw))


@pytest.fixture
def small_model() -> WardModel:
    """Return the small two-group ward as a model."""
    return build_model(scenario())
