# The two commands of the README: `make repro` (the pipeline) and `make test` (the tests).
# Both create the local virtual environment .venv when it is missing or out of date.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)
export DVC_NO_ANALYTICS := 1
export DVC_IGNORE_UPDATES := 1
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0

.PHONY: repro test test-fast venv bench clean-processed

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# After the pipeline, the briefings' calls go into the append-only ledger (ledger/calls.csv): nothing is added
# when a call is unchanged, so a rerun on unchanged data leaves the tree as it was.
repro: venv
	$(BIN)/dvc repro
	$(BIN)/python -m pipeline calls --record

test: venv
	$(BIN)/python -m pytest

# The unit and contract tests alone: no dvc repro, no notebook or command-line run end to end (marker integration).
test-fast: venv
	$(BIN)/python -m pytest -m "not integration"

bench: venv
	$(BIN)/python benchmarks/run.py

clean-processed:
	rm -rf data/processed/* reports/
