"""Remote engines for tests (docs/engines-for-tests.md): a dockerd with TLS on
127.0.0.1:12376 and its own CA, and an sshd on 127.0.0.1:12222 whose key reaches a
plain dockerd through `docker system dial-stdio`. `remote_engines` (session): started
with `scripts/engines.sh up tls ssh` once, `down` at the end whatever happened."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ENGINES_SH = REPO / "scripts" / "engines.sh"


@dataclass(frozen=True)
class RemoteEngines:
    tls: str  # tcp://127.0.0.1:12376
    tls_certs: str  # a DOCKER_CERT_PATH for it
    tls_untrusted: str  # a client certificate from another CA, and that CA (other-ca.pem)
    tls_setup: str  # the same engine without TLS, on a unix socket: for setting things up
    ssh: str  # ssh://root@127.0.0.1:12222
    ssh_home: str  # a HOME whose ~/.ssh/config and known_hosts reach it
    ssh_setup: str  # the engine behind it, on its unix socket


def _engines_sh(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    return subprocess.run(["bash", str(ENGINES_SH), *args], capture_output=True, text=True, timeout=180, env=env)


@pytest.fixture(scope="session")
def remote_engines():
    required = os.environ.get("NETUI_REQUIRE_ENGINE", "") not in ("", "0")
    missing = [t for t in ("dockerd", "openssl", "/usr/sbin/sshd", "ssh-keygen") if not shutil.which(t) and not os.path.exists(t)]
    if os.geteuid() != 0 or missing:
        why = f"the remote engines need root and {', '.join(missing) or 'dockerd'} (apt-get install openssh-server openssl)"
        if required:
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    up = _engines_sh("up", "tls", "ssh")
    if up.returncode != 0:
        _engines_sh("down")
        pytest.fail(f"scripts/engines.sh up tls ssh failed: {up.stderr.strip()}", pytrace=False)
    env = dict(line.split("=", 1) for line in _engines_sh("env").stdout.split() if "=" in line)
    try:
        yield RemoteEngines(
            tls=env["NETUI_ENGINE_TLS"], tls_certs=env["NETUI_ENGINE_TLS_CERTS"], tls_untrusted=env["NETUI_ENGINE_TLS_UNTRUSTED"],
            tls_setup="unix:///run/netui-engines/tls.sock", ssh=env["NETUI_ENGINE_SSH"], ssh_home=env["NETUI_ENGINE_SSH_HOME"],
            ssh_setup=env["NETUI_ENGINE_PLAIN"],
        )
    finally:
        down = _engines_sh("down")
        assert down.returncode == 0, f"scripts/engines.sh down failed: {down.stderr.strip()}"
