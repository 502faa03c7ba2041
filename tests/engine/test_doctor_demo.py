"""`netui demo up`, then `netui doctor`: exactly the findings the demo world plants.

On a private dockerd (its own namespace and default bridge), so the demo's fixed names
never meet a demo someone runs on the shared engine, and the whole engine is the demo:

- legacy on the default bridge: info (default-bridge). It is the demo's lesson in no
  name resolution there; nothing on the bridge refers to it by name, so no warning.
- frontend's 3000 on all interfaces: a warning (port-all-interfaces), as on any engine:
  the demo publishes it that way to show exactly this.
- loner unreachable from app_network: no finding. isolated_network is the demo's lesson
  in isolation and nothing says loner is meant to talk to anyone (no environment or
  compose project naming it); "why not?" explains it when a probe asks.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from netui.engine import demo
from netui.engine.doctor import diagnose
from netui.engine.doctor.read import read_context
from tests.private_engine import private_engine

pytestmark = pytest.mark.engine


@pytest.fixture
def demo_engine():
    yield from private_engine(prefix=16, bridge=True)


def test_the_demo_world_plants_exactly_its_findings(demo_engine):
    eng, _ = demo_engine
    lines = list(demo.up(eng))
    assert lines[-1].startswith("demo is up"), lines
    for deep in (False, True):
        found = diagnose(read_context(eng, deep=deep))
        assert sorted((f.check, f.severity, tuple(s.name for s in f.containers)) for f in found) == [
            ("default-bridge", "info", ("legacy",)),
            ("port-all-interfaces", "warning", ("frontend",)),
        ], [f.title for f in found]
    proc = subprocess.run([sys.executable, "-m", "netui", "doctor", "--host", eng.info.host, "--json"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert [(f["check"], f["severity"]) for f in json.loads(proc.stdout)] == [("port-all-interfaces", "warning"), ("default-bridge", "info")]
    # Scoped to the demo's label on a shared engine, the same two.
    scoped = subprocess.run([sys.executable, "-m", "netui", "doctor", "--host", eng.info.host, "--label", "netui.demo=1", "--json"],
                            capture_output=True, text=True, timeout=60)
    assert len(json.loads(scoped.stdout)) == 2
