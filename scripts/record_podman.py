#!/usr/bin/env python3
"""Record an engine's raw API payloads for a small scenario, for the unit tests.

Builds on the engine (labelled netui.test=1, names starting with `rec-`):

    rec-front  user network 10.231.201.0/24          rec-back  user network 10.231.202.0/24
    rec-web    on rec-front, httpd, 80/tcp published on 127.0.0.1 (port chosen by the engine)
    rec-app    on rec-front (alias "app") and rec-back (alias "api")
    rec-db     on rec-back, created and never started (stopped)
    rec-plain  no network asked for: the engine's default network
    rec-hostc  network mode host              rec-nonec  network mode none
    rec-side   network mode container:rec-app (shares its stack)

and writes, as the engine sent them, into OUT (default tests/data/podman/):

    version.json  info.json  networks.json  network-<name>.json  containers.json  container-<name>.json
    events.jsonl  the /events stream (filtered like netui's, type network and container) while:
                  network create rec-extra; connect rec-app to it; disconnect; network remove;
                  start rec-db; stop rec-db; pause rec-web; unpause rec-web;
                  create, start and remove rec-tmp
    scenario.json what was done, for the tests to check the payloads against

Only what the scenario made is recorded: other networks and containers on the
engine (other people's work) are left out of the lists, and the engine's own
networks are kept. Everything made is removed at the end, also on failure.

    .venv/bin/python scripts/record_podman.py --host unix:///run/netui-podman/podman.sock
    .venv/bin/python scripts/record_podman.py --host unix:///var/run/docker.sock --out tests/data/docker
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netui.engine.client import Engine  # noqa: E402
from netui.engine.image import LOCAL_IMAGE, ensure_local_image  # noqa: E402
from netui.engine.workspace import Workspace  # noqa: E402

PREFIX = "rec-"
ENGINE_NETWORKS = ("bridge", "host", "none", "podman")
SUBNETS = {"front": "10.231.201.0/24", "back": "10.231.202.0/24", "extra": "10.231.203.0/24"}


def get(engine: Engine, path: str, **params):
    api = engine.api
    return api._result(api._get(api._url(path), params=params or None), json=True)


def ours(name: str) -> bool:
    return name.lstrip("/").startswith(PREFIX)


def keep_network(n: dict) -> bool:
    return ours(str(n.get("Name", ""))) or n.get("Name") in ENGINE_NETWORKS


def scrub_network(n: dict) -> dict:
    """A network's payload without other people's containers in it."""
    n = dict(n)
    if isinstance(n.get("Containers"), dict):
        n["Containers"] = {k: v for k, v in n["Containers"].items() if ours(str((v or {}).get("Name", "")))}
    return n


class EventRecorder:
    """The /events stream as netui subscribes to it, read line by line in a thread."""

    def __init__(self, engine: Engine) -> None:
        api = engine.api
        self.response = api._get(
            api._url("/events"),
            params={"filters": json.dumps({"type": ["network", "container"]})},
            stream=True,
            timeout=None,
        )
        api._raise_for_status(self.response)
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for line in self.response.iter_lines():
                if line:
                    with self._lock:
                        self.lines.append(line.decode())
        except Exception:
            pass

    def wait_for(self, test, timeout: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if any(test(json.loads(line)) for line in self.lines):
                    return True
            time.sleep(0.05)
        return False

    def close(self) -> list[str]:
        from docker.types.daemon import CancellableStream

        try:
            # Shuts the socket down first: a plain close would wait for the reader's next line.
            CancellableStream(iter(()), self.response).close()
        except Exception:
            pass
        self._thread.join(timeout=5)
        with self._lock:
            return list(self.lines)


def record(engine: Engine, out: Path) -> None:
    ensure_local_image(engine)
    api = engine.api
    ws = Workspace(engine, "netui.test", "1", prefix=PREFIX)
    ws.remove_all()  # an interrupted earlier recording
    steps: list[str] = []
    try:
        front = ws.network("front", subnet=SUBNETS["front"])
        back = ws.network("back", subnet=SUBNETS["back"])
        img = LOCAL_IMAGE
        ws.container("web", img, ["httpd", "-f", "-p", "80"], networks=[(ws.name("front"), ["web"])],
                     ports={"80/tcp": ("127.0.0.1", None)})
        app = ws.container("app", img, networks=[(ws.name("front"), ["app"]), (ws.name("back"), ["api"])])
        ws.container("db", img, networks=[ws.name("back")], start=False)
        ws.container("plain", img)
        ws.container("hostc", img, network_mode="host")
        ws.container("nonec", img, network_mode="none")
        ws.container("side", img, network_mode=f"container:{app}")

        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("*.json*"):
            old.unlink()

        def write(name: str, data) -> None:
            (out / name).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")

        write("version.json", get(engine, "/version"))
        info = get(engine, "/info")
        write("info.json", {k: info.get(k) for k in sorted(info) if k in (
            "ID", "Name", "ServerVersion", "OperatingSystem", "OSType", "Architecture", "Driver",
            "Plugins", "Swarm", "KernelVersion", "CgroupDriver", "CgroupVersion", "SecurityOptions",
            "DefaultRuntime", "Runtimes", "MemTotal", "NCPU",
        )})
        networks = [scrub_network(n) for n in get(engine, "/networks") if keep_network(n)]
        write("networks.json", networks)
        for n in networks:
            write(f"network-{n['Name']}.json", scrub_network(get(engine, f"/networks/{n['Id']}")))
        containers = [c for c in get(engine, "/containers/json", all=1) if any(ours(x) for x in c.get("Names") or [])]
        write("containers.json", containers)
        for c in containers:
            name = c["Names"][0].lstrip("/")
            write(f"container-{name}.json", get(engine, f"/containers/{c['Id']}/json"))

        events = EventRecorder(engine)
        time.sleep(0.5)  # the subscription is in place before the first change
        extra = ws.network("extra", subnet=SUBNETS["extra"])
        steps.append(f"network create {ws.name('extra')}")
        api.connect_container_to_network(ws.name("app"), extra, aliases=["x"])
        steps.append(f"network connect {ws.name('extra')} {ws.name('app')}")
        api.disconnect_container_from_network(ws.name("app"), extra)
        steps.append(f"network disconnect {ws.name('extra')} {ws.name('app')}")
        api.remove_network(extra)
        steps.append(f"network rm {ws.name('extra')}")
        api.start(ws.name("db"))
        steps.append(f"start {ws.name('db')}")
        api.stop(ws.name("db"), timeout=1)
        steps.append(f"stop {ws.name('db')}")
        api.pause(ws.name("web"))
        steps.append(f"pause {ws.name('web')}")
        api.unpause(ws.name("web"))
        steps.append(f"unpause {ws.name('web')}")
        tmp = ws.container("tmp", img, networks=[ws.name("back")])
        steps.append(f"run {ws.name('tmp')} on {ws.name('back')}")
        api.remove_container(tmp, force=True)
        steps.append(f"rm -f {ws.name('tmp')}")
        done = events.wait_for(lambda e: e.get("Type") == "container" and e.get("Action") in ("destroy", "remove")
                               and (e.get("Actor") or {}).get("Attributes", {}).get("name") == ws.name("tmp"))
        time.sleep(0.5)  # stragglers after the last one
        lines = events.close()
        if not done:
            print("record_podman: the stream never showed rec-tmp's removal; writing what came", file=sys.stderr)
        # Only the scenario's events: on a shared engine, others' work shows up in the stream too.
        # (Docker names the network in a network event's "name", Podman the container.)
        lines = [line for line in lines if ours(str(((json.loads(line).get("Actor") or {}).get("Attributes") or {}).get("name", "")))]
        (out / "events.jsonl").write_text("".join(line + "\n" for line in lines))
        write("scenario.json", {
            "prefix": PREFIX,
            "subnets": SUBNETS,
            "networks": {"front": front, "back": back, "extra": extra},
            "steps": steps,
            "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "engine": engine.info.label,
        })
        print(f"recorded {len(networks)} networks, {len(containers)} containers, {len(lines)} events into {out}")
    finally:
        ws.remove_all()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", help="the engine (default: DOCKER_HOST, then the docker context)")
    p.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "podman")
    args = p.parse_args()
    engine = Engine(args.host)
    engine.connect()
    record(engine, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
