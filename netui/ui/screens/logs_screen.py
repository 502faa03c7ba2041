"""`l`: a container's logs, the last lines then live, in bounded memory.

The follower (netui.engine.logs.LogFollower) runs in this screen's worker thread;
a timer takes the lines that arrived ten times a second and appends them to a Log
widget keeping the same number of lines as the follower's ring buffer. The header
says what the container is doing: paused (silent until unpaused), stopped
(waiting for it to start again), removed (the lines stay). Every snapshot tells the
follower when the container's state changed, so it follows on at once.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Log, Static

from netui.engine.logs import LogLine
from netui.engine.model import Container, Snapshot
from netui.text import clean

POLL = 0.1  # seconds between looks at the follower


class LogsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q,l", "close", "Close", tooltip="back to the explorer (the follow stops)"),
        Binding("f", "toggle_follow", "Follow", tooltip="keep the newest line in view, or stop scrolling to read"),
        Binding("t", "toggle_stamps", "Timestamps", tooltip="show when each line was printed (UTC)"),
        Binding("c", "clear", "Clear", tooltip="clear the view (the container's logs are untouched)"),
        Binding("G,end", "bottom", "Newest", show=False, tooltip="jump to the newest line and follow"),
        Binding("g,home", "top", "Oldest", show=False, tooltip="jump to the oldest line kept"),
    ]

    def __init__(self, snapshot: Snapshot, container: Container, follower) -> None:
        """`follower`: a LogFollower (or anything with its run / take_new / snapshot /
        wake / close / status / detail / received / max_lines)."""
        super().__init__()
        self.container = container
        self.state = container.state
        self.gone = False
        self.follower = follower
        self.stamps = False
        self.follow = True
        self._timer: Timer | None = None
        self._ready = False

    def compose(self) -> ComposeResult:
        yield Static(id="logs-head")
        yield Log(id="logs", max_lines=self.follower.max_lines, highlight=False, auto_scroll=True)
        yield Footer()

    def on_mount(self) -> None:
        self._ready = True
        self._show_head()
        self.query_one(Log).focus()
        self._follow()
        self._timer = self.set_interval(POLL, self._poll)

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.follower.close()

    @work(thread=True, exclusive=True, group="logs", exit_on_error=False, description="follow the logs")
    def _follow(self) -> None:
        self.follower.run()

    # -- what it shows ---------------------------------------------------------------------
    def _line(self, line: LogLine) -> str:
        return f"{line.clock or '—':>12}  {line.text}" if self.stamps else line.text

    def _poll(self) -> None:
        new, dropped = self.follower.take_new()
        log = self.query_one(Log)
        if dropped:
            log.write_line(f"… {dropped} lines arrived faster than shown (the newest {self.follower.max_lines} are kept)")
        if new:
            log.write_lines([self._line(line) for line in new])
        self._show_head()

    def _show_head(self) -> None:
        f = self.follower
        c = self.container
        head = Text()
        head.append("Logs of ", style="dim")
        head.append(clean(c.name), style="bold")
        head.append(f"  $ docker logs --follow --tail {getattr(f, 'tail', '')} {clean(c.name)}", style="dim")
        head.append(f"\n{f.received} line{'s' if f.received != 1 else ''} received, the last {f.max_lines} kept · ", style="dim")
        status, detail = f.status, f.detail
        if status == "removed" or self.gone:
            head.append(f"{clean(c.name)} was removed: these are the last lines it printed; nothing more will come",
                        style="bold yellow")
        elif status == "stopped":
            head.append(f"{clean(c.name)} stopped ({clean(detail)}): waiting for it to start again", style="bold yellow")
        elif status == "error":
            head.append(f"cannot read the logs: {clean(detail)} (retrying)", style="bold red")
        elif self.state == "paused":
            head.append(f"{clean(c.name)} is paused: its processes are frozen and print nothing until it is unpaused "
                        f"(docker unpause {clean(c.name)}); still following", style="bold yellow")
        elif status == "opening":
            head.append("opening…", style="dim")
        else:
            head.append("following" if self.follow else "not scrolling (f follows again)", style="green" if self.follow else "yellow")
        widget = self.query_one("#logs-head", Static)
        if widget.content != head:
            log = self.query_one(Log)
            at_end = log.is_vertical_scroll_end
            widget.update(head)
            if at_end and self.follow:
                # The header may grow or shrink a line: the newest line stays in view.
                self.call_after_refresh(log.scroll_end, animate=False)

    def update_snapshot(self, snapshot: Snapshot) -> None:
        c = snapshot.container_by_id.get(self.container.id)
        if c is None:
            if not self.gone:
                self.gone = True
                self.follower.wake()
        elif c.state != self.state:
            self.state = c.state
            self.container = c
            self.follower.wake()
        if self._ready:
            self._show_head()

    # -- keys -----------------------------------------------------------------------------------
    def action_toggle_follow(self) -> None:
        self.follow = not self.follow
        log = self.query_one(Log)
        log.auto_scroll = self.follow
        if self.follow:
            log.scroll_end(animate=False)
        self._show_head()

    def action_toggle_stamps(self) -> None:
        self.stamps = not self.stamps
        log = self.query_one(Log)
        log.clear()
        log.write_lines([self._line(line) for line in self.follower.take_all()])

    def action_clear(self) -> None:
        self.query_one(Log).clear()

    def action_bottom(self) -> None:
        if not self.follow:
            self.action_toggle_follow()
        else:
            self.query_one(Log).scroll_end(animate=False)

    def action_top(self) -> None:
        self.query_one(Log).scroll_home(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
