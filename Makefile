# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test install lint migrate demo lock

# The exact versions of requirements.lock, then the project itself; `pip check` proves the lock satisfies
# pyproject.toml. A changed lock or pyproject.toml reinstalls.
# The first install takes a minute or two: each step says what it does, and pip lists the packages as it goes.
$(BIN)/flask: pyproject.toml requirements.lock
	@echo "==> Creating the virtual environment in $(VENV) (with $(PYTHON))"
	$(PYTHON) -m venv $(VENV)
	@echo "==> Upgrading pip"
	$(BIN)/pip install --quiet --upgrade pip
	@echo "==> Installing the pinned dependencies of requirements.lock (the long step, about 90 s the first time)"
	$(BIN)/pip install --progress-bar off -r requirements.lock
	@echo "==> Installing Casefiles itself"
	$(BIN)/pip install --quiet --no-deps -e .
	@echo "==> Checking that the installed dependencies agree"
	$(BIN)/pip check
	touch $(BIN)/flask
	@echo "==> Installed in $(VENV)"

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
## (another port: make run PORT=8000)
run: install
	@echo "==> Migrating the database (SQLite in instance/casefiles.db unless DATABASE_URL is set)"
	$(BIN)/flask --app wsgi db upgrade
	@echo "==> Loading the fictional demo data (only once: a second run adds nothing)"
	$(BIN)/flask --app wsgi demo load
	@echo "==> Creating the demo administrator (a new password at every run)"
	$(BIN)/flask --app wsgi demo admin
	@echo "==> Casefiles is at http://127.0.0.1:$(PORT)/ (public site) and http://127.0.0.1:$(PORT)/login (stop with Ctrl-C)"
	$(BIN)/flask --app wsgi run --port $(PORT)

## make test: the whole suite on SQLite, then again on a throwaway PostgreSQL server
test: install
	PATH="$(CURDIR)/$(BIN):$$PATH" bash tests/run-all.sh

lint: install
	$(BIN)/ruff check casefiles tests bench
