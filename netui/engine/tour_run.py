"""The guided tour, the half that acts: performing a step's writes and measuring its checks.

Writes go through `Actions.perform(spec)` one by one, like every write of netui: each
is logged with its `docker` command and refused when read-only. Before each, what it
acts on is read again: a name taken meanwhile by something that is not the tour's is
never touched. Checks run through the Prober (probes, host → published port) and,
for a container's resolver, through the probe Runner (`cat /etc/resolv.conf` in it).
Both are meant for worker threads: they block on the engine.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from netui.engine.actions import Actions, Changed
from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.compose_run import ComposeDownSpec, ComposeUpSpec, engine_env
from netui.engine.image import LOCAL_IMAGE, ensure_local_image
from netui.engine.model import Snapshot
from netui.engine.probe_plan import EMBEDDED_DNS
from netui.engine.probes import ProbeError, Prober, Runner
from netui.engine.specs import ConnectSpec, RunSpec
from netui.engine.tour_checks import judge, judge_embedded_dns, judge_host_port, judge_resolver, probe_target
from netui.engine.tour_steps import COMPOSE_PROJECT_NAME, EmbeddedDnsCheck, HostPortCheck, Outcome, ProbeCheck, ResolverCheck, Step, Todo, World, find_container

PORT_TAKEN = ("port is already allocated", "address already in use")
RETRY_PAUSE = 0.5  # seconds before a check that failed is tried again


def _labels_of(engine: Engine, kind: str, name: str) -> dict[str, str] | None:
    """The labels of the container or network named `name` now (None: there is none)."""
    api = engine.api
    try:
        if kind == "container":
            info = engine.call(api.inspect_container, name)
            return dict((info.get("Config") or {}).get("Labels") or {})
        for n in engine.call(api.networks, names=[name]):
            if n.get("Name") == name:
                return dict(n.get("Labels") or {})
        return None
    except NotFound:
        return None


def _still_ours(actions: Actions, world: World, kind: str, name: str) -> None:
    """Right before a write: what it acts on must be the tour's (or absent, for a create)."""
    labels = _labels_of(actions.engine, kind, name)
    if labels is not None and labels.get(world.label) != "1":
        raise Changed(f"a {kind} named {name} now exists and is not the tour's (no {world.label_text}): nothing was done")


def write_compose_file(world: World, path: str) -> None:
    from netui.engine.demo import compose_file_text

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(compose_file_text(world.image, world.name(COMPOSE_PROJECT_NAME), world.name("app_network"), world.label))


def perform(actions: Actions, world: World, todo: Sequence[Todo],
            on_done: Callable[[Todo, str], None] | None = None, keep_going: bool = False) -> list[str]:
    """Carry out the writes in order; returns what each did, in a line. Stops at the first
    failure (raising it), unless `keep_going` (cleaning up: every removal is tried, and the
    failures are returned as lines starting with "not done")."""
    lines: list[str] = []
    image_ready = False
    for item in todo:
        spec = item.spec
        try:
            if isinstance(spec, RunSpec):
                _still_ours(actions, world, "container", spec.name)
                if not image_ready and spec.image == LOCAL_IMAGE and not actions.read_only:
                    ensure_local_image(actions.engine)
                    image_ready = True
                line = _run(actions, spec)
            elif isinstance(spec, ConnectSpec):
                _still_ours(actions, world, "container", spec.container)
                line = actions.perform(spec)
            elif isinstance(spec, (ComposeUpSpec, ComposeDownSpec)):
                line = _compose(actions, world, spec)
            else:
                line = actions.perform(spec)
        except EngineError as exc:
            if not keep_going:
                raise
            line = f"not done: {item.command}: {exc}"
        lines.append(line)
        if on_done is not None:
            on_done(item, line)
    return lines


def _run(actions: Actions, spec: RunSpec) -> str:
    try:
        return actions.perform(spec)
    except EngineError as exc:
        publish = spec.parsed_publish()
        if publish is None or publish[1] is None or not any(t in str(exc).lower() for t in PORT_TAKEN):
            raise
    # The host port is taken (by something else on this machine): the engine picks a free one.
    host_port, cport = publish[1], publish[2]
    again = dataclasses.replace(spec, publish=str(cport))
    line = actions.perform(again)
    return f"{line} (host port {host_port} is taken: the engine picked a free one, see the ports pane)"


def _compose(actions: Actions, world: World, spec: ComposeUpSpec | ComposeDownSpec) -> str:
    from netui.engine.demo import _compose_check

    if actions.read_only:
        return actions.perform(spec)  # refused, and logged so
    if isinstance(spec, ComposeUpSpec):
        _compose_check(actions.engine, spec.project, world.label)  # nobody else's project of that name
    write_compose_file(world, spec.file)
    line = actions.perform(dataclasses.replace(spec, env=engine_env(actions.engine)))
    if isinstance(spec, ComposeDownSpec):
        Path(spec.file).unlink(missing_ok=True)  # written for the command shown; the project is gone now
    return line


# -- checks ------------------------------------------------------------------------------------
def verify(prober: Prober, snap: Snapshot, world: World, step: Step,
           on_outcome: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Measure the step's checks on the engine (as of `snap`) and judge them."""
    out: list[Outcome] = []
    for check in step.checks:
        outcome = _checked(prober, snap, world, check)
        if not outcome.ok:
            # A negative is confirmed before it is reported: on a busy engine a ping can go
            # unanswered while dockerd rewrites its rules for someone else's network.
            time.sleep(RETRY_PAUSE)
            again = _checked(prober, snap, world, check)
            if again.ok:
                outcome = dataclasses.replace(again, details=(*again.details, f"(a first try said: {outcome.text})"))
            else:
                outcome = dataclasses.replace(again, details=(*again.details, "(the same on a second try)"))
        out.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return out


def _checked(prober: Prober, snap: Snapshot, world: World, check: object) -> Outcome:
    try:
        return _one(prober, snap, world, check)
    except (EngineError, FutureTimeout) as exc:
        return Outcome(False, f"could not check: {exc or 'no answer in time'}")


def _one(prober: Prober, snap: Snapshot, world: World, check: object) -> Outcome:
    if isinstance(check, ProbeCheck):
        source = find_container(snap, world, check.source)
        if source is None:
            return Outcome(False, f"{world.name(check.source)} is not there: nothing to probe from")
        result = prober.probe(snap, source, probe_target(check, world))
        return judge(check, result, snap, world)
    if isinstance(check, (ResolverCheck, EmbeddedDnsCheck)):
        ref = check.container if isinstance(check, ResolverCheck) else check.source
        c = find_container(snap, world, ref)
        if c is None or not c.running:
            return Outcome(False, f"{world.name(ref)} is not running: nothing can run in it")
        runner = Runner(prober.engine, c, prober.probe_image, prober.sidecars, allow_sidecar=prober.allow_sidecars)
        # Only ever asked of 127.0.0.11, inside the container's own network namespace: on the
        # default bridge nobody answers there, and nothing leaves the machine.
        argv = (["cat", "/etc/resolv.conf"] if isinstance(check, ResolverCheck)
                else ["nslookup", world.name(check.target), EMBEDDED_DNS])
        try:
            code, text, method, _ = runner.run(argv, 6)
        except ProbeError as exc:
            return Outcome(False, f"could not run {argv[0]} in {c.name}: {exc}")
        finally:
            runner.close()
        command = runner.equivalent(argv, method)
        if isinstance(check, EmbeddedDnsCheck):
            return judge_embedded_dns(check, world, code, text, command)
        if code != 0:
            return Outcome(False, f"{command} failed (exit {code})", commands=(command,))
        return judge_resolver(check, world, text, command)
    if isinstance(check, HostPortCheck):
        c = find_container(snap, world, check.container)
        port = next((p for p in (c.published_ports if c else ()) if p.container_port == check.port), None)
        if c is None or port is None:
            return Outcome(False, f"{world.name(check.container)} publishes no port {check.port}")
        return judge_host_port(prober.host_port(snap, c, port))
    raise TypeError(f"no check {type(check).__name__}")
