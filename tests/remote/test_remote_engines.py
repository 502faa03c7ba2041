"""Remote engines, for real: a dockerd with TLS on 127.0.0.1:12376 (its own CA) and one
behind an sshd on 127.0.0.1:12222 (scripts/engines.sh). netui dump and the explorer
against both; every way TLS and ssh refuse reads as one line."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager

import pytest

from netui.engine.client import Engine
from netui.engine.source import EngineSource
from netui.engine.workspace import Workspace
from netui.ui.app import NetuiApp
from tests.conftest import TEST_LABEL, new_prefix
from tests.helpers import wait_for

SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


@contextmanager
def workspace(url: str):
    """Labelled, prefixed networks on an engine reached without TLS or ssh (set-up only)."""
    engine = Engine(url)
    engine.connect()
    ws = Workspace(engine, TEST_LABEL, "1", prefix=new_prefix())
    try:
        yield ws
    finally:
        ws.remove_all()
        engine.close()


def netui(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    return subprocess.run([sys.executable, "-m", "netui", *argv], capture_output=True, text=True, timeout=120, env={**base, **env})


def tls_env(certs: str, **more: str) -> dict[str, str]:
    return {"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certs, **more}


def one_line(out: subprocess.CompletedProcess) -> str:
    assert out.returncode == 1, (out.returncode, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("netui: ") and "Traceback" not in out.stderr, out.stderr
    return lines[0]


# -- TLS -----------------------------------------------------------------------------------------
def test_dump_over_tls_trusts_only_the_engines_ca(remote_engines):
    r = remote_engines
    with workspace(r.tls_setup) as ws:
        nid = ws.network("over-tls")
        # REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE name the system's CAs, which did not sign this engine:
        # requests would use them instead of DOCKER_CERT_PATH/ca.pem; netui must not.
        out = netui("dump", "--json", "-H", r.tls, env=tls_env(r.tls_certs, REQUESTS_CA_BUNDLE=SYSTEM_BUNDLE, CURL_CA_BUNDLE=SYSTEM_BUNDLE))
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        assert data["engine"]["host"] == r.tls and nid in {n["id"] for n in data["networks"]}


def test_tls_refusals_read_as_one_line_each(remote_engines, tmp_path):
    r = remote_engines
    # A client certificate from another CA: the engine ends the handshake.
    line = one_line(netui("dump", "-H", r.tls, env=tls_env(r.tls_untrusted)))
    assert "refused netui's client certificate" in line and f"{r.tls_untrusted}/cert.pem" in line
    # A CA that did not sign the engine's certificate.
    wrong = tmp_path / "wrong-ca"
    wrong.mkdir()
    for f in ("cert.pem", "key.pem"):
        shutil.copy(os.path.join(r.tls_certs, f), wrong / f)
    shutil.copy(os.path.join(r.tls_untrusted, "other-ca.pem"), wrong / "ca.pem")
    line = one_line(netui("dump", "-H", r.tls, env=tls_env(str(wrong))))
    assert f"{wrong}/ca.pem does not vouch for" in line and "unable to get local issuer certificate" in line
    # No client certificate where DOCKER_CERT_PATH points.
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(os.path.join(r.tls_certs, "ca.pem"), bare / "ca.pem")
    line = one_line(netui("dump", "-H", r.tls, env=tls_env(str(bare))))
    assert "needs a client certificate" in line and "lacks cert.pem, key.pem" in line
    # Plain HTTP to the TLS port.
    line = one_line(netui("dump", "-H", r.tls, env={}))
    assert "speaks TLS" in line and "DOCKER_TLS_VERIFY=1" in line
    # TLS to a port that does not speak it.
    with plain_port() as port:
        line = one_line(netui("dump", "-H", f"tcp://127.0.0.1:{port}", env=tls_env(r.tls_certs)))
    assert "does not answer in TLS" in line
    # A name the engine's certificate does not list (it lists 127.0.0.1 and localhost).
    name = socket.gethostname()
    if name not in ("localhost",) and _resolves_to_loopback(name):
        line = one_line(netui("dump", "-H", r.tls.replace("127.0.0.1", name), env=tls_env(r.tls_certs)))
        assert "not valid for the name" in line and name in line


def _resolves_to_loopback(name: str) -> bool:
    try:
        return socket.gethostbyname(name) == "127.0.0.1"
    except OSError:
        return False


@contextmanager
def closed_port():
    """A loopback port that refuses connections, held so that nothing else takes it."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    try:
        yield s.getsockname()[1]
    finally:
        s.close()


@contextmanager
def plain_port():
    """A TCP port on loopback that answers in plain HTTP."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(4)
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                c, _ = ls.accept()
            except OSError:
                return
            try:
                c.recv(4096)
                c.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass
            c.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield ls.getsockname()[1]
    finally:
        done.set()
        ls.close()


async def test_explorer_on_the_tls_engine(remote_engines, monkeypatch):
    r = remote_engines
    for k, v in tls_env(r.tls_certs, REQUESTS_CA_BUNDLE=SYSTEM_BUNDLE).items():
        monkeypatch.setenv(k, v)
    with workspace(r.tls_setup) as ws:
        first = ws.network("tui-tls")
        app = NetuiApp(EngineSource(r.tls))
        async with app.run_test(size=(140, 40)) as pilot:
            await wait_for(pilot, lambda: app.state == "live" and first in app.explorer.networks.keys, timeout=20,
                           what="the TLS engine's topology")
            assert app.connection.label.startswith(r.tls)
            late = ws.network("tui-tls-late")  # an event over TLS
            await wait_for(pilot, lambda: late in app.explorer.networks.keys, timeout=10, what="a change over TLS")


# -- ssh -----------------------------------------------------------------------------------------
def test_dump_over_ssh(remote_engines):
    r = remote_engines
    with workspace(r.ssh_setup) as ws:
        nid = ws.network("over-ssh")
        out = netui("dump", "--json", "--stats", "-H", r.ssh, env={"HOME": r.ssh_home})
        assert out.returncode == 0, out.stderr
        assert nid in {n["id"] for n in json.loads(out.stdout)["networks"]}


def test_ssh_refusals_read_as_one_line_each(remote_engines, tmp_path):
    r = remote_engines
    # A host netui has never seen: not in known_hosts (a HOME of its own, with an empty ~/.ssh).
    (tmp_path / ".ssh").mkdir(mode=0o700)
    line = one_line(netui("dump", "-H", r.ssh, env={"HOME": str(tmp_path)}))
    assert "not in ~/.ssh/known_hosts" in line and "ssh -p 12222 root@127.0.0.1" in line
    # A user the key does not log in as.
    line = one_line(netui("dump", "-H", r.ssh.replace("root@", "nobody@"), env={"HOME": r.ssh_home}))
    assert "ssh refused the login" in line
    # Nothing listens on that port (bound here, never listening: refused, and nobody else's meanwhile).
    with closed_port() as port:
        line = one_line(netui("dump", "-H", f"ssh://root@127.0.0.1:{port}", env={"HOME": r.ssh_home}))
    assert "no ssh server answers" in line and "connection refused" in line
    # Something that is not sshd answers there.
    with plain_port() as port:
        line = one_line(netui("dump", "-H", f"ssh://root@127.0.0.1:{port}", env={"HOME": r.ssh_home}))
    assert "is not an ssh server" in line
    # Without paramiko (netui[ssh] not installed): what to install, in one line.
    code = "import sys; sys.modules['paramiko'] = None\nfrom netui.cli import main\nsys.exit(main(['dump', '-H', sys.argv[1]]))"
    base = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    out = subprocess.run([sys.executable, "-c", code, r.ssh], capture_output=True, text=True, timeout=60, env=base)
    line = one_line(out)
    assert "pip install 'netui[ssh]'" in line


async def test_explorer_over_ssh(remote_engines, monkeypatch):
    r = remote_engines
    monkeypatch.setenv("HOME", r.ssh_home)
    with workspace(r.ssh_setup) as ws:
        first = ws.network("tui-ssh")
        app = NetuiApp(EngineSource(r.ssh))
        async with app.run_test(size=(140, 40)) as pilot:
            await wait_for(pilot, lambda: app.state == "live" and first in app.explorer.networks.keys, timeout=30,
                           what="the topology over ssh")
            late = ws.network("tui-ssh-late")  # an event over ssh
            await wait_for(pilot, lambda: late in app.explorer.networks.keys, timeout=15, what="a change over ssh")


@pytest.fixture(autouse=True)
def _no_docker_env(monkeypatch):
    """The tests say which engine and how; nothing from the caller's environment."""
    for k in ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"):
        monkeypatch.delenv(k, raising=False)
