# wardsim – the README's two commands. Needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install bench clean workbook

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "wardsim needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,dask,sensitivity]"
	touch $(STAMP)

install: $(STAMP)

# The example ward: today's split against the task-sharing proposal, judged shift by shift
# (verdicts, training need and report.html, in Norwegian).
DEMO_OPTS := --replications 10 --seed 2024 --warmup-days 1
demo: $(STAMP)
	$(BIN)/wardsim assess scenarios/hnt_medisin_baseline.yaml scenarios/hnt_medisin_oppgavedeling.yaml $(DEMO_OPTS) --lang nb

# The example ward as a task-mapping workbook: the baseline, and the task-sharing variant
# in the Forslag columns (tests/test_workbook.py checks it is in step with the YAML).
WORKBOOK := scenarios/hnt_medisin.xlsx
workbook: $(STAMP)
	rm -f $(WORKBOOK)
	$(BIN)/wardsim workbook export scenarios/hnt_medisin_baseline.yaml \
		--proposal scenarios/hnt_medisin_oppgavedeling.yaml -o $(WORKBOOK) --lang nb

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ward_week.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
