"""The demo world: the seed tutorial's networks and containers, for demos and teaching.

- app_network: backend (HTTP on 8080, exposed, not published) and frontend
  (HTTP on 3000, published as 3000:3000, or a free host port if 3000 is taken)
- my_custom_network: container1 and container2 (reach each other by name)
- isolated_network: loner (shares no network with the others)
- the default bridge: legacy (reachable by IP only: no name resolution there)
- gateway: on app_network and my_custom_network at once (bridges the two)

Everything carries the label netui.demo=1; `down` removes exactly those.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.image import LOCAL_IMAGE, ensure_local_image, image_exists
from netui.engine.workspace import ContainerNetworks, Workspace

DEMO_LABEL = "netui.demo"
FRONTEND_PORT = 3000

NETWORKS: dict[str, dict[str, Any]] = {
    "app_network": {},
    "my_custom_network": {},
    "isolated_network": {},
}
SERVE = ("httpd", "-f", "-h", "/var/www", "-p")


def _workspace(engine: Engine) -> Workspace:
    return Workspace(engine, DEMO_LABEL, "1", prefix="")


def _image(engine: Engine, image: str | None) -> str:
    if image:
        if not image_exists(engine, image):
            raise EngineError(f"image {image} is not on the engine (docker pull {image}, or leave out --image)")
        return image
    try:
        ensure_local_image(engine)
        return LOCAL_IMAGE
    except EngineError as local_error:
        if image_exists(engine, "busybox:latest"):
            return "busybox:latest"
        try:
            engine.call(engine.api.pull, "busybox", tag="latest")
            return "busybox:latest"
        except EngineError as pull_error:
            raise EngineError(
                f"no image for the demo: {local_error}; and pulling busybox failed: {pull_error}"
            ) from None


def _existing(engine: Engine) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Networks and containers on the engine by name."""
    api = engine.api
    nets = {n["Name"]: n for n in engine.call(api.networks)}
    conts = {}
    for c in engine.call(api.containers, all=True):
        for n in c.get("Names") or []:
            conts[n.lstrip("/")] = c
    return nets, conts


def _ours(obj: dict[str, Any]) -> bool:
    return (obj.get("Labels") or {}).get(DEMO_LABEL) == "1"


def up(engine: Engine, image: str | None = None) -> Iterator[str]:
    """Build the demo world. Idempotent: what exists already is kept."""
    ws = _workspace(engine)
    nets, conts = _existing(engine)
    wanted = ["backend", "frontend", "container1", "container2", "loner", "legacy", "gateway"]
    for name in NETWORKS:
        if name in nets and not _ours(nets[name]):
            raise EngineError(f"a network named {name} already exists and is not netui's demo: remove or rename it first")
    for name in wanted:
        if name in conts and not _ours(conts[name]):
            raise EngineError(f"a container named {name} already exists and is not netui's demo: remove or rename it first")
    img = _image(engine, image)
    yield f"image: {img}"
    try:
        for name, opts in NETWORKS.items():
            if name not in nets:
                ws.network(name, **opts)
                yield f"created network {name}"
        specs: list[tuple[str, ContainerNetworks, tuple[str, ...], list[str]]] = [
            ("backend", [("app_network", ["api"])], (*SERVE, "8080"), ["8080/tcp"]),
            ("container1", ["my_custom_network"], ("sleep", "86400"), []),
            ("container2", ["my_custom_network"], ("sleep", "86400"), []),
            ("loner", ["isolated_network"], ("sleep", "86400"), []),
            ("legacy", [], ("sleep", "86400"), []),
            ("gateway", ["app_network", "my_custom_network"], ("sleep", "86400"), []),
        ]
        for name, networks, cmd, expose in specs:
            if name in conts:
                _ensure_running(engine, conts[name])
                continue
            ws.container(name, img, cmd, networks=networks, hostname=name, exposed=expose)
            yield f"started {name} on {', '.join(n if isinstance(n, str) else n[0] for n in networks) or 'the default bridge'}"
        if "frontend" in conts:
            _ensure_running(engine, conts["frontend"])
        else:
            yield _frontend(ws, img)
    except EngineError:
        # Nothing half-built: take back what this run made (and only that).
        ws.remove_created()
        raise
    yield "demo is up: run `netui` to explore it, `netui demo down` to remove it"


def _frontend(ws: Workspace, img: str) -> str:
    cmd = (*SERVE, str(FRONTEND_PORT))
    try:
        ws.container("frontend", img, cmd, networks=["app_network"], ports={f"{FRONTEND_PORT}/tcp": FRONTEND_PORT}, hostname="frontend")
        return f"started frontend on app_network, http://127.0.0.1:{FRONTEND_PORT}/"
    except EngineError as exc:
        low = str(exc).lower()
        if "port is already allocated" not in low and "address already in use" not in low:
            raise
    # 3000 is taken on the host: let the engine pick a free port.
    api = ws.engine.api
    for cid in list(ws.containers):
        try:
            if ws.engine.call(api.inspect_container, cid)["Name"] == "/frontend":
                ws.engine.call(api.remove_container, cid, force=True)
                ws.containers.remove(cid)
        except NotFound:
            ws.containers.remove(cid)
    cid = ws.container("frontend", img, cmd, networks=["app_network"], ports={f"{FRONTEND_PORT}/tcp": None}, hostname="frontend")
    ports = ws.engine.call(api.inspect_container, cid)["NetworkSettings"]["Ports"].get(f"{FRONTEND_PORT}/tcp") or []
    host_port = ports[0]["HostPort"] if ports else "?"
    return f"started frontend on app_network; host port {FRONTEND_PORT} is taken, published on http://127.0.0.1:{host_port}/ instead"


def _ensure_running(engine: Engine, c: dict[str, Any]) -> None:
    if c.get("State") != "running":
        engine.call(engine.api.start, c["Id"])


def down(engine: Engine) -> Iterator[str]:
    removed = _workspace(engine).remove_all()
    if not removed:
        yield "no demo resources on this engine"
    for what in removed:
        yield what if what.startswith("kept ") else f"removed {what}"


def status(engine: Engine) -> Iterator[str]:
    nets, conts = _existing(engine)
    ours_n = sorted(n for n, v in nets.items() if _ours(v))
    ours_c = sorted(n for n, v in conts.items() if _ours(v))
    if not ours_n and not ours_c:
        yield "the demo is not up (netui demo up)"
        return
    yield "networks: " + ", ".join(ours_n)
    yield "containers: " + ", ".join(f"{n} ({conts[n].get('State')})" for n in ours_c)
