#!/usr/bin/env python3
"""Record the reference topology that the snapshot tests replay.

Builds, on the real engine: the demo world (`netui demo up`, unless it is up
already) plus extra resources labelled netui.test=1 that show every case the
explorer must draw: a compose project's network, an internal network, an IPv6
network, containers in host / none / container:<x> modes, a stopped container,
two containers publishing one host port on different addresses, and a network
whose name and labels hold markup and escape sequences. Then writes
`netui dump --json` of it to tests/data/topology.json and removes the extras
(and the demo, if this script brought it up).

    .venv/bin/python scripts/record_topology.py [OUT]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netui.engine import demo  # noqa: E402
from netui.engine.client import Engine  # noqa: E402
from netui.engine.image import LOCAL_IMAGE, ensure_local_image  # noqa: E402
from netui.engine.schema import to_dict  # noqa: E402
from netui.engine.topology import TopologyReader  # noqa: E402
from netui.engine.workspace import Workspace  # noqa: E402

HOSTILE_NAME = "[b]x[/b]"
HOSTILE_LABELS = {
    "markup": "[bold red]x[/] [link=https://example.invalid]click[/link] [$accent]v[/]",
    "escape": "\x1b[31mred\x1b[0m \x1b]0;title\x07 bell\x07",
    "action": "[@click=app.quit]quit[/]",
    "lines": "one\ntwo\tthree",
    "bidi": "abc\u202edef\u200bghi",
}


def main(out: Path) -> None:
    engine = Engine()
    engine.connect()
    ensure_local_image(engine)
    brought_up = not any(line.startswith("networks:") for line in demo.status(engine))
    if brought_up:
        for line in demo.up(engine):
            print(line)
    ws = Workspace(engine, "netui.test", "1", prefix="rec-")
    try:
        img = LOCAL_IMAGE
        ws.network("shop_default", labels={"com.docker.compose.project": "shop", "com.docker.compose.network": "default"})
        ws.network("vault", internal=True, subnet="10.203.0.0/24", gateway="10.203.0.254")
        ws.network("v6net", ipv6=True, subnet="fd00:42:2::/64")
        ws.network(HOSTILE_NAME, labels=HOSTILE_LABELS)
        web = ws.container(
            "shop-web-1", img, ["httpd", "-f", "-p", "80"], networks=[(ws.name("shop_default"), ["web"])],
            ports={"80/tcp": ("127.0.0.1", 18080)},
            labels={"com.docker.compose.project": "shop", "com.docker.compose.service": "web"},
        )
        ws.container("shop-db-1", img, networks=[ws.name("shop_default"), (ws.name("vault"), ["db"])],
                     labels={"com.docker.compose.project": "shop", "com.docker.compose.service": "db"})
        ws.container("sidecar", img, network_mode=f"container:{web}")
        ws.container("hostnet", img, network_mode="host")
        ws.container("offline", img, network_mode="none")
        ws.container("v6app", img, networks=[ws.name("v6net")])
        ws.container("alt-web", img, ["httpd", "-f", "-p", "81"], networks=[ws.name("shop_default")], ports={"81/tcp": ("127.0.0.2", 18080)})
        ws.container("stopped", img, networks=[ws.name("vault")], start=False)
        ws.container("hostile", img, networks=[(ws.name(HOSTILE_NAME), ["[i]alias[/i]"])], labels=HOSTILE_LABELS)
        snap = TopologyReader(engine).read()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(to_dict(snap), indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {out}: {len(snap.networks)} networks, {len(snap.containers)} containers")
    finally:
        ws.remove_all()
        if brought_up:
            for line in demo.down(engine):
                print(line)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "topology.json")
