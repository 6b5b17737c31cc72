# wardsim – the README's two commands. Needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,dask,sensitivity]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/wardsim run scenarios/hnt_medisin_baseline.yaml --replications 5 --seed 1
	$(BIN)/wardsim run scenarios/hnt_medisin_oppgavedeling.yaml --replications 5 --seed 1

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ward_week.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
