"""The filter input, opened with `/`."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    BINDINGS = [
        Binding("escape", "clear_filter", "Clear filter", tooltip="clear the filter and go back to the tables"),
        Binding("enter", "keep_filter", "Keep filter", tooltip="keep the filter and go back to the tables"),
        Binding("down", "keep_filter", "To results", show=False, tooltip="the same as Enter"),
    ]

    @dataclass
    class FilterChanged(Message):
        text: str

    @dataclass
    class FilterDone(Message):
        """The user left the filter: kept it (Enter) or cleared it (Esc)."""

        cleared: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="filter: name, subnet, IP, MAC, alias, label…  (Enter keeps, Esc clears)", id=id)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.FilterChanged(event.value))

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.FilterChanged(""))
        self.post_message(self.FilterDone(cleared=True))

    def action_keep_filter(self) -> None:
        self.post_message(self.FilterDone(cleared=False))
