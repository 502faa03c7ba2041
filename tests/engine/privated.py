"""A private dockerd for the doctor's tests: its own socket, data root and network
namespace (nothing it does touches the host's interfaces or the shared engine), with a
default address pool in a block this host does not route."""

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


def private_engine(prefix: int, *, bridge: bool = False):
    """Yields (engine, pool base): a dockerd whose only pool is a free /`prefix` of 10.240.0.0/12,
    split in /24 blocks. With `bridge`, it has its default bridge (docker0 inside its namespace)."""
    if not shutil.which("dockerd") or not shutil.which("unshare") or os.geteuid() != 0:
        pytest.skip("needs root, dockerd and unshare")
    host = read_host_networking(Engine().connect())
    used = [r.network for r in host.routes if r.network.prefixlen > 0]
    base = next((b for b in ipaddress.ip_network("10.240.0.0/12").subnets(new_prefix=prefix)
                 if not any(u.version == 4 and u.overlaps(b) for u in used)), None)
    if base is None:
        pytest.fail(f"no free /{prefix} in 10.240.0.0/12 for the private engine's pool")
    tmp = tempfile.mkdtemp(prefix="netui-pd-", dir="/tmp")  # short: unix socket paths are limited
    sock = f"{tmp}/d.sock"
    log = open(f"{tmp}/log", "w")
    cmd = ["unshare", "--net", "--", "dockerd", "--host", f"unix://{sock}", "--data-root", f"{tmp}/data",
           "--exec-root", f"{tmp}/exec", "--pidfile", f"{tmp}/d.pid", "--iptables=false", "--ip6tables=false",
           "--default-address-pool", f"base={base},size=24"]
    if not bridge:
        cmd += ["--bridge", "none"]
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                eng = Engine(f"unix://{sock}")
                eng.connect()
                break
            except EngineError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"the private dockerd did not start; see {tmp}/log")
                time.sleep(0.3)
        yield eng, str(base)
        eng.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        subprocess.run(["rm", "-rf", tmp], check=False)
