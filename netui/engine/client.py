"""The connection to a Docker engine, and errors a user can read.

The engine is reached the way the docker CLI reaches it (DOCKER_HOST, the TLS
variables, then the current docker context), or through an explicit host. Every
HTTP request sent is counted, so the cost of a refresh can be measured and tested.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from netui.engine import docker_import
from netui.engine.model import EngineInfo, shown_host
from netui.engine.remote_errors import causes as _causes
from netui.engine.remote_errors import remote_problem

if TYPE_CHECKING:
    import docker
    import docker.errors
    import requests

# docker-py (and requests under it) are imported where they are used, not here: they cost
# a third of a second or more to import, and `netui doctor` reads a local engine without them.

MIN_API_VERSION = (1, 40)  # Docker 19.03; Debian 12 ships 20.10 (API 1.41)
DEFAULT_TIMEOUT = 15


class EngineError(Exception):
    """A failure talking to the engine, worded for a user: one line, no traceback."""

    def __init__(self, message: str, *, kind: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind  # unreachable | permission | too-old | not-found | conflict | refused | changed | read-only | closed | error
        self.original: str | None = None  # the engine's own words, when netui put plain words first

    def __str__(self) -> str:
        return self.message


class NotFound(EngineError):
    def __init__(self, message: str) -> None:
        super().__init__(message, kind="not-found")


def close_quietly(stream: Any) -> None:
    """Close an engine stream (events, logs) that may be broken already."""
    if stream is not None:
        try:
            stream.close()
        except Exception:
            pass


def _version_tuple(v: str) -> tuple[int, int]:
    try:
        major, minor = v.split(".")[:2]
        return int(major), int(minor)
    except (ValueError, AttributeError):
        return (0, 0)


def product_of(version: Any) -> str:
    """Which engine answers, from its /version: "Podman" (its Docker-compatible API
    names a "Podman Engine" component) or "Docker"."""
    if not isinstance(version, dict):
        return "Docker"
    for comp in version.get("Components") or ():
        if isinstance(comp, dict) and "podman" in str(comp.get("Name") or "").lower():
            return "Podman"
    return "Docker"


def _socket_path(host: str) -> str:
    if host.startswith("unix://"):
        return host[len("unix://"):]
    if host.startswith("http+unix://"):
        return host[len("http+unix://"):]
    return ""


def api_error_text(exc: docker.errors.APIError) -> str:
    # (annotation only: docker-py is imported where an APIError can exist)
    """The engine's own words for a refused request, without docker-py's URL noise."""
    text = exc.explanation if isinstance(exc.explanation, str) and exc.explanation else str(exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(str(text).split())


def explain(exc: BaseException, host: str) -> EngineError:
    """Turn anything raised while talking to the engine into one line a user understands."""
    if isinstance(exc, EngineError):
        return exc
    import docker.errors
    import requests.exceptions

    hidden = bool(host) and not shown_host(host)
    host = shown_host(host)
    where = host or ("the configured address" if hidden else "the Docker engine")
    sock = _socket_path(host)
    remote = remote_problem(exc, where)  # TLS and ssh: what the nested ssl/paramiko errors mean
    if remote is not None:
        return EngineError(remote[0], kind=remote[1])
    if isinstance(exc, docker.errors.NotFound):
        return NotFound(api_error_text(exc))
    if isinstance(exc, docker.errors.APIError):
        text = api_error_text(exc)
        low = text.lower()
        if "client version" in low and "too old" in low:
            return EngineError(f"the engine at {where} refuses this API version: {text}", kind="too-old")
        status = getattr(exc, "status_code", None)
        kind = "conflict" if status == 409 else "refused"
        return EngineError(text or f"the engine refused the request ({status})", kind=kind)
    for e in _causes(exc):
        if isinstance(e, PermissionError) or (isinstance(e, OSError) and e.errno == errno.EACCES):
            return EngineError(
                f"permission denied on {sock or where}: add your user to the docker group "
                "(sudo usermod -aG docker $USER, then log in again) or run netui with sudo",
                kind="permission",
            )
        if isinstance(e, FileNotFoundError) or (isinstance(e, OSError) and e.errno == errno.ENOENT):
            return EngineError(
                f"no Docker engine at {where}: {sock or 'the socket'} does not exist (is dockerd running?)",
                kind="unreachable",
            )
        if isinstance(e, ConnectionRefusedError) or (isinstance(e, OSError) and e.errno == errno.ECONNREFUSED):
            return EngineError(f"no Docker engine answers at {where} (connection refused; is dockerd running?)", kind="unreachable")
    for e in _causes(exc):
        if isinstance(e, (requests.exceptions.Timeout, TimeoutError)):
            return EngineError(f"the Docker engine at {where} did not answer in time", kind="unreachable")
        if isinstance(e, (ConnectionResetError, BrokenPipeError)):
            return EngineError(f"the connection to the Docker engine at {where} was cut", kind="unreachable")
        if isinstance(e, requests.exceptions.ConnectionError):
            return EngineError(f"cannot reach the Docker engine at {where}", kind="unreachable")
        if isinstance(e, OSError) and e.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT):
            return EngineError(f"cannot reach the Docker host {where}: {e.strerror}", kind="unreachable")
    if isinstance(exc, docker.errors.TLSParameterError):
        return EngineError(f"bad TLS settings for {where}: {exc}", kind="unreachable")
    if isinstance(exc, docker.errors.DockerException):
        text = " ".join(str(exc).split())
        return EngineError(f"cannot use the Docker engine at {where}: {text}", kind="unreachable")
    text = " ".join(str(exc).split()) or type(exc).__name__
    return EngineError(f"unexpected error talking to {where}: {text}")


class RequestCounter:
    """Counts HTTP requests sent to the engine, per method and path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.total = 0
        self.by_path: dict[str, int] = {}

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        req = response.request
        self.record(req.method or "", req.url or "")

    def record(self, method: str, url: str) -> None:
        """Count one request (docker-py's through `hook`; others call this directly)."""
        path = urlparse(url).path
        # Strip the API version prefix and ids, so the table stays readable.
        parts = [p for p in path.split("/") if p]
        if parts and parts[0].startswith("v1."):
            parts = parts[1:]
        key = f"{method} /{'/'.join(parts[:1])}" + ("/…" if len(parts) > 1 else "")
        with self._lock:
            self.total += 1
            self.by_path[key] = self.by_path.get(key, 0) + 1

    def snapshot(self) -> int:
        with self._lock:
            return self.total


def resolve_host(host: str | None, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment docker-py should read, with an explicit --host taking precedence."""
    env = dict(os.environ if environ is None else environ)
    if host:
        if host.startswith("/"):
            host = "unix://" + host
        env["DOCKER_HOST"] = host
    return env


class Engine:
    """A connection to one Docker engine.

    `api` is docker-py's low-level client; it is safe to use from several worker
    threads at once (requests' connection pool).
    """

    def __init__(self, host: str | None = None, *, context: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.requested_host = host
        self.context = context  # a docker context by name (`docker context ls`), instead of a host
        self.timeout = timeout
        self.counter = RequestCounter()
        self._api: docker.APIClient | None = None
        self.closed = False  # close() was called: reads stop (a connect() opens it again)
        self.info = EngineInfo(host=host or ("" if context else os.environ.get("DOCKER_HOST", "")), context=context or "")

    @property
    def host(self) -> str:
        return self.info.host

    @property
    def api(self) -> docker.APIClient:
        if self._api is None:
            self.connect()  # (also after close(): a probe container's removal at exit must still go through)
        assert self._api is not None
        return self._api

    def connect(self) -> EngineInfo:
        """Open the connection and learn the engine's version (2 requests). Raises EngineError."""
        env = resolve_host(self.requested_host)
        if self.context:
            env.pop("DOCKER_HOST", None)
            env["DOCKER_CONTEXT"] = self.context
        docker = docker_import.load(ssh=docker_import.may_need_ssh(env, self.context))
        base = env.get("DOCKER_HOST", "")
        if not base:
            _check_context(env)
        quiet_paramiko()
        try:
            client = docker.DockerClient.from_env(
                environment=env, timeout=self.timeout, version="1.40", max_pool_size=16
            )
        except Exception as exc:  # docker-py raises bare DockerException for bad env/contexts
            raise explain(exc, base) from None
        api = client.api
        if api.base_url.startswith("https://"):
            # requests would let REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE replace the engine's CA
            # (DOCKER_CERT_PATH) for every request; the docker CLI trusts the engine's CA only.
            api.trust_env = False
        base = _display_host(api.base_url, base, env)
        api.hooks["response"].append(self.counter.hook)
        try:
            version = api.version(api_version=False)
        except Exception as exc:
            raise explain(exc, base) from None
        server_api = str(version.get("ApiVersion") or "")
        if _version_tuple(server_api) < MIN_API_VERSION:
            raise EngineError(
                f"the engine at {shown_host(base) or 'the Docker host'} speaks API {server_api or 'unknown'}, which is too old: "
                f"netui needs API {MIN_API_VERSION[0]}.{MIN_API_VERSION[1]} or newer (Docker 19.03+)",
                kind="too-old",
            )
        # Talk the newest API both sides know, so later fields (DNSNames, EnableIPv4) arrive.
        client_max = docker.constants.DEFAULT_DOCKER_API_VERSION
        api._version = server_api if _version_tuple(server_api) <= _version_tuple(client_max) else client_max
        try:
            info = api.info()
            pools = _address_pools(info.get("DefaultAddressPools"))
            sw = info.get("Swarm") or {}
            swarm = str(sw.get("LocalNodeState") or "inactive")
            manager = bool(sw.get("ControlAvailable"))
            drivers = tuple(str(d) for d in ((info.get("Plugins") or {}).get("Network") or ()))
            name = str(info.get("Name") or "")
        except Exception as exc:
            raise explain(exc, base) from None
        old, self._api, self.closed = self._api, api, False
        if old is not None:
            try:
                old.close()  # a reconnect: the old pool's sockets are dead anyway
            except Exception:
                pass
        self.info = EngineInfo(
            host=base,
            version=str(version.get("Version") or ""),
            api_version=api._version,
            os=str(version.get("Os") or ""),
            arch=str(version.get("Arch") or ""),
            name=name,
            swarm=swarm,
            swarm_manager=manager,
            network_drivers=drivers,
            address_pools=pools,
            product=product_of(version),
            context=self.context or "",
        )
        return self.info

    def close(self) -> None:
        self.closed = True
        if self._api is not None:
            try:
                self._api.close()
            except Exception:
                pass
            self._api = None

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run an API call, turning failures into EngineError."""
        try:
            return fn(*args, **kwargs)
        except EngineError:
            raise
        except Exception as exc:
            raise explain(exc, self.host) from None


def quiet_paramiko() -> None:
    """paramiko (ssh:// engines) logs its transport errors with tracebacks; without a handler
    of its own they reach stderr through logging's last resort. netui says what went wrong in
    one line (remote_errors), so paramiko's own log goes nowhere."""
    import logging

    log = logging.getLogger("paramiko")
    if not log.handlers:
        log.addHandler(logging.NullHandler())


def _address_pools(raw: Any) -> tuple[tuple[str, int], ...]:
    """GET /info's DefaultAddressPools as (base, size); absent when the daemon keeps its built-in pools."""
    out = []
    for p in raw if isinstance(raw, list) else ():
        try:
            out.append((str(p["Base"]), int(p["Size"])))
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(out)


def _check_context(env: dict[str, str]) -> None:
    """Like the docker CLI, refuse a DOCKER_CONTEXT that does not exist (docker-py would fall back)."""
    name = env.get("DOCKER_CONTEXT", "")
    if not name:
        try:
            from docker.context.config import get_current_context_name

            name = get_current_context_name() or ""
        except Exception:
            name = ""
    if not name or name == "default":
        return
    try:
        from docker.context import ContextAPI

        found = ContextAPI.get_context(name)
    except Exception as exc:
        raise EngineError(f"cannot read docker context {name!r}: {' '.join(str(exc).split())}", kind="unreachable") from None
    if found is None:
        raise EngineError(f"docker context {name!r} does not exist (see `docker context ls`)", kind="unreachable")


def _display_host(base_url: str, requested: str, env: dict[str, str]) -> str:
    """Where the engine is, as a user would write it (docker-py hides unix paths)."""
    if requested:
        return requested
    if not base_url.startswith("http+docker://"):
        return base_url
    try:
        from docker.context import ContextAPI

        return str(ContextAPI.kwargs_from_context(environment=env).get("base_url") or "unix:///var/run/docker.sock")
    except Exception:
        return "unix:///var/run/docker.sock"
