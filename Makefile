# The two set-up commands for a fresh machine (Debian/Ubuntu, as root when no engine runs):
#   make demo   start an engine if none answers, install netui, build the demo world, open netui on it
#   make test   start an engine if none answers, install netui with its test tools, start netui's
#               Podman service beside it (scripts/podman.sh), chromium for the browser test, run every test (the
#               swarm and remote-engine tests start and stop their own engines: scripts/swarm.sh, engines.sh)
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: demo test lint engine tools podman browser install demo-down screenshots bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test,serve,browser]'
	touch $@

install: $(BIN)/.installed

engine:
	bash scripts/engine.sh

# Graphviz's dot: the tests parse the map's DOT export with it.
# docker-compose (1.29 from apt; a `docker compose` v2 plugin does as well): the compose tests
# bring up tests/data/compose with it, and `netui demo up` its compose project.
tools:
	@command -v dot >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends graphviz; } >/tmp/netui-apt-graphviz.log 2>&1; } \
		|| echo "tools: Graphviz's dot is missing and could not be installed (apt-get install graphviz): the DOT export tests will fail" >&2
	@command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose; } >/tmp/netui-apt-compose.log 2>&1; } \
		|| echo "tools: docker-compose is missing and could not be installed (apt-get install docker-compose): the compose tests will fail" >&2
	@# sshd for the ssh:// engine tests (scripts/engines.sh runs its own on 127.0.0.1:12222). A
	@# policy-rc.d made for the install (and removed after) keeps apt from starting the system's sshd.
	@test -x /usr/sbin/sshd || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& ( made=0; [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made=1; }; \
		     apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server; rc=$$?; \
		     [ $$made = 1 ] && rm -f /usr/sbin/policy-rc.d; exit $$rc ) >/tmp/netui-apt-sshd.log 2>&1; } \
		|| echo "tools: sshd is missing and could not be installed (apt-get install openssh-server): the ssh engine tests will fail" >&2

# A Podman service of netui's own (compat API on /run/netui-podman/podman.sock), for the
# tests marked podman; it loads the local image through netui, hence after install.
podman: install
	NETUI_PYTHON=$(abspath $(BIN)/python) bash scripts/podman.sh >/dev/null

# ruff everywhere; mypy strict on the engine layer (pyproject.toml); the import contract is a test.
lint: install
	$(BIN)/ruff check netui tests benchmarks scripts
	$(BIN)/mypy

browser: install
	bash scripts/browser.sh $(BIN)/python

test: engine tools install podman browser lint
	NETUI_REQUIRE_ENGINE=1 NETUI_REQUIRE_PODMAN=1 $(BIN)/python -m pytest -q

demo: engine install
	$(BIN)/netui demo up
	$(BIN)/netui

demo-down: install
	$(BIN)/netui demo down

screenshots: engine install
	$(BIN)/python scripts/screenshots.py

# lazydocker is measured when a binary is at .peers/lazydocker/lazydocker; nothing here builds
# it (README, "Peers": the project commits no recipe that builds fetched code).
bench: engine install
	$(BIN)/python -c "import pyte" 2>/dev/null || $(BIN)/pip install -q --disable-pip-version-check -e '.[test,bench]'
	bash scripts/peers.sh || echo "bench: sen could not be installed; measuring netui alone"
	test -x .peers/lazydocker/lazydocker || echo "bench: no .peers/lazydocker/lazydocker; measuring without lazydocker (README, Peers)"
	$(BIN)/python benchmarks/run.py $$(test -x .peers/sen/bin/sen && echo --sen .peers/sen/bin/sen) \
	    $$(test -x .peers/lazydocker/lazydocker && echo --lazydocker .peers/lazydocker/lazydocker)
