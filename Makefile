# Vigil: two commands do everything on a fresh machine.
#   make demo   install, generate synthetic data into ./var/, sweep, serve on http://127.0.0.1:8000
#   make test   install, then run the whole suite on SQLite and on PostgreSQL
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/vigil/web/static/vendor

.PHONY: demo test install lint bench clean help
help:
	@echo "make demo | make test | make lint | make bench | make clean"

demo: install
	$(BIN)/vigil demo

test: install
	scripts/test.sh

.PHONY: browser java
install: $(STAMP) $(VENDOR)/.built browser java

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test,spark]'
	@# Vigil's own modules compiled once, as pip compiles the packages it installs: every command starts without
	@# compiling them again (where PYTHONDONTWRITEBYTECODE is set, Python would recompile them on every start).
	$(BIN)/python -m compileall -q src > /dev/null
	touch $(STAMP)

# Front-end packages, pinned by package-lock.json. Vigil's stylesheet is GOV.UK Frontend built from frontend/vigil.scss.
$(VENDOR)/.built: frontend/package.json frontend/package-lock.json frontend/vigil.scss
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cd frontend && node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
	  vigil.scss ../$(VENDOR)/vigil.css
	cp frontend/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/
	cp frontend/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp frontend/node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chart.min.js
	cp frontend/node_modules/cytoscape/dist/cytoscape.min.js $(VENDOR)/
	touch $@

# vigil link --engine spark runs Spark in a Java process: Debian's Java runtime.
java:
	@command -v java >/dev/null || { echo "installing Debian's Java runtime for vigil link --engine spark"; \
	  (apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null) || \
	  { echo "could not install Java (apt-get install default-jre-headless, as root)"; exit 1; }; }

# Browser tests drive Debian's Chromium; never a downloaded browser.
browser:
	@test -x /usr/bin/chromium || { echo "installing Debian chromium for the browser tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  { echo "could not install chromium (apt-get install chromium, as root)"; exit 1; }; }

lint: install
	$(BIN)/ruff check src tests bench

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf var .pytest_cache
