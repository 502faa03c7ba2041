"""The map widget under Pilot, on the recorded topology (and the synthetic 400 for scale)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from netui.engine.model import Snapshot
from netui.engine.schema import from_dict
from netui.map.graph import container_key, network_key
from netui.ui.widgets.topology_map import MapNode, TopologyMap
from tests.synthetic import synthetic

DATA = Path(__file__).resolve().parent.parent / "data" / "topology.json"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


def recorded() -> Snapshot:
    return from_dict(json.loads(DATA.read_text()))


class MapApp(App):
    def __init__(self, snap: Snapshot) -> None:
        super().__init__()
        self.snap = snap
        self.activated: list[MapNode] = []
        self.selected: list[MapNode] = []

    def compose(self) -> ComposeResult:
        yield TopologyMap(id="map")

    def on_mount(self) -> None:
        m = self.query_one(TopologyMap)
        m.update_snapshot(self.snap, title="recorded topology")
        m.focus()

    def on_topology_map_node_activated(self, event: TopologyMap.NodeActivated) -> None:
        self.activated.append(event.node)

    def on_topology_map_node_selected(self, event: TopologyMap.NodeSelected) -> None:
        self.selected.append(event.node)


def key_of(snap: Snapshot, name: str) -> str:
    if name in snap.container_by_name:
        return container_key(snap.container_by_name[name].id)
    return network_key(snap.network_by_name[name].id)


def name_of(m: TopologyMap) -> str:
    node = m.full_graph.node(m.selected or "")
    return node.name if node is not None and hasattr(node, "name") else str(m.selected)


async def test_arrows_and_hjkl_move_between_nodes_by_place():
    snap = recorded()
    app = MapApp(snap)
    async with app.run_test(size=(160, 48)) as pilot:
        m = app.query_one(TopologyMap)
        assert m.selected in m.picture.rects  # something is selected from the start
        m.select(key_of(snap, "app_network"))
        await pilot.press("down")
        assert name_of(m) == "frontend"
        await pilot.press("j")
        assert name_of(m) == "backend"
        await pilot.press("j")
        assert name_of(m) == "gateway"
        await pilot.press("j")
        assert name_of(m) == "my_custom_network"
        await pilot.press("k", "k")
        assert name_of(m) == "backend"
        # Left of frontend is its published port at the host edge.
        m.select(key_of(snap, "frontend"))
        await pilot.press("h")
        assert m.selected.startswith("port:") and "3000" in m.selected
        await pilot.press("l")
        assert name_of(m) == "frontend"
        # Right, across to the next column, on the same row: the isolated network's loner.
        m.select(key_of(snap, "app_network"))
        await pilot.press("right")
        assert name_of(m) == "loner"
        await pilot.press("up")
        assert name_of(m) == "isolated_network"
        await pilot.pause()
        assert app.selected[-1].network is not None and app.selected[-1].network.name == "isolated_network"


async def test_enter_posts_the_node_with_its_model_objects():
    snap = recorded()
    app = MapApp(snap)
    async with app.run_test(size=(160, 48)) as pilot:
        m = app.query_one(TopologyMap)
        m.select(key_of(snap, "gateway"))
        await pilot.press("enter")
        await pilot.pause()
        assert app.activated[-1].kind == "container" and app.activated[-1].container is snap.container_by_name["gateway"]
        m.select(key_of(snap, "bridge"))
        await pilot.press("enter")
        await pilot.pause()
        assert app.activated[-1].kind == "network" and app.activated[-1].network.name == "bridge"
        port = next(k for k in m.picture.rects if k.startswith("port:") and "3000" in k)
        m.select(port)
        await pilot.press("enter")
        await pilot.pause()
        node = app.activated[-1]
        assert node.kind == "port" and node.port.host_port == 3000 and node.container.name == "frontend"


async def test_updates_arrive_in_place_and_keep_the_selection():
    snap = recorded()
    app = MapApp(snap)
    async with app.run_test(size=(80, 24)) as pilot:
        m = app.query_one(TopologyMap)
        m.select(key_of(snap, "container2"))
        await pilot.pause()
        before = m.scroll_offset
        # Another container goes: container2 stays selected, the view does not jump.
        smaller = Snapshot.build(snap.networks, [c for c in snap.containers if c.name != "loner"], snap.engine)
        m.update_snapshot(smaller)
        await pilot.pause()
        assert name_of(m) == "container2"
        assert m.scroll_offset == before
        assert "loner" not in m.picture.plain()
        # The selected container goes: its network is selected instead.
        m.update_snapshot(Snapshot.build(smaller.networks, [c for c in smaller.containers if c.name != "container2"], snap.engine))
        await pilot.pause()
        assert name_of(m) == "my_custom_network"
        # A container connected from outside appears in place.
        loner = snap.container_by_name["loner"]
        app_net = snap.network_by_name["app_network"]
        ep = replace(loner.endpoints[0], network_id=app_net.id, network_name="app_network", ipv4="172.16.4.99")
        moved = replace(loner, endpoints=(*loner.endpoints, ep))
        m.update_snapshot(Snapshot.build(snap.networks, [c if c.name != "loner" else moved for c in snap.containers], snap.engine))
        await pilot.pause()
        assert name_of(m) == "my_custom_network"
        assert "172.16.4.99" in m.picture.plain()


async def test_scrolls_and_pans_at_80x24():
    snap = synthetic(40, 400)
    app = MapApp(snap)
    async with app.run_test(size=(80, 24)) as pilot:
        m = app.query_one(TopologyMap)
        assert m.virtual_size.height > 200 and m.virtual_size.width > 80  # taller and wider than the screen
        far = max(m.picture.rects, key=lambda k: (m.picture.rects[k][1], m.picture.rects[k][0]))
        m.select(far)
        await pilot.pause()
        x, y, w = m.picture.rects[far]
        sx, sy = m.scroll_offset
        assert sy > 0 and sy <= y < sy + m.scrollable_content_region.height
        right = max(m.picture.rects, key=lambda k: m.picture.rects[k][0] + m.picture.rects[k][2])
        m.select(right)
        await pilot.pause()
        x, y, w = m.picture.rects[right]
        assert m.scroll_offset.x > 0 and m.scroll_offset.x <= x
        await pilot.press("home")
        await pilot.pause()
        assert m.selected == m.picture.order[0]
        x, y, w = m.picture.rects[m.selected]
        assert m.scroll_offset.y <= y < m.scroll_offset.y + m.scrollable_content_region.height
        assert m.scroll_offset.x <= x


async def test_collapsed_networks_expand_on_enter_and_space_toggles():
    snap = synthetic(40, 400)
    app = MapApp(snap)
    async with app.run_test(size=(160, 48)) as pilot:
        m = app.query_one(TopologyMap)
        key = key_of(snap, "net-05")
        assert key in m.collapsed
        m.select(key)
        await pilot.press("enter")
        await pilot.pause()
        assert key not in m.collapsed and not app.activated  # expanded, not opened
        members = [c for c in snap.containers if any(e.network_name == "net-05" for e in c.endpoints)]
        assert all(container_key(c.id) in m.picture.rects for c in members)
        assert m.selected == key
        await pilot.press("space")
        assert key in m.collapsed
        await pilot.press("space")
        assert key not in m.collapsed


async def test_focus_filter_and_escape():
    snap = recorded()
    app = MapApp(snap)
    async with app.run_test(size=(160, 48)) as pilot:
        m = app.query_one(TopologyMap)
        m.select(key_of(snap, "backend"))
        await pilot.press("f")
        assert {n.network.name for n in m.graph.networks} == {"app_network", "my_custom_network"}
        assert name_of(m) == "backend"
        await pilot.press("escape")
        assert len(m.graph.networks) == len(snap.networks)
        m.set_filter("loner")
        assert [c.container.name for c in m.graph.containers] == ["loner"]
        assert name_of(m) in ("loner", "isolated_network")
        await pilot.press("escape")
        assert m.filter_text == "" and len(m.graph.containers) == len(snap.containers)
        # Nothing left to undo: Esc is not the map's (the screen gets it).
        assert m.check_action("back", ()) is False


async def test_probe_result_drawn_on_its_path():
    snap = recorded()
    app = MapApp(snap)
    async with app.run_test(size=(160, 48)) as pilot:
        m = app.query_one(TopologyMap)
        m.show_probe("frontend", "backend", "reachable by name")
        await pilot.pause()
        assert m.marks and m.marks[0].status == "ok"
        assert "probe frontend → backend: reachable by name via app_network" in m.picture.plain()
        m.clear_probes()
        assert not m.marks and "probe frontend" not in m.picture.plain()


@pytest.mark.parametrize("size", SIZES)
def test_map_snapshot(snap_compare, size):
    async def before(pilot):
        m = pilot.app.query_one(TopologyMap)
        m.select(key_of(pilot.app.snap, "gateway"))
        await pilot.pause()

    assert snap_compare(MapApp(recorded()), terminal_size=size, run_before=before)
