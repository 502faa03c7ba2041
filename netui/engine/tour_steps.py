"""The guided tour's steps as data (netui.engine.tour plans them, netui.engine.tour_checks
judges them): where the tour builds (`World`), the resources each step makes, the checks
that verify it, the twelve `STEPS`, and the names of everything the tour makes."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from netui.engine.compose_run import ComposeDownSpec, ComposeUpSpec
from netui.engine.container_specs import RemoveContainerSpec, StartSpec, UnpauseSpec
from netui.engine.demo import COMPOSE_NAME, COMPOSE_SERVICES, DEMO_LABEL, FRONTEND_PORT, SERVE
from netui.engine.image import LOCAL_IMAGE
from netui.engine.model import BUILTIN_NETWORKS, Container, Network, Snapshot
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


