# rainforest: the two set-up commands are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: demo test lint format bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[web]"
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(STAMP_RUN)

## demo: install if needed, simulate the headline scenarios, print a summary, write a report
demo: $(STAMP_RUN)
	$(BIN)/rainforest demo --out demo-output

## test: install dev extras if needed and run the whole test suite (slow tests included)
test: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP_DEV)
	$(BIN)/ruff format src tests benchmarks

bench: $(STAMP_DEV)
	$(BIN)/python benchmarks/bench_engine.py

clean-cache:  ## drop Numba caches (the package also does this itself when a kernel source changed)
	find src -name "*.nbi" -delete; find src -name "*.nbc" -delete

clean:
	rm -rf $(VENV) demo-output rainforest-runs .pytest_cache
