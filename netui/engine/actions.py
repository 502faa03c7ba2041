"""Changing the engine: create, connect, disconnect, remove, prune, run.

`Actions.perform(spec)` carries out one spec (specs.py), dispatched on its type.
Each write logs its equivalent `docker` command and outcome, re-checks what it
acts on right before the call (a confirmation may be seconds old), and refuses
everything when read-only, whatever the UI does.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import singledispatchmethod

from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.compose_run import ComposeDownSpec, ComposeUpSpec
from netui.engine.container_specs import ContainerSpec
from netui.engine.refusals import with_explanation
from netui.engine.specs import (
    MANAGED_LABEL,
    ConnectSpec,
    DisconnectSpec,
    NetworkSpec,
    PruneSpec,
    RemoveSpec,
    RunSpec,
    StepsSpec,
    command_text,
    remove_argv,
)
from netui.text import clean


class ReadOnlyError(EngineError):
    def __init__(self) -> None:
        super().__init__("netui runs read-only (--read-only): nothing may change the engine", kind="read-only")


# -- the log -------------------------------------------------------------------------
@dataclass(frozen=True)
class LogEntry:
    time: float
    command: str
    ok: bool
    result: str
    engine: str = ""  # where it ran (when netui watches several engines)


@dataclass
class ActionLog:
    entries: list[LogEntry] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, command: str, ok: bool, result: str, engine: str = "") -> LogEntry:
        entry = LogEntry(time.time(), command, ok, result, engine)
        with self._lock:
            self.entries.append(entry)
        return entry

    def text(self) -> str:
        with self._lock:
            entries = list(self.entries)
        return "\n".join(
            f"{time.strftime('%H:%M:%S', time.localtime(e.time))}  {'ok ' if e.ok else 'ERR'}  {e.command}  # {e.result}"
            for e in entries
        )


RUN_WATCH_SECONDS = 1.0  # how long a run is watched for an exit at once
RUN_LOG_LINES = 5


# -- performing ------------------------------------------------------------------------
class Changed(EngineError):
    """What was confirmed no longer matches the engine: nothing was done."""

    def __init__(self, message: str, users_text: str = "") -> None:
        super().__init__(message, kind="changed")
        self.users_text = users_text


class Actions:
    """The write side of the engine. Every method logs its equivalent command and outcome."""

    def __init__(self, engine: Engine, *, read_only: bool = False, log: ActionLog | None = None) -> None:
        self.engine = engine
        self.read_only = read_only
        self.log = log or ActionLog()

    def _run(self, argv: list[str], fn: Callable[[], str]) -> str:
        if self.read_only:
            raise ReadOnlyError()
        cmd = command_text(argv)
        try:
            result = fn()
        except EngineError as exc:
            with_explanation(exc)
            self.log.add(cmd, False, str(exc), self.engine.info.label)
            raise
        self.log.add(cmd, True, result, self.engine.info.label)
        return result

    @singledispatchmethod
    def perform(self, spec: object) -> str:
        """Carry out one spec; returns what happened, in a line. Raises EngineError."""
        raise EngineError(f"netui cannot perform {type(spec).__name__}")

    @perform.register
    def _(self, spec: NetworkSpec) -> str:
        return self.create_network(spec)

    @perform.register
    def _(self, spec: ConnectSpec) -> str:
        return self.connect(spec)

    @perform.register
    def _(self, spec: DisconnectSpec) -> str:
        return self.disconnect(spec)

    @perform.register
    def _(self, spec: RemoveSpec) -> str:
        return self.remove_network(spec)

    @perform.register
    def _(self, spec: PruneSpec) -> str:
        removed, failed = self.prune(spec)
        result = f"removed {len(removed)} network{'s' if len(removed) != 1 else ''}: {', '.join(removed) or 'none'}"
        if failed:
            result += f"; not removed: {'; '.join(failed)}"
        return result

    @perform.register
    def _(self, spec: RunSpec) -> str:
        return self.run_container(spec)

    @perform.register
    def _(self, spec: ContainerSpec) -> str:
        from netui.engine import container_actions

        return container_actions.perform(self, spec)

    @perform.register(ComposeUpSpec)
    @perform.register(ComposeDownSpec)
    def _(self, spec: ComposeUpSpec | ComposeDownSpec) -> str:
        from netui.engine import compose_run

        return self._run(spec.argv(), lambda: compose_run.run(spec))

    @perform.register
    def _(self, spec: StepsSpec) -> str:
        """Each step in order (each logged); on a failure, what was done is said with it."""
        if self.read_only:
            raise ReadOnlyError()
        done: list[str] = []
        for step in spec.steps:
            try:
                done.append(self.perform(step))
            except EngineError as exc:
                if done:
                    exc.message = f"{exc.message} (after: {'; '.join(done)})"
                    exc.args = (exc.message,)
                raise
        return "; ".join(done)

    # -- re-checks right before a call ------------------------------------------------
    def users_of(self, name: str, network_id: str = "") -> list[str]:
        """Names of the containers, running or not, that use a network now (one request).

        A created or stopped container has no endpoint yet, so Docker would remove its
        network and the container could then never start: netui counts it as a user.
        The engine matches a created container by the network's name only (its
        NetworkID is filled in at start), so both the id and the name are asked for:
        a same-named network's container counts too, on the safe side."""
        refs = [r for r in (network_id, name) if r]
        listed = self.engine.call(self.engine.api.containers, all=True, filters={"network": refs})
        return sorted(str((c.get("Names") or ["/" + str(c.get("Id", ""))[:12]])[0]).lstrip("/") for c in listed)

    def create_network(self, spec: NetworkSpec) -> str:
        def go() -> str:
            ipam_pools = []
            if spec.subnet.strip():
                pool = {"Subnet": spec.subnet.strip()}
                if spec.gateway.strip():
                    pool["Gateway"] = spec.gateway.strip()
                if spec.ip_range.strip():
                    pool["IPRange"] = spec.ip_range.strip()
                ipam_pools.append(pool)
            if spec.ipv6 and spec.ipv6_subnet.strip():
                ipam_pools.append({"Subnet": spec.ipv6_subnet.strip()})
            ipam = {"Driver": "default", "Config": ipam_pools} if ipam_pools else None
            res = self.engine.call(
                self.engine.api.create_network,
                spec.name.strip(),
                driver=spec.driver,
                options=dict(spec.parsed_options()) or None,
                ipam=ipam,
                check_duplicate=True,
                internal=spec.internal,
                labels=dict(spec.parsed_labels()) or None,
                enable_ipv6=spec.ipv6,
                attachable=spec.attachable,
            )
            return f"created network {spec.name.strip()} ({str(res.get('Id', ''))[:12]})"

        return self._run(spec.argv(), go)

    def connect(self, spec: ConnectSpec) -> str:
        def go() -> str:
            self.engine.call(
                self.engine.api.connect_container_to_network,
                spec.container_ref,
                spec.network_ref,
                aliases=spec.alias_list() or None,
                ipv4_address=spec.ipv4.strip() or None,
                ipv6_address=spec.ipv6.strip() or None,
            )
            return f"connected {spec.container} to {spec.network}"

        return self._run(spec.argv(), go)

    def disconnect(self, spec: DisconnectSpec) -> str:
        def go() -> str:
            if spec.container_id and not spec.force:
                # Right before the call: is it still the container confirmed, on that network?
                try:
                    nets = (self.engine.call(self.engine.api.inspect_container, spec.container_id).get("NetworkSettings") or {})
                except NotFound:
                    raise Changed(f"{spec.container} was removed since you confirmed; nothing was done") from None
                on = nets.get("Networks") or {}
                if spec.network not in on and not any((v or {}).get("NetworkID") == spec.network_id for v in on.values()):
                    raise Changed(f"{spec.container} is no longer connected to {spec.network}; nothing was done")
            self.engine.call(
                self.engine.api.disconnect_container_from_network, spec.container_ref, spec.network_ref, force=spec.force
            )
            return f"disconnected {spec.container} from {spec.network}"

        return self._run(spec.argv(), go)

    def remove_network(self, spec: RemoveSpec) -> str:
        """Remove a network; first disconnect (forced) exactly the containers confirmed.

        Right before anything is sent, the network's users are read again: if they are not
        the ones confirmed (one joined, or was created on it, since), nothing is done."""
        if self.read_only:
            raise ReadOnlyError()
        ref = spec.network_id or spec.network
        now = self.users_of(spec.network, spec.network_id)
        confirmed = sorted(spec.disconnect_first)
        if now != confirmed:
            extra = [n for n in now if n not in confirmed]
            what = (f"{', '.join(extra)} now use{'s' if len(extra) == 1 else ''} it" if extra
                    else f"its containers changed ({', '.join(now) or 'none now'})")
            error = Changed(f"network {spec.network} changed since you confirmed: {what}; nothing was removed", what)
            self.log.add(command_text(spec.all_argv()[-1]), False, f"not sent: {error}", self.engine.info.label)
            raise error
        done = []
        for cname in spec.disconnect_first:
            self.disconnect(DisconnectSpec(spec.network, cname, force=True, network_id=spec.network_id))
            done.append(cname)

        def go() -> str:
            self.engine.call(self.engine.api.remove_network, ref)
            return f"removed network {spec.network}" + (f" after disconnecting {', '.join(done)}" if done else "")

        return self._run(remove_argv([spec.network]), go)

    def prune(self, spec: PruneSpec) -> tuple[list[str], list[str]]:
        """Remove exactly these networks, each only if no container uses it right now;
        returns (removed, failures as 'name: reason')."""
        removed: list[str] = []
        failed: list[str] = []
        ids = list(spec.network_ids)
        for i, name in enumerate(spec.networks):
            try:
                self.remove_network(RemoveSpec(name, network_id=ids[i] if i < len(ids) else ""))
                removed.append(name)
            except Changed as exc:
                failed.append(f"{name}: {exc.users_text}, kept")
            except ReadOnlyError:
                raise
            except NotFound:
                failed.append(f"{name}: already gone")
            except EngineError as exc:
                failed.append(f"{name}: {exc}")
        return removed, failed

    def run_container(self, spec: RunSpec) -> str:
        """Run it; the result says what happened in its first moments (see run_container_outcome)."""
        return self.run_container_outcome(spec).text

    def run_container_outcome(self, spec: RunSpec, watch: float = RUN_WATCH_SECONDS) -> RunOutcome:
        """Create and start the container, then watch it for up to `watch` seconds:
        a container whose command ends at once is reported as exited, with its
        exit code and last lines of output, not as started."""
        outcome: list[RunOutcome] = []

        def go() -> str:
            api = self.engine.api
            publish = spec.parsed_publish()
            port_bindings = None
            ports = None
            if publish is not None:
                host_ip, host_port, cport, proto = publish
                key = f"{cport}/{proto}"
                port_bindings = {key: (host_ip, host_port) if host_ip else host_port}
                ports = [(cport, proto)]
            aliases = [a for a in re.split(r"[,\s]+", spec.aliases or "") if a]
            ref = spec.network_id or spec.network
            host_config = api.create_host_config(network_mode=ref, port_bindings=port_bindings)
            networking = api.create_networking_config({ref: api.create_endpoint_config(aliases=aliases or None)})
            res = self.engine.call(
                api.create_container,
                spec.image.strip(),
                command=spec.parsed_command() or None,
                name=spec.name.strip() or None,
                labels={**dict(spec.parsed_labels()), MANAGED_LABEL: "1"},
                host_config=host_config,
                networking_config=networking,
                ports=ports,
                detach=True,
            )
            cid = res["Id"]
            try:
                self.engine.call(api.start, cid)
            except EngineError:
                # Not half-done: a container that cannot start is removed again.
                try:
                    self.engine.call(api.remove_container, cid, force=True)
                except EngineError:
                    pass
                raise
            out = self._watch_start(cid, spec.name.strip() or cid[:12], spec.network, watch)
            outcome.append(out)
            return out.text

        self._run(spec.argv(), go)
        return outcome[0]

    def _watch_start(self, cid: str, name: str, network: str, seconds: float) -> RunOutcome:
        """Wait up to `seconds` for the container to stop (one request, answered at its exit)."""
        api = self.engine.api
        code: int | None = None
        if seconds > 0:
            try:
                res = api.wait(cid, timeout=seconds)
                status = res.get("StatusCode") if isinstance(res, dict) else None
                code = int(status) if status is not None else None
            except Exception:
                code = None  # still running when the time was up (or the wait failed: inspect says)
        try:
            state = self.engine.call(api.inspect_container, cid).get("State") or {}
        except NotFound:
            return RunOutcome(cid, name, network, running=False, exit_code=code, gone=True)
        except EngineError:
            return RunOutcome(cid, name, network, running=code is None, exit_code=code)
        if state.get("Running") or state.get("Restarting"):
            return RunOutcome(cid, name, network, running=True)
        exit_code = state.get("ExitCode")
        exit_code = int(exit_code) if isinstance(exit_code, int) else code
        lines: tuple[str, ...] = ()
        try:
            raw = self.engine.call(api.logs, cid, stdout=True, stderr=True, tail=RUN_LOG_LINES)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            lines = tuple(clean(line, 200) for line in text.splitlines() if line.strip())[-RUN_LOG_LINES:]
        except EngineError:
            pass
        error = clean(str(state.get("Error") or ""), 300)
        return RunOutcome(cid, name, network, running=False, exit_code=exit_code, log_tail=lines,
                          oom_killed=bool(state.get("OOMKilled")), error=error)


@dataclass(frozen=True)
class RunOutcome:
    """What a freshly started container did in its first moments."""

    container_id: str
    name: str
    network: str
    running: bool
    exit_code: int | None = None
    log_tail: tuple[str, ...] = ()
    oom_killed: bool = False
    error: str = ""
    gone: bool = False  # removed before it could be inspected (e.g. --rm elsewhere)

    @property
    def exited(self) -> bool:
        return not self.running

    @property
    def text(self) -> str:
        if self.running:
            return f"started {self.name} on {self.network}"
        if self.gone:
            return f"{self.name} started and was removed at once"
        code = "" if self.exit_code is None else f" with code {self.exit_code}"
        why = " (killed: out of memory)" if self.oom_killed else ""
        out = f"{self.name} started but exited at once{code}{why}"
        if self.error:
            out += f": {self.error}"
        if self.log_tail:
            out += "; last output: " + " ⏎ ".join(self.log_tail)
        else:
            out += "; it printed nothing"
        if self.exit_code == 0 and not self.oom_killed:
            out += ". A container lives as long as its command: give it one that keeps running (e.g. sleep 86400)"
        return out
