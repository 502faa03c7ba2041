"""Probe containers never outlive their probe: not when netui is killed with -9, not
when one expires mid-use; and a start removes what an older netui left behind,
touching nothing that lacks netui's probe label *and* name prefix."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from netui.engine import model
from netui.engine.client import NotFound
from netui.engine.probes import Prober, Runner, SidecarRegistry
from netui.engine.source import EngineSource
from netui.engine.topology import TopologyReader

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parents[2]


def wait_until(predicate, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


PROBE_LABEL, PROBE_PREFIX = "netui.probe", "netui-probe-"  # what netui's probe containers carry


def probe_containers(engine, name_prefix: str) -> list[dict]:
    """Probe containers (label netui.probe=1) whose name starts with name_prefix, any state."""
    out = []
    for c in engine.api.containers(all=True, filters={"label": f"{PROBE_LABEL}=1"}):
        if any(n.lstrip("/").startswith(name_prefix) for n in c.get("Names") or []):
            out.append(c)
    return out


# A netui probing from a container without tools (so a probe container starts), to an
# address that does not answer (so the probe is still going when it is killed).
CHILD = textwrap.dedent("""
    import sys
    import netui.engine.probes as probes
    from netui.engine.client import Engine
    from netui.engine.topology import TopologyReader

    probes.SIDECAR_LIFETIME = float(sys.argv[3])
    engine = Engine()
    engine.connect()
    snap = TopologyReader(engine).read()
    probes.Prober(engine).probe(snap, snap.container_by_id[sys.argv[1]], sys.argv[2], checks=("icmp",), count=3)
    print("finished", flush=True)
""")


def test_a_killed_netui_leaves_no_probe_container_behind(engine, lab, noping_image):
    lab.network("kill")
    lab.network("far")
    bare = lab.container("bare", noping_image, networks=[lab.name("kill")])
    far = lab.container("far", lab.image, networks=[lab.name("far")])
    snap = TopologyReader(engine).read()
    far_ip = snap.container_by_id[far].endpoints[0].ipv4  # isolated from bare: the pings go unanswered
    lifetime = 6
    child = subprocess.Popen([sys.executable, "-c", CHILD, bare, far_ip, str(lifetime)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    mine = f"{PROBE_PREFIX}{lab.name('bare')}"
    try:
        [sidecar] = wait_until(lambda: [c for c in probe_containers(engine, mine) if c["State"] == "running"],
                               30, "the probe container to run")
        assert child.poll() is None, "the probe ended before it could be killed"
        os.kill(child.pid, signal.SIGKILL)  # mid-probe: no cleanup of any kind runs in netui
        child.wait(10)
        killed_at = time.monotonic()
        # Its own lifetime (6 s here, or the longest command it was started for) ends it,
        # and the engine removes it: nothing running, nothing Exited left.
        wait_until(lambda: not probe_containers(engine, mine), lifetime + 20, "the probe container to go away")
        assert time.monotonic() - killed_at < lifetime + 20
        with pytest.raises(NotFound):
            engine.call(engine.api.inspect_container, sidecar["Id"])
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        for c in probe_containers(engine, mine):
            engine.api.remove_container(c["Id"], force=True)


def test_a_start_sweeps_old_leftovers_and_nothing_else(engine, lab, monkeypatch):
    # Narrowed to this test's names, so a probe another netui runs on this engine is never touched.
    prefix = f"{PROBE_PREFIX}{lab.prefix}"
    monkeypatch.setattr(model, "PROBE_PREFIX", prefix, raising=False)
    monkeypatch.setattr(model, "PROBE_MAX_AGE", 2, raising=False)

    def make(name: str, labels: dict, command: list[str], auto_remove: bool = False) -> str:
        hc = engine.api.create_host_config(network_mode="none", auto_remove=auto_remove)
        cid = engine.api.create_container(lab.image, command=command, name=name, host_config=hc,
                                          labels={"netui.test": "1", **labels})["Id"]
        lab.containers.append(cid)  # removed by the lab whatever happens
        engine.api.start(cid)
        return cid

    probe = {PROBE_LABEL: "1"}
    # What an older netui left: Exited for ever (no auto-remove).
    old = make(f"{prefix}old-1a2b3c", probe, ["true"])
    # Not netui's, although close: a label without the prefix, the prefix without the label.
    label_only = make(lab.name("label-only"), probe, ["sleep", "600"])
    prefix_only = make(f"{prefix}prefix-only", {}, ["sleep", "600"])
    wait_until(lambda: engine.api.inspect_container(old)["State"]["Status"] == "exited", 10, "the leftover to exit")
    created = lambda cid: engine.api.containers(all=True, filters={"id": cid})[0]["Created"]  # noqa: E731
    wait_until(lambda: time.time() - created(old) >= 3, 10, "the leftover to be older than a probe's life")
    # A probe container of a netui running now: younger than a probe's longest life.
    young = make(f"{prefix}young-4d5e6f", probe, ["sleep", "600"])

    source = EngineSource()
    try:
        source.connect()
        listed = lambda: {c["Id"] for c in engine.api.containers(all=True, filters={"label": "netui.test=1"})}  # noqa: E731
        wait_until(lambda: old not in listed(), 20, "the start to remove the old probe container")
        source.sweeper.join(30)  # in the background: the first paint does not wait for it
        assert not source.sweeper.is_alive()
    finally:
        source.close()
    assert {label_only, prefix_only, young} <= listed()


def test_an_expired_probe_container_is_replaced_mid_use(engine, lab, noping_image):
    lab.network("exp")
    bare = lab.container("bare", noping_image, networks=[lab.name("exp")])
    peer = lab.container("peer", lab.image, networks=[lab.name("exp")])
    snap = TopologyReader(engine).read()
    peer_ip = snap.container_by_id[peer].endpoints[0].ipv4
    registry = SidecarRegistry(engine)
    registry.lifetime = 12
    runner = Runner(engine, snap.container_by_id[bare], lab.image, registry)
    try:
        code, _, method, _ = runner.run(["ping", "-c", "1", "-W", "1", peer_ip], 1)
        assert (code, method) == (0, "sidecar")
        first = runner.sidecar
        info = engine.api.inspect_container(first)
        assert info["HostConfig"]["AutoRemove"] is True
        assert info["Config"]["Cmd"] == ["sleep", "12"]
        # It ends under netui (its lifetime ran out, or someone killed it): a new one, and the check still runs.
        engine.api.kill(first)
        code, out, method, _ = runner.run(["ping", "-c", "1", "-W", "1", peer_ip], 1)
        assert (code, method) == (0, "sidecar"), out
        second = runner.sidecar
        assert second != first
        # Too little life left for the next command: replaced before it starts, never killed mid-command.
        wait_until(lambda: runner._expires - time.monotonic() < 1 + 4 + 1, 15, "the probe container to near its end", 0.2)
        code, out, method, _ = runner.run(["ping", "-c", "1", "-W", "1", peer_ip], 1)
        assert (code, method) == (0, "sidecar"), out
        assert runner.sidecar not in (first, second)
        wait_until(lambda: not [c for c in (first, second) if engine.api.containers(all=True, filters={"id": c})],
                   15, "the replaced probe containers to be gone")
    finally:
        runner.close()
    assert not registry.live
    assert probe_containers(engine, f"{PROBE_PREFIX}{lab.name('bare')}") == []


def test_a_probe_still_cleans_up_after_itself(engine, lab, noping_image):
    lab.network("tidy")
    bare = lab.container("bare", noping_image, networks=[lab.name("tidy")])
    lab.container("peer", lab.image, networks=[lab.name("tidy")])
    snap = TopologyReader(engine).read()
    p = Prober(engine)
    r = p.probe(snap, snap.container_by_id[bare], lab.name("peer"), checks=("dns", "icmp"))
    assert r.verdict == "reachable by name", r.checks
    assert p.sidecars.created == 1 and not p.sidecars.live
    assert probe_containers(engine, f"{PROBE_PREFIX}{lab.name('bare')}") == []


def test_a_probe_running_as_netui_quits_makes_no_new_probe_container(engine, lab):
    """Quitting during a probe that uses a probe container removed it, and the probe then
    made a new one ("it ended under us: a new one, once") and ran again after the quit."""
    from netui.engine.image import LOCAL_IMAGE
    from netui.engine.probes import Cancelled

    cid = lab.container("quitting", lab.image)
    source = TopologyReader(engine).read().container_by_id[cid]
    prober = Prober(engine)
    made, _ = prober.sidecars.start(source, LOCAL_IMAGE)
    prober.close()
    with pytest.raises(NotFound):
        engine.call(engine.api.inspect_container, made)
    with pytest.raises(Cancelled):
        prober.sidecars.start(source, LOCAL_IMAGE)
    assert prober.sidecars.created == 1 and not prober.sidecars.live
