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
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from netui.engine.actions import command_text
from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.image import LOCAL_IMAGE, ensure_local_image, image_exists
from netui.engine.model import Container, Network, Port, Snapshot

PROBE_LABEL = "netui.probe"
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
    diagnosis: str = ""  # the verdict, when the prober knows better than the checks alone (swarm: a VIP without IPVS)

    @property
    def verdict(self) -> str:
        """The answer to "can source reach target?" in a few words."""
        if self.diagnosis and not any(c.status == ERROR for c in self.checks):
            return self.diagnosis
        by_kind: dict[str, list[Check]] = {}
        for c in self.checks:
            by_kind.setdefault(c.kind, []).append(c)
        if any(c.status == ERROR for c in self.checks):
            return "error"
        if "cancelled" in self.note:
            return "cancelled"
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
        cid = self._sidecar()
        code, out, secs = self._exec(cid, argv, timeout)
        if tool_missing(code, out):
            raise ProbeError(f"the probe image {self.probe_image} has no {tool}: use an image with ping, nslookup and nc (--probe-image)")
        return code, out, "sidecar", secs

    def _exec(self, cid: str, argv: list[str], timeout: float) -> tuple[int, str, float]:
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
            raise ProbeError(f"{self.source.name} is gone (removed while probing)") from None
        except EngineError as exc:
            low = str(exc).lower()
            if "is not running" in low or "no such container" in low or "is paused" in low or "restarting" in low:
                raise ProbeError(f"{self.source.name} is not running any more: {exc}") from None
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
                raise ProbeError(f"{argv[0]} in {self.source.name} was interrupted (exit {code}); "
                                 "was the container stopped or restarted?")
        return code, out, time.monotonic() - t0

    def _ensure_alive(self, cid: str) -> None:
        try:
            state = (self.engine.call(self.engine.api.inspect_container, cid).get("State") or {})
        except NotFound:
            raise ProbeError(f"{self.source.name} is gone (removed while probing)") from None
        if not state.get("Running"):
            raise ProbeError(f"{self.source.name} stopped while probing ({state.get('Status', '?')})")

    def _sidecar(self) -> str:
        with self._lock:
            if self.sidecar is not None:
                return self.sidecar
            if self.cancel.is_set():
                raise Cancelled()
            if not self.allow_sidecar:
                raise ProbeError(f"{self.source.name} has no {'/'.join(sorted(self.missing))}, and netui is read-only: "
                                 "it will not start a probe container (run without --read-only)")
            self.sidecar = self.sidecars.start(self.source, self.probe_image)
            return self.sidecar

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


class SidecarRegistry:
    """Creates probe containers and makes sure every one of them is removed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.live: set[str] = set()
        self._lock = threading.Lock()
        self.created = 0

    def start(self, source: Container, image: str) -> str:
        api = self.engine.api
        if not image_exists(self.engine, image):
            if image == LOCAL_IMAGE:
                ensure_local_image(self.engine)
            else:
                raise ProbeError(f"the probe image {image} is not on the engine: docker pull {image}, or `netui image` and --probe-image {LOCAL_IMAGE}")
        name = f"netui-probe-{re.sub(r'[^A-Za-z0-9_.-]', '', source.name)[:24] or 'x'}-{uuid.uuid4().hex[:6]}"
        host_config = api.create_host_config(network_mode=f"container:{source.id}", auto_remove=False)
        res = self.engine.call(
            api.create_container, image, command=["sleep", "300"], name=name, host_config=host_config,
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
            if "not running" in low or "no such container" in low or "cannot join network" in low:
                raise ProbeError(f"{source.name} is not running: a probe container cannot share its network stack") from None
            raise
        return cid

    def remove(self, cid: str) -> None:
        try:
            self.engine.call(self.engine.api.remove_container, cid, force=True)
        except NotFound:
            pass
        except EngineError:
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


def names_of(snap: Snapshot, c: Container, network: Network) -> set[str]:
    e = c.endpoint_on(network.id)
    if e is None or not network.has_dns:
        return set()
    return {c.name, *e.names}


def plan_probe(snap: Snapshot, source: Container, target: Target) -> Plan:
    plan = Plan(target)
    src_nets = {n.id: n for n in snap.networks_of(source)}
    dns_nets = [n for n in src_nets.values() if n.has_dns]
    # Which container is the target?
    if target.is_ip:
        plan.address = target.host
        for c in snap.containers:
            if any(e.ipv4 == target.host or e.ipv6 == target.host for e in c.endpoints):
                plan.container = c
        plan.dns_note = "an address: nothing to resolve"
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
            if dns_nets:
                plan.resolve = name  # not a container netui knows: ask the embedded DNS (it may forward it)
            else:
                plan.dns_note = (f"{source.name} is only on the default bridge (or host/none): it has no embedded DNS, "
                                 "and netui does not ask outside resolvers")
        else:
            c = known[0]
            plan.container = c
            shared = [n for n in snap.networks_of(c) if n.id in src_nets]
            shared_dns = [n for n in shared if name in names_of(snap, c, n)]
            holder = snap.stack_holder(c)
            if holder is None or not holder.running:
                # Docker's DNS knows only running containers; it would forward the name outside.
                plan.dns_note = f"{c.name} is {(holder or c).state or 'not running'}: it has no address and its name does not resolve"
                plan.notes.append("target not running")
                return plan
            if shared_dns:
                plan.resolve = name
            elif shared:
                plan.address = _address_of(snap, c, shared[0])
                n = shared[0]
                plan.dns_note = (f"{name} is not resolvable from {source.name}: they share only the "
                                 f"{'default bridge, which has no name resolution' if n.is_default_bridge else n.name + ' network, where that name is not registered'}")
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


# -- the prober -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    source: str
    target: str
    status: str  # ok | no-name | no-reply | timeout | isolated | leak | error | by-ip
    text: str
    rtt_ms: float | None = None
    method: str = ""
    command: str = ""


@dataclass
class MatrixResult:
    network: str
    members: tuple[Container, ...]
    cells: dict[tuple[str, str], Cell]
    seconds: float = 0.0
    cancelled: bool = False


class Prober:
    def __init__(self, engine: Engine, probe_image: str = LOCAL_IMAGE, *, allow_sidecars: bool = True) -> None:
        self.engine = engine
        self.probe_image = probe_image
        self.allow_sidecars = allow_sidecars
        self.sidecars = SidecarRegistry(engine)
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

        if source.mode == "none":
            emit(Check("icmp", ERROR, f"{source.name} runs with --network none: it has only loopback"))
            return self._record(ProbeResult(started, source.name, str(target), tuple(done)))
        if not source.running:
            emit(Check("dns", ERROR, f"{source.name} is {source.state or 'not running'}: start it to probe from it"))
            return self._record(ProbeResult(started, source.name, str(target), tuple(done)))
        from netui.engine.swarm_probes import probe_swarm, swarm_target

        swarm = swarm_target(snap, source, target)
        if swarm is not None:  # a swarm service's name (its VIP) or tasks.<service>
            return probe_swarm(self, snap, source, swarm, checks=checks, cancel=cancel, on_check=on_check, count=count)
        plan = plan_probe(snap, source, target)
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
                    status = SKIPPED if plan.target.is_ip or plan.isolated else FAIL
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
        return self._record(ProbeResult(started, source.name, str(target), tuple(done), note, plan.isolated))

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
        from netui.engine.engine_host import reach_target, remote_machine

        engine_host = self.engine.info.host or ""
        # A remote engine (tcp://, ssh://) publishes on its own machine: checked there, from here.
        host, why_not = reach_target(engine_host, port.host_ip, port.loopback_target)
        if why_not:
            check = Check("tcp", SKIPPED, why_not, method="-")
            return self._record(ProbeResult(started, "host", f"{port.host_address} → {container.name}:{port.container_side}", (check,)))
        remote = remote_machine(engine_host)
        url_host = f"[{host}]" if ":" in host else host
        cmd = command_text(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", f"http://{url_host}:{port.host_port}/"])
        t0 = time.monotonic()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            if remote and not _is_address(host):
                s.close()
                s = socket.create_connection((host, int(port.host_port or 0)), timeout=timeout)  # a name: v4 or v6
            else:
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
            if remote:
                summary += f" (from this machine to {remote}, the engine's machine)"
            check = Check("tcp", OK, summary, output, time.monotonic() - t0, "host", cmd)
        finally:
            s.close()
        return self._record(ProbeResult(started, "host", f"{url_host}:{port.host_port} → {container.name}:{port.container_side}", (check,)))

    # -- the matrix --------------------------------------------------------------------------
    def matrix(
        self, snap: Snapshot, network: Network, *, extra: Network | None = None, workers: int = 8,
        cancel: threading.Event | None = None, on_cell: Callable[[Cell, int, int], None] | None = None,
    ) -> MatrixResult:
        """Every ordered pair of running containers: one exec per source container,
        its pings running side by side (MATRIX_SCRIPT)."""
        cancel = cancel or threading.Event()
        t0 = time.monotonic()
        members: list[Container] = []
        for net in [network] + ([extra] if extra is not None else []):
            for m in snap.members(net.id):
                if m.container.running and m.container.mode != "none" and m.container not in members:
                    members.append(m.container)
        total = len(members) * (len(members) - 1)
        cells: dict[tuple[str, str], Cell] = {}
        lock = threading.Lock()

        def record(cell: Cell) -> None:
            with lock:
                cells[(cell.source, cell.target)] = cell
                n = len(cells)
            if on_cell is not None:
                on_cell(cell, n, total)

        def row(a: Container) -> None:
            if cancel.is_set():
                return
            runner = Runner(self.engine, a, self.probe_image, self.sidecars, cancel, self.allow_sidecars)
            try:
                for cell in self._row(snap, runner, a, [b for b in members if b.id != a.id]):
                    record(cell)
            finally:
                runner.close()

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for f in [pool.submit(row, a) for a in members]:
                f.result()
        return MatrixResult(network.name, tuple(members), cells, time.monotonic() - t0, cancel.is_set())

    def _row(self, snap: Snapshot, runner: Runner, a: Container, targets: list[Container]) -> list[Cell]:
        """Cells for one source: by name where a shared network resolves the name, else by IP."""
        a_nets = {n.id for n in snap.networks_of(a)}
        by_name: dict[str, Container] = {}
        by_ip: dict[str, tuple[Container, str, str]] = {}  # token -> (target, how, ip)
        out: list[Cell] = []
        for b in targets:
            shared = [n for n in snap.networks_of(b) if n.id in a_nets]
            if any(b.name in names_of(snap, b, n) for n in shared):
                by_name[f"n:{b.name}"] = b
                continue
            ip = _address_of(snap, b, shared[0] if shared else None)
            if ip is None:
                out.append(Cell(a.id, b.id, "error", "no IP to test"))
                continue
            how = "isolated" if not shared else ("by IP (no DNS)" if not shared[0].has_dns else "by IP")
            by_ip[f"i:{ip}#{b.id}"] = (b, how, ip)
        answers, method, failed = self._batch(runner, [*by_name, *by_ip])
        if failed is not None:
            return out + [Cell(a.id, b.id, failed[0], failed[1]) for b in [*by_name.values(), *(v[0] for v in by_ip.values())]]
        retry: dict[str, tuple[Container, str, str]] = {}
        for token, b in by_name.items():
            status, value = answers.get(token, ("error", ""))
            cmd = runner.equivalent(["ping", "-c", "1", "-W", "1", b.name], method)
            rtt = _float(value)
            if status == "unsafe":
                # Its resolver is not Docker's alone: no name lookups there; by IP instead.
                shared = [n for n in snap.networks_of(b) if n.id in a_nets]
                ip = _address_of(snap, b, shared[0] if shared else None)
                if ip is None:
                    out.append(Cell(a.id, b.id, "error", "no IP to test", method=method))
                else:
                    retry[f"i:{ip}#{b.id}"] = (b, "by IP", ip)
            elif status == "ok":
                out.append(Cell(a.id, b.id, OK, f"ok {rtt:.2f} ms" if rtt is not None else "ok", rtt, method, cmd))
            elif status == "noname":
                out.append(Cell(a.id, b.id, "no-name", "name not resolved", method=method, command=cmd))
            elif status == "noreply":
                out.append(Cell(a.id, b.id, "no-reply", "no reply", method=method, command=cmd))
            else:
                out.append(Cell(a.id, b.id, "error", "no answer from the probe", method=method, command=cmd))
        if retry:
            more, method2, failed2 = self._batch(runner, list(retry))
            answers.update(more)
            if failed2 is not None:
                out += [Cell(a.id, b.id, failed2[0], failed2[1]) for b, _, _ in retry.values()]
                retry = {}
            by_ip.update(retry)
        for token, (b, how, ip) in by_ip.items():
            status, value = answers.get(token, ("error", ""))
            cmd = runner.equivalent(["ping", "-c", "1", "-W", "1", ip], method)
            rtt = _float(value)
            if how == "isolated":
                if status == "ok":
                    out.append(Cell(a.id, b.id, "leak", "REACHABLE (no shared network)", rtt, method, cmd))
                elif status == "noreply":
                    out.append(Cell(a.id, b.id, "isolated", "isolated", method=method, command=cmd))
                else:
                    out.append(Cell(a.id, b.id, "error", "no answer from the probe", method=method, command=cmd))
            elif status == "ok":
                out.append(Cell(a.id, b.id, "by-ip", f"{how} {rtt:.2f} ms" if rtt is not None else how, rtt, method, cmd))
            elif status == "noreply":
                out.append(Cell(a.id, b.id, "no-reply", "no reply", method=method, command=cmd))
            else:
                out.append(Cell(a.id, b.id, "error", "no answer from the probe", method=method, command=cmd))
        return out

    def _batch(self, runner: Runner, tokens: list[str]) -> tuple[dict[str, tuple[str, str]], str, tuple[str, str] | None]:
        """Run MATRIX_SCRIPT for these targets: (answers by token, method, (status, text) if it failed)."""
        if not tokens:
            return {}, "", None
        try:
            _, text, method, _ = runner.run(["sh", "-c", MATRIX_SCRIPT, "netui-matrix", *tokens], 4)
        except FutureTimeout:
            return {}, "", (TIMEOUT, "timeout")
        except Cancelled:
            return {}, "", ("error", "cancelled")
        except (ProbeError, EngineError) as exc:
            return {}, "", ("error", str(exc)[:80])
        return _matrix_answers(text), method, None

    def close(self) -> None:
        self.sidecars.sweep()


# The matrix's per-source script. It is constant: targets arrive as its arguments,
# never in the script text. "n:<name>" pings by name, only for running containers
# that share a DNS network with the source (so the embedded DNS knows them and
# forwards nothing), and only when every nameserver in the container's resolv.conf
# is Docker's embedded DNS; "i:<ip>#<id>" pings an address. The pings of a
# source run side by side; one line per target: @@<token>|ok|<ms> | noname | noreply | unsafe.
MATRIX_SCRIPT = r"""
safe=1
if [ -r /etc/resolv.conf ]; then
  while read -r k v rest; do
    if [ "$k" = nameserver ] && [ "$v" != 127.0.0.11 ]; then safe=0; fi
  done < /etc/resolv.conf
else
  safe=0
fi
for a in "$@"; do
  t=${a#?:}
  t=${t%%#*}
  case "$a" in
    n:*) if [ "$safe" != 1 ]; then echo "@@$a|unsafe|"; continue; fi ;;
  esac
  (
    o=$(ping -c 1 -W 1 "$t" 2>&1)
    rc=$?
    case "$o" in
      *"bad address"*|*"nknown host"*|*"not known"*) echo "@@$a|noname|" ;;
      *time=*) r=${o#*time=}; r=${r%% *}; echo "@@$a|ok|$r" ;;
      *) echo "@@$a|noreply|$rc" ;;
    esac
  ) &
done
wait
"""


def _matrix_answers(text: str) -> dict[str, tuple[str, str]]:
    out = {}
    for line in text.splitlines():
        if line.startswith("@@"):
            parts = line[2:].rsplit("|", 2)
            if len(parts) == 3:
                out[parts[0]] = (parts[1], parts[2])
    return out


def _float(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


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


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False
