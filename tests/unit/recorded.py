"""An engine that answers from payloads recorded by scripts/record_podman.py.

Replays what a real engine sent (tests/data/podman/, tests/data/docker/), so the
read path is tested on real payloads without an engine. Only the calls the read
path makes are answered; any other raises, so a test cannot pass on a call the
recording does not hold.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from netui.engine.client import EngineError, NotFound, product_of
from netui.engine.model import EngineInfo

DATA = Path(__file__).resolve().parent.parent / "data"


def load(kind: str, name: str) -> Any:
    return json.loads((DATA / kind / name).read_text())


def events(kind: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / kind / "events.jsonl").read_text().splitlines() if line.strip()]


class RecordedAPI:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.calls: list[tuple[str, Any]] = []

    def networks(self, *args: Any, **kwargs: Any) -> list[dict]:
        self.calls.append(("networks", kwargs))
        return copy.deepcopy(load(self.kind, "networks.json"))

    def containers(self, all: bool = False, filters: dict | None = None, **kwargs: Any) -> list[dict]:
        self.calls.append(("containers", filters))
        out = copy.deepcopy(load(self.kind, "containers.json"))
        if filters and "id" in filters:
            out = [c for c in out if any(c["Id"].startswith(i) for i in filters["id"])]
        return out

    def inspect_container(self, ref: str) -> dict:
        self.calls.append(("inspect_container", ref))
        for path in (DATA / self.kind).glob("container-*.json"):
            data = json.loads(path.read_text())
            if data["Id"] == ref or data["Name"].lstrip("/") == ref:
                return data
        raise NotFound(f"no such container: {ref}")


class RecordedEngine:
    closed = False  # (an Engine's: reads stop once it is closed)

    def __init__(self, kind: str) -> None:
        self.api = RecordedAPI(kind)
        version = load(kind, "version.json")
        self.info = EngineInfo(
            host=f"recorded:{kind}",
            version=str(version.get("Version", "")),
            api_version=str(version.get("ApiVersion", "")),
            os=str(version.get("Os", "")),
            arch=str(version.get("Arch", "")),
            product=product_of(version),
        )

    def call(self, fn, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except EngineError:
            raise
