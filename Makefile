# The two set-up commands for a fresh machine (Debian/Ubuntu, as root when no engine runs):
#   make demo   start an engine if none answers, install netui, build the demo world, open netui on it
#   make test   start an engine if none answers, install netui with its test tools (and chromium
#               for the browser test), run every test
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: demo test engine install browser demo-down screenshots bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test,serve,browser]'
	touch $@

install: $(BIN)/.installed

engine:
	bash scripts/engine.sh

browser: install
	bash scripts/browser.sh $(BIN)/python

test: engine install browser
	NETUI_REQUIRE_ENGINE=1 $(BIN)/python -m pytest -q

demo: engine install
	$(BIN)/netui demo up
	$(BIN)/netui

demo-down: install
	$(BIN)/netui demo down

screenshots: engine install
	$(BIN)/python scripts/screenshots.py

bench: engine install
	bash scripts/peers.sh || echo "bench: sen could not be installed; measuring netui alone"
	$(BIN)/python benchmarks/run.py $$(test -x .peers/sen/bin/sen && echo --sen .peers/sen/bin/sen)
