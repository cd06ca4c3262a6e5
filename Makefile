# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Local development and tests run with debug settings; production sets its own
# environment (docs/operations.md, "Configuration").
export DJANGO_DEBUG ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast fuzz lint format migrate seed createdb chromium bench backup restore clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# With DATABASE_URL=postgres://..., create the database if it does not exist yet.
createdb: $(VENV)/.runtime
	@$(BIN)/python scripts/createdb.py

migrate: createdb
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py load_seed

run: seed
	@echo ""
	@echo "Claimtracker is starting at http://$(HOST):$(PORT)/"
	@echo "Researchers and editors work in http://$(HOST):$(PORT)/admin/"
	@echo "Create an account first, in another terminal (in this folder):"
	@echo "  DJANGO_DEBUG=1 $(BIN)/python manage.py createsuperuser                         # administrator"
	@echo "  DJANGO_DEBUG=1 $(BIN)/python manage.py create_account NAME --role researcher  # or --role editor"
	@echo "Background jobs (imports, detection) run in a worker started beside the server."
	@echo ""
	@# The worker and the sweep run in the background and stop with the server.
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	$(BIN)/python manage.py sweep_jobs --every 60 & sweeper=$$!; \
	trap 'kill $$worker $$sweeper 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium; install it where it is missing.
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Chromium for the browser tests (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: $(VENV)/.dev createdb chromium
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(ARGS)

# The edit-and-run loop: the pure tests alone (no database, no browser, no other
# process), in well under a minute. docs/development.md, "Tests".
test-fast: $(VENV)/.dev
	$(BIN)/pytest -m pure -q $(ARGS)

# The fuzzers in depth: FUZZ_EXAMPLES cases a door (10,000) with a fresh seed, which
# it prints; hypothesis prints any failing example, to paste in as a regression test.
# Run it before a release and after changing a form, a filter, the API or the import.
# docs/development.md, "Fuzzing".
FUZZ_EXAMPLES ?= 10000
fuzz: $(VENV)/.dev createdb
	@seed=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); \
	echo "make fuzz: $(FUZZ_EXAMPLES) cases a door, hypothesis seed $$seed"; \
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) CLAIMTRACKER_FUZZ=deep \
	  $(BIN)/pytest -m "fuzz or fuzz_corpus" --hypothesis-seed=$$seed $(ARGS)

# The performance benchmark: PostgreSQL (BENCH_DATABASE_URL, a scratch database it
# recreates), gunicorn and wrk on 127.0.0.1. Figures go to bench/results/.
bench: $(VENV)/.dev
	@{ command -v wrk && test -x /usr/bin/time; } >/dev/null || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk time; }
	$(BIN)/python bench/run.py $(ARGS)

# Back up the configured database to one file (BACKUP=path, else backups/...), and
# replace the database's contents with such a file. docs/operations.md, "Backups".
backup: $(VENV)/.runtime
	$(BIN)/python scripts/backup.py $(if $(BACKUP),--output "$(BACKUP)")

restore: $(VENV)/.runtime
	@test -n "$(BACKUP)" || { echo "Name the file: make restore BACKUP=backups/..."; exit 2; }
	$(BIN)/python scripts/restore.py "$(BACKUP)" $(if $(YES),--yes)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/lint_migrations.py

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles artifacts .pytest_cache .hypothesis .ruff_cache .import_linter_cache
