"""Podman's events as its compat API sends them, against Docker's for the same steps
(recorded by scripts/record_podman.py into tests/data/{podman,docker}/events.jsonl)."""

from __future__ import annotations

from netui.engine.events import TopologyEvent
from netui.engine.model import Snapshot
from netui.engine.topology import TopologyReader
from tests.unit.recorded import RecordedEngine, events


def read(kind: str) -> Snapshot:
    return TopologyReader(RecordedEngine(kind)).read()


def parsed(kind: str) -> list[TopologyEvent]:
    return [ev for raw in events(kind) if (ev := TopologyEvent.from_api(raw)) is not None]


def test_podman_network_events_name_the_container_only():
    snap = read("podman")
    app = snap.container_by_name["rec-app"]
    evs = [e for e in parsed("podman") if e.type == "network"]
    assert [e.action for e in evs] == ["connect", "disconnect"]  # no create, no remove
    for e in evs:
        assert e.container == app.id and e.id == "" and not e.network_known
        assert e.rereads == (app.id,)
        assert e.seen_in(snap)  # which network is not said: the container's read is all there is


def test_docker_network_events_name_both():
    snap = read("docker")
    evs = [e for e in parsed("docker") if e.type == "network"]
    assert {e.action for e in evs} == {"create", "connect", "disconnect", "destroy"}
    app = snap.container_by_name["rec-app"]
    connect = next(e for e in evs if e.action == "connect" and e.container == app.id)
    assert connect.network_known and connect.name == "rec-extra" and connect.rereads == (app.id,)
    create = next(e for e in evs if e.action == "create")
    assert create.rereads == () and not create.seen_in(snap)  # rec-extra is gone again


def test_podman_container_events():
    snap = read("podman")
    evs = [e for e in parsed("podman") if e.type == "container"]
    actions = [(e.name, e.action) for e in evs]
    assert ("rec-tmp", "remove") in actions and ("rec-db", "cleanup") in actions
    assert ("rec-web", "pause") in actions and ("rec-web", "unpause") in actions
    removed = next(e for e in evs if e.action == "remove")
    assert removed.rereads == (removed.id,)
    assert removed.seen_in(snap)  # rec-tmp is not in the recorded snapshot
    assert not any(e.action == "init" for e in evs)  # start follows; nothing to show


def test_event_without_a_container_means_everything():
    ev = TopologyEvent(type="network", action="connect", id="n1")
    assert ev.rereads is None
    assert TopologyEvent(type="container", action="start", id="").rereads is None
