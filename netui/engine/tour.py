"""The guided tour of Docker networking (`netui tour`, T in the app): its steps, pure.

The tour builds the demo world step by step, in the order of Docker's networking
tutorial: the drivers, a user-defined bridge, containers on it, ping by name, the
default bridge (no names there), publishing a port, connecting a container to a
second network, a frontend/backend app, compose networks, isolation, network
aliases, and cleaning up. Each step has:

- its concept in two or three sentences, named as the Docker docs name it;
- the resources it makes (networks, containers, a connection, a compose project)
  and the ones it needs from earlier steps, so any step can be started on its own;
- what to highlight (a network row, a container row, their map nodes);
- how its outcome is verified: facts read from the topology (`facts`) and checks
  measured on the engine (`ProbeCheck`, `ResolverCheck`, `HostPortCheck`, run by
  netui.engine.tour_run and judged here by `judge`).

The steps are data (netui.engine.tour_steps); their facts and verdicts are
netui.engine.tour_checks; this module plans them and re-exports both.

Everything here is computed from a snapshot. `plan(step, snapshot, world)` says what
is there, what is missing (as specs, each with its `docker` command, performed by
Actions.perform), and what carries the tour's name but not its label: the tour never
touches that, it stops and says so. The `World` says where the tour builds: the demo's
names and label by default (`netui demo down` removes it all), a name prefix and
another label for tests.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from netui.engine.compose_run import ComposeDownSpec, ComposeUpSpec
from netui.engine.container_specs import RemoveContainerSpec, StartSpec, UnpauseSpec
from netui.engine.model import BUILTIN_NETWORKS, Snapshot
from netui.engine.specs import ConnectSpec, NetworkSpec, RemoveSpec, RunSpec, command_text
from netui.engine.tour_steps import (
    STEP_BY_KEY,
    STEPS,
    ComposeRes,
    ConnectRes,
    ContainerRes,
    EmbeddedDnsCheck,
    NetworkRes,
    ProbeCheck,
    Resource,
    ResState,
    Step,
    Todo,
    World,
    find_container,
    tour_names,
)


def _publish(world: World, port: int | None) -> str:
    if port is None:
        return ""
    host = world.frontend_port
    return f"{host}:{port}" if host else str(port)


def run_spec(world: World, res: ContainerRes) -> RunSpec:
    return RunSpec(
        network=world.name(res.network), image=world.image, name=world.name(res.short),
        command=shlex.join(res.command), publish=_publish(world, res.port), aliases=",".join(res.aliases),
        labels=world.label_text,
    )


def compose_up_spec(world: World, res: ComposeRes) -> ComposeUpSpec:
    return ComposeUpSpec(world.name(res.project), world.compose_file(res.project), world.compose or ("docker-compose",))


def compose_down_spec(world: World, res: ComposeRes) -> ComposeDownSpec:
    return ComposeDownSpec(world.name(res.project), world.compose_file(res.project), world.compose or ("docker-compose",))


def _not_ours(kind: str, name: str, world: World) -> str:
    return (f"a {kind} named {name} is on this engine without the label {world.label_text}: not the tour's, and "
            "the tour never touches it. Remove or rename it, or use other names: netui tour --prefix tour-")


def _network_state(snap: Snapshot, world: World, res: NetworkRes) -> ResState:
    name = world.name(res.short)
    net = snap.network_by_name.get(name)
    spec = NetworkSpec(name=name, labels=world.label_text)
    made = (command_text(spec.argv()),)
    if res.short in BUILTIN_NETWORKS:
        return ResState(res, net is not None, "" if net else f"the engine has no {name} network")
    if net is None:
        return ResState(res, False, f"network {name} is not there", (Todo(f"create network {name}", spec),), made_by=made)
    if not world.ours(net):
        return ResState(res, False, conflict=_not_ours("network", name, world))
    return ResState(res, True, made_by=made)


def _container_state(snap: Snapshot, world: World, res: ContainerRes) -> ResState:
    name = world.name(res.short)
    spec = run_spec(world, res)
    made = (command_text(spec.argv()),)
    c = snap.container_by_name.get(name)
    if c is None:
        return ResState(res, False, f"{name} is not there", (Todo(f"run {name}", spec),), made_by=made)
    if not world.ours(c):
        return ResState(res, False, conflict=_not_ours("container", name, world))
    if c.state == "paused":
        return ResState(res, False, f"{name} is paused", (Todo(f"unpause {name}", UnpauseSpec(name, c.id)),), made_by=made)
    if c.state in ("dead", "removing"):
        return ResState(res, False, f"{name} is {c.state}: it cannot start again; remove it (docker rm -f {name}) "
                        "and Enter runs it again", made_by=made)
    if not c.running:
        return ResState(res, False, f"{name} is {c.state or 'not running'}", (Todo(f"start {name}", StartSpec(name, c.id)),),
                        made_by=made)
    net = snap.network_by_name.get(world.name(res.network))
    if net is not None and c.endpoint_on(net.id) is None:
        connect = ConnectSpec(net.name, name, aliases=",".join(res.aliases))
        return ResState(res, False, f"{name} is no longer on {net.name}", (Todo(f"connect {name} to {net.name}", connect),),
                        made_by=made)
    return ResState(res, True, made_by=made)


def _connect_state(snap: Snapshot, world: World, res: ConnectRes) -> ResState:
    cname, nname = world.name(res.container), world.name(res.network)
    spec = ConnectSpec(nname, cname)
    made = (command_text(spec.argv()),)
    c = snap.container_by_name.get(cname)
    net = snap.network_by_name.get(nname)
    if c is not None and not world.ours(c):
        return ResState(res, False, conflict=_not_ours("container", cname, world))
    if c is not None and net is not None and c.endpoint_on(net.id) is not None:
        return ResState(res, True, made_by=made)
    return ResState(res, False, f"{cname} is not connected to {nname}", (Todo(f"connect {cname} to {nname}", spec),), made_by=made)


def _compose_state(snap: Snapshot, world: World, res: ComposeRes) -> ResState:
    project = world.name(res.project)
    spec = compose_up_spec(world, res)
    made = (command_text(spec.argv()),)
    members = [c for c in snap.containers if c.compose_project == project]
    theirs = [c for c in members if not world.ours(c)]
    if theirs:
        return ResState(res, False, conflict=f"a compose project named {project} already runs here and is not the tour's "
                        f"({', '.join(c.name for c in theirs)}): the tour never touches it")
    net = snap.network_by_name.get(f"{project}_default")
    if net is not None and not world.ours(net):
        return ResState(res, False, conflict=_not_ours("network", net.name, world))
    up = {c.compose_service for c in members if c.running}
    missing = [s for s in res.services if s not in up]
    if not missing:
        return ResState(res, True, made_by=made)
    if not world.compose_known:
        return ResState(res, False, f"looking for compose on this machine… ({', '.join(missing)} not up)", made_by=made)
    if world.compose is None:
        return ResState(res, False, skipped=("compose is not installed on this machine (neither `docker compose` nor "
                                              "docker-compose): this step is skipped. apt-get install docker-compose, "
                                              "then come back to it"))
    note = f"compose project {project}: {', '.join(missing)} not up"
    return ResState(res, False, note, (Todo(f"compose up {project}", spec),), made_by=made)


def resource_state(snap: Snapshot, world: World, res: Resource) -> ResState:
    if isinstance(res, NetworkRes):
        return _network_state(snap, world, res)
    if isinstance(res, ContainerRes):
        return _container_state(snap, world, res)
    if isinstance(res, ConnectRes):
        return _connect_state(snap, world, res)
    return _compose_state(snap, world, res)


def resources_for(step: Step) -> tuple[Resource, ...]:
    """What a step needs, in the order they are made: its earlier steps' (transitively), then its own."""
    out: dict[str, Resource] = {}

    def add(s: Step) -> None:
        for key in s.needs:
            add(STEP_BY_KEY[key])
        for r in s.makes:
            out.setdefault(r.key, r)

    add(step)
    return tuple(out.values())


@dataclass(frozen=True)
class Plan:
    step: Step
    states: tuple[ResState, ...]
    own: frozenset[str]  # keys of the step's own resources

    @property
    def conflicts(self) -> tuple[str, ...]:
        return tuple(s.conflict for s in self.states if s.conflict)

    @property
    def skipped(self) -> str:
        return next((s.skipped for s in self.states if s.skipped), "")

    @property
    def missing(self) -> tuple[ResState, ...]:
        return tuple(s for s in self.states if not s.present and not s.conflict)

    @property
    def todo(self) -> tuple[Todo, ...]:
        return tuple(t for s in self.states for t in s.todo) if not self.conflicts and not self.skipped else ()

    @property
    def earlier_todo(self) -> tuple[Todo, ...]:
        """What is missing from earlier steps (made first)."""
        return tuple(t for s in self.states if s.res.key not in self.own for t in s.todo)

    @property
    def own_todo(self) -> tuple[Todo, ...]:
        return tuple(t for s in self.states if s.res.key in self.own for t in s.todo)

    @property
    def ready(self) -> bool:
        """Everything the step needs and makes is there."""
        return all(s.present for s in self.states)

    @property
    def commands(self) -> tuple[str, ...]:
        """The step's own commands: what it runs (or ran) to make its resources."""
        out: list[str] = []
        for s in self.states:
            if s.res.key in self.own:
                out += [t.command for t in s.todo] if s.todo else list(s.made_by)
        return tuple(dict.fromkeys(out))


def plan(step: Step, snap: Snapshot, world: World) -> Plan:
    if step.cleanup:
        return Plan(step, (), frozenset())
    states = tuple(resource_state(snap, world, r) for r in resources_for(step))
    return Plan(step, states, frozenset(r.key for r in step.makes))


def fingerprint(step: Step, snap: Snapshot, world: World) -> tuple[object, ...]:
    """What the step's outcome depends on: its containers' ids, states and networks. A
    change means the measured checks are stale."""
    refs = {r.short for r in resources_for(step) if isinstance(r, ContainerRes)}
    refs |= {r.container for r in resources_for(step) if isinstance(r, ConnectRes)}
    for ch in step.checks:
        if isinstance(ch, ProbeCheck):
            refs.add(ch.source)
            if not ch.literal_target:
                refs.add(ch.target)
            refs.update(ch.addresses_of)
        elif isinstance(ch, EmbeddedDnsCheck):
            refs.update((ch.source, ch.target))
        else:
            refs.add(ch.container)
    out: list[object] = []
    for ref in sorted(refs):
        c = find_container(snap, world, ref)
        out.append((ref, c.id, c.state, tuple(sorted(e.network_id + e.ipv4 for e in c.endpoints))) if c else (ref, None))
    composed = [r for r in resources_for(step) if isinstance(r, ComposeRes)]
    for r in composed:
        project = world.name(r.project)
        out.append(tuple(sorted((c.id, c.state) for c in snap.containers if c.compose_project == project)))
    return tuple(out)


# -- commands shown ----------------------------------------------------------------------------------
def shown_commands(step: Step, world: World) -> tuple[str, ...]:
    """A step's informational commands with the tour's names filled in."""
    names = {r.short: world.name(r.short) for s in STEPS for r in s.makes if isinstance(r, ContainerRes)}
    return tuple(c.format(**names) for c in step.commands)


def concept(step: Step, world: World) -> str:
    """The step's text, with the tour's names (a prefixed world says so)."""
    text = step.concept.replace("{label}", world.label_text)
    if world.prefix:
        text += f" (Here every name starts with {world.prefix}.)"
    return text


# -- cleaning up -------------------------------------------------------------------------------------
def cleanup_todo(snap: Snapshot, world: World) -> tuple[Todo, ...]:
    """Removing what the tour made and only that (its names with its label): the compose
    project, then the containers, then the networks once nothing else uses them."""
    conts, nets = tour_names(world)
    res = ComposeRes()
    project = world.name(res.project)
    todo: list[Todo] = []
    composed = [c for c in snap.containers if c.compose_project == project and world.ours(c)]
    if composed and world.compose:
        todo.append(Todo(f"compose down {project}", compose_down_spec(world, res)))
    elif composed:
        conts = (*conts, *(c.name for c in composed))
    removed = set()
    for name in conts:
        c = snap.container_by_name.get(name)
        if c is not None and world.ours(c):
            live = c.state in ("running", "paused", "restarting")
            todo.append(Todo(f"remove {name}", RemoveContainerSpec(name, c.id, force=live, confirmed_running=live,
                                                                 confirmed_sharers=tuple(sorted(s.name for s in snap.stack_sharers(c.id))))))
            removed.add(c.id)
    for name in nets:
        net = snap.network_by_name.get(name)
        if net is None or not world.ours(net):
            continue
        if name == f"{project}_default" and any(isinstance(t.spec, ComposeDownSpec) for t in todo):
            continue  # compose down removes it
        todo.append(Todo(f"remove network {name}", RemoveSpec(name, network_id=net.id)))
    return tuple(todo)


