"""Importing docker-py without its ssh transport when no ssh:// engine is asked for.

docker-py imports paramiko (and paramiko `invoke`) at import time for ssh:// engines:
about 0.23 s of the 0.42 s `import docker` costs, on every start, for a transport a
local or tcp:// engine never uses. `load(ssh=False)` imports docker-py with its ssh
module held back; `load(ssh=True)` (an ssh:// engine, or a docker context that may be
one) imports it, also after the fact: docker-py then finds its ssh adapter as if it
had been there from the start.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
from types import ModuleType

_SSH_MODULE = "docker.transport.sshconn"
_lock = threading.Lock()


def load(*, ssh: bool) -> ModuleType:
    """The docker package, able to reach ssh:// engines when `ssh`."""
    with _lock:
        if "docker" not in sys.modules and not ssh:
            sys.modules[_SSH_MODULE] = None  # type: ignore[assignment]  # makes its import fail: docker-py skips it
            try:
                importlib.import_module("docker")
            finally:
                if sys.modules.get(_SSH_MODULE, 0) is None:
                    del sys.modules[_SSH_MODULE]
        docker = importlib.import_module("docker")
        if ssh:
            _add_ssh()
        return docker


def _add_ssh() -> None:
    """The ssh adapter where docker-py looks for it (docker.api.client's module globals)."""
    import docker.api.client as api_client
    import docker.transport as transport

    if getattr(api_client, "SSHHTTPAdapter", None) is not None:
        return
    try:
        adapter = importlib.import_module(_SSH_MODULE).SSHHTTPAdapter
    except ImportError:
        return  # no paramiko: docker-py says "Install paramiko package to enable ssh:// support"
    transport.SSHHTTPAdapter = adapter
    api_client.SSHHTTPAdapter = adapter


def may_need_ssh(env: dict[str, str], context: str | None) -> bool:
    """Whether the engine `env` (and a context by name) points at could be an ssh:// one:
    DOCKER_HOST says so, or a docker context other than "default" chooses the engine."""
    host = env.get("DOCKER_HOST", "")
    if host:
        return host.startswith("ssh://")
    name = context or env.get("DOCKER_CONTEXT", "") or _current_context(env)
    return bool(name) and name != "default"


def _current_context(env: dict[str, str]) -> str:
    """The docker CLI's current context ("currentContext" in its config.json), "" if none.
    The file is looked for as docker-py does: in DOCKER_CONFIG, else in ~/.docker."""
    home = os.path.join(os.path.expanduser("~"), ".docker", "config.json")
    paths = [os.path.join(env["DOCKER_CONFIG"], "config.json"), home] if env.get("DOCKER_CONFIG") else [home]
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                name = json.load(f).get("currentContext", "")
        except FileNotFoundError:
            continue
        except (OSError, ValueError, AttributeError):
            return ""
        return name if isinstance(name, str) else ""
    return ""
