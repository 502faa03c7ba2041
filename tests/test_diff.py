"""Snapshot diffs: what the UI applies in place. Property: apply(old, diff(old, new)) == new."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netui.engine.diff import apply, diff
from netui.engine.model import Container, Endpoint, Network, Port, Snapshot

NET_IDS = [f"n{i}" for i in range(5)]


@st.composite
def snapshots(draw):
    nets = [Network(id=i, name=draw(st.sampled_from(["a", "b", "c", "d", "e"])) + i, driver=draw(st.sampled_from(["bridge", "overlay"])),
                    internal=draw(st.booleans()), labels=tuple(draw(st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2)).items()))
            for i in draw(st.lists(st.sampled_from(NET_IDS), unique=True, max_size=5))]
    conts = []
    for cid in draw(st.lists(st.sampled_from([f"c{i}" for i in range(6)]), unique=True, max_size=6)):
        eps = tuple(
            Endpoint(network_id=n.id, network_name=n.name, container_id=cid, container_name=cid,
                     ipv4=draw(st.sampled_from(["", "10.0.0.2", "10.0.0.3"])), prefix_len=24,
                     aliases=tuple(draw(st.lists(st.sampled_from(["db", "web"]), unique=True, max_size=2))))
            for n in nets if draw(st.booleans())
        )
        ports = tuple(Port(p, "tcp", "0.0.0.0", draw(st.sampled_from([None, 8080, 8081]))) for p in draw(st.lists(st.sampled_from([80, 443]), unique=True, max_size=2)))
        conts.append(Container(id=cid, name=cid, state=draw(st.sampled_from(["running", "exited"])), endpoints=eps, ports=ports))
    return Snapshot.build(nets, conts, taken_at=draw(st.floats(0, 1e9)))


@settings(max_examples=300, deadline=None)
@given(snapshots(), snapshots())
def test_apply_of_diff_gives_the_new_snapshot(old, new):
    d = diff(old, new)
    assert apply(old, d) == new


@settings(max_examples=100, deadline=None)
@given(snapshots())
def test_diff_with_itself_is_empty(snap):
    d = diff(snap, snap)
    assert d.empty and not d.endpoints and not d.ports and d.summary() == "no change"


def test_diff_reports_endpoint_and_port_changes():
    n = Network(id="n", name="net")
    c = Container(id="c", name="web", endpoints=(Endpoint("n", "net", "c", "web", ipv4="10.0.0.2"),))
    old = Snapshot.build([n], [c])
    moved = Container(id="c", name="web", endpoints=(Endpoint("n", "net", "c", "web", ipv4="10.0.0.9"),),
                      ports=(Port(80, "tcp", "0.0.0.0", 8080),))
    d = diff(old, Snapshot.build([n], [moved]))
    assert len(d.endpoints.changed) == 1 and d.endpoints.changed[0][1].ipv4 == "10.0.0.9"
    assert [p.host_port for _, p in d.ports.added] == [8080]
    assert "~1 container" in d.summary()
