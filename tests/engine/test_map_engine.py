"""`netui map` on a real engine: the exports parse and have exactly one edge per endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.unit.test_map import parse_mermaid, unescape_mermaid

pytestmark = pytest.mark.engine


def netui_map(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "netui", "map", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "160"})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


@pytest.fixture
def scenario(lab, engine):
    img = lab.image
    lab.network("front")
    lab.network("back", internal=True)
    ids = {
        "web": lab.container("web", img, ["httpd", "-f", "-p", "80"], networks=[lab.name("front")], ports={80: ("127.0.0.1", None)}),
        "gw": lab.container("gw", img, networks=[lab.name("front"), (lab.name("back"), ["gw-alias"])]),
        "db": lab.container("db", img, networks=[lab.name("back")], start=False),
    }
    ids["side"] = lab.container("side", img, network_mode=f"container:{ids['web']}")
    # What the engine says each of our containers is attached to.
    truth = {}
    for short, cid in ids.items():
        info = engine.api.inspect_container(cid)
        truth[lab.name(short)] = set((info["NetworkSettings"].get("Networks") or {}).keys())
    return truth


def _edges_by_container(nodes: dict[str, str], edges, container_names: set[str]) -> dict[str, list[str]]:
    label = {k: unescape_mermaid(v.split("<br/>")[0]) for k, v in nodes.items()}
    out: dict[str, list[str]] = {name: [] for name in container_names}
    for a, b, kind in edges:
        if kind == "---" and label.get(b) in out:
            out[label[b]].append(label[a])
    return out


def test_mermaid_export_has_one_edge_per_endpoint(scenario, lab):
    nodes, edges = parse_mermaid(netui_map("--format", "mermaid"))
    got = _edges_by_container(nodes, edges, set(scenario))
    for name, networks in scenario.items():
        assert sorted(got[name]) == sorted(networks), name
    assert sorted(got[lab.name("gw")]) == sorted([lab.name("front"), lab.name("back")])
    assert got[lab.name("side")] == []  # it has no endpoint of its own: a shares-stack edge instead
    label = {k: unescape_mermaid(v.split("<br/>")[0]) for k, v in nodes.items()}
    shares = [(label[a], label[b]) for a, b, kind in edges if kind == "-.-"]
    assert (lab.name("side"), lab.name("web")) in shares
    ports = [label[b] for a, b, kind in edges if kind == "-->"]
    assert lab.name("web") in ports


def test_dot_export_parses_and_has_one_edge_per_endpoint(scenario, lab):
    import graphviz

    data = json.loads(graphviz.Source(netui_map("--format", "dot")).pipe(format="json0", encoding="utf-8"))
    objs = [o for o in data.get("objects", []) if "nodes" not in o]
    name_of = {o["_gvid"]: o["name"] for o in objs}
    label_of = {o["name"]: o.get("label", "").split("\\n")[0] for o in objs}
    got: dict[str, list[str]] = {name: [] for name in scenario}
    for e in data.get("edges", []):
        tail, head = name_of[e["tail"]], name_of[e["head"]]
        if tail.startswith("n") and head.startswith("c") and label_of[head] in got:
            got[label_of[head]].append(label_of[tail])
    for name, networks in scenario.items():
        assert sorted(got[name]) == sorted(networks), name


def test_network_option_limits_to_the_network_and_its_neighbours(scenario, lab):
    nodes, edges = parse_mermaid(netui_map("--format", "mermaid", "--network", lab.name("front")))
    labels = {unescape_mermaid(v.split("<br/>")[0]) for v in nodes.values()}
    assert lab.name("front") in labels and lab.name("back") in labels  # back is a neighbour through gw
    assert {lab.name("web"), lab.name("gw"), lab.name("side")} <= labels
    assert lab.name("db") not in labels  # only on the neighbour: counted there, not drawn
    text = netui_map("--network", lab.name("back"), "--width", "100")
    assert lab.name("db") in text and lab.name("gw") in text and "internal" in text


def test_unknown_network_is_one_line_and_exit_1():
    proc = subprocess.run([sys.executable, "-m", "netui", "map", "--network", "netuitest-no-such-net"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == ["netui: no network named 'netuitest-no-such-net' on this engine"]


def test_engine_error_is_one_line_and_exit_1():
    proc = subprocess.run([sys.executable, "-m", "netui", "map", "--format", "dot"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert proc.returncode == 1 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
