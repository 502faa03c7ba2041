""""Why not?": the cause of a failed probe or matrix cell, from the topology and the
probe's raw results, with the fix where there is one.

`why_not(snapshot, source, target, result=...)` for a probe (ProbeResult), or
`cell=...` for a matrix cell. Pure: it reads what the probe already found (the
DNS answer, ping's output, TCP's) and the snapshot; it runs nothing. The causes
come back as Findings (most likely first), so the UI and the command line show them
like the doctor's: title, teaching text, evidence, fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from netui.engine.doctor.common import FALSE, OPT_ICC, connect_fix, join_fix
from netui.engine.doctor.context import Context
from netui.engine.doctor.findings import INFO, PROBLEM, WARNING, Finding, Fix, Subject
from netui.engine.matrix_plan import Cell
from netui.engine.model import Container, Network, Snapshot
from netui.engine.probe_plan import ERROR, FAIL, OK, SKIPPED, TIMEOUT, Check, Plan, ProbeResult, parse_nslookup, parse_target, plan_probe

WHY: dict[str, str] = {
    "no-shared-network": (
        "Containers reach each other only through a network they share: each network is an isolated segment "
        "(its own bridge and subnet), and Docker's embedded DNS server answers only names on the networks the asking "
        "container is on. Connecting one of them to the other's network joins them; disconnecting undoes it."
    ),
    "default-bridge-no-dns": (
        "On the default bridge network containers reach each other by IP address only: Docker's embedded DNS "
        "server, which answers container names, serves user-defined networks only. Put both on a user-defined "
        "network and the name resolves."
    ),
    "name-not-on-network": (
        "A network-scoped alias is a name on one network only: the embedded DNS server answers it to containers on "
        "that network. The target answers to this name elsewhere, not on the network it shares with the source; its "
        "container name resolves on every user-defined network it is on."
    ),
    "target-not-running": (
        "Docker's embedded DNS server answers only for running containers, and a stopped container has no "
        "address at all; a paused one keeps its address but its processes answer nothing. Start (or unpause) it."
    ),
    "target-host-network": (
        "A container on the host network (--network host) has no address of its own on a Docker network: it uses "
        "the host's network stack. From a container on a bridge network the host is reached at that network's "
        "gateway address."
    ),
    "target-no-network": (
        "A container run with --network none has only a loopback interface: nothing can reach it, by name or by "
        "address. Re-create it on a network to make it reachable."
    ),
    "name-resolves-elsewhere": (
        "The name resolved, but to another container's address: a network-scoped alias (or a compose service name) "
        "can belong to several containers, and the embedded DNS server answers with theirs. Use the container's own "
        "name, which only it answers to."
    ),
    "icc-disabled": (
        "The network they share turns off inter-container communication (com.docker.network.bridge.enable_icc=false): "
        "containers on it cannot reach each other, only the outside and published ports."
    ),
    "icmp-not-permitted": (
        "Ping needs a raw socket, which needs the NET_RAW capability; this container runs without it (--cap-drop), so "
        "ICMP fails inside it whatever the network does. TCP does not need it: when TCP gets through, the network path "
        "works."
    ),
    "port-closed": (
        "\"Connection refused\" is an answer: the target's network stack replied, so the path works, but no process "
        "listens on that port (or it listens on 127.0.0.1 inside the container only, which other containers cannot "
        "reach)."
    ),
    "no-reply": (
        "Nothing answered at the target's address although Docker's networking shows nothing in the way (the name, "
        "when one was given, resolved; the address is on a network they share): the target's own firewall, a "
        "process that ignores ping and listens on no probed port, or an overloaded container."
    ),
    "no-such-address": (
        "The address lies in a network the source is on, but no container there holds it: nothing is at that "
        "address, so nothing can answer (\"No route to host\" or no reply is what a free address gives). Check the "
        "address against the network's containers."
    ),
    "resolver-not-embedded": (
        "The source does not ask Docker's embedded DNS server (127.0.0.11): it mounts its own /etc/resolv.conf, so "
        "container names do not resolve from it. Give other servers with --dns instead: the embedded DNS server "
        "forwards to them."
    ),
    "unknown-name": (
        "No container on the source's networks answers to this name: on a user-defined network a container answers "
        "to its name, its network-scoped aliases (--network-alias) and, in compose, its service name. Other names go "
        "to the DNS servers outside, which do not know it either."
    ),
    "source-no-dns": (
        "The source is on the default bridge network only, where Docker's embedded DNS server does not run: it "
        "resolves no container name. Connect it to a user-defined network to use names."
    ),
    "internal-network": (
        "The source is only on internal networks (--internal): they have no gateway, so nothing outside them is "
        "reachable. Connect it to a network that is not internal to reach further."
    ),
    "not-isolated": (
        "They reached each other although they share no network. Docker isolates networks with iptables rules; with "
        "the daemon's iptables management off, or host routing rules that forward between bridges, that isolation is "
        "gone."
    ),
    "probe-failed": (
        "The probe itself could not run, so it says nothing about the network: the reason is below."
    ),
}
PERMISSION = ("permission denied", "operation not permitted", "socket: permission", "you don't have permission")


@dataclass
class Observed:
    """What a probe (or matrix cell) saw, kind by kind."""

    dns: Check | None = None
    icmp: list[Check] = field(default_factory=list)
    tcp: list[Check] = field(default_factory=list)
    errors: list[Check] = field(default_factory=list)
    cell: str = ""  # a matrix cell's status

    @classmethod
    def of(cls, result: ProbeResult | None, cell: Cell | None) -> Observed:
        o = cls(cell=cell.status if cell is not None else "")
        for c in result.checks if result is not None else ():
            if c.status == ERROR:
                o.errors.append(c)
            elif c.kind == "dns" and o.dns is None:
                o.dns = c
            elif c.kind == "icmp":
                o.icmp.append(c)
            elif c.kind == "tcp":
                o.tcp.append(c)
        return o

    @property
    def icmp_ok(self) -> bool:
        return any(c.status == OK for c in self.icmp) or self.cell in ("ok", "by-ip", "leak")

    @property
    def tcp_ok(self) -> bool:
        return any(c.status == OK for c in self.tcp)

    @property
    def refused(self) -> list[Check]:
        """TCP checks the target's stack answered with "connection refused"."""
        return [x for x in self.tcp if x.refused]

    @property
    def icmp_denied(self) -> bool:
        return any(c.status == FAIL and any(w in c.output.lower() or w in c.summary.lower() for w in PERMISSION) for c in self.icmp)


def failed(result: ProbeResult | None = None, cell: Cell | None = None) -> bool:
    """Whether there is a "why not" to tell: the answer is not "reachable by name", or a check failed."""
    if cell is not None:
        return cell.status != "ok"
    if result is None:
        return False
    if result.verdict != "reachable by name":
        return True
    return any(c.status in (FAIL, TIMEOUT, ERROR) for c in result.checks)


def _f(check: str, severity: str, title: str, subjects: Iterable[Network | Container], evidence: Iterable[str] = (),
       fix: Fix | None = None) -> Finding:
    subs = tuple(dict.fromkeys(Subject.of(s) for s in subjects))
    return Finding(check, severity, title, subs, WHY[check], tuple(evidence), fix)


def _port_closed(c: Container, refused: list[Check], more: list[str] | None = None) -> Finding:
    return _f("port-closed", INFO, f"{c.name} answers, but nothing listens on the port" + ("s" if len(refused) > 1 else ""),
              [c], [x.summary for x in refused] + (more or []))


def _pick(nets: Iterable[Network]) -> Network | None:
    """The network to join: user-defined, with DNS, not internal if there is a choice."""
    usable = [n for n in nets if n.has_dns and not n.builtin and n.driver in ("bridge", "overlay", "macvlan", "ipvlan", "")
              and not (n.scope == "swarm" and not n.attachable)]
    usable.sort(key=lambda n: (n.internal, n.name))
    return usable[0] if usable else None


def _join(ctx: Context, source: Container, target: Container) -> Fix | None:
    """Connect the target to the source's network (the way the tutorials do it), else the
    source to the target's, else both to a new user-defined network."""
    snap = ctx.snapshot
    holder = snap.stack_holder(target) or target
    src_holder = snap.stack_holder(source) or source
    mine, theirs = _pick(ctx.networks_of.get(source.id, ())), _pick(ctx.networks_of.get(target.id, ()))
    if mine is not None and holder.mode == "network":
        return connect_fix(mine, holder, f"{target.name} then answers to its name on {mine.name}")
    if theirs is not None and src_holder.mode == "network":
        return connect_fix(theirs, src_holder, f"{source.name} then resolves {target.name} on {theirs.name}")
    if holder.mode == "network" and src_holder.mode == "network":
        return join_fix(ctx, [src_holder, holder], f"{source.name}-{target.name}")
    return None


def _nets(ctx: Context, c: Container) -> str:
    return ", ".join(n.name for n in ctx.networks_of.get(c.id, ())) or "no network"


def why_not(snapshot: Snapshot, source: Container, target: str, *, result: ProbeResult | None = None,
            cell: Cell | None = None) -> list[Finding]:
    """The causes of a failed probe (or matrix cell), most likely first; [] when it did not fail."""
    if not failed(result, cell):
        return []
    ctx = Context(snapshot)
    seen = Observed.of(result, cell)
    out: list[Finding] = []
    if source.mode == "none":
        return [_f("target-no-network", PROBLEM, f"{source.name} runs with --network none: it reaches nothing", [source],
                   [f"{source.name}: network mode none"])]
    try:
        t = parse_target(target)
    except ValueError:
        return []
    plan = plan_probe(snapshot, source, t)
    c = plan.container
    if plan.situation == "host-network" and (seen.icmp_ok or seen.tcp_ok):
        # The host's stack reaches every local bridge by address: expected, not a leak. What
        # is left to explain is a port nothing listens on.
        return [_port_closed(c, seen.refused)] if seen.refused and c is not None else []
    if seen.errors and not (seen.dns or seen.icmp or seen.tcp) and not seen.cell:
        e = seen.errors[0]
        return [_f("probe-failed", WARNING, "the probe could not run", [source], [e.summary])]
    if c is not None:
        out += _about_container(ctx, source, c, t.host, plan, seen)
    else:
        out += _about_other(ctx, source, t.host, t.is_ip, seen)
    if not out and seen.errors:
        out.append(_f("probe-failed", WARNING, "part of the probe could not run", [source], [e.summary for e in seen.errors]))
    return out


def _about_container(ctx: Context, source: Container, c: Container, name: str, plan: Plan, seen: Observed) -> list[Finding]:
    snap = ctx.snapshot
    out: list[Finding] = []
    holder = snap.stack_holder(c)
    if c.mode == "host":
        gw = next((g for n in ctx.networks_of.get(source.id, ()) for g in snap.gateways_of(n)), "")
        return [_f("target-host-network", INFO, f"{c.name} is on the host network: it has no container address", [c, source],
                   [f"{c.name}: --network host", f"from {source.name}, the host is {gw} (its network's gateway)" if gw
                    else f"{source.name} has no bridge network with a gateway"])]
    if c.mode == "none":
        return [_f("target-no-network", PROBLEM, f"{c.name} runs with --network none: nothing reaches it", [c],
                   [f"{c.name}: network mode none"])]
    if holder is None or not holder.running:
        who = holder or c
        verb = "unpause" if who.state == "paused" else "start"
        return [_f("target-not-running", PROBLEM, f"{who.name} is {who.state or 'not running'}", [who, *([c] if c is not who else [])],
                   [f"{who.name}: {who.status or who.state or 'not running'}"]
                   + ([f"{c.name} shares {who.name}'s network stack"] if c is not who else []),
                   Fix((("docker", verb, who.name),)))]
    if c.state == "paused":
        out.append(_f("target-not-running", PROBLEM, f"{c.name} is paused", [c], [f"{c.name}: {c.status or 'paused'}"],
                      Fix((("docker", "unpause", c.name),))))
        return out
    shared = ctx.shared(source, c)
    if plan.isolated or not shared:
        leaked = any("REACHABLE" in x.summary or "OPEN" in x.summary for x in seen.icmp + seen.tcp)
        if seen.cell == "leak" or leaked or (not plan.isolated and not seen.cell and (seen.icmp_ok or seen.tcp_ok)):
            return [_f("not-isolated", WARNING, f"{source.name} reaches {c.name} without a shared network", [source, c],
                       [f"{source.name}: {_nets(ctx, source)}", f"{c.name}: {_nets(ctx, c)}"])]
        ev = [f"{source.name} is on {_nets(ctx, source)}", f"{c.name} is on {_nets(ctx, c)}", "no network in common: the name cannot resolve"]
        ev += [f"{x.kind} by IP: {x.summary}" for x in seen.icmp + seen.tcp if x.status != SKIPPED][:2]
        return [_f("no-shared-network", PROBLEM, f"{source.name} and {c.name} share no network",
                   [source, c, *ctx.networks_of.get(source.id, ())[:1], *ctx.networks_of.get(c.id, ())[:1]], ev, _join(ctx, source, c))]
    dns_nets = [n for n in shared if n.has_dns]
    if not dns_nets:
        bridge = shared[0] if shared else None
        by_ip = seen.icmp_ok or seen.tcp_ok
        default = " (the default bridge: no embedded DNS)" if bridge and bridge.is_default_bridge else ""
        ev = [f"they share only {bridge.name if bridge else 'no network'}{default}",
              f"{c.name} answered by IP" if by_ip else f"{c.name} did not answer by IP either"]
        out.append(_f("default-bridge-no-dns", WARNING, f"{c.name} is not reachable by name from {source.name}: no DNS where they meet",
                      [source, c, *([bridge] if bridge else [])], ev, _join(ctx, source, c)))
        return out
    low = name.lower()
    if not any(low in ctx.names_on.get((n.id, c.id), ()) for n in dns_nets) and low != c.name.lower():
        where = [n.name for n in ctx.networks_of.get(c.id, ()) if low in ctx.names_on.get((n.id, c.id), ())]
        out.append(_f("name-not-on-network", WARNING, f"{name} is {c.name}'s name on {', '.join(where) or 'another network'}, "
                      f"not on {', '.join(n.name for n in dns_nets)}", [source, c, *dns_nets],
                      [f"they share {', '.join(n.name for n in dns_nets)}", f"{c.name} answers to {name} on {', '.join(where) or 'no shared network'}",
                       f"its own name, {c.name}, resolves on {dns_nets[0].name}"]))
        return out
    dns = seen.dns
    if dns is not None and dns.status == OK:
        addrs = set(parse_nslookup(dns.output))
        mine = {e.ipv4 for e in (holder or c).endpoints if e.ipv4} | {e.ipv6 for e in (holder or c).endpoints if e.ipv6}
        if addrs and not addrs & mine:
            owners = [x.name for x in snap.containers if any(e.ipv4 in addrs or e.ipv6 in addrs for e in x.endpoints)]
            out.append(_f("name-resolves-elsewhere", WARNING, f"{name} resolves to {', '.join(owners) or ', '.join(sorted(addrs))}, not {c.name}",
                          [source, c, *(snap.container_by_name[o] for o in owners if o in snap.container_by_name)],
                          [f"the embedded DNS answered {', '.join(sorted(addrs))}", f"{c.name} has {', '.join(sorted(mine)) or 'no address'}"]))
            return out
    elif dns is not None and dns.status in (FAIL, TIMEOUT) and "/etc/resolv.conf" in source.mounts:
        return [_f("resolver-not-embedded", WARNING, f"{source.name} does not ask Docker's embedded DNS", [source],
                   [f"{source.name} mounts its own /etc/resolv.conf", f"DNS: {dns.summary}"])]
    icc_off = [n for n in dns_nets if n.option(OPT_ICC) in FALSE]
    if icc_off and len(icc_off) == len(shared) and not (seen.icmp_ok or seen.tcp_ok):
        out.append(_f("icc-disabled", INFO, f"{icc_off[0].name} keeps its containers apart (ICC off)", [source, c, icc_off[0]],
                      [f"{icc_off[0].name}: {OPT_ICC}=false"]))
        return out
    denied = seen.icmp_denied or (source.config is not None and source.config.net_raw is False and seen.icmp and not seen.icmp_ok)
    if denied:
        sev = INFO if seen.tcp_ok else WARNING
        out.append(_f("icmp-not-permitted", sev, f"ping is not allowed in {source.name} (no NET_RAW)" + (", but TCP gets through" if seen.tcp_ok else ""),
                      [source], [f"ICMP: {x.summary}" for x in seen.icmp][:1] + [f"TCP: {x.summary}" for x in seen.tcp if x.status == OK][:1],
                      Fix((), f"re-create {source.name} with --cap-add NET_RAW to ping from it; or probe with TCP only")))
    if seen.refused:
        out.append(_port_closed(c, seen.refused, [f"ICMP: {seen.icmp[0].summary}"] if seen.icmp_ok and seen.icmp else []))
    elif not out and not seen.icmp_ok and not seen.tcp_ok and (seen.icmp or seen.tcp or seen.cell in ("no-reply", "timeout")):
        out.append(_f("no-reply", INFO, f"{c.name} does not answer on {', '.join(n.name for n in dns_nets)}", [source, c],
                      [f"{x.kind}: {x.summary}" for x in seen.icmp + seen.tcp][:3] or [f"matrix: {seen.cell}"]))
    if not out and seen.cell == "no-name":
        if "/etc/resolv.conf" in source.mounts:
            out.append(_f("resolver-not-embedded", WARNING, f"{source.name} does not ask Docker's embedded DNS", [source],
                          [f"{source.name} mounts its own /etc/resolv.conf"]))
        else:
            out.append(_f("no-reply", INFO, f"{c.name}'s name did not resolve from {source.name}", [source, c],
                          ["it should: they share " + ", ".join(n.name for n in dns_nets) + "; try again (it may have just restarted)"]))
    return out


def _about_other(ctx: Context, source: Container, host: str, is_ip: bool, seen: Observed) -> list[Finding]:
    snap = ctx.snapshot
    nets = ctx.networks_of.get(source.id, ())
    if is_ip:
        home = next((n for n in snap.networks if n.contains(host)), None)
        if home is not None and home.id not in {n.id for n in nets}:
            holder = snap.stack_holder(source) or source
            fix = connect_fix(home, holder) if holder.mode == "network" and not home.builtin else None
            return [_f("no-shared-network", PROBLEM, f"{host} is on {home.name}, which {source.name} is not on", [source, home],
                       [f"{source.name} is on {_nets(ctx, source)}", f"{host} lies in {home.name} ({', '.join(home.subnets)})"], fix)]
        if home is None and nets and all(n.internal for n in nets):
            bridge = ctx.default_bridge
            holder = snap.stack_holder(source) or source
            fix = connect_fix(bridge, holder) if bridge is not None and holder.mode == "network" else None
            return [_f("internal-network", PROBLEM, f"{source.name} is only on internal networks: nothing outside them is reachable",
                       [source, *nets], [f"{source.name}: {', '.join(n.name + ' (internal)' for n in nets)}"], fix)]
        if not seen.icmp_ok and not seen.tcp_ok:
            ev = [f"{x.kind}: {x.summary}" for x in seen.icmp + seen.tcp][:3]
            refused = bool(seen.refused)  # something answered
            held = any(e.static_ipv4 == host for x in snap.containers for e in x.endpoints)  # a stopped container's
            if home is not None and home.driver == "bridge" and host not in home.gateways and not refused and not held:
                return [_f("no-such-address", INFO, f"no container has {host} on {home.name}", [source, home],
                           [f"{host} lies in {home.name} ({', '.join(home.subnets)}), but no container there has it", *ev])]
            return [_f("no-reply", INFO, f"{host} does not answer", [source], ev)]
        return []
    names = [c.name for c in snap.containers if c.id != source.id]
    close = difflib.get_close_matches(host, names, n=3, cutoff=0.6)
    hint = [f"did you mean {', '.join(close)}?"] if close else []
    if not any(n.has_dns for n in nets):
        fix = None
        pick = _pick(snap.networks_of(snap.container_by_name[close[0]])) if close and close[0] in snap.container_by_name else None
        holder = snap.stack_holder(source) or source
        if pick is not None and holder.mode == "network":
            fix = connect_fix(pick, holder, f"then {close[0]} resolves from {source.name}")
        return [_f("source-no-dns", WARNING, f"{source.name} has no embedded DNS: it is only on {_nets(ctx, source)}", [source, *nets],
                   [f"{source.name}: {_nets(ctx, source)}", *hint], fix)]
    if "/etc/resolv.conf" in source.mounts:
        return [_f("resolver-not-embedded", WARNING, f"{source.name} does not ask Docker's embedded DNS", [source],
                   [f"{source.name} mounts its own /etc/resolv.conf"])]
    if seen.dns is not None and seen.dns.status != OK:
        return [_f("unknown-name", WARNING, f"no container on {_nets(ctx, source)} answers to {host}", [source],
                   [f"DNS: {seen.dns.summary}", *hint])]
    return []
