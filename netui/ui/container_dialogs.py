"""What the container confirmations say (stop, restart, remove), as ConfirmScreen builders.

Like the builders in dialogs.py, each is called again with every snapshot while its
dialog is open: it re-lists what the container is attached to, says what changed
since it opened, and closes its button when the container is gone or the action no
longer applies. The spec the button sends is built from the latest snapshot.
"""

from __future__ import annotations

from rich.text import Text

from netui.engine.container_specs import (
    LIVE_STATES,
    ContainerSpec,
    RemoveContainerSpec,
    RestartSpec,
    StartSpec,
    StopSpec,
    spec_for,
)
from netui.engine.model import Container, Snapshot
from netui.text import clean
from netui.ui.dialogs import Builder, Choice, Confirmation

# Actions that end processes ask first; start, pause and unpause lose nothing and run at once.
CONFIRMED = (StopSpec, RestartSpec, RemoveContainerSpec)

TITLES = {StopSpec: "Stop a container", RestartSpec: "Restart a container", RemoveContainerSpec: "Remove a container",
          StartSpec: "Start a container"}
BUTTONS = {StopSpec: "Stop", RestartSpec: "Restart", StartSpec: "Start"}


def attachments(snap: Snapshot, c: Container) -> Text:
    """What a container is attached to: networks (address, names), published ports, stack sharers, compose."""
    out = Text()
    holder = snap.stack_holder(c) or c
    if c.mode == "container":
        out.append("  • shares the network stack of ")
        out.append(clean(holder.name if holder is not c else c.stack_owner[:12]), style="bold")
        out.append("\n")
    elif c.mode in ("host", "none"):
        out.append(f"  • --network {c.mode}\n")
    for e in c.endpoints if c.mode == "network" else ():
        net = snap.network_by_id.get(e.network_id)
        out.append("  • network ")
        out.append(clean(e.network_name), style="bold")
        addr = e.ipv4_cidr or e.ipv6_cidr
        out.append(f"  {clean(addr)}" if addr else "  (no address while stopped)", style="cyan" if addr else "dim")
        if net is not None and net.has_dns:
            names = [c.name] + [n for n in e.names if n != c.name and n != c.id[:12]]
            out.append(f"  names: {clean(', '.join(names))}", style="dim")
        out.append("\n")
    for p in c.published_ports:
        out.append("  • published ")
        out.append(clean(p.host_address), style="bold")
        out.append(f" → {clean(p.container_side)}\n")
    sharers = snap.stack_sharers(c.id)
    if sharers:
        out.append("  • its network stack is shared by ")
        out.append(clean(", ".join(s.name for s in sharers)), style="bold")
        out.append("\n")
    if not out.plain:
        out.append("  • no network, no published port\n", style="dim")
    return out


def _consequence(kind: type[ContainerSpec], snap: Snapshot, c: Container) -> Text:
    sharers = snap.stack_sharers(c.id)
    lines: list[str] = []
    if kind is StopSpec:
        lines.append("Its main process gets SIGTERM, then SIGKILL after 10 s. It stays on its networks but loses its "
                     "addresses: nothing reaches it until it starts again (it may get other addresses then).")
    elif kind is RestartSpec:
        lines.append("It is stopped (SIGTERM, SIGKILL after 10 s) and started again: its processes begin anew; "
                     "it usually keeps its addresses, which are assigned again at start.")
    elif kind is RemoveContainerSpec:
        if c.state in LIVE_STATES:
            lines.append(f"It is {c.state}: it is killed first (docker rm -f).")
        lines.append("The container and its writable layer are deleted; its networks, image and named volumes stay.")
    if sharers:
        lines.append(f"{', '.join(s.name for s in sharers)} share{'s' if len(sharers) == 1 else ''} its network stack: "
                     "left with loopback only.")
    if c.compose_project:
        lines.append(f"It is service {c.compose_service or '?'} of compose project {c.compose_project}: "
                     "`docker-compose up` there brings it back.")
    return Text("\n".join(clean(line) for line in lines), style="dim")


def container_action(snapshot: Snapshot, kind: type[ContainerSpec], container_id: str) -> Builder:
    """The confirmation of a stop, restart or remove (or any container action) of one container."""
    first = snapshot.container_by_id.get(container_id)
    name_at_open = first.name if first else container_id[:12]
    state_at_open = first.state if first else ""
    title = TITLES.get(kind, f"docker {kind.VERB}")

    last_name = [name_at_open]  # the name it had when last seen (it may be renamed, then removed)

    def build(snap: Snapshot) -> Confirmation:
        c = snap.container_by_id.get(container_id)
        if c is None:
            name = last_name[0]
            again = " (a container of that name exists now: it is another one)" if name in snap.container_by_name else ""
            was = f" (it was {clean(name_at_open)} when this dialog opened)" if name != name_at_open else ""
            return Confirmation(title, Text(""), gone=f"container {clean(name)} was removed while this dialog was open{was}{again}")
        last_name[0] = c.name
        spec = spec_for(kind, c, snap)
        why = spec.problem(c)
        notes = []
        if c.name != name_at_open:
            notes.append(f"renamed from {name_at_open}")
        if c.state != state_at_open:
            notes.append(f"it was {state_at_open or '?'}, it is {c.state or '?'} now")
        changed = "; ".join(notes)
        if why:
            return Confirmation(title, Text(""), gone=why, changed=changed)
        body = Text()
        body.append(f"{'Remove' if kind is RemoveContainerSpec else kind.VERB.capitalize()} ")
        body.append(clean(c.name), style="bold")
        body.append(f"?  ({clean(c.state)}, {clean(c.image)})\n\n", style="")
        body.append("Attached to:\n", style="bold")
        body.append_text(attachments(snap, c))
        body.append("\n")
        body.append_text(_consequence(kind, snap, c))
        label = BUTTONS.get(kind) or ("Kill and remove" if getattr(spec, "force", False) else "Remove")
        return Confirmation(title, body, Choice(label, spec), changed=changed)

    return build
