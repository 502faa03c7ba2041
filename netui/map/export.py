"""The map for documents and slides: Mermaid, Graphviz DOT, and SVG.

Mermaid and DOT have one node per network and per container and one edge per
endpoint, labelled with its IP and aliases; published ports are host-side
nodes (grouped as "host") with an edge to their container; a container in
another's network stack has a dashed edge to it. Node ids are generated
(n0, c0, p0): engine strings only ever appear inside quoted labels, escaped for
the format, so a network named `[b]x[/b]`, `a"b` or `x --> y` is shown as it
is and never read as syntax. SVG is the terminal picture itself.
"""

from __future__ import annotations

import io

from rich.console import Console

from netui.map.graph import ContainerNode, MapGraph, NetworkNode, PortNode
from netui.map.layout import Options
from netui.map.render import picture
from netui.text import clean


def _ids(g: MapGraph) -> dict[str, str]:
    ids: dict[str, str] = {}
    for prefix, keys in (("n", [n.key for n in g.networks]), ("c", [c.key for c in g.containers]), ("p", [p.key for p in g.ports])):
        for i, key in enumerate(keys):
            ids[key] = f"{prefix}{i}"
    return ids


def _net_lines(n: NetworkNode) -> list[str]:
    return [n.name, n.summary()]


def _ctr_lines(c: ContainerNode) -> list[str]:
    lines = [c.name]
    if c.mode == "host":
        lines.append("network_mode host")
    elif c.mode == "none":
        lines.append("network_mode none")
    elif c.mode == "container":
        lines.append(f"shares {c.holder_name}'s stack" if c.holder else "shares a missing container's stack")
    if not c.running:
        lines.append(c.state)
    return lines


def _port_text(p: PortNode) -> str:
    return ("⚠ " if p.exposed else "") + p.label + (" (all interfaces)" if p.exposed else "")


# -- Mermaid ------------------------------------------------------------------------
_MERMAID_ESC = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;", "|": "#124;"}


def mermaid_text(value: object) -> str:
    """A string for inside a quoted Mermaid label: shown literally."""
    return "".join(_MERMAID_ESC.get(ch, ch) for ch in clean(value))


def to_mermaid(g: MapGraph) -> str:
    ids = _ids(g)
    out = ["flowchart LR"]
    title = f"netui map: {len(g.networks)} networks, {len(g.containers)} containers"
    out.append(f"  %% {mermaid_text(title)}")
    if g.ports:
        out.append('  subgraph host["host: published ports"]')
        for p in g.ports:
            out.append(f'    {ids[p.key]}[/"{mermaid_text(_port_text(p))}"/]')
        out.append("  end")
    for n in g.networks:
        label = "<br/>".join(mermaid_text(s) for s in _net_lines(n))
        out.append(f'  {ids[n.key]}[["{label}"]]')
    for c in g.containers:
        label = "<br/>".join(mermaid_text(s) for s in _ctr_lines(c))
        out.append(f'  {ids[c.key]}("{label}")')
    for link in g.links:
        out.append(f'  {ids[link.network_key]} ---|"{mermaid_text(link.label)}"| {ids[link.container_key]}')
    for p in g.ports:
        out.append(f"  {ids[p.key]} --> {ids[p.container_key]}")
    for sharer, holder in g.shares:
        out.append(f'  {ids[sharer]} -.-|"shares network stack"| {ids[holder]}')
    out.append("  classDef network fill:#e8f0fe,stroke:#3367d6,stroke-width:2px")
    out.append("  classDef stopped fill:#f1f1f1,stroke:#9e9e9e,color:#757575,stroke-dasharray:3 3")
    out.append("  classDef exposed fill:#fff4e5,stroke:#e65100,color:#e65100")
    out.append("  classDef nodns stroke:#f9a825,stroke-width:3px")
    if g.networks:
        out.append("  class " + ",".join(ids[n.key] for n in g.networks) + " network")
    nodns = [ids[n.key] for n in g.networks if "no DNS" in n.flags]
    if nodns:
        out.append("  class " + ",".join(nodns) + " nodns")
    stopped = [ids[c.key] for c in g.containers if not c.running]
    if stopped:
        out.append("  class " + ",".join(stopped) + " stopped")
    exposed = [ids[p.key] for p in g.ports if p.exposed]
    if exposed:
        out.append("  class " + ",".join(exposed) + " exposed")
    return "\n".join(out) + "\n"


# -- DOT ------------------------------------------------------------------------------
def dot_text(value: object) -> str:
    """A string for inside a double-quoted DOT string: shown literally (no label escapes)."""
    return clean(value).replace("\\", "\\\\").replace('"', '\\"')


def to_dot(g: MapGraph) -> str:
    ids = _ids(g)
    out = [
        "graph netui {",
        '  graph [rankdir=LR, fontname="Helvetica", label="netui map", labelloc=t];',
        '  node [fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    if g.ports:
        out.append('  subgraph cluster_host {')
        out.append('    label="host: published ports"; style=dashed; color="#c62828";')
        for p in g.ports:
            color = "#e65100" if p.exposed else "#616161"
            out.append(f'    {ids[p.key]} [label="{dot_text(_port_text(p))}", shape=cds, color="{color}", fontcolor="{color}"];')
        out.append("  }")
    for n in g.networks:
        label = "\\n".join(dot_text(s) for s in _net_lines(n))
        extra = ', color="#f9a825"' if "no DNS" in n.flags else ""
        out.append(f'  {ids[n.key]} [label="{label}", shape=box, style="rounded,bold"{extra}];')
    for c in g.containers:
        label = "\\n".join(dot_text(s) for s in _ctr_lines(c))
        style = ', style=dashed, fontcolor="#757575", color="#9e9e9e"' if not c.running else ""
        out.append(f'  {ids[c.key]} [label="{label}", shape=ellipse{style}];')
    for link in g.links:
        out.append(f'  {ids[link.network_key]} -- {ids[link.container_key]} [label="{dot_text(link.label)}"];')
    for p in g.ports:
        out.append(f'  {ids[p.key]} -- {ids[p.container_key]} [dir=forward, color="#e65100"];')
    for sharer, holder in g.shares:
        out.append(f'  {ids[sharer]} -- {ids[holder]} [style=dashed, label="shares network stack"];')
    out.append("}")
    return "\n".join(out) + "\n"


# -- SVG -------------------------------------------------------------------------------
def to_svg(g: MapGraph, width: int = 160, options: Options = Options(), title: str = "netui map") -> str:
    """The map as it looks in a terminal `width` columns wide."""
    pic = picture(g, width, options)
    console = Console(record=True, width=pic.width, force_terminal=True, color_system="truecolor", file=io.StringIO())
    for line in pic.lines():
        console.print(line, soft_wrap=False, overflow="ignore", crop=False)
    return console.export_svg(title=title)


