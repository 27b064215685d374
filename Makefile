# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint system-deps services screenshots bench

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## Set up and run the dashboard: SQLite + in-process cache, demo data, http://127.0.0.1:8050/
run: $(BIN)/.installed
	$(BIN)/python -m dashboard

## Set up and run the whole test suite (installs Chromium, starts PostgreSQL and Redis if down).
test: $(BIN)/.installed system-deps services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

system-deps:
	bash scripts/install-system-deps

services:
	bash scripts/start-services

screenshots: $(BIN)/.installed system-deps
	$(BIN)/python scripts/screenshots.py
