"""A second, private dockerd for tests: its own socket, data root and network namespace,
safe to stop and restart (the main engine is never touched)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from netui.engine.client import Engine, EngineError


@pytest.fixture
def private_dockerd(tmp_path_factory):
    """A second dockerd on its own socket and data root: safe to stop and restart."""
    if not shutil.which("dockerd") or not shutil.which("unshare") or os.geteuid() != 0:
        pytest.fail("the restart test needs root, dockerd and unshare (scripts/engine.sh installs dockerd)")
    base = tempfile.mkdtemp(prefix="netui-d2-", dir="/tmp")  # short: unix socket paths are limited
    sock = f"{base}/docker.sock"
    # Its own network namespace: `--bridge none` makes dockerd delete any docker0 it
    # can see, which in the host's namespace would be the main engine's bridge.
    cmd = ["unshare", "--net", "--", "dockerd", "--host", f"unix://{sock}", "--data-root", f"{base}/data", "--exec-root", f"{base}/exec",
           "--pidfile", f"{base}/docker.pid", "--bridge", "none", "--iptables=false", "--ip6tables=false",
           "--default-address-pool", "base=10.240.0.0/16,size=24"]
    procs: list[subprocess.Popen] = []

    def start() -> None:
        log = open(f"{base}/log", "a")
        for attempt in range(3):
            p = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
            procs.append(p)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and p.poll() is None:
                try:
                    Engine(f"unix://{sock}").connect()
                    return
                except EngineError:
                    time.sleep(0.3)
            stop()
            time.sleep(1 + attempt)
        raise RuntimeError(f"private dockerd did not start; see {base}/log")

    def stop() -> None:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(5)

    host_links = _links()
    start()
    try:
        yield f"unix://{sock}", start, stop
    finally:
        stop()
        subprocess.run(["rm", "-rf", base], check=False)
        # Its own namespace: the host keeps every interface of the main engine's networks
        # (containers of other processes may come and go meanwhile: their veths are not checked).
        missing = {link for link in host_links - _links() if link == "docker0" or _main_bridge_exists(link)}
        assert not missing, f"the private dockerd touched the host's interfaces: {missing}"


def _main_bridge_exists(link: str) -> bool:
    """Whether a br-<id> interface belongs to a network the main engine still has."""
    if not link.startswith("br-"):
        return False
    return bool(Engine().api.networks(filters={"id": [link[3:]]}))


def _links() -> set[str]:
    out = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    return {line.split(":")[1].strip().split("@")[0] for line in out.splitlines() if line.count(":") >= 2}
