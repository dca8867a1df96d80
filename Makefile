# The two commands of the README: `make run` (demo shop on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python

# The first Python on PATH that is 3.12 or newer (Django 6 needs it); override with PYTHON=...
PYTHON ?= $(shell for c in python3.13 python3.12 python3 python; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then echo $$c; break; fi; done)

.PHONY: run test lint format clean bench load

$(PY):
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed and none was found on PATH." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes; the stamp files remember the last install.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed

# The email worker runs beside the web server, as in production (emails are printed to this
# terminal in development); Ctrl+C stops both.
run: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo --if-empty
	DJANGO_DEBUG=1 $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed-test
	$(PY) -m pytest

# A shop of ARGS="--jobs N" (10,000 by default; SQLite in var/bench/, or DATABASE_URL), then
# every page timed against a stock changelist (tests/benchmarks/bench.py).
bench: $(VENV)/.installed-test
	$(PY) tests/benchmarks/bench.py $(ARGS)

# 50 people and two TVs on gunicorn for a minute, against the bench shop named by DATABASE_URL
# (PostgreSQL), then a check of the database (tests/benchmarks/load.py).
load: $(VENV)/.installed-test
	$(PY) tests/benchmarks/load.py $(ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var test-output .pytest_cache .ruff_cache
