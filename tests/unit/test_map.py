"""The topology map without an engine: graph, layout, picture and exports,
on the recorded topology (tests/data/topology.json, which holds the demo world)
and on a synthetic 40-network / 400-container one."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from netui.engine.model import Container, Endpoint, IpamConfig, Network, Port, Snapshot
from netui.engine.schema import from_dict
from netui.map.export import dot_text, mermaid_text, to_dot, to_mermaid, to_svg
from netui.map.graph import ContainerNode, MapGraph, NetworkNode, build
from netui.map.layout import Options, layout
from netui.map.render import picture, probe_mark
from tests.synthetic import synthetic

DATA = Path(__file__).resolve().parent.parent / "data" / "topology.json"


@pytest.fixture(scope="module")
def recorded() -> Snapshot:
    return from_dict(json.loads(DATA.read_text()))


@pytest.fixture(scope="module")
def big() -> Snapshot:
    return synthetic(40, 400)


def net(g: MapGraph, name: str) -> NetworkNode:
    return next(n for n in g.networks if n.network.name == name)


def ctr(g: MapGraph, name: str) -> ContainerNode:
    return next(c for c in g.containers if c.container.name == name)


def endpoint_count(snap: Snapshot) -> int:
    return sum(1 for c in snap.containers for e in c.endpoints if e.network_id in snap.network_by_id)


# -- graph ------------------------------------------------------------------------------
def test_graph_has_a_node_per_network_container_port_and_an_edge_per_endpoint(recorded):
    g = build(recorded)
    assert len(g.networks) == len(recorded.networks)
    assert len(g.containers) == len(recorded.containers)
    assert len(g.ports) == len(recorded.published_ports())
    assert len(g.links) == endpoint_count(recorded)
    assert len({(link.network_key, link.container_key) for link in g.links}) == len(g.links)


def test_graph_marks_what_each_network_and_container_really_is(recorded):
    g = build(recorded)
    bridge = net(g, "bridge")
    assert bridge.kind == "default" and "no DNS" in bridge.flags and "builtin" in bridge.flags
    assert net(g, "host").kind == "host" and net(g, "none").kind == "none"
    assert "internal" in net(g, "rec-vault").flags
    assert ctr(g, "rec-hostnet").mode == "host"
    assert ctr(g, "rec-offline").mode == "none"
    sidecar = ctr(g, "rec-sidecar")
    assert sidecar.mode == "container" and sidecar.holder == ctr(g, "rec-shop-web-1").key
    assert (sidecar.key, sidecar.holder) in g.shares
    gateway = ctr(g, "gateway").key
    assert gateway in g.bridges
    assert {g.nodes[k].name for k in g.networks_of(gateway)} == {"app_network", "my_custom_network"}
    front = [p for p in g.ports if p.container_key == ctr(g, "frontend").key]
    assert front and all(p.exposed for p in front)
    assert {p.host_address for p in front} >= {"0.0.0.0:3000"}
    shop = [p for p in g.ports if p.container_key == ctr(g, "rec-shop-web-1").key]
    assert shop and not any(p.exposed for p in shop)
    backend = next(link for link in g.links if link.container_key == ctr(g, "backend").key)
    assert "api" in backend.aliases and backend.label.startswith("172.16.4.")


def test_focus_keeps_a_network_its_containers_and_its_neighbours(recorded):
    g = build(recorded)
    f = g.focus(net(g, "app_network").key)
    assert {n.network.name for n in f.networks} == {"app_network", "my_custom_network"}
    assert {c.container.name for c in f.containers} == {"backend", "frontend", "gateway"}
    assert net(f, "my_custom_network").hidden == 2  # container1 and container2 are counted, not shown
    assert net(f, "app_network").hidden == 0
    assert f.scope.startswith("focus: app_network")


def test_filter_keeps_the_bridge_between_two_matches():
    a, b = Network(id="a" * 64, name="front"), Network(id="b" * 64, name="back")
    c1 = Container(id="1" * 64, name="web-x", state="running", endpoints=(Endpoint(a.id, "front", "1" * 64, "web-x"),))
    c2 = Container(id="2" * 64, name="db-x", state="running", endpoints=(Endpoint(b.id, "back", "2" * 64, "db-x"),))
    gw = Container(id="3" * 64, name="proxy", state="running",
                   endpoints=(Endpoint(a.id, "front", "3" * 64, "proxy"), Endpoint(b.id, "back", "3" * 64, "proxy")))
    other = Container(id="4" * 64, name="cron", state="running", endpoints=(Endpoint(a.id, "front", "4" * 64, "cron"),))
    g = build(Snapshot.build([a, b], [c1, c2, gw, other]))
    f = g.matching("-x")
    assert {c.container.name for c in f.containers} == {"web-x", "db-x", "proxy"}
    assert net(f, "front").hidden == 1  # cron


def test_filter_keeps_matches_and_what_connects_them(recorded):
    g = build(recorded)
    f = g.matching("LONER")
    assert [n.network.name for n in f.networks] == ["isolated_network"]
    assert [c.container.name for c in f.containers] == ["loner"]
    f = g.matching("container1")
    assert {c.container.name for c in f.containers} == {"container1"}
    assert net(f, "my_custom_network").hidden == 2  # container2 and gateway are counted
    # A host address finds the container that publishes it.
    f = g.matching("127.0.0.2")
    assert {c.container.name for c in f.containers} == {"rec-alt-web"}
    # The sidecar comes along with the container whose stack it shares.
    f = g.matching("rec-shop-web-1")
    assert "rec-sidecar" in {c.container.name for c in f.containers}
    assert g.matching("") is g


# -- layout -------------------------------------------------------------------------------
def _overlaps(rects: dict[str, tuple[int, int, int]]) -> list[tuple[str, str]]:
    by_row: dict[int, list[tuple[int, int, str]]] = {}
    for k, (x, y, w) in rects.items():
        by_row.setdefault(y, []).append((x, x + w, k))
    bad = []
    for items in by_row.values():
        items.sort()
        for (_a1, b1, k1), (a2, _b2, k2) in zip(items, items[1:]):
            if a2 < b1:
                bad.append((k1, k2))
    return bad


@pytest.mark.parametrize("width", [160, 80, 40])
def test_every_node_is_placed_once_without_overlap_recorded(recorded, width):
    g = build(recorded)
    lay = layout(g, width)
    assert set(lay.rects) == set(g.nodes), set(g.nodes) ^ set(lay.rects)
    assert not _overlaps(lay.rects)
    assert all(w > 0 and x >= 0 for x, _, w in lay.rects.values())
    assert all(x + w <= lay.width for x, _, w in lay.rects.values())


@pytest.mark.parametrize("width", [160, 80])
def test_at_scale_networks_collapse_to_counts_and_exposure_stays(big, width):
    g = build(big)
    lay = layout(g, width)
    assert lay.collapsed == {n.key for n in g.networks}  # past the threshold: every box is a count
    assert all(n.key in lay.rects for n in g.networks)
    assert all(p.key in lay.rects for p in g.ports)  # published ports stay visible
    assert all(b in lay.rects for b in g.bridges)  # and so do the bridges between networks
    assert not _overlaps(lay.rects)
    # Expanding one network shows its members.
    one = net(g, "net-05")
    lay2 = layout(g, width, Options(expanded=frozenset({one.key})))
    members = {link.container_key for link in g.links_of_network[one.key]}
    assert members <= set(lay2.rects)
    assert one.key not in lay2.collapsed
    # And everything can be shown.
    full = layout(g, width, Options(auto_collapse=10**9))
    assert set(full.rects) == set(g.nodes)
    assert not _overlaps(full.rects)


def test_a_bridge_has_a_line_to_each_of_its_networks(big, recorded):
    for snap in (recorded, big):
        g = build(snap)
        lay = layout(g, 160, Options(auto_collapse=10**9))
        for b in g.bridges:
            for nk in g.networks_of(b):
                assert lay.link_lines.get((nk, b)), (g.nodes[b].name, g.nodes[nk].name)


def test_networks_without_a_shared_container_are_drawn_apart(recorded):
    from netui.map.layout import components

    g = build(recorded)
    comps = [{g.nodes[k].name for k in c} for c in components(g)]
    assert {"app_network", "my_custom_network"} in comps
    assert {"rec-shop_default", "rec-vault"} in comps
    assert {"isolated_network"} in comps and {"bridge"} in comps


# -- the picture -----------------------------------------------------------------------------
def test_picture_of_the_demo_world_answers_the_questions(recorded):
    """What `netui demo up` must show (the recorded topology holds the demo world)."""
    text = picture(build(recorded), 160).plain()
    for name in ("app_network", "my_custom_network", "isolated_network", "frontend", "backend", "gateway",
                 "container1", "container2", "loner", "legacy"):
        assert name in text
    lines = text.splitlines()
    bridge_title = next(line for line in lines if "─ bridge · bridge" in line)
    assert "no DNS" in bridge_title
    assert any("⚠ 0.0.0.0:3000→3000/tcp" in line and "frontend" in line for line in lines)
    # gateway is drawn once, between its two networks.
    assert sum(line.count("● gateway") for line in lines) == 1
    gw = next(i for i, line in enumerate(lines) if "● gateway" in line)
    above = [i for i, line in enumerate(lines) if "app_network" in line and "─" in line]
    below = [i for i, line in enumerate(lines) if "my_custom_network" in line and "─" in line]
    assert above[0] < gw < below[0]


def test_hostile_names_are_shown_literally(recorded):
    pic = picture(build(recorded), 160)
    text = pic.plain()
    assert "rec-[b]x[/b]" in text and "[i]alias[/i]" in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)


def test_frames_crop_pad_and_highlight(recorded):
    g = build(recorded)
    pic = picture(g, 80)
    key = ctr(g, "loner").key
    x, y, w = pic.rects[key]
    rows = pic.crop(0, y - 1, 80, 5, selected=key)
    assert len(rows) == 5
    assert all(sum(len(s.text) for s in row) == 80 for row in rows)
    hl = [s for s in rows[1] if s.style and s.style.reverse]
    whole_row = "".join(s.text for s in pic.rows[y])
    assert "".join(s.text for s in hl) == whole_row[x:x + w] == "● loner 172.16.6.2"
    # Past the edges: blank rows, never an error.
    assert len(pic.crop(pic.width + 5, pic.height + 5, 20, 3)) == 3


def test_probe_results_are_drawn_on_their_path(recorded):
    g = build(recorded)
    ok = probe_mark(g, "frontend", "backend", "reachable by name")
    assert ok is not None and ok.status == "ok"
    assert [g.nodes[k].name for k in ok.networks] == ["app_network"]
    iso = probe_mark(g, "frontend", "loner", "isolated (no shared network)")
    assert iso is not None and iso.status == "isolated" and iso.networks == ()
    by_ip = probe_mark(g, "legacy", "172.16.0.2", "reachable by IP only")
    assert by_ip is None or by_ip.status == "warn"
    assert probe_mark(g, "no-such", "backend", "reachable") is None
    pic = picture(g, 160, marks=[ok, iso])
    text = pic.plain()
    assert "probe frontend → backend: reachable by name via app_network" in text
    assert "probe frontend → loner: isolated (no shared network)" in text
    many = [probe_mark(g, a, b, v) for a, b, v in [("frontend", "backend", "ok"), ("backend", "frontend", "ok"),
                                                    ("frontend", "gateway", "by-ip"), ("frontend", "loner", "isolated"),
                                                    ("gateway", "loner", "timeout")]]
    assert [m.status for m in many] == ["ok", "ok", "warn", "isolated", "fail"]
    assert "5 paths tested: 2 reachable 1 by IP only 1 isolated 1 failing" in picture(g, 160, marks=many).plain()
    x, y, w = pic.rects[ctr(g, "backend").key]
    styles = [s.style for s in pic.rows[y] if s.text.strip() and "backend" in s.text]
    assert styles and all(st.color is not None and st.color.name == "green" for st in styles)


# -- exports --------------------------------------------------------------------------------
HOSTILE = ['[b]x[/b]', 'a"b', 'x --> y|z', "back\\slash", "hash#1;", "<br/>", "tab\there", "new\nline", "`tick`", "a&amp;b"]


def hostile_snapshot() -> Snapshot:
    nets, ctrs = [], []
    for i, name in enumerate(HOSTILE):
        nid = f"{i:064x}"
        nets.append(Network(id=nid, name=name, driver="bridge", scope="local", ipam=(IpamConfig(f"10.9.{i}.0/24"),)))
        cid = f"c{i:063x}"
        ctrs.append(Container(
            id=cid, name=f"c-{name}", state="running",
            endpoints=(Endpoint(nid, name, cid, f"c-{name}", ipv4=f"10.9.{i}.2", aliases=(f"al-{name}",)),),
            ports=(Port(80, "tcp", "0.0.0.0", 8000 + i),),
        ))
    return Snapshot.build(nets, ctrs)


MERMAID_LINE = re.compile(
    r'^(flowchart LR'
    r'|  %% [^\n]*'
    r'|  subgraph host\["[^"]*"\]|  end'
    r'|\s+[npc]\d+(\[\["[^"]*"\]\]|\("[^"]*"\)|\[/"[^"]*"/\])'
    r'|  [npc]\d+ (---|-\.-)\|"[^"]*"\| [npc]\d+'
    r'|  p\d+ --> c\d+'
    r'|  classDef \w+ [^"\n]*'
    r'|  class [npc\d,]+ \w+)$'
)


def parse_mermaid(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """The flowchart subset netui writes, strictly: every line must be one of its forms."""
    assert text.startswith("flowchart ")
    nodes: dict[str, str] = {}
    edges = []
    for line in text.splitlines():
        assert MERMAID_LINE.match(line), f"not valid for netui's Mermaid: {line!r}"
        m = re.match(r'^\s+([npc]\d+)(?:\[\["|\("|\[/")([^"]*)', line)
        if m:
            assert m.group(1) not in nodes, "a node defined twice"
            nodes[m.group(1)] = m.group(2)
        m = re.match(r'^  ([npc]\d+) (---|-\.-|-->)(?:\|"([^"]*)"\|)? ([npc]\d+)$', line)
        if m:
            edges.append((m.group(1), m.group(4), m.group(2)))
    for a, b, _ in edges:
        assert a in nodes and b in nodes
    return nodes, edges


def unescape_mermaid(s: str) -> str:
    return re.sub(r"#(quot|lt|gt|amp|\d+);", lambda m: {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}.get(m.group(1)) or chr(int(m.group(1))), s)


def test_mermaid_has_a_node_per_network_and_container_and_an_edge_per_endpoint(recorded):
    g = build(recorded)
    nodes, edges = parse_mermaid(to_mermaid(g))
    assert sum(1 for k in nodes if k.startswith("n")) == len(recorded.networks)
    assert sum(1 for k in nodes if k.startswith("c")) == len(recorded.containers)
    assert sum(1 for k in nodes if k.startswith("p")) == len(recorded.published_ports())
    net_edges = [e for e in edges if e[2] == "---"]
    assert len(net_edges) == endpoint_count(recorded)
    assert len([e for e in edges if e[2] == "-->"]) == len(recorded.published_ports())
    assert len([e for e in edges if e[2] == "-.-"]) == 1  # the sidecar


def test_mermaid_shows_hostile_names_literally():
    snap = hostile_snapshot()
    text = to_mermaid(build(snap))
    nodes, edges = parse_mermaid(text)
    labels = {unescape_mermaid(v.split("<br/>")[0]) for v in nodes.values()}
    from netui.text import clean

    for name in HOSTILE:
        assert clean(name) in labels
        assert f"c-{clean(name)}" in labels
    assert len(edges) == 2 * len(HOSTILE)
    assert mermaid_text('a"b<c>#') == "a#quot;b#lt;c#gt;#35;"


def _dot_json(text: str) -> dict:
    import graphviz  # the test extra has it; a missing one is a failure, not a skip
    if shutil.which("dot") is None:
        pytest.fail("Graphviz's dot is not installed (apt-get install graphviz): DOT output cannot be checked")
    return json.loads(graphviz.Source(text).pipe(format="json0", encoding="utf-8"))


def test_dot_parses_with_a_node_per_network_container_port_and_an_edge_per_endpoint(recorded):
    g = build(recorded)
    data = _dot_json(to_dot(g))
    names = {o["_gvid"]: o["name"] for o in data.get("objects", []) if "nodes" not in o}
    kinds = [n[0] for n in names.values()]
    assert kinds.count("n") == len(recorded.networks)
    assert kinds.count("c") == len(recorded.containers)
    assert kinds.count("p") == len(recorded.published_ports())
    edges = [(names[e["tail"]], names[e["head"]]) for e in data["edges"]]
    net_edges = [e for e in edges if {e[0][0], e[1][0]} == {"n", "c"}]
    assert len(net_edges) == endpoint_count(recorded)


def test_dot_shows_hostile_names_literally():
    from netui.text import clean

    data = _dot_json(to_dot(build(hostile_snapshot())))
    labels = [o.get("label", "") for o in data.get("objects", []) if "nodes" not in o]
    firsts = {label.split("\\n")[0] for label in labels}
    # dot keeps the label as written: undo our escaping of backslashes and quotes
    firsts = {f.replace('\\"', '"').replace("\\\\", "\\") for f in firsts}
    for name in HOSTILE:
        assert clean(name) in firsts, (name, firsts)
    assert dot_text('a"b\\n') == 'a\\"b\\\\n'


def test_svg_is_the_terminal_picture(recorded):
    svg = to_svg(build(recorded), 120)
    assert svg.startswith("<svg") and "</svg>" in svg
    assert "app_network" in svg and "rec-[b]x[/b]" in svg


def test_focused_exports_stay_consistent(recorded):
    g = build(recorded)
    f = g.focus(net(g, "app_network").key)
    nodes, edges = parse_mermaid(to_mermaid(f))
    assert len([e for e in edges if e[2] == "---"]) == len(f.links) == 4  # backend, frontend, gateway x2
    assert {unescape_mermaid(v.split("<br/>")[0]) for k, v in nodes.items() if k.startswith("n")} == {"app_network", "my_custom_network"}


# -- layering and cold start --------------------------------------------------------------------
def test_the_map_is_pure_and_loaded_only_when_used():
    import sys

    code = (
        "import sys, netui.cli, netui.ui.app\n"
        "assert not [k for k in sys.modules if k.startswith('netui.map') or k.endswith('topology_map')], 'map imported at start'\n"
        "import netui.map.graph, netui.map.layout, netui.map.render, netui.map.export\n"
        "import netui.engine.model\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
    # netui/map never imports Textual or docker-py.
    import ast

    for path in sorted((Path(__file__).resolve().parents[2] / "netui" / "map").glob("*.py")):
        mods: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                mods.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                mods.add(node.module)
        bad = {m for m in mods if m.split(".")[0] in ("textual", "docker")}
        assert not bad, f"{path.name} imports {bad}"


# -- any shape -----------------------------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from rich.cells import cell_len  # noqa: E402


@st.composite
def topologies(draw) -> Snapshot:
    n_nets = draw(st.integers(0, 7))
    nets = [Network(id=f"{i:064x}", name=draw(st.sampled_from(["a", "b", "x y", "[b]n[/b]", "ネット", "n"])) + str(i),
                    driver="bridge", scope="local", internal=draw(st.booleans()),
                    ipam=(IpamConfig(f"10.{i}.0.0/24"),)) for i in range(n_nets)]
    if draw(st.booleans()):
        nets.append(Network(id="d" * 64, name="bridge", driver="bridge", scope="local"))
    ctrs: list[Container] = []
    for j in range(draw(st.integers(0, 18))):
        cid = f"c{j:063x}"
        name = draw(st.sampled_from(["web", "db", "a-very-long-container-name-that-goes-on-and-on", "名前", "x"])) + f"-{j}"
        running = draw(st.booleans())
        if ctrs and draw(st.integers(0, 6)) == 0:
            owner = draw(st.sampled_from(ctrs))
            ctrs.append(Container(id=cid, name=name, state="running", network_mode=f"container:{owner.id}"))
            continue
        on = draw(st.lists(st.sampled_from(nets), unique_by=lambda n: n.id, max_size=min(4, len(nets)))) if nets else []
        eps = tuple(Endpoint(n.id, n.name, cid, name, ipv4=f"10.{k}.0.{j + 2}" if running else "",
                             aliases=tuple(draw(st.lists(st.sampled_from(["api", "db", "al|ias"]), max_size=2))))
                    for k, n in enumerate(on))
        ports = tuple(Port(80 + k, "tcp", draw(st.sampled_from(["0.0.0.0", "127.0.0.1", "::"])), 20000 + j * 10 + k)
                      for k in range(draw(st.integers(0, 3)))) if running else ()
        ctrs.append(Container(id=cid, name=name, state="running" if running else "exited", endpoints=eps, ports=ports))
    return Snapshot.build(nets, ctrs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snap=topologies(), width=st.integers(40, 200))
def test_any_topology_is_laid_out_whole_and_exports_stay_valid(snap, width):
    g = build(snap)
    lay = layout(g, width, Options(auto_collapse=10**9))
    assert set(lay.rects) == set(g.nodes)
    assert not _overlaps(lay.rects)
    for b in g.bridges:
        for nk in g.networks_of(b):
            assert lay.link_lines.get((nk, b))
    pic = picture(g, width, Options(auto_collapse=10**9))
    assert len(pic.plain().splitlines()) <= pic.height
    rows = pic.crop(0, 0, min(width, 80), 24, pic.order[0] if pic.order else None)
    assert all(sum(cell_len(s.text) for s in row) == min(width, 80) for row in rows)
    nodes, edges = parse_mermaid(to_mermaid(g))
    assert len([e for e in edges if e[2] == "---"]) == len(g.links)
    collapsed = layout(g, width, Options(auto_collapse=0))
    assert {n.key for n in g.networks} <= set(collapsed.rects)
    assert not _overlaps(collapsed.rects)


def test_netui_map_draws_a_replay_given_after_the_command_or_before_it(capsys):
    """`netui map --replay FILE` and `netui --replay FILE map` draw the same recording."""
    from netui.cli import main

    data = str(Path(__file__).resolve().parents[1] / "data" / "topology.json")
    assert main(["map", "--replay", data, "--width", "100"]) == 0
    after = capsys.readouterr().out
    assert main(["--replay", data, "map", "--width", "100"]) == 0
    assert capsys.readouterr().out == after and "app_network" in after
    assert main(["map", "--replay", data + ".missing"]) == 1
    assert "cannot read" in capsys.readouterr().err
