"""`c`: connect a container to the highlighted network, picked with a fuzzy filter.

What is selected is exactly what the list highlights: typing moves the highlight
to the best match, and when nothing matches nothing is selected, Connect is
disabled and the command preview says so. The list follows live changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.fuzzy import FuzzySearch
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from netui.engine.model import Container, Network, Snapshot
from netui.engine.network_checks import static_ip_support
from netui.engine.specs import ConnectSpec, FieldError
from netui.engine.validation import cannot_join, validate_connect
from netui.text import clean
from netui.ui.screens.form_screen import FormScreen

_SEARCH = FuzzySearch()


def ranked(query: str, containers: list[Container]) -> list[tuple[Container, Sequence[int]]]:
    """The containers whose name matches the query, best first, with the matched offsets."""
    query = "".join(query.split())
    if not query:
        return [(c, ()) for c in containers]
    scored = []
    for c in containers:
        score, offsets = _SEARCH.match(query, c.name)
        if score > 0:
            scored.append((-score, c.name, c, offsets))
    scored.sort(key=lambda x: (x[0], x[1]))
    return [(c, offsets) for _, _, c, offsets in scored]


class ConnectScreen(FormScreen):
    TITLE = "Connect a container"
    VERB = "Connect"

    def __init__(self, snapshot: Snapshot, network: Network) -> None:
        super().__init__(snapshot)
        self.network = network
        self.chosen: Container | None = None
        self.notice = ""  # why the selection was dropped by a live change
        self._listed: tuple[str, tuple[tuple[object, ...], ...]] | None = None  # what the list shows now

    def intro(self) -> Text:
        t = Text("to network ", style="dim")
        t.append(clean(self.network.name), style="bold")
        if self.network.is_default_bridge:
            t.append("  (default bridge: no aliases, no name resolution)", style="yellow")
        return t

    def candidates(self) -> list[Container]:
        """Containers that could join: not on this network, not host/none/container mode."""
        return [c for c in self.snapshot.containers if c.endpoint_on(self.network.id) is None and not cannot_join(c)]

    def compose_fields(self) -> ComposeResult:
        yield from self.field("search", "Find", Input(placeholder="type to filter containers", id="f-search"))
        yield OptionList(id="f-container-list")
        yield from self.field("container", "Container", Static(id="f-container"))
        yield from self.field("aliases", "Aliases", Input(placeholder="db, cache (other names on this network)", id="f-aliases"))
        # A static address only where Docker can take one; otherwise the field is off and says why.
        pools = self.snapshot.engine.address_pools
        for name, label, version, placeholder in (
            ("ipv4", "IPv4", 4, "static address inside " + (", ".join(s for s in self.network.subnets if ":" not in s) or "the subnet")),
            ("ipv6", "IPv6", 6, "static IPv6 (optional)"),
        ):
            verdict, why = static_ip_support(self.network, version, pools)
            hint = ""
            if verdict == "no":
                no_subnet = why.endswith(f"has no IPv{version} subnet")
                placeholder = f"no IPv{version} subnet on this network" if no_subnet else "not on this network"
                hint = why if version == 4 and not no_subnet else ""  # said once, on the IPv4 line
            elif verdict == "unsure" and version == 4:
                hint = "may be refused: netui cannot tell whether this subnet was given with --subnet"
            field = Input(placeholder=placeholder, id=f"f-{name}", disabled=verdict == "no")
            yield from self.field(name, label, field, hint=hint)

    def on_mount(self) -> None:
        self._fill_list("open")
        super().on_mount()

    def _fill_list(self, why: str) -> None:
        """The list for the current query; the selection follows its highlight.

        `why`: "open" (nothing selected yet), "query" (the best match is selected) or
        "update" (a live change: the same container stays selected if it still can
        join; otherwise nothing is, never another one)."""
        ol = self.query_one("#f-container-list", OptionList)
        query = self.value("search")
        keep = self.chosen.id if self.chosen is not None else None
        shown = ranked(query, self.candidates())
        # What the list shows: rebuilt only when it differs (a live update on a large
        # engine usually changes nothing here), and in one go (one layout, not one per row).
        rows = tuple((c.id, c.name, c.state, tuple(offsets), tuple(n.name for n in self.snapshot.networks_of(c)))
                     for c, offsets in shown)
        if (query.strip(), rows) != self._listed:
            self._listed = (query.strip(), rows)
            options = [Option(self._label(name, state, offsets, nets), id=cid) for cid, name, state, offsets, nets in rows]
            if not options:
                options = [Option(Text("no container can join (all are on it, or use host/none/another's stack)"
                                       if not query.strip() else "no match", style="dim"), disabled=True)]
            ol.set_options(options)
        if not shown:
            self._choose(None)
            return
        ids = [c.id for c, _ in shown]
        if why == "query" and query.strip():
            index: int | None = 0
        elif keep in ids:
            index = ids.index(keep)
        else:
            index = None
        ol.highlighted = index
        self._choose(ids[index] if index is not None else None)

    @staticmethod
    def _label(name: str, state: str, offsets: tuple[int, ...], nets: tuple[str, ...]) -> Text:
        label = Text(clean(name, 40), style="bold")
        for i in offsets:
            if i < 39:
                label.stylize("reverse", i, i + 1)
        label.append("  " + (("on " + clean(", ".join(nets), 50)) if nets else "on no network"), style="dim")
        if state != "running":
            label.append(f"  ({clean(state)})", style="yellow")
        return label

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "f-search":
            self._fill_list("query")
        super().on_input_changed(event)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._choose(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)
        self.query_one("#f-aliases", Input).focus()

    def _choose(self, cid: str | None) -> None:
        self.chosen = self.snapshot.container_by_id.get(cid or "")
        box = self.query_one("#f-container", Static)
        if self.chosen is None:
            box.update(Text(self.notice or "none selected: type a name, or ↓ to pick", style="yellow" if self.notice else "dim italic"))
        else:
            self.notice = ""
            box.update(Text(clean(self.chosen.name), style="bold"))
        if self.is_mounted:
            self.refresh_form()

    def on_key(self, event) -> None:
        # Up/down in the search box move through the list.
        if self.focused is not None and self.focused.id == "f-search" and event.key in ("up", "down"):
            ol = self.query_one("#f-container-list", OptionList)
            (ol.action_cursor_down if event.key == "down" else ol.action_cursor_up)()
            event.stop()

    def update_snapshot(self, snapshot: Snapshot) -> None:
        was = self.chosen
        self.snapshot = snapshot
        self._fill_list("update")
        if was is not None and self.chosen is None:
            self.notice = f"{clean(was.name)} can no longer be connected here (removed, or on it already): pick again"
            self._choose(None)
        super().update_snapshot(snapshot)

    def spec(self) -> ConnectSpec:
        c = self.chosen
        return ConnectSpec(
            network=self.network.name,
            network_id=self.network.id,
            container=c.name if c is not None else "",
            container_id=c.id if c is not None else "",
            aliases=self.value("aliases"),
            ipv4=self.value("ipv4"),
            ipv6=self.value("ipv6"),
        )

    def validate(self, spec: ConnectSpec) -> list[FieldError]:
        return validate_connect(spec, self.snapshot)

    def refresh_form(self) -> list[FieldError]:
        errors = super().refresh_form()
        # Nothing selected: nothing to connect, whatever else the form says.
        self.query_one("#submit").disabled = self.busy or self.chosen is None or (self.submitted and bool(errors))
        return errors
