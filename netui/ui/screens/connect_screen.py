"""`c`: connect a container to the highlighted network, picked with a fuzzy filter."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from netui.engine.actions import ConnectSpec, FieldError, cannot_join, static_ip_support, validate_connect
from netui.engine.model import Container, Network, Snapshot
from netui.text import clean
from netui.ui.screens.form_screen import FormScreen


def fuzzy(query: str, text: str) -> bool:
    """Every character of the query, in order, somewhere in the text."""
    it = iter(text.casefold())
    return all(ch in it for ch in query.casefold() if not ch.isspace())


class ConnectScreen(FormScreen):
    TITLE = "Connect a container"
    VERB = "Connect"
    KIND = "connect"

    def __init__(self, snapshot: Snapshot, network: Network, preselect: str = "") -> None:
        super().__init__(snapshot)
        self.network = network
        self.chosen = preselect

    def intro(self) -> Text:
        t = Text("to network ", style="dim")
        t.append(clean(self.network.name), style="bold")
        if self.network.is_default_bridge:
            t.append("  (default bridge: no aliases, no name resolution)", style="yellow")
        return t

    def candidates(self) -> list[Container]:
        """Containers that could join: not on this network, not host/none/container mode."""
        out = []
        for c in self.snapshot.containers:
            if c.endpoint_on(self.network.id) is None and not cannot_join(c):
                out.append(c)
        return out

    def compose_fields(self) -> ComposeResult:
        yield from self.field("search", "Find", Input(placeholder="type to filter containers", id="f-search"))
        yield OptionList(id="f-container-list")
        yield from self.field("container", "Container", Input(value=self.chosen, id="f-container", disabled=True))
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
        self._fill_list("")
        super().on_mount()

    def _fill_list(self, query: str) -> None:
        ol = self.query_one("#f-container-list", OptionList)
        ol.clear_options()
        shown = [c for c in self.candidates() if fuzzy(query, c.name)]
        for c in shown:
            label = Text(clean(c.name, 40), style="bold")
            nets = [n.name for n in self.snapshot.networks_of(c)]
            label.append("  " + (("on " + clean(", ".join(nets), 50)) if nets else "on no network"), style="dim")
            if not c.running:
                label.append(f"  ({clean(c.state)})", style="yellow")
            ol.add_option(Option(label, id=c.id))
        if not shown:
            ol.add_option(Option(Text("no container can join (all are on it, or use host/none/another's stack)"
                                      if not query else "no match", style="dim"), disabled=True))
        else:
            ol.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "f-search":
            self._fill_list(event.value)
            ol = self.query_one("#f-container-list", OptionList)
            if ol.highlighted is not None:
                self._choose(ol.get_option_at_index(ol.highlighted).id)
        super().on_input_changed(event)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._choose(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)
        self.query_one("#f-aliases", Input).focus()

    def _choose(self, cid: str | None) -> None:
        c = self.snapshot.container_by_id.get(cid or "")
        if c is not None:
            self.chosen = c.name
            self.query_one("#f-container", Input).value = c.name

    def on_key(self, event) -> None:
        # Up/down in the search box move through the list.
        if self.focused is not None and self.focused.id == "f-search" and event.key in ("up", "down"):
            ol = self.query_one("#f-container-list", OptionList)
            (ol.action_cursor_down if event.key == "down" else ol.action_cursor_up)()
            event.stop()

    def spec(self) -> ConnectSpec:
        return ConnectSpec(
            network=self.network.name,
            network_id=self.network.id,
            container=self.chosen,
            aliases=self.value("aliases"),
            ipv4=self.value("ipv4"),
            ipv6=self.value("ipv6"),
        )

    def validate(self, spec: ConnectSpec) -> list[FieldError]:
        return validate_connect(spec, self.snapshot)
