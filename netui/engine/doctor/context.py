"""What the checks look at: the snapshot, the engine host's routes, and what more was read.

Built once per run; the indexes here are what makes a run over 1000 containers cheap
(each check is one pass over the snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from netui.engine.hostnet import HostNetworking
from netui.engine.model import Container, Network, Snapshot


@dataclass(frozen=True)
class NetworkEndpoint:
    """An endpoint as `docker network inspect` lists it (read only by `netui doctor --deep`)."""

    network_id: str
    container_id: str
    name: str  # the endpoint's container name as the network remembers it
    ipv4: str = ""


@dataclass
class Context:
    snapshot: Snapshot
    host: HostNetworking = field(default_factory=HostNetworking)
    # Every network's endpoints from `docker network inspect`; None when not read.
    network_endpoints: tuple[NetworkEndpoint, ...] | None = None

    # -- indexes ------------------------------------------------------------------
    @cached_property
    def user_networks(self) -> tuple[Network, ...]:
        return tuple(n for n in self.snapshot.networks if not n.builtin)

    @cached_property
    def default_bridge(self) -> Network | None:
        return next((n for n in self.snapshot.networks if n.is_default_bridge), None)

    @cached_property
    def networks_of(self) -> dict[str, tuple[Network, ...]]:
        """Container id -> the networks it really uses (through a shared stack)."""
        snap = self.snapshot
        return {c.id: snap.networks_of(c) for c in snap.containers}

    @cached_property
    def names_on(self) -> dict[tuple[str, str], frozenset[str]]:
        """(network id, container id) -> the names it answers to there (DNS networks only)."""
        out: dict[tuple[str, str], frozenset[str]] = {}
        snap = self.snapshot
        for n in snap.networks:
            if not n.has_dns:
                continue
            for m in snap.members(n.id):
                e = m.endpoint
                if e is None:
                    continue  # shares another's stack: the embedded DNS knows only the owner's names
                names = {m.container.name.lower(), *(x.lower() for x in e.names)}
                if m.container.compose_service:
                    names.add(m.container.compose_service.lower())  # compose's alias, also before an inspect
                out[(n.id, m.container.id)] = frozenset(names)
        return out

    @cached_property
    def by_dns_name(self) -> dict[str, list[tuple[Container, Network]]]:
        """A name (lowercase) -> every (container, network) where the embedded DNS answers it."""
        out: dict[str, list[tuple[Container, Network]]] = {}
        snap = self.snapshot
        for (nid, cid), names in self.names_on.items():
            c, n = snap.container_by_id.get(cid), snap.network_by_id.get(nid)
            if c is None or n is None:
                continue
            for name in names:
                out.setdefault(name, []).append((c, n))
        return out

    @cached_property
    def by_name(self) -> dict[str, Container]:
        """Containers by lowercase name."""
        return {c.name.lower(): c for c in self.snapshot.containers}

    def shared(self, a: Container, b: Container) -> tuple[Network, ...]:
        mine = {n.id for n in self.networks_of.get(a.id, ())}
        return tuple(n for n in self.networks_of.get(b.id, ()) if n.id in mine)

    def resolves(self, a: Container, b: Container, name: str) -> bool:
        """Whether `name` reaches b from a through the embedded DNS of a network they share."""
        low = name.lower()
        return any(low in self.names_on.get((n.id, b.id), ()) for n in self.shared(a, b) if n.has_dns)
