"""The real 2-node swarm of scripts/swarm.sh, for tests (docs/engines-for-tests.md).

`swarm` (session): `scripts/swarm.sh up` once, `down` at the end whatever happened (the
main engine is never touched). `swarm_lab` (per test): services and overlay networks
labelled netui.test=1 with a unique prefix, removed after the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from netui.engine.client import Engine, EngineError

REPO = Path(__file__).resolve().parent.parent
SWARM_SH = REPO / "scripts" / "swarm.sh"
LABELS = {"netui.test": "1"}
IMAGE = "netui/busybox:local"


@dataclass(frozen=True)
class Swarm:
    node1: str  # the manager's engine
    node2: str  # the worker's
    up_seconds: float


def _swarm_sh(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    return subprocess.run(["bash", str(SWARM_SH), *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="session")
def swarm():
    required = os.environ.get("NETUI_REQUIRE_ENGINE", "") not in ("", "0")
    missing = [t for t in ("dockerd", "containerd", "nsenter", "docker") if not shutil.which(t)]
    if os.geteuid() != 0 or missing:
        why = f"the swarm needs root and {', '.join(missing) or 'dockerd'} (scripts/engine.sh installs them)"
        if required:
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    t0 = time.monotonic()
    up = _swarm_sh("up")
    if up.returncode != 0:
        _swarm_sh("down")
        pytest.fail(f"scripts/swarm.sh up failed: {up.stderr.strip()}", pytrace=False)
    env = dict(line.split("=", 1) for line in _swarm_sh("env").stdout.split() if "=" in line)
    try:
        yield Swarm(env["NETUI_SWARM_NODE1"], env["NETUI_SWARM_NODE2"], time.monotonic() - t0)
    finally:
        down = _swarm_sh("down")
        assert down.returncode == 0, f"scripts/swarm.sh down failed: {down.stderr.strip()}"


class SwarmLab:
    """Labelled, uniquely named services and overlays on the swarm, removed afterwards."""

    def __init__(self, swarm: Swarm) -> None:
        self.swarm = swarm
        self.prefix = f"netuitest-{uuid.uuid4().hex[:6]}-"
        self.manager = Engine(swarm.node1)
        self.worker = Engine(swarm.node2)
        self.manager.connect()
        self.worker.connect()
        self.services: list[str] = []
        self.networks: list[str] = []

    def name(self, short: str) -> str:
        return self.prefix + short

    def overlay(self, short: str, attachable: bool = True) -> str:
        """A new overlay network on the manager; its id."""
        nid = self.manager.api.create_network(self.name(short), driver="overlay", attachable=attachable, labels=LABELS)["Id"]
        self.networks.append(nid)
        return nid

    def adopt_network(self, nid: str) -> None:
        """A network made another way (the create form): removed with the rest."""
        self.networks.append(nid)

    def service(self, short: str, network: str, replicas: int = 2, command: tuple[str, ...] = ("httpd", "-f", "-p", "80", "-h", "/"),
                port: int | None = None) -> str:
        """A service whose tasks (at most one per node) run `command` on `network`."""
        import docker.types

        name = self.name(short)
        endpoint = docker.types.EndpointSpec(mode="vip", ports={port: 80}) if port else None
        self.manager.api.create_service(
            docker.types.TaskTemplate(
                container_spec=docker.types.ContainerSpec(IMAGE, list(command), labels=LABELS, stop_signal="SIGKILL"),
                placement=docker.types.Placement(maxreplicas=1),
                networks=[docker.types.NetworkAttachmentConfig(network)],
            ),
            name=name, labels=LABELS, mode=docker.types.ServiceMode("replicated", replicas=replicas), endpoint_spec=endpoint,
        )
        self.services.append(name)
        return name

    def running_tasks(self, service: str) -> list[dict]:
        tasks = self.manager.api.tasks(filters={"service": service, "desired-state": "running"})
        return [t for t in tasks if t["Status"]["State"] == "running"]

    def wait_running(self, service: str, count: int, timeout: float = 60) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            tasks = self.running_tasks(service)
            if len(tasks) == count and len({t["NodeID"] for t in tasks}) == count:
                return tasks
            time.sleep(0.2)
        raise AssertionError(f"{service}: {count} running tasks not seen within {timeout} s")

    def close(self) -> None:
        for name in self.services:
            try:
                self.manager.api.remove_service(name)
            except Exception:
                pass
        deadline = time.monotonic() + 30
        for nid in self.networks:
            while True:  # "in use" until the tasks are gone (docs/engines-for-tests.md)
                try:
                    self.manager.api.remove_network(nid)
                    break
                except Exception as exc:
                    if "not found" in str(exc).lower() or time.monotonic() > deadline:
                        break
                    time.sleep(0.3)
        for e in (self.manager, self.worker):
            e.close()


@pytest.fixture
def swarm_lab(swarm):
    try:
        lab = SwarmLab(swarm)
    except EngineError as exc:
        pytest.fail(f"the swarm's engines do not answer: {exc}", pytrace=False)
    try:
        yield lab
    finally:
        lab.close()
