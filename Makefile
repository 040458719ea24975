# certportal — the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
TOOLS := .tools
BUN_VERSION := 1.4.4
BIN := $(CURDIR)/$(VENV)/bin

export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(BIN):$(PATH)
export REFLEX_TELEMETRY_ENABLED := false
# Reflex probes a registry mirror unless told which registry npm uses.
export NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)

PYTEST_ARGS ?=

.PHONY: help setup test-setup browser run run-scaled test fuzz lint format migrate demo demo-reset bench clean

help:
	@echo "make run        set up everything, migrate, load demo data, serve http://127.0.0.1:3000"
	@echo "make run-scaled N workers on PostgreSQL + Redis (DATABASE_URL, REDIS_URL, WORKERS, PORT)"
	@echo "make test       set up everything (+ test tools, chromium), lint, run the whole suite"
	@echo "make fuzz       the fuzz tests with 10,000 examples each (tests/fuzz; takes hours)"
	@echo "make lint       ruff check, ruff format --check, mypy"
	@echo "make migrate    apply database migrations (alembic upgrade head)"
	@echo "make bench      print benchmark figures (bench/)"
	@echo "make demo-reset DELETE all data and reload the demo organisation (asks first)"

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.test-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

# bun comes from the npm registry into a project-local folder (Reflex then skips its own download).
$(TOOLS)/node_modules/.bin/bun:
	@command -v npm >/dev/null || { echo "npm is needed to install bun: install Node.js 20+ (e.g. apt-get install nodejs npm)"; exit 1; }
	npm install --silent --no-audit --no-fund --prefix $(TOOLS) bun@$(BUN_VERSION)
	@$@ --version >/dev/null

setup: $(VENV)/.installed $(TOOLS)/node_modules/.bin/bun

# a real OpenID provider (OpenID-certified, from the npm registry) for the sign-in tests
OIDC_PROVIDER_VERSION := 9.13.3
$(TOOLS)/node_modules/oidc-provider/package.json: $(TOOLS)/node_modules/.bin/bun
	npm install --silent --no-audit --no-fund --prefix $(TOOLS) oidc-provider@$(OIDC_PROVIDER_VERSION)

# axe-core (from the npm registry): the accessibility rules the browser tests run on every page
AXE_CORE_VERSION := 4.14.1
$(TOOLS)/node_modules/axe-core/package.json: $(TOOLS)/node_modules/.bin/bun
	npm install --silent --no-audit --no-fund --prefix $(TOOLS) axe-core@$(AXE_CORE_VERSION)

test-setup: setup $(VENV)/.test-installed browser $(TOOLS)/node_modules/oidc-provider/package.json \
	$(TOOLS)/node_modules/axe-core/package.json

browser:
	@bash scripts/ensure-browser.sh

migrate: setup
	$(BIN)/alembic upgrade head

demo: migrate
	$(BIN)/python -m certportal.manage demo --if-empty
	@$(BIN)/python -m certportal.manage demo-accounts

demo-reset: migrate
	$(BIN)/python -m certportal.manage demo --reset
	@$(BIN)/python -m certportal.manage demo-accounts

run: setup
	$(BIN)/python -m certportal.manage check
	$(BIN)/alembic upgrade head
	$(BIN)/python -m certportal.manage demo --if-empty
	@echo
	@$(BIN)/python -m certportal.manage demo-accounts
	@echo
	@echo "certportal: starting on http://127.0.0.1:3000 (Ctrl-C stops)"
	$(BIN)/reflex run --env prod --single-port --frontend-port 3000 --backend-port 3000 --backend-host 127.0.0.1

# The scaled run: WORKERS backend workers (default: one per core) sharing state in Redis, on
# PostgreSQL; a worker that dies is started again. See docs/deployment.md.
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
HOST ?= 127.0.0.1
PORT ?= 3000
run-scaled: setup
	@test -n "$$DATABASE_URL" || { echo "run-scaled: set DATABASE_URL=postgresql+psycopg://user:password@host:5432/db"; exit 2; }
	@test -n "$$REDIS_URL" || { echo "run-scaled: set REDIS_URL=redis://host:6379/0"; exit 2; }
	$(BIN)/python -m certportal.manage check
	$(BIN)/alembic upgrade head
	$(BIN)/python -m certportal.serve --workers $(WORKERS) --host $(HOST) --port $(PORT)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check certportal tests alembic bench rxconfig.py
	$(BIN)/ruff format --check certportal tests alembic/env.py bench rxconfig.py
	$(BIN)/mypy

format: $(VENV)/.test-installed
	$(BIN)/ruff format certportal tests alembic/env.py bench rxconfig.py
	$(BIN)/ruff check --fix certportal tests alembic bench rxconfig.py

test: test-setup lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# the long fuzzing profile (tests/fuzz/conftest.py); a test may run far beyond pytest's timeout
fuzz: $(VENV)/.test-installed
	CERTPORTAL_FUZZ=long $(BIN)/python -m pytest tests/fuzz --timeout=0 $(PYTEST_ARGS)

# Lighthouse (npm registry) for the page audits in `make bench`; runs on Debian's chromium.
LIGHTHOUSE_VERSION := 12.8.2
$(TOOLS)/node_modules/lighthouse/package.json: $(TOOLS)/node_modules/.bin/bun
	npm install --silent --no-audit --no-fund --prefix $(TOOLS) lighthouse@$(LIGHTHOUSE_VERSION)

# PostgreSQL + Redis figures when BENCH_POSTGRES_URL / BENCH_REDIS_URL (or the TEST_ ones) are set.
bench: test-setup $(TOOLS)/node_modules/lighthouse/package.json
	$(BIN)/python bench/all.py

clean:
	rm -rf .web .states test-artifacts .pytest_cache .mypy_cache .ruff_cache
