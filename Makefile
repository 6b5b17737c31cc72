# wardsim – the README's two commands. Needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "wardsim needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,dask,sensitivity]"
	touch $(STAMP)

install: $(STAMP)

# The example ward: today's split, the task-sharing variant, and the two compared.
DEMO_OPTS := --replications 10 --seed 2024 --warmup-days 1
demo: $(STAMP)
	$(BIN)/wardsim run scenarios/hnt_medisin_baseline.yaml $(DEMO_OPTS)
	$(BIN)/wardsim run scenarios/hnt_medisin_oppgavedeling.yaml $(DEMO_OPTS)
	$(BIN)/wardsim compare scenarios/hnt_medisin_baseline.yaml scenarios/hnt_medisin_oppgavedeling.yaml $(DEMO_OPTS)

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ward_week.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
