"""The read-only engine connection without docker-py (netui/engine/lite.py), on the real engine:
it reads what the docker-py path reads, maps errors the same way, and `netui doctor` imports
no docker-py for a local socket."""

from __future__ import annotations

import subprocess
import sys

import pytest

from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.lite import LiteEngine
from netui.engine.topology import TopologyReader

pytestmark = pytest.mark.engine


def test_the_same_topology_as_docker_py(engine, lab):
    lab.network("lite")
    lab.container("one", lab.image, networks=[(lab.name("lite"), ["alias-one"])], ports={"80/tcp": ("127.0.0.1", None)})
    lab.container("two", lab.image, networks=[lab.name("lite")], start=False)
    lite = LiteEngine()
    info = lite.connect()
    assert lite.lite and info.host == "unix:///var/run/docker.sock"
    assert (info.version, info.name, info.address_pools, info.swarm) == (engine.info.version, engine.info.name,
                                                                         engine.info.address_pools, engine.info.swarm)
    a, b = TopologyReader(lite).read(), TopologyReader(engine).read()
    mine = lambda s: sorted((c.name, c.state, c.ports, c.mounts, c.config, c.endpoints)  # noqa: E731
                            for c in s.containers if c.name.startswith(lab.prefix))
    assert mine(a) == mine(b) and len(mine(a)) == 2
    assert {n.id for n in a.networks} >= {lab.networks[0]}
    with pytest.raises(NotFound):
        lite.call(lite.api.inspect_container, "netui-no-such-container")
    lite.close()


def test_errors_read_like_the_docker_py_path(tmp_path):
    gone = LiteEngine(f"unix://{tmp_path}/none.sock")
    with pytest.raises(EngineError, match="does not exist"):
        gone.connect()
    # Not a unix socket: docker-py's path, unchanged.
    remote = LiteEngine("tcp://127.0.0.1:1")
    with pytest.raises(EngineError, match="refused"):
        remote.connect()
    assert not remote.lite
    assert isinstance(remote, Engine)


def test_netui_doctor_imports_no_docker_py(engine):
    code = ("import sys, io, contextlib\nfrom netui.cli import main\nbuf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf):\n    code = main(['doctor', '--json'])\n"
            "print(code, 'docker' in sys.modules, 'requests' in sys.modules, 'textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split()[1:] == ["False", "False", "False"], out.stdout + out.stderr
