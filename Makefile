# peerreview — the commands a developer needs. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app wsgi

.PHONY: help demo test test-postgres install migrate revision lint fmt clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed  ## create the virtual environment and install everything

demo: install  ## set up and serve the demo on http://127.0.0.1:$(PORT) (data is kept between runs)
	$(FLASK) db upgrade
	$(FLASK) demo seed
	$(FLASK) demo logins
	@echo "De demo draait op http://127.0.0.1:$(PORT)  (stoppen met Ctrl-C)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT) --no-reload

test: install  ## run the tests (SQLite + inline jobs; PostgreSQL/Redis when PEERREVIEW_TEST_*_URL are set)
	$(BIN)/python -m pytest

test-postgres: install  ## run the tests against the local PostgreSQL (database test) and Redis
	PEERREVIEW_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
	PEERREVIEW_TEST_REDIS_URL=redis://127.0.0.1:6379/15 $(BIN)/python -m pytest

lint: install  ## check style and common mistakes (ruff) and types (mypy, config in pyproject.toml); `make fmt` formats
	$(BIN)/ruff check peerreview tests migrations/env.py
	$(BIN)/ruff format --check peerreview tests migrations/env.py
	$(BIN)/mypy

fmt: install  ## format the code
	$(BIN)/ruff format peerreview tests migrations/env.py
	$(BIN)/ruff check --fix peerreview tests

migrate: install  ## migrate the configured database to the latest revision
	$(FLASK) db upgrade

revision: install  ## draft a migration from the models: make revision m="what changed"
	$(FLASK) db revision -m "$(m)"

clean:  ## remove the virtual environment and the demo database
	rm -rf $(VENV) instance
