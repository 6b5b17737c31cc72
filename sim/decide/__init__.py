"""Decisions from simulated replications: compare scenarios, sweep inputs (and, next, assess)."""
