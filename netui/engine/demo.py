"""The demo world: the seed tutorial's networks and containers, for demos and teaching.

- app_network: backend (HTTP on 8080, exposed, not published) and frontend
  (HTTP on 3000, published as 3000:3000, or a free host port if 3000 is taken)
- my_custom_network: container1 and container2 (reach each other by name)
- isolated_network: loner (shares no network with the others)
- the default bridge: legacy (reachable by IP only: no name resolution there)
- gateway: on app_network and my_custom_network at once (bridges the two)
- the compose project webapp (with docker-compose or `docker compose`, when installed):
  web (HTTP on 80) and db (a TCP listener on 5432) on webapp_default, web also on
  app_network, where backend and frontend reach it by its service name

Everything carries the label netui.demo=1; `down` removes exactly those.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.compose_run import INSTALL_HINT, ComposeTool, ComposeUpSpec, engine_env, find_compose
from netui.engine.compose_run import run as run_compose
from netui.engine.image import LOCAL_IMAGE, ensure_local_image, image_exists
from netui.engine.model import COMPOSE_PROJECT
from netui.engine.workspace import ContainerNetworks, Workspace

DEMO_LABEL = "netui.demo"
FRONTEND_PORT = 3000

NETWORKS: dict[str, dict[str, Any]] = {
    "app_network": {},
    "my_custom_network": {},
    "isolated_network": {},
}
SERVE = ("httpd", "-f", "-h", "/var/www", "-p")

COMPOSE_NAME = "webapp"  # the demo's compose project
COMPOSE_SERVICES = ("web", "db")
COMPOSE_FILE = """\
# netui's demo compose project: web and db on {project}_default; web also on app_network.
version: "2.4"
services:
  web:
    image: {image}
    pull_policy: never
    command: ["httpd", "-f", "-h", "/var/www", "-p", "80"]
    stop_signal: SIGKILL
    labels:
      {label}: "1"
    networks: [default, app_network]
  db:
    image: {image}
    pull_policy: never
    command: ["httpd", "-f", "-p", "5432"]  # a TCP listener standing in for a database
    stop_signal: SIGKILL
    labels:
      {label}: "1"
networks:
  default:
    labels:
      {label}: "1"
  app_network:
    external: true
    name: {app_network}
"""


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
        tool = find_compose()
        if tool is None:
            yield (f"compose is not installed: the demo's compose project {COMPOSE_NAME} ({', '.join(COMPOSE_SERVICES)}) "
                   f"was left out; {INSTALL_HINT}, then `netui demo up` again")
        else:
            yield from compose_up(engine, img, tool)
    except EngineError:
        # Nothing half-built: take back what this run made (and only that).
        ws.remove_created()
        raise
    yield "demo is up: run `netui` to explore it, `netui demo down` to remove it"


def compose_file_text(image: str, project: str = COMPOSE_NAME, app_network: str = "app_network",
                      label: str = DEMO_LABEL) -> str:
    return COMPOSE_FILE.format(project=project, image=image, label=label, app_network=app_network)


def compose_spec(engine: Engine, path: str, tool: ComposeTool, project: str = COMPOSE_NAME) -> ComposeUpSpec:
    """`docker-compose -p webapp -f PATH up -d` for the demo's compose file at PATH."""
    return ComposeUpSpec(project, path, tool.argv, engine_env(engine))


def _compose_check(engine: Engine, project: str, label: str) -> None:
    """Refuse when a compose project or network named like the demo's exists and is not the demo's."""
    api = engine.api
    theirs = [c for c in engine.call(api.containers, all=True, filters={"label": [f"{COMPOSE_PROJECT}={project}"]})
              if (c.get("Labels") or {}).get(label) != "1"]
    if theirs:
        raise EngineError(f"a compose project named {project} already runs here and is not netui's demo: "
                          "take it down (docker-compose down) or leave the demo's compose project out")
    for n in engine.call(api.networks, names=[f"{project}_default"]):
        if n.get("Name") == f"{project}_default" and (n.get("Labels") or {}).get(label) != "1":
            raise EngineError(f"a network named {project}_default exists and is not netui's demo: remove or rename it first")


def compose_up(engine: Engine, image: str, tool: ComposeTool | None = None, *, project: str = COMPOSE_NAME,
               app_network: str = "app_network", label: str = DEMO_LABEL) -> Iterator[str]:
    """Bring up the demo's compose project (idempotent: compose keeps what is up to date).
    Needs app_network (the demo's): web joins it as an external network. The tour and the
    tests call it too (tests with their own project, network and label)."""
    tool = tool or find_compose()
    if tool is None:
        raise EngineError(f"compose is not installed: {INSTALL_HINT}", kind="refused")
    _compose_check(engine, project, label)
    with tempfile.TemporaryDirectory(prefix="netui-demo-") as tmp:
        path = Path(tmp) / "docker-compose.yml"
        path.write_text(compose_file_text(image, project, app_network, label))
        try:
            run_compose(compose_spec(engine, str(path), tool, project))
        except EngineError:
            compose_down(engine, project=project, label=label)  # nothing half-built: what compose made of it goes
            raise
    yield (f"compose project {project} is up ({tool.name} {tool.version}): web on {project}_default and "
           f"{app_network}, db on {project}_default")


def compose_down(engine: Engine, *, project: str = COMPOSE_NAME, label: str = DEMO_LABEL) -> list[str]:
    """Remove the demo's compose project: its containers and networks that carry the demo label
    (without compose: nothing of anyone else's project of the same name is touched)."""
    api = engine.api
    flt = {"label": [f"{label}=1", f"{COMPOSE_PROJECT}={project}"]}
    removed = []
    for c in engine.call(api.containers, all=True, filters=flt):
        try:
            engine.call(api.remove_container, c["Id"], force=True, v=True)
            removed.append(f"container {str((c.get('Names') or ['/?'])[0]).lstrip('/')}")
        except NotFound:
            pass
    for n in engine.call(api.networks, filters=flt):
        try:
            engine.call(api.remove_network, n["Id"])
            removed.append(f"network {n.get('Name')}")
        except NotFound:
            pass
    return removed


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
    project = sorted(f"{(v.get('Labels') or {}).get('com.docker.compose.service', '?')} ({v.get('State')})"
                     for n, v in conts.items() if _ours(v) and (v.get("Labels") or {}).get(COMPOSE_PROJECT) == COMPOSE_NAME)
    yield (f"compose project {COMPOSE_NAME}: " + ", ".join(project)) if project else \
        f"compose project {COMPOSE_NAME}: not up" + ("" if find_compose() else f" (compose is not installed: {INSTALL_HINT})")
