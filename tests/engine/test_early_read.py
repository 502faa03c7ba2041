"""The early read on the real engine: made before the UI is up, over the standard library
(netui.engine.lite), it lists what the connection's own read lists; anything but a local
socket gets none. And an engine closed as netui quits opens no new connection."""

from __future__ import annotations

import sys
import time

import pytest

from netui.engine.client import Engine, EngineError
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


def test_a_closed_engine_does_not_reconnect_behind_a_worker(engine):
    e = Engine(engine.host or None)
    e.connect()
    e.close()
    with pytest.raises(EngineError, match="closed") as err:
        _ = e.api
    assert err.value.kind == "closed"
    e.connect()  # an explicit connect opens it again
    try:
        assert e.api.version()["ApiVersion"]
    finally:
        e.close()


def test_netui_starts_with_no_docker_py_before_its_first_picture():
    """The early read imports only the standard library: docker-py's import (a third of
    a second) is not on the way to the first picture."""
    import subprocess

    code = ("import sys\nfrom netui.engine.source import EngineSource\ns = EngineSource(None)\ns.read_early()\n"
            "snap = s.early_snapshot()\nprint(snap is not None, 'docker' in sys.modules, 'requests' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False", "False"]
