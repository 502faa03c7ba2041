"""What the confirmations say: disconnect, remove, prune.

Each builder is called with the snapshot on screen when the dialog opens and again
with every later one, so an open confirmation follows live changes: it re-lists what
will change and says what changed since it opened. The spec a button sends is the
one built from the latest snapshot; the engine layer re-checks it right before
each call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from netui.engine.model import Snapshot
from netui.engine.query import Query, visible_networks
from netui.engine.specs import DisconnectSpec, PruneSpec, RemoveSpec
from netui.engine.validation import protected_reason, prune_candidates, validate_disconnect
from netui.text import clean


@dataclass(frozen=True)
class Choice:
    """A button: its label and the spec it sends; extra commands run before the spec's."""

    label: str
    spec: Any
    variant: str = "error"
    extra_commands: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Confirmation:
    title: str
    body: Text
    choice: Choice | None = None  # None: nothing to confirm (see gone)
    gone: str = ""  # why there is nothing to confirm any more (the subject is gone)
    changed: str = ""  # what changed since the dialog opened
    force_option: str = ""


Builder = Callable[[Snapshot], Confirmation]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def disconnect(snapshot: Snapshot, network_id: str, container_id: str) -> Builder:
    first_net = snapshot.network_by_id.get(network_id)
    first_c = snapshot.container_by_id.get(container_id)
    net_name = first_net.name if first_net else network_id[:12]
    c_name = first_c.name if first_c else container_id[:12]
    title = "Disconnect a container"

    def build(snap: Snapshot) -> Confirmation:
        net = snap.network_by_id.get(network_id)
        c = snap.container_by_id.get(container_id)
        if net is None:
            return Confirmation(title, Text(""), gone=_network_gone(snap, net_name))
        if c is None:
            return Confirmation(title, Text(""), gone=f"container {clean(c_name)} was removed while this dialog was open")
        spec = DisconnectSpec(net.name, c.name, network_id=net.id, container_id=c.id)
        errors = validate_disconnect(spec, snap)
        if errors:
            return Confirmation(title, Text(""), gone=errors[0].message)
        body = Text.assemble("Disconnect ", (clean(c.name), "bold"), " from ", (clean(net.name), "bold"), "?\n\n",
                             ("It loses its address on this network" + (" and its names there" if net.has_dns else "") + "; "
                              "its other networks are untouched.", "dim"))
        changed = f"renamed from {c_name}" if c.name != c_name else ""
        return Confirmation(title, body, Choice("Disconnect", spec), changed=changed,
                            force_option="force (also for a stale endpoint: \"has active endpoints\")")

    return build


def _network_gone(snap: Snapshot, name: str) -> str:
    if name in snap.network_by_name:
        return f"network {clean(name)} was removed and re-created while this dialog was open: close it and pick the new one"
    return f"network {clean(name)} was removed while this dialog was open"


def remove_network(snapshot: Snapshot, network_id: str) -> Builder | str:
    """The confirmation for `d`, or why the network cannot be removed."""
    first = snapshot.network_by_id.get(network_id)
    if first is None:
        return "Highlight a network first"
    why = protected_reason(first)
    if why:
        return why
    attached_at_open = {m.container.id: m.container.name for m in snapshot.members(network_id) if m.endpoint is not None}
    title = "Remove a network"

    def build(snap: Snapshot) -> Confirmation:
        net = snap.network_by_id.get(network_id)
        if net is None:
            return Confirmation(title, Text(""), gone=_network_gone(snap, first.name))
        # Stopped and created containers count: Docker removes a network they refer to,
        # and they then cannot start.
        everyone = [m.container for m in snap.members(net.id) if m.endpoint is not None]
        ids = {c.id for c in everyone}
        joined = [c.name for c in everyone if c.id not in attached_at_open]
        left = [name for cid, name in attached_at_open.items() if cid not in ids]
        notes = []
        if joined:
            notes.append(f"{', '.join(joined)} joined")
        if left:
            notes.append(f"{', '.join(left)} left")
        changed = "; ".join(notes)
        if not everyone:
            body = Text.assemble("Remove network ", (clean(net.name), "bold"), "?\n\n", ("No container uses it.", "dim"))
            return Confirmation(title, body, Choice("Remove", RemoveSpec(net.name, network_id=net.id)), changed=changed)
        body = Text.assemble("Network ", (clean(net.name), "bold"), f" is used by {_plural(len(everyone), 'container')}:\n")
        for c in everyone:
            body.append(f"  • {clean(c.name)}")
            body.append(f"  {clean(c.state)}\n", style="dim")
        body.append("\nDocker refuses to remove a network with endpoints. netui can disconnect them all first "
                    "(the containers keep running and keep their other networks).", style="dim")
        spec = RemoveSpec(net.name, tuple(c.name for c in everyone), network_id=net.id)
        return Confirmation(title, body, Choice("Disconnect all, then remove", spec,
                                                extra_commands=tuple(tuple(a) for a in spec.all_argv()[:-1])), changed=changed)

    return build


def prune(snapshot: Snapshot, query: Query) -> Builder | str:
    """The confirmation for `P`: exactly the unused user networks shown now (the filter's,
    when one is on), or why there is nothing to prune."""
    gone = prune_candidates(snapshot)
    scope = ""
    if query:
        visible = {n.id for n in visible_networks(snapshot, query)}
        gone = tuple(n for n in gone if n.id in visible)
        scope = f" matching the filter {clean(query.text)!r}"
    if not gone:
        return f"No unused user networks{scope}: nothing to prune"
    at_open = {n.id: n.name for n in gone}
    title = "Prune unused networks"

    def build(snap: Snapshot) -> Confirmation:
        unused = {n.id for n in prune_candidates(snap)}
        now = [snap.network_by_id[i] for i in at_open if i in unused]
        notes = []
        for nid, name in at_open.items():
            if nid in unused:
                continue
            if nid not in snap.network_by_id:
                notes.append(f"{name} is already gone")
            else:
                users = [c.name for c in snap.containers if c.endpoint_on(nid) is not None]
                notes.append(f"{name} is now used by {', '.join(users) or 'a container'}: left out")
        changed = "; ".join(notes)
        if not now:
            return Confirmation(title, Text(""), gone="none of these networks is unused any more: nothing to prune", changed=changed)
        lead = (f"This user network{scope} has" if len(now) == 1 else f"These {_plural(len(now), 'user network')}{scope} have")
        body = Text(f"{lead} no container (running or stopped) and would go:\n\n")
        for n in now:
            body.append(f"  • {clean(n.name)}", style="bold")
            body.append(f"  {clean(n.driver)}  {clean(', '.join(n.subnets))}\n", style="dim")
        body.append("\nEach is checked again right before it is removed: one a container uses by then stays.", style="dim")
        spec = PruneSpec(tuple(n.name for n in now), tuple(n.id for n in now))
        return Confirmation(title, body, Choice(f"Remove {len(now)}", spec), changed=changed)

    return build
