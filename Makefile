# The two set-up commands for a fresh machine (Debian/Ubuntu, as root when no engine runs):
#   make demo   start an engine if none answers, install netui, build the demo world, open netui on it
#   make test   start an engine if none answers, install netui with its test tools, start netui's
#               Podman service beside it (scripts/podman.sh), run every test
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: demo test engine podman install demo-down screenshots bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

install: $(BIN)/.installed

engine:
	bash scripts/engine.sh

# A Podman service of netui's own (compat API on /run/netui-podman/podman.sock), for the
# tests marked podman; it loads the local image through netui, hence after install.
podman: install
	NETUI_PYTHON=$(abspath $(BIN)/python) bash scripts/podman.sh >/dev/null

test: engine install podman
	NETUI_REQUIRE_ENGINE=1 NETUI_REQUIRE_PODMAN=1 $(BIN)/python -m pytest -q

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
