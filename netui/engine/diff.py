"""What changed between two snapshots, so a UI can update in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Hashable, Iterable, TypeVar

from netui.engine.model import Container, EngineInfo, Endpoint, Network, Port, Snapshot

T = TypeVar("T")


@dataclass(frozen=True)
class Changes(Generic[T]):
    added: tuple[T, ...] = ()
    removed: tuple[T, ...] = ()
    changed: tuple[tuple[T, T], ...] = ()  # (old, new)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


def _compare(old: Iterable[T], new: Iterable[T], key) -> Changes[T]:
    a = {key(x): x for x in old}
    b = {key(x): x for x in new}
    return Changes(
        added=tuple(v for k, v in b.items() if k not in a),
        removed=tuple(v for k, v in a.items() if k not in b),
        changed=tuple((a[k], v) for k, v in b.items() if k in a and a[k] != v),
    )


def _port_key(cp: tuple[Container, Port]) -> Hashable:
    c, p = cp
    return (c.id, p.container_port, p.protocol, p.host_ip, p.host_port)


@dataclass(frozen=True)
class SnapshotDiff:
    networks: Changes[Network]
    containers: Changes[Container]
    endpoints: Changes[Endpoint]
    ports: Changes[tuple[Container, Port]]
    engine: EngineInfo
    taken_at: float

    @property
    def empty(self) -> bool:
        return not (self.networks or self.containers)

    def summary(self) -> str:
        parts = []
        for label, ch in (("network", self.networks), ("container", self.containers), ("endpoint", self.endpoints)):
            if ch.added:
                parts.append(f"+{len(ch.added)} {label}{'s' if len(ch.added) != 1 else ''}")
            if ch.removed:
                parts.append(f"-{len(ch.removed)} {label}{'s' if len(ch.removed) != 1 else ''}")
            if ch.changed:
                parts.append(f"~{len(ch.changed)} {label}{'s' if len(ch.changed) != 1 else ''}")
        return ", ".join(parts) or "no change"


def diff(old: Snapshot, new: Snapshot) -> SnapshotDiff:
    return SnapshotDiff(
        networks=_compare(old.networks, new.networks, lambda n: n.id),
        containers=_compare(old.containers, new.containers, lambda c: c.id),
        endpoints=_compare(
            (e for c in old.containers for e in c.endpoints),
            (e for c in new.containers for e in c.endpoints),
            lambda e: e.key,
        ),
        ports=_compare(old.published_ports(), new.published_ports(), _port_key),
        engine=new.engine,
        taken_at=new.taken_at,
    )


def apply(old: Snapshot, d: SnapshotDiff) -> Snapshot:
    """The snapshot `d` leads to from `old`: apply(old, diff(old, new)) == new."""

    def patch(items, ch: Changes, key):
        out = {key(x): x for x in items}
        for x in ch.removed:
            out.pop(key(x), None)
        for _, x in ch.changed:
            out[key(x)] = x
        for x in ch.added:
            out[key(x)] = x
        return out.values()

    return Snapshot.build(
        patch(old.networks, d.networks, lambda n: n.id),
        patch(old.containers, d.containers, lambda c: c.id),
        engine=d.engine,
        taken_at=d.taken_at,
    )
