# cswjobs: `make run` serves the embedded default; `make test` runs the whole suite on real services.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
export FLASK_APP := webapp:create_app
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run run-full test install install-dev services services-install services-stop assets clean bench-search eval-matching bench-matching bench-alerts bench-feeds

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
	  "make: cswjobs needs Python 3.11 or newer, and $(PYTHON) is " + sys.version.split()[0] + "; try: make run PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "make: could not create $(VENV); on Debian or Ubuntu install python3-venv first" >&2; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e . || { echo "make: installing cswjobs failed (see above); fix it and run make again" >&2; exit 1; }
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, seed demo data if the database is empty, serve http://127.0.0.1:$(PORT)
run: install
	$(VENV)/bin/flask db upgrade
	$(VENV)/bin/flask seed --if-empty
	@echo "cswjobs: serving http://127.0.0.1:$(PORT) (demo accounts and passwords are in README.md; Ctrl-C stops)"
	$(VENV)/bin/flask --app workers.embedded_scheduler:create_app_with_scheduler run --host 127.0.0.1 --port $(PORT)

## test: install everything the tests need, start PostgreSQL, Redis and Elasticsearch, run the whole suite
test: install-dev
	scripts/services install
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error  # axe-core for test_accessibility.py
	scripts/services start test
	eval "$$(scripts/services env test)"; \
	  export CSWJOBS_TEST_DATABASE_URL=$$CSWJOBS_DATABASE_URL CSWJOBS_TEST_REDIS_URL=$$CSWJOBS_REDIS_URL \
	    CSWJOBS_TEST_SEARCH_URL=$$CSWJOBS_SEARCH_URL; \
	  unset CSWJOBS_DATABASE_URL CSWJOBS_REDIS_URL CSWJOBS_SEARCH_URL; \
	  $(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; exit $$status

## services-install: PostgreSQL, Redis and Chromium from Debian, Elasticsearch's test distribution; starts and stops nothing
services-install:
	scripts/services install

services:
	scripts/services start dev

services-stop:
	scripts/services stop dev

## assets: rebuild webapp/static/govuk from GOV.UK Frontend (needs Node; the output is committed)
assets:
	cd frontend && npm ci --no-audit --no-fund && node build.mjs

clean:
	rm -rf $(VENV) .services instance

## services: PostgreSQL, Redis and Elasticsearch on 127.0.0.1:5432, 6379 and 9200, durable (stop: make services-stop;
## install them first with make services-install)
## run-full: the full stack under production settings against them: migrate, seed if empty, reindex, then the
## Procfile's processes (gunicorn, RQ worker, RQ cron) and a local TLS mail server; Ctrl-C stops them all
run-full: install-dev
	PORT=$(PORT) scripts/run-full

# Benchmarks print JSON on stdout (progress and set-up on stderr), so `make bench-x > x.json` keeps
# a clean file.
## bench-search: p50/p95/p99 query latency and bulk indexing throughput, both engines, 10k and 100k (JSON)
bench-search:
	@$(MAKE) --no-print-directory install-dev >&2
	@scripts/services start test >&2
	@eval "$$(scripts/services env test)"; $(PY) -m bench.search --sizes $${SIZES:-10000,100000} --queries $${QUERIES:-300}

## bench-alerts: one social worker's daily alert run (3 saved searches), 200 of them over 10k vacancies, both engines (JSON)
bench-alerts:
	@$(MAKE) --no-print-directory install-dev >&2
	@scripts/services start test >&2
	@eval "$$(scripts/services env test)"; $(PY) -m bench.alerts --size $${SIZE:-10000} --candidates $${CANDIDATES:-200} --searches $${SEARCHES:-3}

## bench-feeds: sitemap, aggregator feed, RSS/Atom, public councils list and the DWP export over 60k vacancies (JSON)
bench-feeds:
	@$(MAKE) --no-print-directory install-dev >&2
	@$(PY) -m bench.feeds --size $${SIZE:-60000}

## bench-alerts-region: a region's daily alerts, 100,000 saved searches against 500 new jobs with two RQ workers, beside
## the code before (a 2,000-search sample, extrapolated); an instant alert's time from publishing to the outbox (JSON)
.PHONY: bench-alerts-region
bench-alerts-region:
	@$(MAKE) --no-print-directory install-dev >&2
	@scripts/services start test >&2
	@eval "$$(scripts/services env test)"; $(PY) -m bench.alerts_region --searches $${SEARCHES:-100000} --new $${NEW:-500} --workers $${WORKERS:-2} --sample $${SAMPLE:-2000}

## eval-matching: jobs that fit, keyword search and suggested candidates on the hand-graded set (P@10, nDCG@10,
## stated-need violations, false reasons; texts before/after issue 16), and the generated set for regression (JSON)
eval-matching:
	@$(MAKE) --no-print-directory install >&2
	@HF_HUB_OFFLINE=1 $(PY) -m bench.judged_matching

## bench-matching: encoding (PyTorch fp32 beside int8 on OpenVINO); top-50 candidates among 10k and 100k: NumPy brute force, before, after, kNN int8_hnsw (before) and int8_flat, without and with float rescoring (JSON)
bench-matching:
	@$(MAKE) --no-print-directory install-dev >&2
	@scripts/services start test >&2
	@eval "$$(scripts/services env test)"; $(PY) -m bench.matching --sizes $${SIZES:-10000,100000} --queries $${QUERIES:-30}

## bench-api: p50/p95 of public search and of council upserts at 10k vacancies, and a 1,000-row CSV import, SQLite and PostgreSQL (JSON)
.PHONY: bench-api
bench-api:
	@$(MAKE) --no-print-directory install-dev >&2
	@scripts/services start test >&2
	@eval "$$(scripts/services env test)"; $(PY) -m bench.api --size $${SIZE:-10000} --requests $${REQUESTS:-200} --csv-rows $${CSV_ROWS:-1000}

## bench-web: job and search pages under gunicorn (2 processes) against flask run, 20 clients (wrk); a cold /jobs's
## bytes in Chromium; web and worker memory (JSON)
.PHONY: bench-web
bench-web:
	@$(MAKE) --no-print-directory install-dev >&2
	@$(PY) -m pip install --quiet -e '.[dev,bench]' >&2
	@command -v wrk >/dev/null || { apt-get update -q >&2 && apt-get install -y -q wrk >&2; }
	@scripts/services start test >&2
	@eval "$$(scripts/services env test)"; $(PY) -m bench.web --seconds $${SECONDS_EACH:-20} --clients $${CLIENTS:-20}

## bench-workforce: /insights/workforce pages and exports over 33 councils' demo figures; a 400-row CSV import (JSON)
.PHONY: bench-workforce
bench-workforce:
	@$(MAKE) --no-print-directory install >&2
	@$(PY) -m bench.workforce --repeats $${REPEATS:-20}

## bench-insights-extras: supply and demand heat map, equality breakdown, a month's bulletins over seed_scale data (JSON)
.PHONY: bench-insights-extras
bench-insights-extras:
	@$(MAKE) --no-print-directory install-dev >&2
	@$(PY) -m bench.insights_extras --sizes $${SIZES:-2000,20000} --repeats $${REPEATS:-5}

## bench-analytics: a year of funnel events for 33 councils: ingestion rate, rollup time, dashboard p50/p95, SQLite and PostgreSQL (JSON)
.PHONY: bench-analytics
bench-analytics:
	@$(MAKE) --no-print-directory install-dev >&2
	@scripts/services start test >&2
	@eval "$$(scripts/services env test)"; $(PY) -m bench.analytics --visitors-per-day $${VISITORS:-300} --queries $${QUERIES:-60}

## bench-load: locust on loopback against the full stack (gunicorn, worker, cron) at 10, 50, 200 users, then a 10-minute soak with memory per process (JSON)
.PHONY: bench-load
bench-load:
	@$(MAKE) --no-print-directory install-dev >&2
	@$(PY) -m pip install --quiet -e '.[dev,bench]' >&2
	@scripts/services start test >&2
	@eval "$$(scripts/services env test)"; $(PY) -m bench.load --users $${USERS:-10,50,200} --seconds $${SECONDS_PER_LEVEL:-45} --soak $${SOAK:-600}
