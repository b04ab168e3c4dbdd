# Newsroom: everything a newcomer needs is `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make run` is local development: debug on, the embedded SQLite database unless told otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}

.DEFAULT_GOAL := help
.PHONY: help install run serve worker test lint format messages compilemessages demo e2e validate cluster nginx wrk bench bench-import soak clean lock backup restore

help:
	@echo "make run    install, migrate, load demo content and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   install and run the whole test suite (DATABASE_URL picks the database)"
	@echo "make lint   ruff check and format check, and which app may import which"
	@echo "make serve  gunicorn with production-like settings"
	@echo "make worker the background jobs' worker (emails, photo renditions), with the site's settings"
	@echo "make e2e    browser tests in Debian's Chromium (installs it when missing)"
	@echo "make validate   every public page through the W3C Nu HTML Checker"
	@echo "make cluster    two servers behind nginx, a worker, PostgreSQL, Redis, SeaweedFS: the scenario of README's \"Running several servers\""
	@echo "make messages   update the French and English catalogues"
	@echo "make bench  benchmark under gunicorn + wrk on SQLite and PostgreSQL (SCALE=1: 100k/1M)"
	@echo "make soak   a minute at 64 connections: zero errors, memory growth under 10%"
	@echo "make bench-import   import a generated WordPress export (SCALE=0.1: a tenth of 10k posts)"
	@echo "make backup     database (pg_dump or SQLite's online copy) and media into backups/newsroom-<time>.tar (BACKUP_DIR=...)"
	@echo "make restore ARCHIVE=backups/newsroom-....tar   into an empty database and media (JOBS=N: pg_restore's connections)"

# The virtualenv is rebuilt whenever a lock file changes.
$(BIN)/.installed: requirements.lock requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

install: $(BIN)/.installed

# Compiled catalogues are build output: made from the .po files with Babel, so no system
# gettext is needed to run the site.
# djangojs.po holds the admin's JavaScript words (the article editor's dialogs).
compilemessages: install
	@for po in locale/*/LC_MESSAGES/django.po locale/*/LC_MESSAGES/djangojs.po; do \
		domain=$$(basename $$po .po); \
		$(BIN)/pybabel compile --statistics -D $$domain -i $$po -o $${po%.po}.mo || exit 1; \
	done

messages: install
	$(BIN)/python manage.py makemessages --locale fr --locale en --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*'
	@# English is the source language: its catalogue maps each message to itself.
	@# Fuzzy guesses are emptied first, so that msgen fills them with the English itself.
	msgattrib --clear-fuzzy --empty --output-file=locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	msgen --output-file=locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	@# The admin's JavaScript: the article editor's modules (static/articles/editor/).
	$(BIN)/python manage.py makemessages --domain djangojs --locale fr --locale en --no-obsolete --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'
	msgattrib --clear-fuzzy --empty --output-file=locale/en/LC_MESSAGES/djangojs.po locale/en/LC_MESSAGES/djangojs.po
	msgen --output-file=locale/en/LC_MESSAGES/djangojs.po locale/en/LC_MESSAGES/djangojs.po
	$(MAKE) compilemessages

demo: compilemessages
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	@# The development cache may describe a database deleted since.
	$(RUN_ENV) $(BIN)/python manage.py clear_cache
	$(RUN_ENV) $(BIN)/python manage.py load_demo

# The development server with a worker beside it, as in production: emails and photo
# renditions are background jobs. Both stop together (Ctrl-C). The worker does not reload
# itself: after changing a job's code, run `make run` again.
run: demo
	@echo "Serving Newsroom on http://127.0.0.1:$(PORT)/ with its background worker (Ctrl-C to stop)"
	@$(RUN_ENV) sh -c '$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
		trap "kill $$worker 2>/dev/null; wait $$worker" EXIT; \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)'

# The background jobs' worker (README, "Background jobs"), with the environment as it is: run
# it with the site's own settings, next to `make serve` or under systemd.
worker: compilemessages
	$(BIN)/python manage.py db_worker

# Production-like: debug off, static files collected and served by whitenoise.
serve: compilemessages
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-local-serve-only-key} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
		SECURE_COOKIES=$${SECURE_COOKIES:-false} sh -c '\
		$(BIN)/python manage.py migrate --no-input && \
		$(BIN)/python manage.py collectstatic --no-input --verbosity 0 && \
		$(BIN)/gunicorn newsroom.wsgi --bind 127.0.0.1:$(PORT) --workers $${WORKERS:-2} --access-logfile -'

# The backup drill (README, "Running in production"). Both use the environment as it is: run
# them with the site's own settings.
BACKUP_DIR ?= backups
backup: install
	$(BIN)/python manage.py backup $(BACKUP_DIR)

restore: install
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=$(BACKUP_DIR)/newsroom-....tar"; exit 2; }
	$(BIN)/python manage.py restore $(if $(JOBS),--jobs $(JOBS)) $(ARCHIVE)

# One pytest-xdist worker per CPU. Tests that open dozens of PostgreSQL connections each share
# one worker (xdist_group "many_connections"), so that together they stay under its limit.
test: compilemessages
	$(BIN)/python -m pytest --numprocesses auto --dist loadgroup $(PYTEST_ARGS)

# Browser tests: Debian's Chromium driven by Playwright, axe-core from npm for accessibility.
e2e: compilemessages
	@test -x /usr/bin/chromium || { echo "Installing Chromium from Debian's packages"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent
	$(BIN)/python -m pytest tests/e2e -m e2e $(PYTEST_ARGS)

# Every public page, in French and English, through the W3C Nu HTML Checker (npm's vnu-jar, run
# with the machine's Java): any error fails.
validate: compilemessages
	@test -f node_modules/vnu-jar/build/dist/vnu.jar || npm ci --no-audit --no-fund --silent
	$(BIN)/python -m pytest tests/validate -m validate $(PYTEST_ARGS)

# The cluster test (tests/operations/test_cluster.py, README "Running several servers"): two
# gunicorns in folders of their own behind nginx, one worker, on PostgreSQL (CLUSTER_POSTGRES_URL,
# any database of the server: the test makes its own and drops it), Redis and SeaweedFS. It
# prints what it proved.
cluster: compilemessages nginx wrk
	$(BIN)/python -m pytest tests/operations/test_cluster.py -m cluster -s $(PYTEST_ARGS)

# The load balancer, from Debian's packages; the tests run their own instance, not the system's.
nginx:
	@test -x /usr/sbin/nginx || { echo "Installing nginx from Debian's packages"; \
		apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; }

# The benchmark (bench/run.py): gunicorn under production settings on SQLite and on PostgreSQL
# with Redis, loaded by wrk. SCALE=1 adds 100,000 articles and 1,000,000 comments (longer).
# The load generator, from Debian's packages.
wrk:
	@command -v wrk >/dev/null || { echo "Installing wrk from Debian's packages"; \
		apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

bench: compilemessages wrk
	$(BIN)/python bench/run.py $(if $(filter 1 yes true,$(SCALE)),--scale) $(BENCH_ARGS)

# The WordPress importer's benchmark (bench/wordpress.py): 10,000 posts, 20,000 images and
# 100,000 comments at SCALE=1 (the default), imported into SQLite (and PostgreSQL: BENCH_ARGS=--postgres).
bench-import: compilemessages
	$(BIN)/python bench/wordpress.py --scale $(or $(SCALE),1) $(BENCH_ARGS)

# A minute at 64 connections against gunicorn: zero errors, worker memory growth under 10%.
soak: compilemessages wrk
	$(BIN)/python bench/soak.py $(SOAK_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the lock files after changing pyproject.toml.
lock: install
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) staticfiles var .pytest_cache .ruff_cache
