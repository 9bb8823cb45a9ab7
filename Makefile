# Two commands matter: `make run` and `make test`. Both work on a fresh clone and
# keep the virtualenv in .venv/ of the checkout.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve worker beat test install lint format migrations-check check clean bench bench-history bench-evaluation cluster

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## Install, migrate, load the programme with demo data, create demo accounts, serve.
run: install
	$(MANAGE) migrate --no-input
	$(MANAGE) load_programme --demo
	$(MANAGE) create_demo_users
	$(MANAGE) runserver $(HOST):$(PORT)

## Serve as in production: gunicorn (gunicorn.conf.py), whitenoise, DEBUG off.
## Needs SECRET_KEY and ALLOWED_HOSTS in the environment (see .env.example).
serve: install
	DEBUG=false $(MANAGE) collectstatic --no-input --verbosity 0
	DEBUG=false $(MANAGE) migrate --no-input
	DEBUG=false $(BIN)/gunicorn --config gunicorn.conf.py

## The job queue (docs/operations.md), when CELERY_BROKER_URL is set: run
## workers beside `make serve`, and exactly one scheduler. Without a broker,
## jobs run in the web process and neither is needed.
worker: install
	$(BIN)/celery -A actieprogramma worker --concurrency $${CELERY_CONCURRENCY:-2} --loglevel INFO

beat: install
	mkdir -p var
	$(BIN)/celery -A actieprogramma beat --loglevel INFO --schedule var/celerybeat-schedule

## Run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set).
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

check: lint migrations-check test

## Benchmarks on PostgreSQL (BENCH_SERVER, default the local one): the main pages
## at three scales, written to docs/performance.md. Figures, not pass/fail.
## bench-history and bench-evaluation time those on the database in DATABASE_URL.
bench: install
	$(BIN)/python -m bench.run

## Two nodes behind nginx with PostgreSQL and Redis, under locust (docs/operations.md).
cluster: install
	$(BIN)/python scripts/cluster.py

bench-history: install
	$(BIN)/python -m bench.history

bench-evaluation: install
	$(BIN)/python -m bench.evaluation

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
