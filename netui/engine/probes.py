"""Connectivity probes, the half that runs them: DNS, ICMP and TCP from inside a
container, host → published port, and the matrix (netui.engine.matrix).

How a check runs: `docker exec` in the source container when it has the tool;
otherwise a short-lived probe container sharing the source's network stack
(`--network container:<source>`, the netshoot pattern), auto-removed and with a
short life of its own, removed afterwards whatever happens. Commands are argv
lists; targets are validated (netui.engine.probe_plan).
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
from typing import TYPE_CHECKING

from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.image import LOCAL_IMAGE, ensure_local_image, image_exists
from netui.engine.model import PROBE_LABEL, PROBE_PREFIX, SIDECAR_LIFETIME, Container, Network, Port, Snapshot
from netui.engine.probe_plan import (
    EMBEDDED_DNS,
    ERROR,
    EXEC_GRACE,
    FAIL,
    FIXED_VERDICTS,
    OK,
    SKIPPED,
    TIMEOUT,
    Check,
    ProbeResult,
    dns_verdict,
    parse_nslookup,
    parse_target,
    pick,
    ping_verdict,
    plan_probe,
    tcp_verdict,
    tool_missing,
)
from netui.engine.specs import command_text

if TYPE_CHECKING:
    from netui.engine.matrix_plan import Cell, MatrixResult


class ProbeError(EngineError):
    pass


class Cancelled(Exception):
    pass


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
        fut: Future[tuple[int, str]] = pool.submit(go)
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
        self.closed = False  # netui is quitting: no new probe container

    def start(self, source: Container, image: str, needed: float = 0.0) -> tuple[str, float]:
        """A probe container in source's network stack: (its id, its lifetime in seconds,
        which covers at least `needed`). Raises Cancelled once closed."""
        if self.closed:
            raise Cancelled()
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
            closed = self.closed
        if closed:  # closed while it was being made (a probe running as netui quits)
            self.remove(cid)
            raise Cancelled()
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

    def close(self) -> None:
        """No more probe containers, and those that exist go."""
        with self._lock:
            self.closed = True
        self.sweep()



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
        from netui.engine.swarm_probes import probe_swarm, swarm_target

        swarm = swarm_target(snap, source, target)
        if swarm is not None:  # a swarm service's name (its VIP) or tasks.<service>
            return probe_swarm(self, snap, source, swarm, checks=checks, cancel=cancel, on_check=on_check, count=count)
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
                    name = plan.resolve
                    argv = ["nslookup", name, plan.dns_server]
                    c = self._run_check(runner, "dns", argv, 6, lambda code, out: dns_verdict(code, out, name))
                    emit(c)
                    if c.status == OK:
                        addresses = parse_nslookup(c.output)
                else:
                    # Not queried on purpose: an address, or a name that cannot resolve from here.
                    status = SKIPPED if plan.target.is_ip or plan.isolated or plan.situation == "host-network" else FAIL
                    emit(Check("dns", status, plan.dns_note or "nothing to resolve", method="-"))
            elif plan.resolve and not addresses:
                # No DNS check asked for, but ICMP/TCP need an address.
                code, out, _, _ = runner.run(["nslookup", plan.resolve, plan.dns_server], 6)
                addresses = parse_nslookup(out) if code == 0 else []
            address = pick(addresses)
            if "icmp" in wanted:
                if address is None:
                    emit(Check("icmp", SKIPPED, "no address to ping (the name did not resolve)", method="-"))
                else:
                    argv = ["ping", "-c", str(count), "-i", "0.2", "-W", "1", "-w", str(count + 1), address]
                    emit(self._run_check(runner, "icmp", argv, count + 1, ping_verdict(plan.isolated)))
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
                        emit(self._run_check(runner, "tcp", argv, 2, tcp_verdict(port, plan.isolated)))
        except Cancelled:
            note = (note + "; " if note else "") + "cancelled"
        except ProbeError as exc:
            emit(Check("icmp" if not done else done[-1].kind, ERROR, str(exc)))
        except EngineError as exc:
            emit(Check("icmp" if not done else done[-1].kind, ERROR, str(exc)))
        finally:
            runner.close()
        return self._record(ProbeResult(started, source.name, str(target), tuple(done), note, plan.isolated, plan.situation))

    def _run_check(self, runner: Runner, kind: str, argv: list[str], timeout: float,
                   verdict: Callable[[int, str], tuple[str, str]]) -> Check:
        try:
            code, out, method, secs = runner.run(argv, timeout)
        except FutureTimeout:
            return Check(kind, TIMEOUT, f"no answer within {timeout + EXEC_GRACE:g} s", seconds=timeout + EXEC_GRACE,
                         method="exec", command=runner.equivalent(argv, "exec"))
        status, summary = verdict(code, out)
        return Check(kind, status, summary, out.strip(), secs, method, runner.equivalent(argv, method))


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
        """Every ordered pair of the network's members (netui/engine/matrix.py): one exec
        per source, negative answers confirmed before they are reported."""
        from netui.engine.matrix import MatrixRun

        run = MatrixRun(self, snap, network, extra, workers=workers, cancel=cancel or threading.Event(), on_cell=on_cell)
        return run.run()

    def close(self) -> None:
        self.sidecars.close()


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False
