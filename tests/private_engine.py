"""A second, private dockerd for tests: its own socket, data root and network namespace
(nothing it does touches the host's interfaces or the shared engine), safe to stop and
restart, with a default address pool in a block this host does not route."""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from netui.engine.client import Engine, EngineError
from netui.engine.hostnet import read_host_networking


class PrivateDockerd:
    """One private dockerd. `prefix`: the size of its pool (a free block of 10.240.0.0/12,
    split in /24s); `bridge`: whether it has a default bridge (docker0 inside its namespace)."""

    def __init__(self, *, prefix: int = 16, bridge: bool = False) -> None:
        if not shutil.which("dockerd") or not shutil.which("unshare") or os.geteuid() != 0:
            pytest.fail("a private dockerd needs root, dockerd and unshare (scripts/engine.sh installs dockerd)")
        host = read_host_networking(Engine().connect())
        used = [r.network for r in host.routes if r.network.prefixlen > 0]
        pool = next((b for b in ipaddress.ip_network("10.240.0.0/12").subnets(new_prefix=prefix)
                     if not any(u.version == 4 and u.overlaps(b) for u in used)), None)
        if pool is None:
            pytest.fail(f"no free /{prefix} in 10.240.0.0/12 for the private engine's pool")
        self.pool = str(pool)
        self.dir = tempfile.mkdtemp(prefix="netui-pd-", dir="/tmp")  # short: unix socket paths are limited
        self.url = f"unix://{self.dir}/d.sock"
        # Its own network namespace: `--bridge none` makes dockerd delete any docker0 it
        # can see, which in the host's namespace would be the main engine's bridge.
        self._cmd = ["unshare", "--net", "--", "dockerd", "--host", self.url, "--data-root", f"{self.dir}/data",
                     "--exec-root", f"{self.dir}/exec", "--pidfile", f"{self.dir}/d.pid", "--iptables=false",
                     "--ip6tables=false", "--default-address-pool", f"base={pool},size=24"]
        if not bridge:
            self._cmd += ["--bridge", "none"]
        self._procs: list[subprocess.Popen] = []

    def start(self) -> None:
        log = open(f"{self.dir}/log", "a")
        for attempt in range(3):
            p = subprocess.Popen(self._cmd, stdout=log, stderr=log, start_new_session=True)
            self._procs.append(p)
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline and p.poll() is None:
                try:
                    Engine(self.url).connect()
                    return
                except EngineError:
                    time.sleep(0.3)
            self.stop()
            time.sleep(1 + attempt)
        pytest.fail(f"the private dockerd did not start; see {self.dir}/log")

    def stop(self) -> None:
        for p in self._procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(5)

    def remove(self) -> None:
        self.stop()
        subprocess.run(["rm", "-rf", self.dir], check=False)


def private_engine(prefix: int, *, bridge: bool = False):
    """For a fixture: yields (connected engine, pool base) and removes the dockerd after."""
    d = PrivateDockerd(prefix=prefix, bridge=bridge)
    try:
        d.start()
        eng = Engine(d.url)
        eng.connect()
        yield eng, d.pool
        eng.close()
    finally:
        d.remove()


@pytest.fixture
def private_dockerd():
    """A private dockerd without a bridge: yields (url, start, stop); safe to stop and restart.
    After, the host must still have every interface of the main engine's networks."""
    d = PrivateDockerd(prefix=16)
    host_links = _links()
    try:
        d.start()
        yield d.url, d.start, d.stop
    finally:
        d.remove()
        # (containers of other processes may come and go meanwhile: their veths are not checked)
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
