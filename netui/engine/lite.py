"""A read-only engine connection without docker-py, for a local engine's unix socket.

`netui doctor` is a command a CI script runs: its budget is a second at 1000
containers, and importing docker-py (with requests and urllib3) alone can take half
of that. What the doctor reads is a handful of GETs (version, info, the network and
container lists; with --deep, inspects), which the standard library's http.client
does over the socket. Anything else (a TCP or TLS host, ssh, a docker context other
than the default) goes through docker-py as everywhere else in netui.

`LiteEngine` is an Engine: the topology reader and the doctor use it unchanged.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
from typing import Any
from urllib.parse import quote, urlencode

from netui.engine.client import (
    DEFAULT_TIMEOUT,
    MIN_API_VERSION,
    Engine,
    EngineError,
    NotFound,
    _address_pools,
    _version_tuple,
    explain,
    product_of,
    resolve_host,
)
from netui.engine.model import EngineInfo

MAX_API_VERSION = "1.45"  # the newest fields the model reads (DNSNames, EnableIPv4) are older than this
DEFAULT_SOCKET = "/var/run/docker.sock"


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class LiteAPI:
    """The few GETs the reader needs, with docker-py's method names; one connection per thread."""

    def __init__(self, path: str, engine: Engine, timeout: float) -> None:
        self.path = path
        self.engine = engine
        self.timeout = timeout
        self.version_prefix = ""
        self._local = threading.local()
        self._conns: list[_UnixConnection] = []
        self._lock = threading.Lock()

    def _conn(self) -> _UnixConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _UnixConnection(self.path, self.timeout)
            self._local.conn = conn
            with self._lock:
                self._conns.append(conn)
        return conn

    def _get(self, path: str, params: dict[str, Any] | None = None, versioned: bool = True) -> Any:
        url = (f"/v{self.version_prefix}" if versioned and self.version_prefix else "") + path
        if params:
            url += "?" + urlencode({k: v for k, v in params.items() if v is not None})
        self.engine.counter.record("GET", url)
        for attempt in (1, 2):
            conn = self._conn()
            try:
                conn.request("GET", url, headers={"Host": "docker", "Accept": "application/json"})
                resp = conn.getresponse()
                body = resp.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                conn.close()  # a kept-alive connection the engine closed: once more on a new one
                if attempt == 2:
                    raise
        if resp.status >= 400:
            try:
                message = str(json.loads(body).get("message") or "")
            except (ValueError, AttributeError):
                message = body.decode("utf-8", "replace").strip()
            message = " ".join(message.split()) or f"the engine refused the request ({resp.status})"
            if resp.status == 404:
                raise NotFound(message)
            raise EngineError(message, kind="conflict" if resp.status == 409 else "refused")
        return json.loads(body) if body else None

    def _get_dict(self, path: str, params: dict[str, Any] | None = None, versioned: bool = True) -> dict[str, Any]:
        got = self._get(path, params, versioned=versioned)
        return got if isinstance(got, dict) else {}

    def _get_list(self, path: str, params: dict[str, Any] | None = None) -> list[Any]:
        got = self._get(path, params)
        return got if isinstance(got, list) else []

    # -- what the topology reader and the doctor call -------------------------------------
    def version(self, api_version: bool = True) -> dict[str, Any]:
        return self._get_dict("/version", versioned=api_version)

    def info(self) -> dict[str, Any]:
        return self._get_dict("/info")

    def networks(self, names: Any = None, ids: Any = None, filters: dict[str, Any] | None = None) -> list[Any]:
        return self._get_list("/networks", {"filters": json.dumps(filters)} if filters else None)

    def containers(self, all: bool = False, filters: dict[str, Any] | None = None, **_: Any) -> list[Any]:
        params: dict[str, Any] = {"all": "1" if all else None}
        if filters:
            params["filters"] = json.dumps(filters)
        return self._get_list("/containers/json", params)

    def inspect_container(self, container: str) -> dict[str, Any]:
        return self._get_dict(f"/containers/{quote(container, safe='')}/json")

    def inspect_network(self, net_id: str) -> dict[str, Any]:
        return self._get_dict(f"/networks/{quote(net_id, safe='')}")

    def close(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for c in conns:
            c.close()


def _context_is_default(env: dict[str, str]) -> bool:
    """Whether the docker CLI would use its default context (no docker-py needed to tell)."""
    name = env.get("DOCKER_CONTEXT", "")
    if not name:
        config = os.path.join(env.get("DOCKER_CONFIG") or os.path.expanduser("~/.docker"), "config.json")
        try:
            with open(config, encoding="utf-8") as f:
                name = str(json.load(f).get("currentContext") or "")
        except (OSError, ValueError, AttributeError):
            name = ""
    return name in ("", "default")


class LiteEngine(Engine):
    """An Engine that reads a local unix socket without docker-py, and otherwise is an Engine."""

    def __init__(self, host: str | None = None, *, context: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__(host, context=context, timeout=timeout)
        self.lite = False

    def socket_path(self) -> str | None:
        if self.context:
            return None  # a named context: docker-py reads it
        env = resolve_host(self.requested_host)
        base = env.get("DOCKER_HOST", "")
        if not base:
            return DEFAULT_SOCKET if _context_is_default(env) else None
        if base.startswith("unix://"):
            return base[len("unix://"):]
        return None

    def connect(self) -> EngineInfo:
        path = self.socket_path()
        if path is None:
            return super().connect()  # tcp, tls, ssh, a context: docker-py
        base = f"unix://{path}"
        api = LiteAPI(path, self, self.timeout)
        try:
            version = api.version(api_version=False)
            server_api = str(version.get("ApiVersion") or "")
            if _version_tuple(server_api) < MIN_API_VERSION:
                raise EngineError(
                    f"the engine at {base} speaks API {server_api or 'unknown'}, which is too old: "
                    f"netui needs API {MIN_API_VERSION[0]}.{MIN_API_VERSION[1]} or newer (Docker 19.03+)", kind="too-old")
            api.version_prefix = server_api if _version_tuple(server_api) <= _version_tuple(MAX_API_VERSION) else MAX_API_VERSION
            info = api.info() or {}
        except Exception as exc:
            api.close()
            raise explain(exc, base) from None
        sw = info.get("Swarm") or {}
        old, self._api, self.closed = self._api, api, False  # type: ignore[assignment,unused-ignore]
        if old is not None:
            try:
                old.close()
            except Exception:
                pass
        self.lite = True
        self.info = EngineInfo(
            host=base, version=str(version.get("Version") or ""), api_version=api.version_prefix,
            os=str(version.get("Os") or ""), arch=str(version.get("Arch") or ""), name=str(info.get("Name") or ""),
            swarm=str(sw.get("LocalNodeState") or "inactive"), swarm_manager=bool(sw.get("ControlAvailable")),
            network_drivers=tuple(str(d) for d in ((info.get("Plugins") or {}).get("Network") or ())),
            address_pools=_address_pools(info.get("DefaultAddressPools")),
            product=product_of(version),
        )
        return self.info
