# RedNote Record: `make site` builds the site, `make test` runs every test.
# Each target installs what it needs, so both work on a fresh clone.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
CHROMIUM ?= /usr/bin/chromium
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help install install-test install-npm browser site serve validate test bench schemas messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## Install the generator and its dependencies into .venv

install-test: $(VENV)/.installed-test ## Install the test dependencies too

# Validators other people wrote, from npm at the versions in package-lock.json: the current
# axe-core, and the Nu HTML Checker (vnu-jar, run with the machine's Java). --ignore-scripts:
# vnu-jar's install script would download a Java runtime where it finds none; the tests use
# Debian's.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

install-npm: node_modules/.installed ## Install the test suite's npm packages into node_modules

# Debian packages for the browser tests: Chromium (Playwright cannot download a browser here)
# and a CJK font, without which Chinese text shows as empty boxes in the screenshots.
BROWSER_PACKAGES := chromium fonts-noto-cjk

browser: ## Install Debian's Chromium and a CJK font for the browser tests
	@if dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1; then echo "chromium: $$($(CHROMIUM) --version 2>/dev/null)"; else \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null && $(CHROMIUM) --version; fi

site: install ## Validate the entries and build the site into site/
	$(PY) -m generator build

# The preview's address: `make serve ADDR=0.0.0.0:8001` (in a container, or beside another).
ADDR   ?= 127.0.0.1:8000

serve: install ## Preview the site (ADDR=host:port), rebuilding when an entry or template changes
	$(PY) -m generator serve --dev-addr $(ADDR)

validate: install ## Check every entry and report every problem
	$(PY) -m generator validate

# Every test on MkDocs, then the build tests again on ProperDocs, the second engine.
ENGINE_TESTS := tests/builds tests/site/test_golden.py

test: install-test install-npm browser ## Run all tests (browser tests included), and the build tests on ProperDocs
	$(PY) -m pytest
	RECORD_ENGINE=properdocs $(PY) -m pytest -q $(ENGINE_TESTS)

bench: install-test browser ## Run the benchmark at 1,000 and 10,000 entries (see benchmarks/README.md)
	$(PY) benchmarks/run.py

schemas: install ## Regenerate the committed JSON Schemas in schemas/ from generator/format/schema.py
	$(PY) -m generator export-schemas schemas

# The interface's words (babel.cfg says where): the template for a new language, and each
# language's catalogue updated from it; then translate what `make test` says is missing.
POT := generator/locale/messages.pot
messages: install ## Extract the interface's words and update each language's catalogue
	$(BIN)/pybabel extract -F babel.cfg -k count:2,3 --add-location=file \
		--no-wrap --project=sourceline --omit-header -o $(POT) generator
	$(BIN)/pybabel update -i $(POT) -d generator/locale --no-wrap --ignore-obsolete \
		--no-fuzzy-matching

clean: ## Remove the virtual environment, every generated file and this checkout's build cache
	@if [ -x $(PY) ]; then rm -rf "$$($(PY) -c 'import pathlib, generator.cache.cachedir as c; print(c.default_folder(pathlib.Path.cwd()))')"; fi
	rm -rf $(VENV) node_modules site build .pytest_cache test-artifacts benchmarks/out
