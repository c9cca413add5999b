# govsites — the two commands are `make demo` and `make test` (see README.md).
PORT ?= 8000
FRONT_PORT ?= 8001
PUBLIC_PORT ?= 8002
SCALE ?= small
PY := .venv/bin/python
PYTEST := $(PY) -m pytest
PG_URL = $(shell scripts/pg.sh url)

.PHONY: venv demo test test-sqlite test-postgres rules lint audit system-deps node-deps pg

venv:
	@scripts/bootstrap.sh

system-deps:
	@scripts/system-deps.sh

node-deps:
	@scripts/node-deps.sh

pg: system-deps
	@scripts/pg.sh start

## make demo: set up the embedded default, generate the demo estate, serve it on 127.0.0.1:$(PORT).
demo: venv
	@$(PY) -m govsites.manage migrate --noinput -v 0
	@$(PY) -m govsites.manage demo_estate --scale $(SCALE)
	@$(PY) -m govsites.manage content_trees
	@$(PY) -m govsites.manage demo_accounts --base-url http://127.0.0.1:$(PORT)
	@$(PY) -m govsites.manage demo_content
	@$(PY) -m govsites.manage demo_interaction
	@$(PY) -m govsites.manage demo_monitoring
	@$(PY) -m govsites.manage media_sync
	@$(PY) -m govsites.manage collectstatic --noinput -v 0
	@$(PY) -m govsites.manage publish --all
	@echo "Admin on http://127.0.0.1:$(PORT)/admin/ ; published sites on http://127.0.0.1:$(FRONT_PORT)/ ; public service on http://127.0.0.1:$(PUBLIC_PORT)/ (Ctrl-C stops all)"
	@trap 'kill 0' INT TERM EXIT; \
		$(PY) -m govsites.manage front_serve --port $(FRONT_PORT) & \
		$(PY) -m govsites.manage publish --watch & \
		GOVSITES_DEPLOYMENT=embedded .venv/bin/gunicorn govsites.public.wsgi:application --bind 127.0.0.1:$(PUBLIC_PORT) \
		--workers 2 --log-level warning & \
		.venv/bin/gunicorn govsites.wsgi:application --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 \
		--access-logfile - --log-level warning

## make test: install what the tests need, run the whole suite on SQLite and on PostgreSQL.
test: venv pg node-deps
	@$(MAKE) --no-print-directory audit
	@$(MAKE) --no-print-directory lint test-sqlite test-postgres

test-sqlite:
	$(PYTEST) -n 2 -p no:cacheprovider

test-postgres:
	DATABASE_URL=$(PG_URL) $(PYTEST) -n 2 -p no:cacheprovider -m "not e2e"

## make rules: run the rule-marked tests and write build/rules-report.json.
rules: venv pg node-deps
	$(PYTEST) -m rule -p no:cacheprovider --rules-report=build/rules-report.json

## make audit: known vulnerabilities in the locked Python and Node packages (fails on one; only warns when offline).
audit: venv
	@scripts/audit-deps.sh

lint: venv
	.venv/bin/ruff check src tests
	$(PY) -m govsites.manage makemigrations --check --dry-run
