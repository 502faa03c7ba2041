"""Probes to a swarm service: by its name (the VIP) or by `tasks.<service>` (every task).

The probe runs in the source container's network stack, so on the engine (the node)
that runs it: a task's container on another node is not reachable through this
node's API. What differs from a probe to a container:

- `<service>` resolves to the service's virtual IP (VIP). Traffic to it goes through
  IPVS in the source's namespace; where the kernel has no IPVS (CONFIG_IP_VS unset) the
  name resolves and nothing answers. netui then looks for /proc/net/ip_vs in the
  source's namespace and says so, rather than "unreachable".
- `tasks.<service>` resolves to every task's own address: each one is checked, and
  named with the node it runs on.
- Cross-node traffic on an overlay converges a moment after the tasks run (VXLAN
  forwarding entries are gossiped between the nodes): a check that gets no answer is
  retried until CONVERGE_WAIT, and the result says when it answered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from netui.engine.client import EngineError
from netui.engine.model import Container, Snapshot
from netui.engine.swarm import ServiceView, TaskView

if TYPE_CHECKING:
    from netui.engine.probe_plan import Check, ProbeResult, Target
    from netui.engine.probes import Prober, Runner

CONVERGE_WAIT = 12.0  # seconds a cross-node check is retried for (docs/engines-for-tests.md: seen up to 12 s)
RETRY_GAP = 0.5

VERDICT_VIP_NO_IPVS = "name resolves to the VIP, which carries no traffic here: no IPVS in this kernel"
VERDICT_VIP_IP_NO_IPVS = "the VIP carries no traffic here: no IPVS in this kernel"
VERDICT_VIP_OK = "reachable by name (through the service's VIP)"
VERDICT_TASKS_ALL = "reachable by name: every task"
VERDICT_TASKS_SOME = "reachable by name: some tasks only"


@dataclass(frozen=True)
class SwarmTarget:
    text: str  # as typed
    service: ServiceView
    network_id: str
    network_name: str
    tasks_form: bool  # tasks.<service>, a task IP: the tasks themselves; else the VIP
    by_ip: str = ""  # the target was an address (a VIP or a task IP), not a name
    port: int | None = None

    @property
    def vip(self) -> bool:
        return not self.tasks_form and bool(self.service.vip)


def swarm_target(snap: Snapshot, source: Container, target: Target) -> SwarmTarget | None:
    """The swarm service a probe target names, on a network the source is on (None: not one).

    `<service>` and `tasks.<service>`, or an address that is a service's VIP or one of its
    task IPs there. A name that is also a container here stays a container."""
    sw = snap.swarm
    if sw is None:
        return None
    holder = snap.stack_holder(source) or source
    # ingress last: it carries published ports, not names (no service discovery on it)
    nets = [(n.id, n.name) for n in sorted(snap.networks_of(holder), key=lambda n: n.ingress) if n.scope == "swarm"]
    if not nets:
        return None
    host = target.host.rstrip(".")
    if target.is_ip:
        for nid, nname in nets:
            for s in sw.services_on(nid):
                if s.vip == host:
                    return SwarmTarget(target.host, s, nid, nname, tasks_form=False, by_ip=host, port=target.port)
                if host in s.task_ips and any(t.ip == host and not t.local for t in s.tasks):
                    one = ServiceView(s.name, s.vip, s.endpoint_mode, s.ports, s.replicas,
                                      tuple(t for t in s.tasks if t.ip == host), s.service_id)
                    return SwarmTarget(target.host, one, nid, nname, tasks_form=True, by_ip=host, port=target.port)
        return None
    if host in snap.container_by_name:
        return None
    tasks_form = host.startswith("tasks.")
    name = host[len("tasks."):] if tasks_form else host
    for nid, nname in nets:
        if nid in snap.network_by_id and snap.network_by_id[nid].ingress:
            continue
        for s in sw.services_on(nid):
            if s.name == name:
                if not tasks_form and not s.vip and s.endpoint_mode == "dnsrr":
                    tasks_form = True  # dnsrr: the name itself gives the tasks
                return SwarmTarget(target.host, s, nid, nname, tasks_form=tasks_form, port=target.port)
    return None


def _ports(st: SwarmTarget, snap: Snapshot) -> tuple[int, ...]:
    if st.port is not None:
        return (st.port,)
    sw = snap.swarm
    svc = sw.service_by_name.get(st.service.name) if sw is not None else None
    found = sorted({p.target for p in svc.ports if p.protocol == "tcp"}) if svc is not None else []
    if not found and sw is not None:
        # A worker's views: "Target: 80, Publish: 8080", on the service's ingress entry only.
        texts = [t for o in sw.overlays for s in o.services if s.name == st.service.name for t in s.ports]
        for text in texts:
            head = text.split(",", 1)[0]
            if head.startswith("Target:") and head[7:].strip().isdigit() and int(head[7:].strip()) not in found:
                found.append(int(head[7:].strip()))
    return tuple(found[:4])


def probe_swarm(prober: Prober, snap: Snapshot, source: Container, st: SwarmTarget, *, checks: Iterable[str],
                cancel: threading.Event, on_check: Callable[[Check], None] | None, count: int = 3) -> ProbeResult:
    from netui.engine.probe_plan import EMBEDDED_DNS, ERROR, FAIL, OK, SKIPPED, Check, ProbeResult, parse_nslookup, ping_verdict, tcp_verdict
    from netui.engine.probes import Cancelled, ProbeError, Runner

    started = time.time()
    done: list[Check] = []
    wanted = set(checks)
    svc = st.service
    by_ip = {t.ip: t for t in svc.tasks if t.ip}

    def emit(c: Check) -> None:
        done.append(c)
        if on_check is not None:
            on_check(c)

    notes = [f"{svc.name} is a swarm service on {st.network_name}: its name gives its VIP"
             + (f" {svc.vip}" if svc.vip else " (none: dnsrr)") + f", tasks.{svc.name} every task's own IP"]
    runner = Runner(prober.engine, source, prober.probe_image, prober.sidecars, cancel, prober.allow_sidecars)
    diagnosis = ""
    try:
        # -- the name ------------------------------------------------------------------------
        if st.by_ip:
            addresses = [st.by_ip]
            emit(Check("dns", SKIPPED, f"an address: {st.by_ip} is " + (f"{svc.name}'s VIP" if st.vip else
                                                                            f"the task {_task_label(by_ip.get(st.by_ip))}"), method="-"))
        else:
            name = st.text.rstrip(".")
            expect = set(svc.task_ips) if st.tasks_form else ({svc.vip} if svc.vip else set())
            if "dns" in wanted:
                c, addresses = _resolve(prober, runner, name, expect, cancel)
                emit(_dns_check(c, addresses, st, by_ip))
            else:
                code, out, _, _ = runner.run(["nslookup", name, EMBEDDED_DNS], 6)
                addresses = parse_nslookup(out) if code == 0 else []
        addresses = [a for a in addresses if ":" not in a] or addresses
        if not addresses:
            if "icmp" in wanted:
                emit(Check("icmp", SKIPPED, "no address to ping (the name did not resolve)", method="-"))
            return prober._record(ProbeResult(started, source.name, st.text, tuple(done), "; ".join(notes)))
        ports = _ports(st, snap)
        reached: dict[str, bool] = {}
        for address in addresses:
            task = by_ip.get(address)
            what = f"{address} ({svc.name}'s VIP)" if st.vip and not task else f"{address} ({_task_label(task)})"
            if "icmp" in wanted:
                ping = ["ping", "-c", str(count), "-i", "0.2", "-W", "1", "-w", str(count + 1), address]
                c = _retrying(partial(prober._run_check, runner, "icmp", ping, count + 1, ping_verdict(False)),
                              cancel, deadline=not st.vip)
                emit(_named(c, what))
                reached[address] = reached.get(address, False) or c.status == OK
            if "tcp" in wanted:
                if not ports:
                    emit(Check("tcp", SKIPPED, f"{what}: no port known: give one as {st.text}:port", method="-"))
                for port in ports:
                    c = _retrying(partial(prober._run_check, runner, "tcp", ["nc", "-w", "2", address, str(port)], 2,
                                          tcp_verdict(port, False)), cancel, deadline=not st.vip)
                    emit(_named(c, what))
                    reached[address] = reached.get(address, False) or c.status == OK
        if st.vip and reached and not any(reached.values()):
            ipvs = _ipvs_check(runner)
            emit(ipvs)
            if ipvs.status == FAIL:
                diagnosis = VERDICT_VIP_IP_NO_IPVS if st.by_ip else VERDICT_VIP_NO_IPVS
                notes.append(f"tasks.{svc.name} reaches the tasks directly")
        elif st.vip and any(reached.values()):
            diagnosis = VERDICT_VIP_OK
        elif st.tasks_form and not st.by_ip and reached:
            ok = sum(1 for v in reached.values() if v)
            if ok == len(reached) and "dns" in wanted and done and done[0].status == OK:
                diagnosis = VERDICT_TASKS_ALL
            elif 0 < ok < len(reached):
                diagnosis = VERDICT_TASKS_SOME
    except Cancelled:
        notes.append("cancelled")
    except (ProbeError, EngineError) as exc:
        emit(Check("icmp" if not done else done[-1].kind, ERROR, str(exc)))
    finally:
        runner.close()
    return prober._record(ProbeResult(started, source.name, st.text, tuple(done), "; ".join(notes), diagnosis=diagnosis))


def _task_label(t: TaskView | None) -> str:
    if t is None:
        return "a task not in this node's view yet"
    return f"{t.name} on {t.node}" + (", this node" if t.local else "")


def _named(c: Check, what: str) -> Check:
    from dataclasses import replace

    return replace(c, summary=f"{what}: {c.summary}")


def _resolve(prober: Prober, runner: Runner, name: str, expect: set[str], cancel: threading.Event) -> tuple[Check, list[str]]:
    """nslookup in the source's namespace, again until every expected address is in the
    answer (DNS entries of new tasks reach the other nodes a moment later), bounded."""
    from netui.engine.probe_plan import EMBEDDED_DNS, OK, dns_verdict, parse_nslookup

    t0 = time.monotonic()
    while True:
        c = prober._run_check(runner, "dns", ["nslookup", name, EMBEDDED_DNS], 6, partial(dns_verdict, name=name))
        got = parse_nslookup(c.output) if c.status == OK else []
        if not expect or expect <= set(got) or time.monotonic() - t0 > CONVERGE_WAIT or cancel.wait(RETRY_GAP):
            return c, got


def _dns_check(c: Check, addresses: list[str], st: SwarmTarget, by_ip: dict[str, TaskView]) -> Check:
    from dataclasses import replace

    from netui.engine.probe_plan import OK

    if c.status != OK:
        return c
    svc = st.service
    if st.tasks_form:
        parts = [f"{a} ({_task_label(by_ip.get(a))})" for a in addresses]
        missing = [t for t in svc.tasks if t.ip and t.ip not in addresses]
        text = f"{st.text} → {', '.join(parts)}: the tasks' own addresses"
        if missing:
            text += f"; not (yet) in the answer: {', '.join(f'{t.ip} ({_task_label(t)})' for t in missing)}"
        return replace(c, summary=text)
    if svc.vip and addresses == [svc.vip]:
        return replace(c, summary=f"{st.text} → {svc.vip}: the service's VIP, no container's address "
                                  f"(tasks.{svc.name} gives the tasks)")
    return replace(c, summary=f"{c.summary} (the service's VIP here is {svc.vip or 'none'})")


def _retrying(run: Callable[[], Check], cancel: threading.Event, *, deadline: bool) -> Check:
    """A check again until it succeeds or CONVERGE_WAIT has passed (a cross-node overlay
    path converges after the tasks run); the result says how long it took."""
    from dataclasses import replace

    from netui.engine.probe_plan import ERROR, OK

    t0 = time.monotonic()
    tries = 0
    while True:
        c = run()
        tries += 1
        if c.status in (OK, ERROR) or not deadline or time.monotonic() - t0 > CONVERGE_WAIT or cancel.wait(RETRY_GAP):
            break
    waited = time.monotonic() - t0
    if tries > 1:
        how = (f" (answered after {waited:.1f} s and {tries} tries: the overlay was still converging)" if c.status == OK
               else f" (still none after {waited:.1f} s and {tries} tries)")
        c = replace(c, summary=c.summary + how, seconds=waited)
    return c


def _ipvs_check(runner: Runner) -> Check:
    """Whether the source's namespace has IPVS, which carries VIP traffic."""
    from netui.engine.probe_plan import FAIL, OK, SKIPPED, Check
    from netui.engine.probes import ProbeError

    argv = ["cat", "/proc/net/ip_vs"]
    try:
        code, out, method, secs = runner.run(argv, 3)
    except (ProbeError, FutureTimeout) as exc:
        return Check("ipvs", SKIPPED, f"could not look for IPVS: {exc}", method="-")
    if code != 0 and ("no such file" in out.lower() or "can't open" in out.lower()):
        return Check("ipvs", FAIL, "no IPVS in this kernel (no /proc/net/ip_vs in the container's namespace): a VIP carries "
                     "nothing here; the name still resolves", out.strip(), secs, method, runner.equivalent(argv, method))
    rules = [line for line in out.splitlines() if line.startswith(("TCP", "UDP", "FWM"))]
    return Check("ipvs", OK, f"IPVS is there ({len(rules)} virtual services in this namespace): the VIP should balance; "
                 "no answer means its tasks do not answer on it", out.strip(), secs, method, runner.equivalent(argv, method))
