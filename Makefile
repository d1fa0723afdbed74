# The README's commands. `make run` serves Pulih; `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
NPM_STAMP := pwa/node_modules/.installed
PORT ?= $(or $(PULIH_PORT),5000)

.PHONY: run test test-fast lint bench bench-national build-pwa install install-test services chromium clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(NPM_STAMP): pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund
	touch $@

install: $(STAMP)
install-test: $(TEST_STAMP)

build-pwa: $(NPM_STAMP)
	cd pwa && npm run build

## run: install, build the app, migrate, load the demo province when empty, serve on :5000
run: $(STAMP) build-pwa
	PULIH_PORT=$(PORT) $(BIN)/pulih run

## services: make sure PostgreSQL answers on 127.0.0.1:5432 and Chromium is installed
services:
	@scripts/ensure-services

## test: everything — lint, types, unit, API and property tests on SQLite and PostgreSQL, PWA tests, browser tests
test: $(TEST_STAMP) build-pwa services
	$(BIN)/ruff check server sync tests bench scripts
	$(BIN)/ruff format --check server sync tests bench scripts
	$(BIN)/mypy
	cd pwa && npm run typecheck && npm run format:check && npm test
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: $(TEST_STAMP)
	$(BIN)/pytest -x -q --ignore=tests/e2e

lint: $(TEST_STAMP)
	$(BIN)/ruff check server sync tests bench scripts
	$(BIN)/ruff format --check server sync tests bench scripts
	$(BIN)/mypy

## bench: sync and PWA benchmarks, each against a baseline in the same run
bench: $(TEST_STAMP) build-pwa services
	$(BIN)/python -m bench.run_all

## bench-national: 530 facilities, 100,000 WBP, 5,000,000 sessions on PostgreSQL (several minutes)
bench-national: $(TEST_STAMP) services
	$(BIN)/python -m bench.national_bench

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist instance
