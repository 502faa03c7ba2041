"""`R`: run a container on the highlighted network (for demos and experiments)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input

from netui.engine.model import Network, Snapshot
from netui.engine.specs import MANAGED_LABEL, RunSpec
from netui.engine.validation import validate_run
from netui.text import clean
from netui.ui.screens.form_screen import FormScreen


class RunContainerScreen(FormScreen):
    TITLE = "Run a container on this network"
    VERB = "Run"

    def __init__(self, snapshot: Snapshot, network: Network, image: str) -> None:
        super().__init__(snapshot)
        self.network = network
        self.image = image

    def intro(self) -> Text:
        t = Text("on network ", style="dim")
        t.append(clean(self.network.name), style="bold")
        t.append(f"; labelled {MANAGED_LABEL}=1 so you can tell netui made it", style="dim")
        return t

    def compose_fields(self) -> ComposeResult:
        yield from self.field("name", "Name", Input(placeholder="optional, e.g. container3", id="f-name"))
        yield from self.field("image", "Image", Input(value=self.image, id="f-image"))
        yield from self.field("command", "Command", Input(value="sleep 86400", id="f-command"),
                              hint="e.g. httpd -f -p 80 to serve HTTP (busybox)")
        yield from self.field("publish", "Publish", Input(placeholder="8080:80 or 127.0.0.1:8080:80 (optional)", id="f-publish"))
        yield from self.field("aliases", "Aliases", Input(placeholder="optional names on this network", id="f-aliases"))

    def spec(self) -> RunSpec:
        return RunSpec(
            network=self.network.name,
            network_id=self.network.id,
            image=self.value("image"),
            name=self.value("name"),
            command=self.value("command"),
            publish=self.value("publish"),
            aliases=self.value("aliases"),
        )

    def validate(self, spec: RunSpec):
        return validate_run(spec, self.snapshot)

    def field_of(self, message: str) -> str:
        low = message.lower()
        if any(w in low for w in ("port is already allocated", "address already in use", "cannot assign requested address",
                                  "bind", "port")):
            return "publish"
        if "no such image" in low or "image" in low or "pull access" in low or "repository" in low:
            return "image"
        if "executable file not found" in low or "exec:" in low or "command" in low:
            return "command"
        if "conflict" in low and "name" in low:
            return "name"
        if "alias" in low:
            return "aliases"
        return ""
