# Two commands: `make run` serves the demo, `make test` runs every check CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# The test suite runs against real PostgreSQL and Redis (pytest-django creates test_<name>).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sozialamt
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# The write paths (booking, moving, cancelling, check-in, call-next) run once more on SQLite,
# as the demo runs them: no Redis, tasks in-process, a file database shared by threads.
SQLITE_TESTS ?= tests/booking/test_services.py tests/booking/test_write_lock.py tests/kundenzentrum/test_queue.py \
	tests/kundenzentrum/test_concurrency.py tests/kundenzentrum/test_appointment_moves.py tests/booking/test_staff_changes.py
# Production-like settings for `manage.py check --deploy`.
DEPLOY_ENV := DEBUG=false ALLOWED_HOSTS=sozialamt.example.org \
	SECRET_KEY=deploy-check-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')

.PHONY: run test install install-dev system-deps services lint migrations-check deploy-check pytest pytest-sqlite messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Links, QR codes and letters point where the demo is served, unless SITE_URL is given.
run: export SITE_URL := $(or $(SITE_URL),http://$(HOST))
run: install
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_demo
	@echo "Serving on http://$(HOST)/ (stop with Ctrl+C)"
	DEBUG=$${DEBUG:-true} .ci/serve-dev $(HOST)

system-deps:
	.ci/system-deps

services:
	.ci/services

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: install-dev
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

deploy-check: install-dev
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

pytest: install-dev
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

pytest-sqlite: install-dev
	DATABASE_URL=sqlite:///$(CURDIR)/test-db.sqlite3 REDIS_URL= $(BIN)/pytest -q $(SQLITE_TESTS)

test: system-deps services lint migrations-check deploy-check pytest pytest-sqlite

# Translations: the .po files are edited by hand, the compiled .mo files are committed.
messages: install-dev
	DEBUG=true $(BIN)/python manage.py makemessages -l en -l tr -l ar -l uk -l ru --ignore=.venv --ignore=tests --ignore=bench
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles
