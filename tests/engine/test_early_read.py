"""The early read on the real engine: made before the UI is up, over the standard library
(netui.engine.lite), it lists what the connection's own read lists; anything but a local
socket gets none; one too slow is dropped. And reads on an engine closed as netui quits stop
without opening a new connection."""

from __future__ import annotations

import sys
import time

import pytest

from netui.engine.client import EngineError
from netui.engine.source import EngineSource

pytestmark = pytest.mark.engine


def test_the_early_read_lists_what_the_connection_reads(engine, lab):
    net = lab.network("early")
    cid = lab.container("early-c", lab.image, networks=[(lab.name("early"), ["early-alias"])])
    source = EngineSource(engine.host or None, sweep=False)
    source.read_early()
    early = source.early_snapshot()
    assert early is not None, "a local socket gets its early read"
    assert source.early_snapshot() is None, "taken once"
    source.connect()
    try:
        snap, pending = source.read_lists()
        full = source.complete(snap, pending)
    finally:
        source.close()
    mine = early.container_by_id[cid]
    assert net in {n.id for n in early.networks} and mine.name == lab.name("early-c")
    assert [e.ipv4 for e in mine.endpoints] == [e.ipv4 for e in full.container_by_id[cid].endpoints]
    assert not mine.details and "early-alias" in full.container_by_id[cid].endpoints[0].aliases, \
        "the lists only: the aliases come with the connection's read"
    assert early.engine.version == full.engine.version and early.engine.is_podman == full.engine.is_podman


def test_no_early_read_but_for_a_local_socket():
    # A TCP engine (nothing listens: the address is a loopback port nobody uses): docker-py's, as usual.
    source = EngineSource("tcp://127.0.0.1:9", sweep=False)
    t0 = time.monotonic()
    source.read_early()
    assert source.early_snapshot() is None and time.monotonic() - t0 < 2
    missing = EngineSource("unix:///nonexistent/netui-test.sock", sweep=False)
    missing.read_early()
    assert missing.early_snapshot() is None, "an engine that is not there: the connection says why"


def test_closed_as_netui_quits_reads_stop_and_no_connection_is_made(engine, lab):
    """A read still running at exit (a first read's inspects) stops instead of opening a new
    connection; a connect still on its way is refused; a probe container's removal at exit
    still reaches the engine."""
    from netui.engine.topology import TopologyReader

    mine = [lab.container(f"closing-{i}", lab.image) for i in range(3)]
    source = EngineSource(engine.host or None, sweep=False)
    source.connect()
    snap, _ = source.read_lists()
    source.close()
    with pytest.raises(EngineError, match="closed") as err:
        source.read_lists()
    assert err.value.kind == "closed"
    with pytest.raises(EngineError, match="closed"):
        source.complete(snap, tuple(mine))
    with pytest.raises(EngineError, match="closing"):
        source.connect()
    e = source.engine
    assert e.api.version()["ApiVersion"] and not e.closed, "cleanup through .api reconnects"
    e.close()
    e.connect()  # an explicit connect opens a closed Engine again
    try:
        assert TopologyReader(e).read_lists()[0].networks
    finally:
        e.close()


def test_an_early_read_too_slow_to_be_the_first_picture_is_dropped(monkeypatch):
    """Through a proxy holding every request 0.4 s, the early read takes over a second: the
    connection does not wait for it, and when it ends late nothing keeps its snapshot."""
    import netui.engine.source as source_module
    from tests.sockproxy import SocketProxy

    monkeypatch.setattr(source_module, "EARLY_WAIT", 0.2)
    with SocketProxy(delay=0.4) as proxy:
        source = EngineSource(proxy.url, sweep=False)
        source.read_early()
        assert source.reading_early
        t0 = time.monotonic()
        assert source.early_snapshot() is None and time.monotonic() - t0 < 1
        assert not source.reading_early and source.early_snapshot() is None
        assert source._early is not None
        source._early.join(10)
        assert source._early_snapshot is None, "the late result is dropped, not kept for the life of the process"


def test_netui_starts_with_no_docker_py_before_its_first_picture():
    """The early read imports only the standard library: docker-py's import (a third of
    a second) is not on the way to the first picture."""
    import subprocess

    code = ("import sys\nfrom netui.engine.source import EngineSource\ns = EngineSource(None)\ns.read_early()\n"
            "snap = s.early_snapshot()\nprint(snap is not None, 'docker' in sys.modules, 'requests' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False", "False"]
