"""The containers pane: the containers on the highlighted network.

On a swarm-scoped network the engine's containers there are followed by what runs on
other nodes (tasks, attached containers) and the network's own endpoints; on
docker_gwbridge by the gateway interfaces the containers' own network lists leave out
(netui.engine.swarm.extra_rows)."""

from __future__ import annotations

from functools import partial
from itertools import chain

from rich.text import Text
from textual.binding import Binding

from netui.engine.model import Member, Network, Snapshot
from netui.engine.swarm import ExtraRow
from netui.text import clean
from netui.ui.cells import cell, joined, note, state_cell
from netui.ui.widgets.keyed_table import Column, KeyedTable, ip_sort


class ContainersTable(KeyedTable):
    COLUMNS = (
        Column("name", "Container"),
        Column("state", "State"),
        Column("ipv4", "IPv4", ip_sort),
        Column("ipv6", "IPv6", ip_sort),
        Column("mac", "MAC"),
        Column("names", "DNS names / aliases"),
        Column("others", "Also on"),
        Column("compose", "Compose"),
    )

    BINDINGS = [
        Binding("enter", "drill", "Details", tooltip="everything about this container: endpoints, ports, labels"),
        Binding("c", "screen.connect_container", "Connect", tooltip="connect another container to this network"),
        Binding("x", "screen.disconnect_container", "Disconnect", tooltip="disconnect this container from this network (asks first)"),
        Binding("R", "screen.run_container", "Run here", show=False, tooltip="run a new container on this network"),
        Binding("t", "screen.probe_container", "Test", tooltip="test connectivity from this container: DNS, ping, TCP"),
        Binding("a", "screen.container_actions", "Actions", tooltip="every action on this container, with its docker command"),
        Binding("l", "screen.container_logs", "Logs", tooltip="its logs: the last 1000 lines, then live (docker logs --follow)"),
        Binding("dollar_sign", "screen.container_shell", "Shell", show=False,
                tooltip="a shell in it (docker exec -it … sh); netui waits until you exit it"),
        Binding("o", "screen.toggle_running", "Stop/start", show=False,
                tooltip="stop it when it runs (asks first), start it when it is stopped"),
        Binding("O", "screen.restart_container", "Restart", show=False, tooltip="restart it: off and on again (asks first)"),
        Binding("p", "screen.toggle_pause", "Pause", show=False, tooltip="pause it (freeze its processes), or unpause it"),
        Binding("d", "screen.remove_container", "Remove", show=False,
                tooltip="remove it (asks first, listing what it is attached to)"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.network_id: str | None = None

    def action_drill(self) -> None:
        self.screen.action_focus_pane("details")  # type: ignore[attr-defined]

    @staticmethod
    def row(snap: Snapshot, net: Network, m: Member) -> tuple[Text, ...]:
        c, e = m.container, m.endpoint
        others = [n.name for n in snap.networks_of(c) if n.id != net.id]
        name = cell(c.name, "bold")
        if others:
            name.append(" ⇄", style="bold magenta")  # on more than one network: a bridge between them
        if m.via is not None:
            via = note(f"shares {m.via.name}'s stack")
            return (name, state_cell(c.state), via, Text(""), Text(""), note("as " + m.via.name), joined(others), _compose_cell(c))
        assert e is not None
        if net.driver == "host":
            ipv4 = note("host's own stack")
        elif net.driver == "null":
            ipv4 = note("loopback only")
        elif e.ipv4:
            ipv4 = cell(e.ipv4_cidr)
        else:
            ipv4 = note("— (not running)" if not c.running else "—")
        if not net.has_dns:
            names = note("no DNS here" if net.is_default_bridge else "—")
        else:
            names = joined(_names(c.name, e.names))
        return (name, state_cell(c.state), ipv4, cell(e.ipv6_cidr), cell(e.mac), names, joined(others), _compose_cell(c))

    @staticmethod
    def extra_row(snap: Snapshot, net: Network, r: ExtraRow) -> tuple[Text, ...]:
        if r.kind == "gateway":
            c = snap.container_by_id.get(r.container_id)
            name = cell(c.name if c else r.name, "bold" if c else "italic dim")
            others = [n.name for n in snap.networks_of(c)] if c else []
            return (name, state_cell(c.state) if c else note(""), cell(r.ip), Text(""), cell(r.mac), note(r.name + ": its way out"),
                    joined(others))
        if r.kind == "special":
            return (note(r.name), note(""), cell(r.ip), Text(""), cell(r.mac), note(r.note), Text(""))
        name = cell(r.name, "bold")
        name.append(f" @{clean(r.node, 30)}", style="magenta")
        names = joined([r.service, f"tasks.{r.service}"]) if r.service else cell(r.name)
        where = note("this node: no container yet") if r.kind == "local-task" else note(f"on {r.node}: another node")
        return (name, state_cell(r.state) if r.state else note("?"), cell(r.ip), Text(""), note("—"), names, where)

    def show(self, snap: Snapshot, net: Network | None, members: tuple[Member, ...], flash: bool = True,
             extras: tuple[ExtraRow, ...] = ()) -> None:
        self.network_id = net.id if net is not None else None
        self.set_scope(self.network_id)
        if net is None:
            self.sync({}, flash=False)
            self.set_titles("Containers", "")
            return
        # What a row reads: its container's name, state and labels (not the status text,
        # "Up 5 minutes", which changes on every resync), its endpoint, the stack holder
        # whose endpoints name the other networks, this network's kind, and the networks'
        # names, as one object that stays the same while they are unchanged.
        names = self.interned("names", tuple((n.id, n.name) for n in snap.networks))
        look = (net.id, net.driver, net.has_dns, net.is_default_bridge, names)

        def ident(m: Member) -> object:
            c, holder = m.container, m.via or m.container
            return (c.name, c.state, c.labels, m.endpoint, holder.name, holder.endpoints, look)

        def extra_ident(r: ExtraRow) -> object:
            c = snap.container_by_id.get(r.container_id) if r.kind == "gateway" else None
            return (r, c, tuple(n.name for n in snap.networks_of(c)) if c else ())

        # One call for both kinds of row: the cache keeps what one call shows.
        self.sync(self.cached_rows(chain(
            ((m.key, ident(m), partial(self.row, snap, net, m)) for m in members),
            ((r.key, extra_ident(r), partial(self.extra_row, snap, net, r)) for r in extras),
        )), flash=flash)
        total = len(snap.members(net.id))
        shown = f"{len(members)}" if len(members) == total else f"{len(members)} of {total}"
        remote = sum(1 for r in extras if r.kind.startswith("remote"))
        more = f" + {remote} on other nodes" if remote else ""
        self.set_titles(Text.assemble("Containers on ", (clean(net.name, 60), "bold"), f" ({shown}{more})"), _explain(net))


def _compose_cell(c) -> Text:
    """project · service, for a container compose made."""
    if not c.compose_project:
        return Text("")
    return cell(f"{c.compose_project} · {c.compose_service or '?'}", "magenta")


def _names(container_name: str, names: tuple[str, ...]) -> list[str]:
    """The container's own name first (it always resolves on a user-defined network), then the rest."""
    out = [container_name]
    out += [n for n in names if n != container_name]
    return out


def _explain(net: Network) -> str:
    if net.driver == "host":
        return "host network: containers use the host's own interfaces"
    if net.driver == "null":
        return "none: no network, loopback only"
    if net.is_default_bridge:
        return "default bridge: reach by IP only, names do not resolve"
    if net.internal:
        return "internal: no route outside this network"
    if net.ingress:
        return "ingress: the routing mesh; published service ports enter here on every node"
    if net.scope == "swarm" and net.driver == "overlay":
        return "overlay: spans the swarm's nodes; @node rows run elsewhere"
    if net.name == "docker_gwbridge":
        return "docker_gwbridge: each overlay container's way out (its gateway interface)"
    return ""
