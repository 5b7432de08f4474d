# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test install lint migrate demo

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/flask

install: $(BIN)/flask

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
