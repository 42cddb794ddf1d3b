# Quick start: `make run` (index corpus/ and serve on http://127.0.0.1:5000), `make test`
# (the fast suite), `make test-all` (+ slow end-to-end and browser tests: what CI runs).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-all index serve bench clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

index: $(STAMP)
	$(BIN)/flask --app app index

run: index
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

serve: index
	$(BIN)/flask --app app serve --host $${KB_HOST:-127.0.0.1} --port 5000 --threads 8

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not browser" --durations=5

test-all: $(STAMP)
	$(BIN)/python -m pytest -q --durations=10

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache
