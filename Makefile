# Two commands do all set-up:  `make run` (serve on SQLite with demo data) and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test venv dev-venv bench clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

## Serve the app on SQLite (instance/inspections.sqlite3) with the demo province loaded.
run: venv
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Open http://$(HOST):$(PORT)/ and log in with a user listed above."
	$(FLASK) run --host $(HOST) --port $(PORT)

## The whole test suite: on SQLite, then on PostgreSQL (a fresh database), browser tests included.
test: dev-venv
	bash scripts/test.sh

## Benchmarks (print ratios; see README).
bench: dev-venv
	bash scripts/bench.sh

clean:
	rm -rf $(VENV) .pytest_cache
