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

Everything here is computed from a snapshot. `plan(step, snapshot, world)` says what
is there, what is missing (as specs, each with its `docker` command, performed by
Actions.perform), and what carries the tour's name but not its label: the tour never
touches that, it stops and says so. The `World` says where the tour builds: the demo's
names and label by default (`netui demo down` removes it all), a name prefix and
another label for tests.
"""

from __future__ import annotations

import re
import shlex
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from netui.engine.compose_run import ComposeDownSpec, ComposeUpSpec
from netui.engine.container_specs import RemoveContainerSpec, StartSpec, UnpauseSpec
from netui.engine.demo import COMPOSE_NAME, COMPOSE_SERVICES, DEMO_LABEL, FRONTEND_PORT, SERVE
from netui.engine.image import LOCAL_IMAGE
from netui.engine.model import BUILTIN_NETWORKS, Container, Network, Snapshot
from netui.engine.probe_plan import EMBEDDED_DNS, OK, SKIPPED, ProbeResult, dns_verdict, parse_nslookup
from netui.engine.specs import ConnectSpec, NetworkSpec, RemoveSpec, RunSpec, command_text

SLEEP = ("sleep", "86400")
COMPOSE_PROJECT_NAME = COMPOSE_NAME


# -- where the tour builds -------------------------------------------------------------
def _compose_dir() -> str:
    """Where the compose file is written: one directory per user (another user's is not writable)."""
    import getpass

    try:
        user = re.sub(r"[^A-Za-z0-9_.-]", "", getpass.getuser()) or "user"
    except Exception:
        user = "user"
    return str(Path(tempfile.gettempdir()) / f"netui-tour-{user}")


@dataclass(frozen=True)
class World:
    """The tour's names and label. The default is the demo world's (label netui.demo=1,
    no prefix). `compose` is the compose CLI found on this machine (None: not installed),
    known once `compose_known`."""

    prefix: str = ""
    label: str = DEMO_LABEL
    image: str = LOCAL_IMAGE
    frontend_port: int | None = FRONTEND_PORT  # the host port asked for (None: the engine picks one)
    compose: tuple[str, ...] | None = None
    compose_version: str = ""
    compose_known: bool = False
    compose_dir: str = field(default_factory=lambda: _compose_dir())

    def name(self, short: str) -> str:
        """The engine name of a tour resource (the builtin networks keep theirs)."""
        return short if short in BUILTIN_NETWORKS else f"{self.prefix}{short}"

    @property
    def label_text(self) -> str:
        return f"{self.label}=1"

    def ours(self, obj: Container | Network) -> bool:
        return obj.label(self.label) == "1"

    def compose_file(self, project: str) -> str:
        return str(Path(self.compose_dir) / f"{self.name(project)}.yml")


# -- resources -------------------------------------------------------------------------
@dataclass(frozen=True)
class NetworkRes:
    short: str

    @property
    def key(self) -> str:
        return f"network:{self.short}"


@dataclass(frozen=True)
class ContainerRes:
    short: str
    network: str  # the network it is run on: a tour network's short name, or bridge
    command: tuple[str, ...] = SLEEP
    port: int | None = None  # a container port published on the host (World.frontend_port)
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"container:{self.short}"


@dataclass(frozen=True)
class ConnectRes:
    container: str
    network: str

    @property
    def key(self) -> str:
        return f"connect:{self.container}:{self.network}"


@dataclass(frozen=True)
class ComposeRes:
    project: str = COMPOSE_PROJECT_NAME
    services: tuple[str, ...] = COMPOSE_SERVICES
    app_network: str = "app_network"

    @property
    def key(self) -> str:
        return f"compose:{self.project}"


Resource = NetworkRes | ContainerRes | ConnectRes | ComposeRes


WriteSpec = (NetworkSpec | RunSpec | ConnectSpec | StartSpec | UnpauseSpec | ComposeUpSpec | ComposeDownSpec
             | RemoveContainerSpec | RemoveSpec)


@dataclass(frozen=True)
class Todo:
    """One write that brings a resource to what the step wants, as a spec for Actions.perform."""

    what: str
    spec: WriteSpec

    @property
    def command(self) -> str:
        return command_text(self.spec.argv())


@dataclass(frozen=True)
class ResState:
    """A resource as the snapshot shows it."""

    res: Resource
    present: bool
    note: str = ""  # what is wrong with it, in words ("container2 is exited")
    todo: tuple[Todo, ...] = ()
    conflict: str = ""  # its name is taken by something that is not the tour's
    skipped: str = ""  # it cannot be made here (compose is not installed)
    made_by: tuple[str, ...] = ()  # the commands that make it (shown once it is there)


# -- verification --------------------------------------------------------------------------
@dataclass(frozen=True)
class ProbeCheck:
    """A probe from a tour container (or compose service `project/service`) to a target:
    a tour container's short name, or a DNS name as is (an alias, a service name)."""

    source: str
    target: str
    expect: str  # by-name | by-ip-only | isolated
    port: int | None = None
    literal_target: bool = False  # target is an alias or service name, not prefixed
    addresses_of: tuple[str, ...] = ()  # tour containers whose addresses the DNS answer must hold
    why: str = ""


@dataclass(frozen=True)
class ResolverCheck:
    """Which DNS server a container asks (its /etc/resolv.conf): Docker's embedded one or not."""

    container: str
    embedded: bool


@dataclass(frozen=True)
class EmbeddedDnsCheck:
    """The container asks Docker's embedded DNS server (127.0.0.11, inside its own network
    namespace) for a tour container's name: `resolves` says whether it should answer."""

    source: str
    target: str
    resolves: bool


@dataclass(frozen=True)
class HostPortCheck:
    """The host connects to the port a tour container publishes."""

    container: str
    port: int


Check = ProbeCheck | ResolverCheck | EmbeddedDnsCheck | HostPortCheck


@dataclass(frozen=True)
class Fact:
    ok: bool
    text: str


@dataclass(frozen=True)
class Outcome:
    """A check's measured result, judged: a headline, the tools' answers, the commands run."""

    ok: bool
    text: str
    details: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    mark: tuple[str, str, str] | None = None  # (source, target, verdict) for the map


# -- steps -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    key: str
    title: str
    concept: str
    makes: tuple[Resource, ...] = ()
    needs: tuple[str, ...] = ()  # keys of earlier steps whose resources this one uses
    checks: tuple[Check, ...] = ()
    highlight: tuple[str, str] = ("", "")  # (network, container) short names
    commands: tuple[str, ...] = ()  # shown for a step that makes nothing (a read, a probe)
    cleanup: bool = False
    map_focus: bool = True  # the map shows the highlighted network and its neighbours only


STEPS: tuple[Step, ...] = (
    Step(
        "drivers", "Drivers: bridge, host, none",
        "Docker's networking is pluggable: every network has a driver. A fresh engine has three networks: "
        "bridge (driver bridge: the default bridge network, where `docker run` puts a container unless told "
        "otherwise), host (driver host: the container shares the host's own network stack, no isolation) and "
        "none (driver null: only a loopback interface).",
        highlight=("bridge", ""), commands=("docker network ls",), map_focus=False,
    ),
    Step(
        "custom", "A user-defined bridge",
        "`docker network create` makes a user-defined bridge network: a private subnet, with a gateway on the "
        "host. Unlike the default bridge, it gives its containers automatic name resolution: Docker's embedded "
        "DNS server (127.0.0.11) answers with their addresses.",
        makes=(NetworkRes("my_custom_network"),), highlight=("my_custom_network", ""),
    ),
    Step(
        "containers", "Containers on the network",
        "`docker run --network` attaches a container to a network when it is created: it gets an interface "
        "there (an endpoint) with an IP address from the network's subnet and a MAC address. container1 and "
        "container2 both join my_custom_network.",
        makes=(ContainerRes("container1", "my_custom_network"), ContainerRes("container2", "my_custom_network")),
        needs=("custom",), highlight=("my_custom_network", "container1"),
    ),
    Step(
        "by-name", "Ping by name: embedded DNS",
        "On a user-defined network, every container's name (and its aliases) is registered in Docker's embedded "
        "DNS server, which each container asks at 127.0.0.11. container1 looks up container2 and pings the "
        "address it gets: no IP address to find or hard-code.",
        needs=("containers",), highlight=("my_custom_network", "container1"),
        commands=("docker exec {container1} ping -c 3 {container2}",),
        checks=(ResolverCheck("container1", embedded=True),
                ProbeCheck("container1", "container2", "by-name", why="container1 reaches container2 by its name")),
    ),
    Step(
        "default-bridge", "The default bridge: no names",
        "A container run without --network joins the default bridge network. Its containers reach each other "
        "by IP address only: there is no embedded DNS server on the default bridge (they ask the host's "
        "resolvers, which know no containers), so `ping legacy2` gets `bad address`. This is why the docs "
        "recommend user-defined networks.",
        makes=(ContainerRes("legacy", "bridge"), ContainerRes("legacy2", "bridge")),
        highlight=("bridge", "legacy"),
        commands=("docker exec {legacy} ping -c 3 {legacy2}",),
        checks=(EmbeddedDnsCheck("legacy", "legacy2", resolves=False),
                ResolverCheck("legacy", embedded=False),
                ProbeCheck("legacy", "legacy2", "by-ip-only",
                           why="the name legacy2 does not resolve from legacy; by IP address it answers")),
    ),
    Step(
        "publish", "Publishing a port",
        "A container's ports are reachable from its networks only, until they are published: `-p 3000:3000` "
        "makes the engine forward the host's port 3000 to the container's port 3000. frontend serves HTTP "
        "on 3000 on a new network, app_network, and the host connects to it.",
        makes=(NetworkRes("app_network"), ContainerRes("frontend", "app_network", (*SERVE, "3000"), port=3000)),
        highlight=("app_network", "frontend"),
        checks=(HostPortCheck("frontend", 3000),),
    ),
    Step(
        "connect", "Connect to a second network",
        "`docker network connect` gives a running container one more interface, on another network, without "
        "restarting it. gateway starts on my_custom_network and joins app_network: it reaches containers on "
        "both by name, a bridge between two networks that still cannot reach each other.",
        makes=(ContainerRes("gateway", "my_custom_network"), ConnectRes("gateway", "app_network")),
        needs=("containers", "publish"), highlight=("app_network", "gateway"),
        checks=(ProbeCheck("gateway", "frontend", "by-name", port=3000, why="on app_network"),
                ProbeCheck("gateway", "container1", "by-name", why="on my_custom_network")),
    ),
    Step(
        "app", "A frontend/backend app",
        "An application spans several containers on one user-defined network: frontend calls backend by name. "
        "backend's port 8080 is not published: containers on app_network reach it, the host does not. "
        "`--network-alias api` gives it a second name on app_network.",
        makes=(ContainerRes("backend", "app_network", (*SERVE, "8080"), aliases=("api",)),),
        needs=("publish",), highlight=("app_network", "backend"),
        checks=(ProbeCheck("frontend", "backend", "by-name", port=8080, why="frontend calls backend on port 8080"),),
    ),
    Step(
        "compose", "Networking in Compose",
        "`docker compose up` creates a network for the project, <project>_default, and attaches each service "
        "to it under its service name: web reaches db as `db`. A service can join other networks too: web "
        "also joins app_network (declared external), where frontend reaches it as `web`.",
        makes=(ComposeRes(),), needs=("publish",), highlight=("webapp_default", "webapp/web"),
        checks=(ProbeCheck("webapp/web", "db", "by-name", port=5432, literal_target=True,
                           why="a service name, on the project's default network"),
                ProbeCheck("frontend", "web", "by-name", port=80, literal_target=True,
                           why="web's service name on app_network")),
    ),
    Step(
        "isolation", "Network isolation",
        "Containers on different bridge networks cannot reach each other: Docker isolates the bridges from one "
        "another. loner is alone on isolated_network: its name is not registered on container1's network, and "
        "even by IP address container1's pings get no reply.",
        makes=(NetworkRes("isolated_network"), ContainerRes("loner", "isolated_network")),
        needs=("containers",), highlight=("isolated_network", "loner"), map_focus=False,
        checks=(ProbeCheck("container1", "loner", "isolated", why="no network in common: tested by IP to prove it"),),
    ),
    Step(
        "aliases", "Network aliases",
        "`--network-alias` adds a name on one network, and several containers may share it: Docker's DNS server "
        "then answers with all their addresses (a simple round robin). backend2 joins app_network as `api` "
        "too, so `api` now resolves to both backends.",
        makes=(ContainerRes("backend2", "app_network", (*SERVE, "8080"), aliases=("api",)),),
        needs=("app",), highlight=("app_network", "backend2"),
        checks=(ProbeCheck("frontend", "api", "by-name", port=8080, literal_target=True,
                           addresses_of=("backend", "backend2"), why="one alias, two containers"),),
    ),
    Step(
        "cleanup", "Cleaning up",
        "Everything the tour made carries the label {label}. Enter removes it: the compose project "
        "(compose down), the containers (docker rm -f), then the networks (docker network rm). "
        "`netui demo down` does the same from a shell.",
        cleanup=True, highlight=("bridge", ""), map_focus=False,
    ),
)
STEP_BY_KEY = {s.key: s for s in STEPS}


# -- reading the snapshot ----------------------------------------------------------------------
def find_container(snap: Snapshot, world: World, ref: str) -> Container | None:
    """A tour container by short name, or a compose service as `project/service`."""
    if "/" in ref:
        project, service = ref.split("/", 1)
        name = world.name(project)
        found = [c for c in snap.containers if c.compose_project == name and c.compose_service == service]
        running = [c for c in found if c.running]
        return (running or found)[0] if found else None
    return snap.container_by_name.get(world.name(ref))


def find_network(snap: Snapshot, world: World, short: str) -> Network | None:
    return snap.network_by_name.get(world.name(short))


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


# -- facts read from the topology ---------------------------------------------------------------------
def _addr(c: Container, net: Network | None) -> str:
    e = c.endpoint_on(net.id) if net is not None else None
    return e.ipv4_cidr if e is not None and e.ipv4 else ""


def _net_line(snap: Snapshot, net: Network) -> str:
    subnet = ", ".join(net.subnets) or "no subnet"
    gw = ", ".join(snap.gateways_of(net))
    return f"{net.name}: driver {net.driver}, {subnet}" + (f", gateway {gw}" if gw else "")


def _container_fact(snap: Snapshot, world: World, short: str, net_short: str) -> Fact:
    c = find_container(snap, world, short)
    net = find_network(snap, world, net_short)
    name = world.name(short)
    if c is None:
        return Fact(False, f"{name} is not there")
    if not c.running:
        return Fact(False, f"{name} is {c.state or 'not running'}")
    addr = _addr(c, net)
    if net is None or not addr:
        return Fact(False, f"{name} has no address on {world.name(net_short)}")
    return Fact(True, f"{name} runs, {addr} on {net.name}")


def facts(step: Step, snap: Snapshot, world: World) -> tuple[Fact, ...]:
    """What the topology shows about the step's outcome, right now."""
    fn = _FACTS.get(step.key)
    return tuple(fn(snap, world)) if fn is not None else ()


def _facts_drivers(snap: Snapshot, world: World) -> Iterable[Fact]:
    want = {"bridge": ("bridge", "the default bridge network"), "host": ("host", "the host's own network stack"),
            "none": ("null", "loopback only")}
    for name, (driver, what) in want.items():
        net = snap.network_by_name.get(name)
        if net is None:
            yield Fact(False, f"no {name} network on this engine")
            continue
        members = snap.container_count(net.id)
        subnet = f", {', '.join(net.subnets)}" if net.subnets else ""
        yield Fact(net.driver == driver, f"{name}: driver {net.driver}{subnet}: {what}; "
                   f"{members} container{'s' if members != 1 else ''}")


def _facts_custom(snap: Snapshot, world: World) -> Iterable[Fact]:
    net = find_network(snap, world, "my_custom_network")
    if net is None:
        yield Fact(False, f"{world.name('my_custom_network')} is not there")
        return
    yield Fact(net.driver == "bridge" and bool(net.subnets), _net_line(snap, net))
    yield Fact(net.has_dns, "embedded DNS: container names resolve on it" if net.has_dns else "no embedded DNS on it")


def _facts_containers(snap: Snapshot, world: World) -> Iterable[Fact]:
    for short in ("container1", "container2"):
        yield _container_fact(snap, world, short, "my_custom_network")


def _facts_by_name(snap: Snapshot, world: World) -> Iterable[Fact]:
    yield from _facts_containers(snap, world)


def _facts_default_bridge(snap: Snapshot, world: World) -> Iterable[Fact]:
    for short in ("legacy", "legacy2"):
        yield _container_fact(snap, world, short, "bridge")
    bridge = snap.network_by_name.get("bridge")
    if bridge is not None:
        yield Fact(not bridge.has_dns, "the default bridge has no embedded DNS: names do not resolve there")


def _facts_publish(snap: Snapshot, world: World) -> Iterable[Fact]:
    net = find_network(snap, world, "app_network")
    if net is not None:
        yield Fact(True, _net_line(snap, net))
    yield _container_fact(snap, world, "frontend", "app_network")
    c = find_container(snap, world, "frontend")
    ports = [p for p in (c.published_ports if c else ()) if p.container_port == 3000]
    if c is not None:
        if ports:
            p = ports[0]
            asked = world.frontend_port
            taken = f" (host port {asked} was taken: the engine picked {p.host_port})" if asked and p.host_port != asked else ""
            yield Fact(True, f"published: {p.host_address} → {c.name}:{p.container_side}{taken}")
        else:
            yield Fact(False, f"{c.name} publishes no port 3000")


def _facts_connect(snap: Snapshot, world: World) -> Iterable[Fact]:
    c = find_container(snap, world, "gateway")
    name = world.name("gateway")
    if c is None:
        yield Fact(False, f"{name} is not there")
        return
    for short in ("my_custom_network", "app_network"):
        net = find_network(snap, world, short)
        addr = _addr(c, net) if net else ""
        yield Fact(bool(addr), f"{name}: {addr} on {net.name}" if addr and net else f"{name} is not on {world.name(short)}")


def _facts_app(snap: Snapshot, world: World) -> Iterable[Fact]:
    yield _container_fact(snap, world, "backend", "app_network")
    c = find_container(snap, world, "backend")
    net = find_network(snap, world, "app_network")
    e = c.endpoint_on(net.id) if c and net else None
    if c is not None and e is not None and net is not None:
        names = dict.fromkeys((c.name, *e.names))
        yield Fact("api" in names, f"its names on {net.name}: {', '.join(names)}")
        yield Fact(not c.published_ports, "no port published: the host cannot reach it, containers on its network can"
                   if not c.published_ports else f"published: {', '.join(p.host_address for p in c.published_ports)}")


def _facts_compose(snap: Snapshot, world: World) -> Iterable[Fact]:
    project = world.name(COMPOSE_PROJECT_NAME)
    net = snap.network_by_name.get(f"{project}_default")
    if net is None:
        yield Fact(False, f"{project}_default is not there")
        return
    yield Fact(True, _net_line(snap, net) + f" (the default network of compose project {project})")
    for service in COMPOSE_SERVICES:
        c = find_container(snap, world, f"{COMPOSE_PROJECT_NAME}/{service}")
        if c is None:
            yield Fact(False, f"service {service} is not up")
            continue
        nets = [n.name for n in snap.networks_of(c)]
        yield Fact(c.running, f"service {service}: container {c.name}, {c.state}, on {', '.join(nets) or 'no network'}")


def _facts_isolation(snap: Snapshot, world: World) -> Iterable[Fact]:
    yield _container_fact(snap, world, "loner", "isolated_network")
    a, b = find_container(snap, world, "container1"), find_container(snap, world, "loner")
    if a is not None and b is not None:
        shared = {n.id for n in snap.networks_of(a)} & {n.id for n in snap.networks_of(b)}
        yield Fact(not shared, f"{a.name} and {b.name} share no network" if not shared
                   else f"{a.name} and {b.name} share a network: not isolated")


def _facts_aliases(snap: Snapshot, world: World) -> Iterable[Fact]:
    net = find_network(snap, world, "app_network")
    holders = []
    for short in ("backend", "backend2"):
        c = find_container(snap, world, short)
        e = c.endpoint_on(net.id) if c is not None and net is not None else None
        if c is not None and e is not None and "api" in e.names and e.ipv4:
            holders.append(f"{c.name} ({e.ipv4})")
    yield Fact(len(holders) == 2, f"api on {world.name('app_network')}: " + (", ".join(holders) or "nobody"))


def _facts_cleanup(snap: Snapshot, world: World) -> Iterable[Fact]:
    left = leftovers(snap, world)
    yield Fact(not left, "nothing of the tour is left" if not left else f"the tour's on the engine: {', '.join(left)}")


_FACTS: dict[str, Callable[[Snapshot, World], Iterable[Fact]]] = {
    "drivers": _facts_drivers, "custom": _facts_custom, "containers": _facts_containers, "by-name": _facts_by_name,
    "default-bridge": _facts_default_bridge, "publish": _facts_publish, "connect": _facts_connect, "app": _facts_app,
    "compose": _facts_compose, "isolation": _facts_isolation, "aliases": _facts_aliases, "cleanup": _facts_cleanup,
}


# -- cleaning up -------------------------------------------------------------------------------------
def tour_names(world: World) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The engine names of every container and network the tour makes."""
    conts = [world.name(r.short) for s in STEPS for r in s.makes if isinstance(r, ContainerRes)]
    nets = [world.name(r.short) for s in STEPS for r in s.makes if isinstance(r, NetworkRes)]
    nets.append(f"{world.name(COMPOSE_PROJECT_NAME)}_default")
    return tuple(dict.fromkeys(conts)), tuple(dict.fromkeys(nets))


def leftovers(snap: Snapshot, world: World) -> list[str]:
    """The tour's resources (its names, its label) still on the engine."""
    conts, nets = tour_names(world)
    project = world.name(COMPOSE_PROJECT_NAME)
    out = [c.name for c in snap.containers if world.ours(c) and (c.name in conts or c.compose_project == project)]
    out += [n.name for n in snap.networks if world.ours(n) and n.name in nets]
    return out


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


# -- judging measured checks --------------------------------------------------------------------------
def probe_target(check: ProbeCheck, world: World) -> str:
    host = check.target if check.literal_target else world.name(check.target)
    return f"{host}:{check.port}" if check.port else host


EXPECTED = {
    "by-name": "reachable by name",
    "by-ip-only": "reachable by IP only",
    "isolated": "isolated (no shared network)",
}


def judge(check: ProbeCheck, result: ProbeResult, snap: Snapshot, world: World) -> Outcome:
    """Whether a probe's result is what the step teaches, in a line."""
    verdict = result.verdict
    ok = verdict == EXPECTED[check.expect]
    shown = [c for c in result.checks if not (c.kind == "tcp" and c.status == SKIPPED and check.port is None)]
    text = f"{result.source} → {result.target}: {verdict}"
    if check.addresses_of:
        dns = next((c for c in result.checks if c.kind == "dns"), None)
        got = set(parse_nslookup(dns.output)) if dns is not None and dns.status == OK else set()
        net = find_network(snap, world, "app_network")
        want = {}
        for short in check.addresses_of:
            c = find_container(snap, world, short)
            e = c.endpoint_on(net.id) if c is not None and net is not None else None
            want[world.name(short)] = e.ipv4 if e is not None else ""
        have = [f"{n} ({ip})" for n, ip in want.items() if ip and ip in got]
        lacking = [n for n, ip in want.items() if not ip or ip not in got]
        ok = ok and not lacking
        text += f"; {check.target} → {', '.join(have) or 'none of them'}"
        if lacking:
            text += f" (not {', '.join(lacking)})"
    if check.why:
        text += f" ({check.why})"
    if not ok:
        text += f"; expected: {EXPECTED[check.expect]}"
    target = result.target.rsplit(":", 1)[0] if check.port else result.target
    return Outcome(ok, text, tuple(f"{c.kind} {c.status}: {c.summary}" for c in shown),
                   tuple(c.command for c in shown if c.command), (result.source, target, verdict))


NAMESERVER_RE = re.compile(r"^\s*nameserver\s+(\S+)", re.M)


def judge_resolver(check: ResolverCheck, world: World, resolv_conf: str, command: str) -> Outcome:
    """Which DNS server the container asks, from its /etc/resolv.conf."""
    name = world.name(check.container)
    servers = NAMESERVER_RE.findall(resolv_conf)
    embedded = bool(servers) and all(s == EMBEDDED_DNS for s in servers)
    if not servers:
        return Outcome(False, f"{name}'s /etc/resolv.conf names no DNS server", commands=(command,))
    if embedded:
        text = f"{name} asks Docker's embedded DNS server ({EMBEDDED_DNS}): it knows the containers on its networks"
    else:
        text = (f"{name} asks {', '.join(servers)} (copied from the host), not Docker's embedded DNS server "
                f"({EMBEDDED_DNS}): no container names there")
    return Outcome(embedded == check.embedded, text, commands=(command,))


def judge_embedded_dns(check: EmbeddedDnsCheck, world: World, code: int, output: str, command: str) -> Outcome:
    """What Docker's embedded DNS server answered for the name (or that none answered)."""
    source, target = world.name(check.source), world.name(check.target)
    status, summary = dns_verdict(code, output, target)
    answered = status == OK
    last = next((line.strip() for line in reversed(output.splitlines()) if line.strip()), f"exit {code}")
    if answered:
        text = f"{source} asks {EMBEDDED_DNS} for {target}: {summary}"
    else:
        text = f"{source} asks {EMBEDDED_DNS} for {target}: no answer, no embedded DNS server there"
    if answered != check.resolves:
        text += f"; expected: {'an answer' if check.resolves else 'none'}"
    return Outcome(answered == check.resolves, text, (f"nslookup said: {last}",), (command,))


def judge_host_port(result: ProbeResult) -> Outcome:
    c = result.checks[0] if result.checks else None
    ok = c is not None and c.status == OK
    text = f"host → {result.target}: " + (c.summary if c is not None else "not checked")
    return Outcome(ok, text, commands=(c.command,) if c is not None and c.command else ())
