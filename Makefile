# carelane's routines. `make` or `make help` lists them.

.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The first Python 3.11+ on PATH, newest first; override with `make PYTHON=/path/to/python3`.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)
POSTGRES ?= $(or $(CARELANE_TEST_POSTGRES),postgresql://postgres@127.0.0.1:5432)
DATA_DIR ?= $(abspath $(or $(CARELANE_DATA_DIR),../shared/data))

.PHONY: help
help: ## List the targets with what each does
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_.-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: .venv
.venv: $(STAMP) ## Create the virtualenv and install carelane with its dev and training tools

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no python3 >= 3.11 found on PATH" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev,train]'
	@touch $@

.PHONY: demo
demo: $(STAMP) ## Migrate ./var/carelane.db, replay the real data and serve on 127.0.0.1:8000
	$(BIN)/carelane demo

.PHONY: check-data
check-data:
	@test -f "$(DATA_DIR)/airline_tweets.csv" || { \
		echo "error: the real data sets are not in $(DATA_DIR);" \
		"put the shared/ folder beside this repository or set CARELANE_DATA_DIR" >&2; exit 1; }

.PHONY: check-postgres
check-postgres: $(STAMP)
	@$(BIN)/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1] + "/postgres", connect_timeout=5).close()' \
		"$(POSTGRES)" 2>/dev/null || { \
		echo "error: PostgreSQL is not reachable at $(POSTGRES);" \
		"start it (pg_ctlcluster --skip-systemctl-redirect <version> main start)" \
		"or point CARELANE_TEST_POSTGRES at a server" >&2; exit 1; }

.PHONY: check-chromium
check-chromium:
	@test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "error: the browser tests need Debian's Chromium at /usr/bin/chromium:" \
				"apt-get install chromium" >&2; exit 1; \
		fi; }

.PHONY: test
test: $(STAMP) check-data check-postgres check-chromium ## Run the whole suite on SQLite and PostgreSQL, with coverage
	CARELANE_TEST_POSTGRES="$(POSTGRES)" CARELANE_DATA_DIR="$(DATA_DIR)" \
		$(BIN)/python -m pytest --cov=carelane --cov-report=term $(PYTEST_ARGS)

.PHONY: lint
lint: $(STAMP) ## ruff check, ruff format --check and mypy --strict on src/
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

.PHONY: fmt
fmt: $(STAMP) ## Fix what ruff can and format the code
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

.PHONY: bench
bench: $(STAMP) check-data check-postgres ## Ingest, triage, lanes, personal-data, service-level, breach, routing, assignment, simulation, page and replies benchmarks (prints figures)
	CARELANE_TEST_POSTGRES="$(POSTGRES)" CARELANE_DATA_DIR="$(DATA_DIR)" \
		$(BIN)/python benchmarks/ingest.py
	CARELANE_DATA_DIR="$(DATA_DIR)" $(BIN)/python benchmarks/triage.py
	CARELANE_DATA_DIR="$(DATA_DIR)" $(BIN)/python benchmarks/lanes.py
	CARELANE_DATA_DIR="$(DATA_DIR)" $(BIN)/python benchmarks/personal_data.py
	$(BIN)/python benchmarks/sla.py
	CARELANE_TEST_POSTGRES="$(POSTGRES)" $(BIN)/python benchmarks/breaches.py
	$(BIN)/python benchmarks/routing_policies.py
	CARELANE_TEST_POSTGRES="$(POSTGRES)" $(BIN)/python benchmarks/assignments.py
	CARELANE_DATA_DIR="$(DATA_DIR)" $(BIN)/python benchmarks/simulation.py
	CARELANE_TEST_POSTGRES="$(POSTGRES)" $(BIN)/python benchmarks/pages.py
	CARELANE_DATA_DIR="$(DATA_DIR)" $(BIN)/python benchmarks/replies.py

.PHONY: train
train: $(STAMP) check-data ## Build the triage models from the data folder into the package
	CARELANE_DATA_DIR="$(DATA_DIR)" $(BIN)/carelane train

.PHONY: crossval
crossval: $(STAMP) check-data ## 5-fold cross-validated quality of the triage models (prints figures)
	CARELANE_DATA_DIR="$(DATA_DIR)" $(BIN)/carelane train --cross-validate

.PHONY: clean
clean: ## Remove the demo database, caches and coverage files (keeps .venv)
	rm -rf var .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov build dist
	find src tests benchmarks -name __pycache__ -type d -prune -exec rm -rf {} +

.PHONY: distclean
distclean: clean ## Also remove the virtualenv
	rm -rf $(VENV)
