# docx_aanpak: `make demo` fills the shipped template, `make test` runs the test suite.
# Both create (or reuse) a local virtual environment in .venv and install what they need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JUDGES := node_modules/.installed

.PHONY: demo test lint typecheck check template static-model bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev,bench]'
	touch $@

# The Open XML SDK validator, pinned in package.json and package-lock.json. Not `npm ci`: the
# lock file holds only the validator binaries this registry serves (Linux x64), and `npm ci`
# refuses a lock file without the other platforms' optional packages; `npm install` installs the
# locked versions and leaves the lock file as it is.
$(JUDGES): package.json package-lock.json
	npm install --no-audit --no-fund
	touch $@

demo: $(STAMP)
	$(BIN)/python examples/demo.py

test: $(STAMP) $(JUDGES)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks examples
	$(BIN)/ruff format --check src tests tools benchmarks examples

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

# Rebuild template/lokale_aanpak.docx from tools/build_template.py (deterministic).
template: $(STAMP)
	$(BIN)/python tools/build_template.py template/lokale_aanpak.docx

# Regenerate the static model of the shipped template (tests/test_static_model.py checks it).
static-model: $(STAMP)
	$(BIN)/docx-aanpak model template/lokale_aanpak.docx --class-name LokaleAanpak \
		-o src/docx_aanpak/lokale_aanpak.py --overwrite

# Every benchmark prints its figures next to its target (a missed target shows as `!! FAIL`).
BENCHES := bench_batch bench_scan bench_cli bench_collect bench_pdf bench_data
bench: $(STAMP) $(JUDGES)
	set -e; for b in $(BENCHES); do echo "== $$b"; $(BIN)/python benchmarks/$$b.py; done

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache build
