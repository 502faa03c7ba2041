"""The early read (EngineSource.read_early, made before the UI is up): it paints before the
connection proper is made, and the read that completes it (aliases, DNS names) is not news.
A fake source (no engine); the real engine's early read is tested in tests/engine/test_early_read.py."""

from __future__ import annotations

import threading
from dataclasses import replace

from netui.engine.client import EngineError
from netui.engine.model import Snapshot
from netui.ui.app import NetuiApp
from tests.fakes import FakeSource
from tests.helpers import wait_for


class GatedSource(FakeSource):
    """A fake engine whose connection is made only when the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def connect(self):
        assert self.gate.wait(10), "the test never opened the gate"
        return super().connect()


def without_aliases(snap: Snapshot) -> Snapshot:
    """What the two list calls give: the containers' aliases come with their inspects."""
    containers = tuple(replace(c, endpoints=tuple(replace(e, aliases=()) for e in c.endpoints)) for c in snap.containers)
    return Snapshot.build(snap.networks, containers, engine=snap.engine, taken_at=snap.taken_at)


async def test_the_early_read_paints_before_the_connection_and_its_completion_does_not_flash():
    source = GatedSource()
    full = source.snapshot
    aliased = next(c for c in full.containers if any(e.aliases for e in c.endpoints))
    endpoint = next(e for e in aliased.endpoints if e.aliases)
    source.early = early = without_aliases(full)
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.snapshot is not None, what="the early snapshot")
        assert not source.gate.is_set() and app.snapshot.containers == early.containers, \
            "painted from the early read while the connection was still being made"
        assert app.connection.state == "connecting" and app.probe_unavailable(), \
            "not 'live' (nor probed) before there is a connection"
        ex = app.explorer
        assert ex.networks.select_key(endpoint.network_id)
        await wait_for(pilot, lambda: aliased.id in ex.containers.keys, what="the container's row")
        assert endpoint.aliases[0] not in " ".join(c.plain for c in ex.containers.cells(aliased.id))
        source.gate.set()
        await wait_for(pilot, lambda: endpoint.aliases[0] in " ".join(c.plain for c in ex.containers.cells(aliased.id)),
                       what="the aliases, from the connection's first read")
        assert not ex.containers.is_flashing(aliased.id), "completing the early read is not news"
        assert source.early is None, "the early snapshot is taken once"
        # Later changes are news again.
        renamed = replace(full, containers=tuple(replace(c, name="renamed-now") if c.id == aliased.id else c
                                                 for c in full.containers))
        source.set(renamed)
        await wait_for(pilot, lambda: "renamed-now" in ex.containers.cells(aliased.id)[0].plain, what="the rename")
        assert ex.containers.is_flashing(aliased.id)


class FailingOnceSource(FakeSource):
    """A fake engine whose first connection fails: the early picture stays up while netui retries."""

    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0

    def connect(self):
        self.attempts += 1
        if self.attempts == 1:
            raise EngineError("the engine is not answering yet", kind="unreachable")
        return super().connect()


async def test_after_a_failed_connect_what_changed_since_the_early_read_is_news():
    from netui.engine.refresh import BACKOFF

    source = FailingOnceSource()
    full = source.snapshot
    target = full.containers[0]
    source.early = replace(full, containers=tuple(replace(c, name="before-the-outage") if c.id == target.id else c
                                                  for c in full.containers))
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.snapshot is not None, what="the early snapshot")
        await wait_for(pilot, lambda: source.attempts == 1 and app.connection.state == "disconnected", what="the failed connect")
        ex = app.explorer
        endpoint = target.endpoints[0]
        assert ex.networks.select_key(endpoint.network_id)
        await wait_for(pilot, lambda: target.id in ex.containers.keys, what="the container's row")
        await wait_for(pilot, lambda: app.connection.state == "live", timeout=BACKOFF[0] + 5, what="the reconnect")
        await wait_for(pilot, lambda: ex.containers.cells(target.id)[0].plain == target.name, what="the true name")
        assert ex.containers.is_flashing(target.id), "a change found after an outage flashes"
