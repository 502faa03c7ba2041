"""Connectivity probes, the pure half: what a target is, what to resolve and ping, and
what the tools' output means.

- `parse_target`: `host`, `host:port`, an IP, `[v6]:port`, validated.
- `plan_probe`: from the topology alone, which name to ask Docker's embedded DNS
  (only names that can resolve there: a known container sharing no network with the
  source is tested by IP and reported isolated, never looked up outside), which
  address to ping, which ports to try, and the situation (paused target, host
  networking, no network at all) that changes what a verdict means.
- `ProbeResult.verdict`: the answer to "can A reach B?" in a few words.
- parsers and verdicts of ping, nslookup and nc output.

The half that runs commands is netui.engine.probes.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from netui.engine.model import Container, Network, Snapshot

EMBEDDED_DNS = "127.0.0.11"
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$")
EXEC_GRACE = 4.0  # seconds beyond a tool's own timeout before netui gives up waiting

OK, FAIL, TIMEOUT, SKIPPED, ERROR = "ok", "fail", "timeout", "skipped", "error"


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

    @property
    def refused(self) -> bool:
        """A TCP connect the target's stack answered with "connection refused": an answer
        (the address is alive), with nothing listening on the port."""
        return self.kind == "tcp" and self.status == FAIL and "refused" in self.summary


@dataclass(frozen=True)
class ProbeResult:
    time: float
    source: str
    target: str
    checks: tuple[Check, ...]
    note: str = ""
    isolated: bool = False
    situation: str = ""  # one of SITUATIONS when source or target is not an ordinary pair
    diagnosis: str = ""  # the verdict, when the prober knows better than the checks alone (swarm: a VIP without IPVS)

    @property
    def verdict(self) -> str:
        """The answer to "can source reach target?" in a few words."""
        if self.situation in FIXED_VERDICTS:
            return FIXED_VERDICTS[self.situation]
        if any(c.status == ERROR for c in self.checks):
            return "error"
        if "cancelled" in self.note:
            return "cancelled"
        if self.diagnosis:
            return self.diagnosis
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
        # "Connection refused" is an answer: the target's stack replied, nothing listens on the port.
        refused = any(c.refused for c in tcp)
        closed = "; the port is closed" if refused else ""
        if dns and dns[0].status == OK:
            if reached:
                return "reachable by name"
            return f"reachable by name{closed}" if refused else "name resolves, but no reply"
        if reached or refused:
            return ("reachable by IP only" if dns and dns[0].status == FAIL else "reachable") + ("" if reached else closed)
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
    dns_server: str = EMBEDDED_DNS  # who is asked for `resolve`: Docker's embedded DNS, or Podman's (below)


def dns_server_for(snap: Snapshot, networks: list[Network]) -> str:
    """The server that resolves container names on the first of `networks`: Docker's
    embedded DNS at 127.0.0.11 in every container; Podman's aardvark-dns answers at the
    network's gateway instead (127.0.0.11 refuses there)."""
    if snap.engine is not None and snap.engine.is_podman:
        for n in networks:
            if n.gateways:
                return n.gateways[0]
    return EMBEDDED_DNS


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
                plan.dns_server = dns_server_for(snap, dns_nets)
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
                plan.address = address_of(snap, c, None)
                plan.dns_note = (f"{source.name} uses the host's network stack (--network host): no embedded DNS, "
                                 f"so {name} is not looked up; tested by IP")
                plan.notes.append(HOST_NET_NOTE.format(source=source.name))
            elif shared_dns:
                plan.resolve = name
                plan.dns_server = dns_server_for(snap, shared_dns)
            elif shared:
                plan.address = address_of(snap, c, shared[0])
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
                plan.address = address_of(snap, c, None)
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



def address_of(snap: Snapshot, c: Container, network: Network | None) -> str | None:
    """c's IPv4 on that network (through its stack owner for container:<x>), or on any."""
    holder = snap.stack_holder(c)
    if holder is None:
        return None
    ep = holder.endpoint_on(network.id) if network is not None else next((e for e in holder.endpoints if e.ipv4), None)
    return ep.ipv4 if ep is not None and ep.ipv4 else None


def pick(addresses: list[str]) -> str | None:
    v4 = [a for a in addresses if ":" not in a]
    chosen = v4 or addresses
    return chosen[0] if chosen else None


# -- verdicts from the tools' output ---------------------------------------------------------
def dns_verdict(code: int, out: str, name: str) -> tuple[str, str]:
    addrs = parse_nslookup(out)
    if code == 0 and addrs:
        return OK, f"{name} → {', '.join(addrs)}"
    low = out.lower()
    if "nxdomain" in low or "can't find" in low:
        return FAIL, f"{name} is not known to Docker's DNS here (NXDOMAIN)"
    if "refused" in low or "no servers could be reached" in low:
        return FAIL, "no embedded DNS in this container (default bridge only?)"
    return FAIL, f"did not resolve ({out.strip().splitlines()[-1] if out.strip() else 'no output'})"

def ping_verdict(isolated: bool) -> Callable[[int, str], tuple[str, str]]:
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

def tcp_verdict(port: int, isolated: bool) -> Callable[[int, str], tuple[str, str]]:
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
