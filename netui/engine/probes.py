"""Connectivity probes: can A reach B, by name? DNS, ICMP and TCP from inside a
container, host → published port, and the isolation matrix of a network.

How a check runs: `docker exec` in the source container when it has the tool;
otherwise a short-lived probe container sharing the source's network stack
(`--network container:<source>`, the netshoot pattern), removed afterwards
whatever happens. Commands are argv lists; targets are validated.

Name resolution only ever goes to Docker's embedded DNS (127.0.0.11), and only
for names that can resolve there: a known container that shares no network
with the source is tested by IP (and reported isolated) instead of asking a
resolver that would forward the query outside.
"""

from __future__ import annotations

import ipaddress
import math
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netui.engine.actions import command_text
from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.image import LOCAL_IMAGE, ensure_local_image, image_exists
from netui.engine.model import PROBE_LABEL, PROBE_PREFIX, SIDECAR_LIFETIME, Container, Network, Port, Snapshot

if TYPE_CHECKING:
    from netui.engine.matrix import Cell, MatrixResult

EMBEDDED_DNS = "127.0.0.11"
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$")
EXEC_GRACE = 4.0  # seconds beyond a tool's own timeout before netui gives up waiting

OK, FAIL, TIMEOUT, SKIPPED, ERROR = "ok", "fail", "timeout", "skipped", "error"


class ProbeError(EngineError):
    pass


class Cancelled(Exception):
    pass


# -- targets ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    host: str
    port: int | None = None

    @property
    def is_ip(self) -> bool:
        try:
            ipaddress.ip_address(self.host)
            return True
        except ValueError:
            return False

    def __str__(self) -> str:
        if self.port is None:
            return self.host
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_target(text: str) -> Target:
    """`host`, `host:port`, an IPv4/IPv6 address, `[v6]:port`. Raises ValueError with a reason."""
    text = (text or "").strip()
    if not text:
        raise ValueError("give a target: a container name, alias, hostname or IP, optionally :port")
    host, port = text, None
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(f"{text!r}: missing ] after an IPv6 address")
        host, rest = text[1:end], text[end + 1:]
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"{text!r}: expected :port after ]")
            port = _port(rest[1:])
    elif text.count(":") == 1:
        host, p = text.split(":")
        port = _port(p)
    try:
        ipaddress.ip_address(host)
        return Target(host, port)
    except ValueError:
        pass
    if ":" in host:
        raise ValueError(f"{host!r} is not an IP address (an IPv6 address with a port goes in brackets: [fd00::2]:80)")
    if not HOSTNAME_RE.match(host):
        raise ValueError(f"{host!r} is not a valid host name (letters, digits, - _ and dots)")
    return Target(host, port)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError(f"{text!r} is not a port (1-65535)")
    return int(text)


# -- results ------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    kind: str  # dns | icmp | tcp
    status: str  # ok | fail | timeout | skipped | error
    summary: str
    output: str = ""
    seconds: float = 0.0
    method: str = ""  # exec | sidecar | host | -
    command: str = ""


@dataclass(frozen=True)
class ProbeResult:
    time: float
    source: str
    target: str
    checks: tuple[Check, ...]
    note: str = ""
    isolated: bool = False
    situation: str = ""  # one of SITUATIONS when source or target is not an ordinary pair

    @property
    def verdict(self) -> str:
        """The answer to "can source reach target?" in a few words."""
        if self.situation in FIXED_VERDICTS:
            return FIXED_VERDICTS[self.situation]
        if any(c.status == ERROR for c in self.checks):
            return "error"
        if "cancelled" in self.note:
            return "cancelled"
        base = self._measured()
        if self.situation == "target-paused":
            return f"target paused: {base}"
        if self.situation == "host-network":
            return "reachable by IP (expected with host networking)" if base.startswith("reachable") else base
        return base

    def _measured(self) -> str:
        by_kind: dict[str, list[Check]] = {}
        for c in self.checks:
            by_kind.setdefault(c.kind, []).append(c)
        dns = by_kind.get("dns", [])
        icmp = by_kind.get("icmp", [])
        tcp = by_kind.get("tcp", [])
        if self.isolated:
            leaked = any("REACHABLE" in c.summary or "OPEN" in c.summary for c in icmp + tcp)
            return "NOT isolated: reachable without a shared network" if leaked else "isolated (no shared network)"
        reached = any(c.status == OK for c in icmp) or any(c.status == OK for c in tcp)
        if dns and dns[0].status == OK:
            return "reachable by name" if reached else "name resolves, but no reply"
        if reached:
            return "reachable by IP only" if dns and dns[0].status == FAIL else "reachable"
        if dns and dns[0].status == FAIL and not icmp:
            return "name not resolved"
        return "unreachable"

    @property
    def ok(self) -> bool:
        done = [c for c in self.checks if c.status != SKIPPED]
        return bool(done) and all(c.status == OK for c in done)

    @property
    def method(self) -> str:
        return ", ".join(sorted({c.method for c in self.checks if c.method and c.method != "-"})) or "-"

    @property
    def summary(self) -> str:
        return "; ".join(f"{c.kind} {c.status}: {c.summary}" for c in self.checks)


# Pairs where the answer follows from how the containers are set up, not from a measurement.
FIXED_VERDICTS = {
    "no-network": "no network: nothing to reach",
    "source-paused": "source paused: unpause it to probe from it",
    "source-stopped": "source not running: start it to probe from it",
    "target-host": "not tested: the target uses host networking",
    "target-none": "unreachable: the target has no network (--network none)",
    "netui-probe": "not a target: one of netui's own probe containers",
    "same-stack": "same network stack: that is the source itself",
}


# -- parsing tool output ----------------------------------------------------------------
PING_COUNTS = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")
PING_RTT = re.compile(r"= ([\d.]+)/([\d.]+)/([\d.]+)")


def parse_ping(output: str) -> tuple[int, int, tuple[float, float, float] | None]:
    m = PING_COUNTS.search(output)
    sent, received = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    r = PING_RTT.search(output)
    rtt = (float(r.group(1)), float(r.group(2)), float(r.group(3))) if r else None
    return sent, received, rtt


def parse_nslookup(output: str) -> list[str]:
    """The addresses answered for the name (not the server's own address)."""
    addrs: list[str] = []
    seen_name = False
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("Name:"):
            seen_name = True
        elif seen_name and line.startswith("Address"):
            value = line.split(":", 1)[1].strip() if ":" in line else ""
            value = value.split()[0] if value else ""
            if value and value not in addrs:
                try:
                    ipaddress.ip_address(value)
                    addrs.append(value)
                except ValueError:
                    pass
    return addrs


def tool_missing(code: int, output: str) -> bool:
    low = output.lower()
    return code in (126, 127) and ("not found" in low or "no such file" in low)


# -- running commands in a container's network stack -------------------------------------
class Runner:
    """Runs argv in the source container's network stack: exec when the tool is
    there, else in a probe container sharing the stack (created once, removed by close())."""

    def __init__(self, engine: Engine, source: Container, probe_image: str, sidecars: SidecarRegistry,
                 cancel: threading.Event | None = None, allow_sidecar: bool = True) -> None:
        self.allow_sidecar = allow_sidecar
        self.engine = engine
        self.source = source
        self.probe_image = probe_image
        self.sidecars = sidecars
        self.cancel = cancel or threading.Event()
        self.sidecar: str | None = None
        self._expires = 0.0
        self.missing: set[str] = set()
        self._lock = threading.Lock()
        self._resolv: str | None = None

    def equivalent(self, argv: list[str], method: str) -> str:
        if method == "sidecar":
            return command_text(["docker", "run", "--rm", "--network", f"container:{self.source.name}", self.probe_image, *argv])
        return command_text(["docker", "exec", self.source.name, *argv])

    def run(self, argv: list[str], timeout: float) -> tuple[int, str, str, float]:
        """(exit code, output, method, seconds). Raises Cancelled, ProbeError, or FutureTimeout."""
        if self.cancel.is_set():
            raise Cancelled()
        tool = argv[0]
        if tool not in self.missing:
            code, out, secs = self._exec(self.source.id, argv, timeout)
            if not tool_missing(code, out):
                return code, out, "exec", secs
            self.missing.add(tool)
        for attempt in (1, 2):
            cid = self._sidecar(timeout + EXEC_GRACE)
            try:
                code, out, secs = self._exec(cid, argv, timeout, sidecar=True)
                break
            except _SidecarLost:
                # It ended under us (its lifetime, or someone removed it): a new one, once.
                self._forget_sidecar(cid)
                if attempt == 2:
                    raise ProbeError(f"the probe container for {self.source.name} stopped twice while in use") from None
        if tool_missing(code, out):
            raise ProbeError(f"the probe image {self.probe_image} has no {tool}: use an image with ping, nslookup and nc (--probe-image)")
        return code, out, "sidecar", secs

    def _exec(self, cid: str, argv: list[str], timeout: float, sidecar: bool = False) -> tuple[int, str, float]:
        api = self.engine.api
        t0 = time.monotonic()

        def go() -> tuple[int, str]:
            ex = self.engine.call(api.exec_create, cid, argv, stdout=True, stderr=True, stdin=False, tty=False)
            raw = self.engine.call(api.exec_start, ex["Id"], tty=False)
            out = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            code = self.engine.call(api.exec_inspect, ex["Id"]).get("ExitCode")
            return (code if code is not None else -1), out

        pool = ThreadPoolExecutor(max_workers=1)
        fut: Future = pool.submit(go)
        try:
            code, out = fut.result(timeout=timeout + EXEC_GRACE)
        except NotFound:
            if sidecar:
                self._ensure_alive(self.source.id)
                raise _SidecarLost() from None
            raise SourceStopped(self.source.name, "removed", f"{self.source.name} is gone (removed while probing)") from None
        except EngineError as exc:
            low = str(exc).lower()
            if "is not running" in low or "no such container" in low or "is paused" in low or "restarting" in low:
                self._ensure_alive(self.source.id)  # the source stopped or was paused: says which
                if sidecar:
                    raise _SidecarLost() from None
                raise ProbeError(f"{self.source.name} could not run {argv[0]}: {exc}") from None
            raise
        finally:
            pool.shutdown(wait=False)
        if code != 0:
            # A failure, or the tool was killed: was the container taken away under us?
            self._ensure_alive(self.source.id)
            if code > 128 or code < 0:
                # Killed by a signal (or no exit code): no verdict can be drawn from it.
                time.sleep(0.3)
                self._ensure_alive(self.source.id)
                if sidecar and not self._running(cid):
                    raise _SidecarLost()
                raise ProbeError(f"{argv[0]} in {self.source.name} was interrupted (exit {code}); "
                                 "was the container stopped or restarted?")
        return code, out, time.monotonic() - t0

    def _running(self, cid: str) -> bool:
        try:
            return bool((self.engine.call(self.engine.api.inspect_container, cid).get("State") or {}).get("Running"))
        except EngineError:
            return False

    def _ensure_alive(self, cid: str) -> None:
        try:
            state = (self.engine.call(self.engine.api.inspect_container, cid).get("State") or {})
        except NotFound:
            raise SourceStopped(self.source.name, "removed", f"{self.source.name} is gone (removed while probing)") from None
        if state.get("Paused"):
            raise SourceStopped(self.source.name, "paused", f"{self.source.name} was paused while probing: unpause it to probe from it")
        if not state.get("Running"):
            status = state.get("Status", "?")
            raise SourceStopped(self.source.name, status, f"{self.source.name} stopped while probing ({status})")

    def _sidecar(self, needed: float) -> str:
        """The probe container, started if need be, with at least `needed` seconds of its
        lifetime left (else it is replaced before the command starts)."""
        with self._lock:
            if self.sidecar is not None and time.monotonic() + needed + 1 < self._expires:
                return self.sidecar
            old, self.sidecar = self.sidecar, None
            if self.cancel.is_set():
                raise Cancelled()
            if not self.allow_sidecar:
                raise ProbeError(f"{self.source.name} has no {'/'.join(sorted(self.missing))}, and netui is read-only: "
                                 "it will not start a probe container (run without --read-only)")
        if old is not None:
            self.sidecars.remove(old)
        t0 = time.monotonic()
        cid, lifetime = self.sidecars.start(self.source, self.probe_image, needed)
        with self._lock:
            self.sidecar, self._expires = cid, t0 + lifetime
        return cid

    def _forget_sidecar(self, cid: str) -> None:
        with self._lock:
            if self.sidecar == cid:
                self.sidecar = None
        self.sidecars.remove(cid)

    def resolver_is_embedded(self) -> bool:
        """Whether the stack resolves names through Docker's embedded DNS only. The
        embedded DNS forwards names it does not know, so callers only look up names of
        running containers that share a network with the source."""
        if self._resolv is None:
            try:
                code, out, _, _ = self.run(["cat", "/etc/resolv.conf"], 3)
                self._resolv = out if code == 0 else ""
            except (ProbeError, FutureTimeout):
                self._resolv = ""
        servers = re.findall(r"^\s*nameserver\s+(\S+)", self._resolv, re.M)
        return bool(servers) and all(s == EMBEDDED_DNS for s in servers)

    def close(self) -> None:
        with self._lock:
            cid, self.sidecar = self.sidecar, None
        if cid is not None:
            self.sidecars.remove(cid)


class _SidecarLost(Exception):
    """The probe container ended while the source is still running."""


class SourceStopped(ProbeError):
    """The source stopped, was paused or removed while being probed from."""

    def __init__(self, name: str, state: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.state = state


class SidecarRegistry:
    """Creates probe containers and makes sure every one of them is removed: by netui
    when done, and by the engine (auto-remove after `sleep lifetime`) if netui dies."""

    def __init__(self, engine: Engine, lifetime: float | None = None) -> None:
        self.engine = engine
        self.lifetime = float(lifetime if lifetime is not None else SIDECAR_LIFETIME)
        self.live: set[str] = set()
        self._lock = threading.Lock()
        self.created = 0

    def start(self, source: Container, image: str, needed: float = 0.0) -> tuple[str, float]:
        """A probe container in source's network stack: (its id, its lifetime in seconds,
        which covers at least `needed`)."""
        api = self.engine.api
        lifetime = max(self.lifetime, math.ceil(needed) + 5)
        if not image_exists(self.engine, image):
            if image == LOCAL_IMAGE:
                ensure_local_image(self.engine)
            else:
                raise ProbeError(f"the probe image {image} is not on the engine: docker pull {image}, or `netui image` and --probe-image {LOCAL_IMAGE}")
        name = f"{PROBE_PREFIX}{re.sub(r'[^A-Za-z0-9_.-]', '', source.name)[:24] or 'x'}-{uuid.uuid4().hex[:6]}"
        host_config = api.create_host_config(network_mode=f"container:{source.id}", auto_remove=True)
        res = self.engine.call(
            api.create_container, image, command=["sleep", f"{lifetime:g}"], name=name, host_config=host_config,
            labels={PROBE_LABEL: "1", "netui.managed": "1"}, network_disabled=False, stop_signal="SIGKILL",
        )
        cid = res["Id"]
        with self._lock:
            self.live.add(cid)
            self.created += 1
        try:
            self.engine.call(api.start, cid)
        except EngineError as exc:
            self.remove(cid)
            low = str(exc).lower()
            if "not running" in low or "no such container" in low or "cannot join network" in low or "is paused" in low:
                raise ProbeError(f"{source.name} is not running: a probe container cannot share its network stack") from None
            raise
        return cid, lifetime

    def remove(self, cid: str) -> None:
        try:
            self.engine.call(self.engine.api.remove_container, cid, force=True)
        except NotFound:
            pass
        except EngineError as exc:
            if "already in progress" not in str(exc):  # the engine's auto-remove got there first
                return  # keep it listed: sweep() tries again
        with self._lock:
            self.live.discard(cid)

    def sweep(self) -> None:
        for cid in list(self.live):
            self.remove(cid)


# -- planning: what to resolve, what to ping ---------------------------------------------
@dataclass
class Plan:
    target: Target
    resolve: str | None = None  # a name to look up in the embedded DNS
    address: str | None = None  # an address known from the snapshot
    container: Container | None = None
    ports: tuple[int, ...] = ()
    dns_note: str = ""  # why DNS is skipped, when it is
    isolated: bool = False
    notes: list[str] = field(default_factory=list)
    situation: str = ""  # see ProbeResult.situation
    skip_tcp: str = ""  # why no TCP connect is tried, when none is


def names_of(snap: Snapshot, c: Container, network: Network) -> set[str]:
    e = c.endpoint_on(network.id)
    if e is None or not network.has_dns:
        return set()
    return {c.name, *e.names}


def plan_probe(snap: Snapshot, source: Container, target: Target) -> Plan:
    plan = Plan(target)
    src_nets = {n.id: n for n in snap.networks_of(source)}
    dns_nets = [n for n in src_nets.values() if n.has_dns]
    src_stack = snap.stack_holder(source) or source
    host_net = src_stack.mode == "host"
    # Which container is the target?
    if target.is_ip:
        plan.address = target.host
        for c in snap.containers:
            if any(e.ipv4 == target.host or e.ipv6 == target.host for e in c.endpoints):
                plan.container = c
        plan.dns_note = "an address: nothing to resolve"
        if host_net:
            plan.situation = "host-network"
            plan.notes.append(HOST_NET_NOTE.format(source=source.name))
        if plan.container is not None and plan.container.state == "paused":
            _paused_target(plan, plan.container)
    else:
        name = target.host.rstrip(".")
        by_name = snap.container_by_name.get(name)
        known = [by_name] if by_name else []
        for c in snap.containers:
            if c is by_name:
                continue
            if any(name in e.names for e in c.endpoints):
                known.append(c)
        if not known:
            if host_net:
                plan.dns_note = (f"{source.name} uses the host's network stack (--network host): no embedded DNS, "
                                 "and netui does not ask the host's resolvers")
            elif dns_nets:
                plan.resolve = name  # not a container netui knows: ask the embedded DNS (it may forward it)
            else:
                plan.dns_note = (f"{source.name} is only on the default bridge (or host/none): it has no embedded DNS, "
                                 "and netui does not ask outside resolvers")
        else:
            # Several containers may answer to the name (an alias used on two networks):
            # the one Docker's DNS gives the source is on a network they share.
            def rank(c: Container) -> tuple[bool, bool]:
                nets = [n for n in snap.networks_of(c) if n.id in src_nets]
                return (any(name in names_of(snap, c, n) for n in nets), bool(nets))

            c = max(known, key=rank)
            plan.container = c
            holder = snap.stack_holder(c)
            if c.is_probe:
                plan.situation = "netui-probe"
                plan.dns_note = f"{c.name} is one of netui's own short-lived probe containers, not a target"
                return plan
            if holder is not None and holder.id == src_stack.id:
                plan.situation = "same-stack"
                plan.dns_note = (f"{c.name} and {source.name} share one network stack (network_mode container:): "
                                 "the same interfaces and addresses, nothing between them to test")
                return plan
            if holder is not None and holder.mode == "host":
                plan.situation = "target-host"
                plan.dns_note = (f"{c.name} uses the host's network stack (--network host): it has no address of its own "
                                 "and no name in Docker's DNS; it answers on the host's addresses, such as the gateway "
                                 "of the source's network")
                return plan
            if holder is not None and holder.mode == "none":
                plan.situation = "target-none"
                plan.dns_note = f"{c.name} runs with --network none: it has only loopback, so nothing can reach it"
                return plan
            shared = [n for n in snap.networks_of(c) if n.id in src_nets]
            shared_dns = [n for n in shared if name in names_of(snap, c, n)]
            if holder is None or holder.state not in ("running", "paused"):
                # Docker's DNS knows only running containers; it would forward the name outside.
                plan.dns_note = f"{c.name} is {(holder or c).state or 'not running'}: it has no address and its name does not resolve"
                plan.notes.append("target not running")
                return plan
            if holder.state == "paused":
                _paused_target(plan, holder)
            sharer = f"{c.name} shares {holder.name}'s network stack (network_mode container:): " if holder.id != c.id else ""
            if host_net:
                plan.situation = "host-network"
                plan.address = _address_of(snap, c, None)
                plan.dns_note = (f"{source.name} uses the host's network stack (--network host): no embedded DNS, "
                                 f"so {name} is not looked up; tested by IP")
                plan.notes.append(HOST_NET_NOTE.format(source=source.name))
            elif shared_dns:
                plan.resolve = name
            elif shared:
                plan.address = _address_of(snap, c, shared[0])
                n = shared[0]
                if sharer:
                    plan.dns_note = (f"{sharer}it has no endpoint of its own, so its name is not in Docker's DNS; "
                                     f"it answers on {holder.name}'s address")
                else:
                    where = ("default bridge, which has no name resolution" if n.is_default_bridge
                             else f"{n.name} network, where that name is not registered")
                    plan.dns_note = f"{name} is not resolvable from {source.name}: they share only the {where}"
                plan.notes.append(f"tested by IP on {n.name}")
            else:
                plan.isolated = True
                theirs = snap.networks_of(c)
                plan.address = _address_of(snap, c, None)
                plan.dns_note = (f"{source.name} and {c.name} share no network, so the name cannot resolve "
                                 f"({source.name}: {', '.join(n.name for n in src_nets.values()) or 'none'}; "
                                 f"{c.name}: {', '.join(n.name for n in theirs) or 'none'})")
                plan.notes.append("isolated: tested by IP to prove it" if plan.address else "isolated, and it has no IP to test")
    if target.port is not None:
        plan.ports = (target.port,)
    elif plan.container is not None:
        plan.ports = tuple(sorted({p.container_port for p in plan.container.ports if p.protocol == "tcp"}))[:4]
    return plan


@dataclass(frozen=True)
class Suggestion:
    """A container the source can be probed against: what goes in the Target field,
    and what to show about it."""

    target: str  # its name where a shared network resolves it, else its address
    container: Container
    network: Network
    address: str
    other_names: tuple[str, ...] = ()
    sharers: tuple[str, ...] = ()  # containers in its network stack (network_mode container:<it>)
    state: str = "running"


def probe_targets(snap: Snapshot, source: Container) -> list[Suggestion]:
    """Containers sharing a network with the source, one per network stack: a
    container:<x> container is x's endpoint (listed as sharing it), never a second
    target; netui's probe containers and the source's own stack are left out."""
    out = []
    src_stack = snap.stack_holder(source) or source
    src_nets = {n.id for n in snap.networks_of(source)}
    for c in snap.containers:
        if c.is_probe or c.mode == "container" or c.id == src_stack.id or c.mode in ("host", "none"):
            continue
        shared = [n for n in snap.networks_of(c) if n.id in src_nets]
        if not shared:
            continue
        n = next((x for x in shared if x.has_dns), shared[0])
        e = c.endpoint_on(n.id)
        address = e.ipv4 if e is not None and e.ipv4 else ""
        names = tuple(x for x in (e.names if e is not None else ()) if x != c.name)
        sharers = tuple(s.name for s in snap.stack_sharers(c.id))
        out.append(Suggestion(c.name if n.has_dns else (address or c.name), c, n, address, names, sharers, c.state))
    return out


HOST_NET_NOTE = ("{source} uses host networking: the host's own stack routes to every local bridge, "
                 "so it reaches containers by IP whatever networks they are on; that is expected, not a leak")


def _paused_target(plan: Plan, c: Container) -> None:
    plan.situation = "target-paused"
    plan.notes.append(f"{c.name} is paused: it keeps its address and its name resolves; its kernel still answers ping, "
                      f"but its programs are frozen, so connections and requests wait until `docker unpause {c.name}`")
    plan.skip_tcp = (f"not tried: {c.name} is paused, so nothing answers on its ports until it is unpaused "
                     "(the connection would wait, not fail)")


# -- the prober -------------------------------------------------------------------------------
class Prober:
    def __init__(self, engine: Engine, probe_image: str = LOCAL_IMAGE, *, allow_sidecars: bool = True,
                 sidecar_lifetime: float | None = None) -> None:
        self.engine = engine
        self.probe_image = probe_image
        self.allow_sidecars = allow_sidecars
        self.sidecars = SidecarRegistry(engine, sidecar_lifetime)
        self.history: list[ProbeResult] = []
        self._lock = threading.Lock()

    def _record(self, result: ProbeResult) -> ProbeResult:
        with self._lock:
            self.history.append(result)
        return result

    # -- one pair ---------------------------------------------------------------------
    def probe(
        self, snap: Snapshot, source: Container, target_text: str, *, checks: Iterable[str] = ("dns", "icmp", "tcp"),
        cancel: threading.Event | None = None, on_check: Callable[[Check], None] | None = None, count: int = 3,
    ) -> ProbeResult:
        cancel = cancel or threading.Event()
        target = parse_target(target_text)  # ValueError: the UI validated already
        started = time.time()
        done: list[Check] = []

        def emit(c: Check) -> None:
            done.append(c)
            if on_check is not None:
                on_check(c)

        stack = snap.stack_holder(source) or source
        if source.mode == "none" or stack.mode == "none":
            emit(Check("icmp", SKIPPED, f"{source.name} runs with --network none: it has only loopback, "
                       "no interface to reach anything through", method="-"))
            return self._record(ProbeResult(started, source.name, str(target), tuple(done), situation="no-network"))
        if source.state == "paused":
            emit(Check("icmp", SKIPPED, f"{source.name} is paused: nothing runs in it until `docker unpause {source.name}`",
                       method="-"))
            return self._record(ProbeResult(started, source.name, str(target), tuple(done), situation="source-paused"))
        if not source.running:
            emit(Check("icmp", SKIPPED, f"{source.name} is {source.state or 'not running'}: start it to probe from it", method="-"))
            return self._record(ProbeResult(started, source.name, str(target), tuple(done), situation="source-stopped"))
        plan = plan_probe(snap, source, target)
        if plan.situation in FIXED_VERDICTS:
            emit(Check("dns", SKIPPED, plan.dns_note, method="-"))
            return self._record(ProbeResult(started, source.name, str(target), tuple(done), "; ".join(plan.notes),
                                            situation=plan.situation))
        wanted = set(checks)
        runner = Runner(self.engine, source, self.probe_image, self.sidecars, cancel, self.allow_sidecars)
        note = "; ".join(plan.notes)
        try:
            addresses: list[str] = [plan.address] if plan.address else []
            if "dns" in wanted:
                if plan.resolve:
                    argv = ["nslookup", plan.resolve, EMBEDDED_DNS]
                    c = self._run_check(runner, "dns", argv, 6, lambda code, out: self._dns_verdict(code, out, plan.resolve))
                    emit(c)
                    if c.status == OK:
                        addresses = parse_nslookup(c.output)
                else:
                    # Not queried on purpose: an address, or a name that cannot resolve from here.
                    status = SKIPPED if plan.target.is_ip or plan.isolated or plan.situation == "host-network" else FAIL
                    emit(Check("dns", status, plan.dns_note or "nothing to resolve", method="-"))
            elif plan.resolve and not addresses:
                # No DNS check asked for, but ICMP/TCP need an address.
                code, out, _, _ = runner.run(["nslookup", plan.resolve, EMBEDDED_DNS], 6)
                addresses = parse_nslookup(out) if code == 0 else []
            address = _pick(addresses)
            if "icmp" in wanted:
                if address is None:
                    emit(Check("icmp", SKIPPED, "no address to ping (the name did not resolve)", method="-"))
                else:
                    argv = ["ping", "-c", str(count), "-i", "0.2", "-W", "1", "-w", str(count + 1), address]
                    emit(self._run_check(runner, "icmp", argv, count + 1, self._ping_verdict(plan.isolated)))
            if "tcp" in wanted:
                if address is None:
                    emit(Check("tcp", SKIPPED, "no address to connect to", method="-"))
                elif plan.skip_tcp:
                    emit(Check("tcp", SKIPPED, plan.skip_tcp, method="-"))
                elif not plan.ports:
                    emit(Check("tcp", SKIPPED, "no exposed port known: give one as name:port", method="-"))
                else:
                    for port in plan.ports:
                        argv = ["nc", "-w", "2", address, str(port)]
                        emit(self._run_check(runner, "tcp", argv, 2, self._tcp_verdict(port, plan.isolated)))
        except Cancelled:
            note = (note + "; " if note else "") + "cancelled"
        except ProbeError as exc:
            emit(Check("icmp" if not done else done[-1].kind, ERROR, str(exc)))
        except EngineError as exc:
            emit(Check("icmp" if not done else done[-1].kind, ERROR, str(exc)))
        finally:
            runner.close()
        return self._record(ProbeResult(started, source.name, str(target), tuple(done), note, plan.isolated, plan.situation))

    def _run_check(self, runner: Runner, kind: str, argv: list[str], timeout: float, verdict) -> Check:
        try:
            code, out, method, secs = runner.run(argv, timeout)
        except FutureTimeout:
            return Check(kind, TIMEOUT, f"no answer within {timeout + EXEC_GRACE:g} s", seconds=timeout + EXEC_GRACE,
                         method="exec", command=runner.equivalent(argv, "exec"))
        status, summary = verdict(code, out)
        return Check(kind, status, summary, out.strip(), secs, method, runner.equivalent(argv, method))

    @staticmethod
    def _dns_verdict(code: int, out: str, name: str) -> tuple[str, str]:
        addrs = parse_nslookup(out)
        if code == 0 and addrs:
            return OK, f"{name} → {', '.join(addrs)}"
        low = out.lower()
        if "nxdomain" in low or "can't find" in low:
            return FAIL, f"{name} is not known to Docker's DNS here (NXDOMAIN)"
        if "refused" in low or "no servers could be reached" in low:
            return FAIL, "no embedded DNS in this container (default bridge only?)"
        return FAIL, f"did not resolve ({out.strip().splitlines()[-1] if out.strip() else 'no output'})"

    @staticmethod
    def _ping_verdict(isolated: bool):
        def verdict(code: int, out: str) -> tuple[str, str]:
            sent, received, rtt = parse_ping(out)
            if "bad address" in out or "unknown host" in out.lower():
                return FAIL, "name not resolved"
            if received:
                loss = 100 * (sent - received) // max(sent, 1)
                text = f"{received}/{sent} replies, {loss}% loss" + (f", rtt {rtt[0]:.3f}/{rtt[1]:.3f}/{rtt[2]:.3f} ms" if rtt else "")
                return (FAIL, "REACHABLE although they share no network: " + text) if isolated else (OK, text)
            if isolated:
                return OK, f"no reply: isolated, as expected ({sent} sent)"
            return FAIL, f"no reply ({sent} sent, 100% loss)" if sent else f"ping failed: {out.strip()[-120:]}"
        return verdict

    @staticmethod
    def _tcp_verdict(port: int, isolated: bool):
        def verdict(code: int, out: str) -> tuple[str, str]:
            low = out.lower()
            if code == 0:
                return (FAIL, f"port {port} OPEN although they share no network") if isolated else (OK, f"port {port} open")
            if "refused" in low:
                return FAIL, f"port {port} refused"
            if "timed out" in low or "timeout" in low:
                return (OK, f"port {port}: no answer (isolated)") if isolated else (TIMEOUT, f"port {port}: no answer (timeout)")
            return FAIL, f"port {port}: {out.strip()[-120:] or f'exit {code}'}"
        return verdict

    # -- host → published port --------------------------------------------------------------
    def host_port(self, snap: Snapshot, container: Container, port: Port, timeout: float = 2.0) -> ProbeResult:
        started = time.time()
        engine_host = self.engine.info.host or ""
        if not re.match(r"^(unix|tcp|https?|npipe)://", engine_host) and "://" in engine_host:
            scheme = engine_host.split("://", 1)[0]
            check = Check("tcp", SKIPPED, f"the engine is reached over {scheme}://: its published ports are on that machine, "
                          "which netui cannot connect to directly from here", method="-")
            return self._record(ProbeResult(started, "host", f"{port.host_address} → {container.name}:{port.container_side}", (check,)))
        host = self._host_address(port)
        url_host = f"[{host}]" if ":" in host else host
        cmd = command_text(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", f"http://{url_host}:{port.host_port}/"])
        t0 = time.monotonic()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect((host, int(port.host_port or 0)))
        except ConnectionRefusedError:
            check = Check("tcp", FAIL, f"{url_host}:{port.host_port} refused", seconds=time.monotonic() - t0, method="host", command=cmd)
        except TimeoutError:
            check = Check("tcp", TIMEOUT, f"{url_host}:{port.host_port}: no answer in {timeout:g} s", seconds=timeout, method="host", command=cmd)
        except OSError as exc:
            check = Check("tcp", ERROR, f"{url_host}:{port.host_port}: {exc.strerror or exc}", seconds=time.monotonic() - t0, method="host", command=cmd)
        else:
            summary = f"{url_host}:{port.host_port} open"
            output = ""
            try:
                s.sendall(f"GET / HTTP/1.0\r\nHost: {url_host}\r\nUser-Agent: netui\r\n\r\n".encode())
                first = s.recv(256).decode("latin-1", "replace").splitlines()
                if first and first[0].startswith("HTTP/"):
                    summary += f", HTTP: {first[0].strip()}"
                    output = first[0]
                else:
                    summary += " (not HTTP, or it did not answer a GET)"
            except OSError:
                summary += " (no HTTP answer)"
            check = Check("tcp", OK, summary, output, time.monotonic() - t0, "host", cmd)
        finally:
            s.close()
        return self._record(ProbeResult(started, "host", f"{url_host}:{port.host_port} → {container.name}:{port.container_side}", (check,)))

    def _host_address(self, port: Port) -> str:
        """Where this machine reaches a published port: loopback for a local engine,
        the engine's host for a remote one."""
        engine_host = self.engine.info.host or ""
        m = re.match(r"^(?:tcp|https?)://\[?([^\]/]+?)\]?(?::\d+)?/?$", engine_host)
        if m and m.group(1) not in ("localhost", "127.0.0.1", "::1"):
            return m.group(1)
        return port.loopback_target

    # -- the matrix --------------------------------------------------------------------------
    def matrix(
        self, snap: Snapshot, network: Network, *, extra: Network | None = None, workers: int = 8,
        cancel: threading.Event | None = None, on_cell: Callable[[Cell, int, int], None] | None = None,
    ) -> MatrixResult:
        """Every ordered pair of the network's members (netui/engine/matrix.py): one exec
        per source, negative answers confirmed before they are reported."""
        from netui.engine.matrix import MatrixRun

        run = MatrixRun(self, snap, network, extra, workers=workers, cancel=cancel or threading.Event(), on_cell=on_cell)
        return run.run()

    def close(self) -> None:
        self.sidecars.sweep()


def __getattr__(name: str) -> object:
    """The matrix's Cell and MatrixResult live in netui.engine.matrix; still importable from here."""
    if name in ("Cell", "MatrixResult", "MATRIX_SCRIPT"):
        from netui.engine import matrix

        return getattr(matrix, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _address_of(snap: Snapshot, c: Container, network: Network | None) -> str | None:
    """c's IPv4 on that network (through its stack owner for container:<x>), or on any."""
    holder = snap.stack_holder(c)
    if holder is None:
        return None
    ep = holder.endpoint_on(network.id) if network is not None else next((e for e in holder.endpoints if e.ipv4), None)
    return ep.ipv4 if ep is not None and ep.ipv4 else None


def _pick(addresses: list[str]) -> str | None:
    v4 = [a for a in addresses if ":" not in a]
    return (v4 or addresses or [None])[0]
