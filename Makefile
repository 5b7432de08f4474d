# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test install lint migrate demo lock

# The exact versions of requirements.lock, then the project itself; `pip check` proves the lock satisfies
# pyproject.toml. A changed lock or pyproject.toml reinstalls.
$(BIN)/flask: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $(BIN)/flask

install: $(BIN)/flask

## make lock: the newest releases pyproject.toml allows, installed in a scratch environment, written to requirements.lock
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip
	.venv-lock/bin/pip install --quiet --upgrade -e '.[test]'
	{ grep '^#' requirements.lock; .venv-lock/bin/pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf .venv-lock

## make run: install, migrate the embedded SQLite database, load demo data, print a login, serve on localhost
run: install
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo load
	$(BIN)/flask --app wsgi demo admin
	@echo "Casefiles is at http://127.0.0.1:$(PORT)/login"
	$(BIN)/flask --app wsgi run --port $(PORT)

## make test: the whole suite on SQLite, then again on a throwaway PostgreSQL server
test: install
	PATH="$(CURDIR)/$(BIN):$$PATH" bash tests/run-all.sh

lint: install
	$(BIN)/ruff check casefiles tests bench
