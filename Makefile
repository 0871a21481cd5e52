# Lifelong: `make run` serves the app on SQLite, `make test` runs the whole suite.
# Both create or update .venv first; nothing needs installing by hand.
# `make test` runs on SQLite unless DATABASE_URL names a PostgreSQL database; browser tests
# use the system Chromium and skip without one (LIFELONG_REQUIRE_BROWSER=1 makes that fail).

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATA_DIR := $(CURDIR)/var/test
PYTEST_ARGS ?=

.PHONY: run test venv lint typecheck format bench ci clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Lifelong needs Python 3.11 or newer on PATH." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/lifelong setup
	$(BIN)/lifelong serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	@mkdir -p $(TEST_DATA_DIR)
	LIFELONG_DATA_DIR=$(TEST_DATA_DIR) DJANGO_ALLOW_ASYNC_UNSAFE=true \
		$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	LIFELONG_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(STAMP)
	$(BIN)/python bench/engine.py
	LIFELONG_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/python bench/dashboard.py
	LIFELONG_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/python bench/audit_packet.py
	$(BIN)/python bench/certificate_reading.py

# Everything CI runs: both databases, browser tests required, lint, types, check --deploy.
ci:
	.ci/run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
