"""The topology map view: networks as boxes, containers on them, bridges between, ports at the host edge.

A Line API widget (ScrollView): the map is laid out and painted once per
change (`netui.map.render.picture`) and each frame only crops the rows on
screen, so moving and scrolling stay cheap at 40 networks / 400 containers.

Keys: arrows / hjkl move between nodes (by where they are on screen), Enter
opens the selected node (posts `NodeActivated`; on a network shown as a count
it expands it instead), space collapses/expands the selected network, f
focuses on the selected network and its neighbours, Esc undoes the focus (then
the filter) and otherwise lets the key go on to the screen.

Wiring (for the screen that owns it):
- `update_snapshot(snap)` on every new snapshot: updates in place, keeps the
  selected node (or, when it is gone, its network, or the node at its place).
- `set_filter(text)` / `set_focus(network_id | None)` / `show_probe(source,
  target, verdict)` / `clear_probes()`.
- messages: `NodeSelected` (the cursor moved: sync a details pane) and
  `NodeActivated` (Enter: open the node's details); both carry the node key,
  its kind and the model objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from netui.engine.model import Container, Network, Port, Snapshot
from netui.map.graph import ContainerNode, MapGraph, NetworkNode, PortNode, build, kind_of, network_key
from netui.map.layout import Options
from netui.map.render import PathMark, Picture, picture, probe_mark


@dataclass(frozen=True)
class MapNode:
    """What a node of the map is, as model objects (for the details pane)."""

    key: str
    kind: str  # network | container | port
    network: Network | None = None
    container: Container | None = None
    port: Port | None = None


class TopologyMap(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    TopologyMap {
        background: $surface;
        scrollbar-size: 1 1;
    }
    """

    BINDINGS = [
        Binding("up,k", "move('up')", "Up", show=False),
        Binding("down,j", "move('down')", "Down", show=False),
        Binding("left,h", "move('left')", "Left", show=False),
        Binding("right,l", "move('right')", "Right", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("enter", "activate", "Open", tooltip="open the selected node's details (expands a collapsed network)"),
        Binding("space", "toggle_fold", "Collapse/expand", tooltip="show the selected network as a count, or in full"),
        Binding("f", "focus_network", "Focus", tooltip="only the selected network and its neighbours (f again: everything)"),
        Binding("escape", "back", "Back", show=False),
    ]

    class _NodeMessage(Message):
        def __init__(self, topology_map: TopologyMap, node: MapNode) -> None:
            super().__init__()
            self.topology_map = topology_map
            self.node = node

        @property
        def control(self) -> TopologyMap:
            return self.topology_map

    class NodeSelected(_NodeMessage):
        """The selected node changed."""

    class NodeActivated(_NodeMessage):
        """Enter on a node: open its details."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.snapshot: Snapshot | None = None
        self.full_graph: MapGraph = MapGraph()
        self.graph: MapGraph = MapGraph()
        self.picture: Picture | None = None
        self.selected: str | None = None
        self.focus_key: str | None = None
        self.filter_text: str = ""
        self.marks: tuple[PathMark, ...] = ()
        self._probes: list[tuple[str, str, str]] = []
        self._expanded: set[str] = set()
        self._collapsed: set[str] = set()
        self._width = 0
        self._last_network: dict[str, str] = {}  # container key -> a network it was on (to land on when it goes)
        self._styles: dict[str, Style] = {}
        self.marked: frozenset[str] = frozenset()  # nodes drawn marked: the subjects of a doctor's finding

    # -- public API --------------------------------------------------------------------
    def update_snapshot(self, snap: Snapshot, title: str = "") -> None:
        """A new topology: redraw in place, keeping the selection, the focus and the filter."""
        if snap is self.snapshot and title == self.full_graph.title:
            return
        self.snapshot = snap
        self.full_graph = build(snap, title=title)
        if self.focus_key and self.focus_key not in self.full_graph.nodes:
            self.focus_key = None
        self._rebuild()

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip()
        self._rebuild()

    def set_focus(self, network_id: str | None) -> None:
        """Show one network and its neighbours only (None: everything)."""
        self.focus_key = network_key(network_id) if network_id else None
        self._rebuild()

    def show_probe(self, source: str, target: str, verdict: str) -> None:
        """Draw a probe's path (container names, or a target IP/alias) with its verdict; replaces earlier ones."""
        self._probes = [(source, target, verdict)]
        self._rebuild()

    def show_probes(self, results: list[tuple[str, str, str]]) -> None:
        """Several results at once (a matrix): each (source, target, verdict)."""
        self._probes = list(results)
        self._rebuild()

    def clear_probes(self) -> None:
        if self._probes:
            self._probes = []
            self._rebuild()

    def mark(self, keys: list[str] | tuple[str, ...] | frozenset[str]) -> None:
        """Draw these nodes marked (a finding's subjects); an empty list clears the marks."""
        marked = frozenset(keys)
        if marked != self.marked:
            self.marked = marked
            self.refresh()

    def select(self, key: str) -> bool:
        if self.picture is None or key not in self.picture.rects:
            return False
        if key != self.selected:
            self.selected = key
            self._remember(key)
            self.refresh()
            self.post_message(self.NodeSelected(self, self.node_info(key)))
        self._scroll_to_selected()
        return True

    def node_info(self, key: str) -> MapNode:
        node = self.full_graph.node(key)
        if isinstance(node, NetworkNode):
            return MapNode(key, "network", network=node.network)
        if isinstance(node, ContainerNode):
            return MapNode(key, "container", container=node.container)
        if isinstance(node, PortNode):
            owner = self.full_graph.node(node.container_key)
            return MapNode(key, "port", container=owner.container if isinstance(owner, ContainerNode) else None, port=node.port)
        return MapNode(key, kind_of(key))

    @property
    def collapsed(self) -> frozenset[str]:
        return self.picture.layout.collapsed if self.picture is not None else frozenset()

    def move(self, direction: str) -> None:
        if self.picture is None:
            return
        nxt = self._neighbour(direction)
        if nxt is not None:
            self.select(nxt)

    # -- drawing ----------------------------------------------------------------------
    def _view(self) -> MapGraph:
        g = self.full_graph
        if self.focus_key:
            g = g.focus(self.focus_key)
        if self.filter_text:
            g = g.matching(self.filter_text)
        return g

    def _rebuild(self) -> None:
        width = self._layout_width()
        self._width = width
        old = self.picture
        old_index = old.order.index(self.selected) if old is not None and self.selected in old.order else -1
        self.graph = self._view()
        self.marks = tuple(m for m in (probe_mark(self.graph, *p) for p in self._probes) if m is not None)
        options = Options(expanded=frozenset(self._expanded), collapsed=frozenset(self._collapsed))
        self.picture = picture(self.graph, width, options, self.marks)
        self.virtual_size = Size(self.picture.width, self.picture.height)
        self._styles = {}
        keep = self._still_there(old_index)
        if keep is not None and keep != self.selected:
            self.selected = keep
            self._remember(keep)
            self.post_message(self.NodeSelected(self, self.node_info(keep)))
        elif keep is None:
            self.selected = None
        self.refresh()
        if self.selected is not None and self.is_mounted:
            self.call_after_refresh(self._scroll_to_selected)

    def _still_there(self, old_index: int) -> str | None:
        pic = self.picture
        assert pic is not None
        if self.selected in pic.rects:
            return self.selected
        if not pic.order:
            return None
        if self.selected is not None:
            # A container that went away: the network it was on, if that is still shown.
            net = self._last_network.get(self.selected)
            if net in pic.rects:
                return net
            if old_index >= 0:
                return pic.order[min(old_index, len(pic.order) - 1)]
        return pic.order[0]

    def _remember(self, key: str) -> None:
        if kind_of(key) == "container":
            nets = self.graph.networks_of(key)
            if nets:
                self._last_network[key] = nets[0]

    def _layout_width(self) -> int:
        w = self.scrollable_content_region.width if self.is_mounted else 0
        return max(w or self.size.width or 80, 40)

    def on_resize(self) -> None:
        if self.snapshot is not None and self._layout_width() != self._width:
            self._rebuild()

    def render_line(self, y: int) -> Strip:
        pic = self.picture
        width = self.scrollable_content_region.width
        if pic is None:
            return Strip.blank(width, self.rich_style)
        sx, sy = self.scroll_offset
        row = sy + y
        hl = None
        if self.selected in pic.rects:
            x, ry, w = pic.rects[self.selected]
            if ry == row:
                hl = (x, x + w)
        marks = tuple((x, x + w) for k in self.marked if (r := pic.rects.get(k)) is not None
                      for x, ry, w in (r,) if ry == row)
        segs = pic.row(row, sx, width, hl, marks)
        return Strip(segs, width).apply_style(self.rich_style)

    def _scroll_to_selected(self) -> None:
        pic = self.picture
        if pic is None or self.selected not in pic.rects:
            return
        x, y, w = pic.rects[self.selected]
        # Keep some of what is around it in view: the box title above a chip, the port on its left.
        self.scroll_to_region(Region(max(x - 4, 0), max(y - 2, 0), w + 8, 5), animate=False, immediate=True)

    # -- moving -----------------------------------------------------------------------
    def _neighbour(self, direction: str) -> str | None:
        pic = self.picture
        assert pic is not None
        if self.selected not in pic.rects:
            return pic.order[0] if pic.order else None
        x, y, w = pic.rects[self.selected]
        cx = x + w / 2
        block = pic.layout.block_of.get(self.selected)
        best, best_score = None, None
        for key, (kx, ky, kw) in pic.rects.items():
            if key == self.selected:
                continue
            kcx = kx + kw / 2
            gap = max(kx - (x + w), x - (kx + kw), 0)  # columns between the two, 0 when they overlap
            # Up and down stay within a block (a network, its bridges and neighbours) while they can.
            other = 0 if pic.layout.block_of.get(key) == block else 10_000
            if direction == "down":
                if ky <= y:
                    continue
                score = other + (ky - y) * 6 + gap + abs(kx - x) * 0.05
            elif direction == "up":
                if ky >= y:
                    continue
                score = other + (y - ky) * 6 + gap + abs(kx - x) * 0.05
            elif direction == "right":
                if kcx <= cx or kx <= x:
                    continue
                score = abs(ky - y) * 40 + (kx - x)
            else:
                if kcx >= cx or kx >= x:
                    continue
                score = abs(ky - y) * 40 + (x - kx)
            if best_score is None or score < best_score:
                best, best_score = key, score
        return best

    # -- actions ----------------------------------------------------------------------
    def action_move(self, direction: str) -> None:
        self.move(direction)

    def action_first(self) -> None:
        if self.picture is not None and self.picture.order:
            self.select(self.picture.order[0])

    def action_last(self) -> None:
        if self.picture is not None and self.picture.order:
            self.select(self.picture.order[-1])

    def action_page(self, pages: int) -> None:
        pic = self.picture
        if pic is None or self.selected not in pic.rects:
            return
        x, y, _ = pic.rects[self.selected]
        target = y + pages * max(self.scrollable_content_region.height - 2, 1)
        best = min(pic.order, key=lambda k: (abs(pic.rects[k][1] - target), abs(pic.rects[k][0] - x)), default=None)
        if best is not None:
            self.select(best)

    def action_activate(self) -> None:
        key = self.selected
        if key is None:
            return
        if kind_of(key) == "network" and key in self.collapsed:
            self._expanded.add(key)
            self._collapsed.discard(key)
            self._rebuild()
            return
        self.post_message(self.NodeActivated(self, self.node_info(key)))

    def _network_of_selection(self) -> str | None:
        key = self.selected
        if key is None:
            return None
        if kind_of(key) == "network":
            return key
        if kind_of(key) == "port":
            node = self.graph.node(key)
            key = node.container_key if isinstance(node, PortNode) else key
        nets = self.graph.networks_of(key)
        return nets[0] if nets else None

    def action_toggle_fold(self) -> None:
        net = self._network_of_selection()
        if net is None:
            return
        if net in self.collapsed:
            self._expanded.add(net)
            self._collapsed.discard(net)
        else:
            self._collapsed.add(net)
            self._expanded.discard(net)
        if self.selected != net:
            self.selected = net
        self._rebuild()

    def action_focus_network(self) -> None:
        if self.focus_key is not None:
            self.focus_key = None
            self._rebuild()
            return
        net = self._network_of_selection()
        if net is not None:
            self.focus_key = net
            self._rebuild()

    def action_back(self) -> None:
        if self.focus_key is not None:
            self.focus_key = None
        elif self.filter_text:
            self.filter_text = ""
        self._rebuild()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            # Nothing to undo here: let Esc go on to the screen (leave the map view).
            return self.focus_key is not None or bool(self.filter_text)
        return True
