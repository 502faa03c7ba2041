"""`n`: create a network, validated before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Checkbox, Input, Select

from netui.engine.hostnet import HostNetworking, read_host_networking
from netui.engine.model import EngineInfo, Snapshot
from netui.engine.network_checks import BRIDGE_OPTIONS
from netui.engine.specs import NetworkSpec
from netui.engine.validation import creatable_drivers, validate_network
from netui.text import clean
from netui.ui.screens.form_screen import FormScreen


@dataclass(frozen=True)
class NetworkCreated:
    """What the form returns: the explorer selects the network when it shows up."""

    created_network: str
    message: str


class LastItemSuggester(Suggester):
    """Completes the item being typed in a comma-separated list (e.g. driver options)."""

    def __init__(self, words: tuple[str, ...]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.words = words

    async def get_suggestion(self, value: str) -> str | None:
        head, sep, last = value.rpartition(",")
        stem = last.lstrip()
        if not stem or "=" in stem:
            return None
        for w in self.words:
            if w.startswith(stem) and w != stem:
                return f"{head}{sep}{last[: len(last) - len(stem)]}{w}="
        return None


class CreateNetworkScreen(FormScreen):
    TITLE = "Create a network"
    VERB = "Create"

    class HostRead(Message):
        def __init__(self, host: HostNetworking) -> None:
            super().__init__()
            self.host = host

    def __init__(self, snapshot: Snapshot, info: EngineInfo) -> None:
        super().__init__(snapshot)
        self.info = info
        self.drivers = creatable_drivers(info)
        self.host: HostNetworking | None = None  # the engine host's routes, once read

    def on_mount(self) -> None:
        super().on_mount()
        self._read_host()

    @work(thread=True, exclusive=True, group="host-networking", exit_on_error=False, description="read the host's routes")
    def _read_host(self) -> None:
        # Subnets are checked against the host's routes only when the engine runs here.
        self.post_message(self.HostRead(read_host_networking(self.info)))

    def on_create_network_screen_host_read(self, msg: HostRead) -> None:
        self.host = msg.host
        self.refresh_form()

    def intro(self) -> Text:
        return Text("A user-defined network: its containers find each other by name and are isolated from other networks.", style="dim")

    def compose_fields(self) -> ComposeResult:
        yield from self.field("name", "Name", Input(placeholder="my_custom_network", id="f-name"))
        yield from self.field(
            "driver", "Driver",
            Select([(Text(clean(d)), d) for d in self.drivers], value="bridge" if "bridge" in self.drivers else self.drivers[0],
                   allow_blank=False, id="f-driver"),
            hint=("overlay: spans the swarm's nodes (tick attachable for plain containers)" if "overlay" in self.drivers
                  else "overlay: on a swarm manager only (docker swarm init)"),
        )
        yield from self.field("subnet", "Subnet", Input(placeholder="10.42.0.0/24 (empty: the engine picks)", id="f-subnet"))
        yield from self.field("gateway", "Gateway", Input(placeholder="10.42.0.1 (empty: the first address)", id="f-gateway"))
        yield from self.field("ip_range", "IP range", Input(placeholder="10.42.0.128/25: containers get addresses from here", id="f-ip_range"))
        with Horizontal(classes="form-row form-checks"):
            yield Checkbox("internal (no way out)", id="f-internal", compact=True)
            yield Checkbox("attachable", id="f-attachable", compact=True)
            yield Checkbox("IPv6", id="f-ipv6", compact=True)
        yield from self.field("ipv6_subnet", "IPv6 subnet", Input(placeholder="fd00:42::/64", id="f-ipv6_subnet"))
        yield from self.field("labels", "Labels", Input(placeholder="team=blue, env=demo", id="f-labels"))
        yield from self.field(
            "options", "Driver options",
            Input(placeholder="com.docker.network.bridge.name=br-demo", id="f-options", suggester=LastItemSuggester(BRIDGE_OPTIONS)),
            hint="bridge: " + ", ".join(o.rsplit(".", 1)[-1] for o in BRIDGE_OPTIONS) + " (→ completes)",
        )

    def spec(self) -> NetworkSpec:
        driver = self.query_one("#f-driver", Select).value
        return NetworkSpec(
            name=self.value("name"),
            driver=str(driver) if driver is not Select.NULL else "bridge",
            subnet=self.value("subnet"),
            gateway=self.value("gateway"),
            ip_range=self.value("ip_range"),
            internal=self.checked("internal"),
            attachable=self.checked("attachable"),
            ipv6=self.checked("ipv6"),
            ipv6_subnet=self.value("ipv6_subnet"),
            labels=self.value("labels"),
            options=self.value("options"),
        )

    def validate(self, spec: NetworkSpec):
        return validate_network(spec, self.snapshot, self.info, self.host)

    def outcome(self, result: object) -> NetworkCreated:
        return NetworkCreated(self.value("name").strip(), str(result))

    def field_of(self, message: str) -> str:
        low = message.lower()
        if "mtu" in low or "bridge name" in low or "numerical result" in low or "option" in low:
            return "options"
        if "pool" in low or "subnet" in low or "overlap" in low:
            return "subnet"
        if "gateway" in low:
            return "gateway"
        if "already exists" in low or "name" in low:
            return "name"
        if "driver" in low or "plugin" in low:
            return "driver"
        return ""
