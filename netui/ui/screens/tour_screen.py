"""`T` (and `netui tour`): the guided tour of Docker networking, over the explorer.

A panel over the explorer (at the right on wide terminals, at the bottom on narrow
ones; the explorer's panes make room for it, so nothing it highlights is hidden):
the step's concept, its exact `docker` commands, what Enter does now, and what was
verified. The step's network and container rows are highlighted in the panes, and
on the map (`v` shows the map in place of the panes).

Enter performs the step's writes (netui.engine.tour_run, through Actions.perform:
logged, refused when read-only) in a worker; once the topology shows them, its
checks are measured in another worker (probes), and judged. A step whose state is
already there says so and is checked at once; one that changes under the tour (a
container removed in another shell) says so and Enter does it again. ←/→ move
between steps, any step can be started on its own (it makes what it needs from the
earlier ones first), Esc leaves: everything stays, labelled, for `netui demo down`.
"""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Footer, Static

from netui.engine.model import Snapshot
from netui.engine.tour import cleanup_todo, fingerprint, plan
from netui.engine.tour_checks import facts
from netui.engine.tour_steps import STEPS, Outcome, Todo, World, find_container, find_network, leftovers
from netui.ui import tour_render as render
from netui.ui.toast import toast
from netui.ui.tour_render import BUSY, DONE, FAILED, NEW, PERFORMING, VERIFYING, WAITING, Mode, StepRun
from netui.ui.widgets.topology_map import TopologyMap

WAIT_FOR_TOPOLOGY = 20.0  # seconds after performing before the tour stops waiting to see it
SETTLE = 0.6  # seconds on a step before its checks start by themselves


class TourScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("left", "step(-1)", "Back", priority=True, tooltip="the previous step"),
        Binding("right", "step(1)", "Next", priority=True, tooltip="the next step"),
        Binding("enter", "do", "Do it", priority=True,
                tooltip="perform the step (its docker commands), or check it again when it is there"),
        Binding("r", "check", "Check", tooltip="measure the step's checks on the engine again"),
        Binding("v", "toggle_map", "Map", tooltip="the topology map in place of the panes (v again: the panes)"),
        Binding("home", "first", "First step", show=False, priority=True, tooltip="back to the first step"),
        Binding("y", "confirm", "Yes", show=False, tooltip="confirm cleaning up"),
        Binding("escape", "leave", "Leave", tooltip="leave the tour: what it made stays (netui demo down removes it)"),
    ]

    def __init__(self, world: World | None = None, start: int = 0) -> None:
        super().__init__()
        self.world = world or World()
        self.index = max(0, min(start, len(STEPS) - 1))
        self.runs = [StepRun() for _ in STEPS]
        self.snapshot: Snapshot | None = None
        self.confirming = False
        self._highlighted: tuple[object, ...] | None = None
        self._wait_token = 0
        self._settle: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TopologyMap(id="tour-map")
        with Vertical(id="tour-panel"):
            yield Static(id="tour-title")
            yield Static(id="tour-status")
            with VerticalScroll(id="tour-scroll"):
                yield Static(id="tour-body")
        yield Footer()

    # -- lifecycle ------------------------------------------------------------------------
    def on_mount(self) -> None:
        app = self.app
        self.mode = Mode(writes=app.actions is not None, probes=app.prober is not None,  # type: ignore[attr-defined]
                         replay=not app.source.live)  # type: ignore[attr-defined]
        self.query_one("#tour-map", TopologyMap).border_title = "Map"
        explorer = app.explorer  # type: ignore[attr-defined]
        explorer.add_class("-touring")
        explorer.remove_class("-show-details")
        self.snapshot = app.snapshot  # type: ignore[attr-defined]
        if not self.world.compose_known:
            self._find_compose()
        self._show(scroll_home=True)
        self.query_one("#tour-scroll").focus()

    def on_unmount(self) -> None:
        try:
            self.app.explorer.remove_class("-touring")  # type: ignore[attr-defined]
        except Exception:
            pass  # the app is closing

    @work(thread=True, group="tour-compose", exit_on_error=False, description="looking for compose")
    def _find_compose(self) -> None:
        from netui.engine.compose_run import find_compose

        tool = find_compose()
        self.app.call_from_thread(self._compose_found, tool.argv if tool else None, tool.version if tool else "")

    def _compose_found(self, argv: tuple[str, ...] | None, version: str) -> None:
        self.world = dataclasses.replace(self.world, compose=argv, compose_version=version, compose_known=True)
        if self.is_attached:
            self._show()

    # -- live ------------------------------------------------------------------------------
    def update_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._show()
        topology = self.query_one("#tour-map", TopologyMap)
        if self.has_class("-map"):
            topology.update_snapshot(snapshot, title=self.app.source.description)  # type: ignore[attr-defined]

    def _show(self, scroll_home: bool = False) -> None:
        """Bring the panel, the highlights and the checks up to date with the snapshot."""
        title = self.query_one("#tour-title", Static)
        body = self.query_one("#tour-body", Static)
        step, run = STEPS[self.index], self.runs[self.index]
        snap = self.snapshot
        if snap is None:
            title.update(render.title(step, self.index))
            self.query_one("#tour-status", Static).update(Text("Waiting for the engine…", style="dim"))
            return
        p = plan(step, snap, self.world)
        fs = facts(step, snap, self.world)
        todo = cleanup_todo(snap, self.world) if step.cleanup else p.todo
        self._follow(step, run, p, fs, snap)
        ready = [None if s.cleanup else plan(s, snap, self.world).ready for s in STEPS]
        title.update(render.title(step, self.index, render.progress(self.runs, ready, self.index)))
        self.query_one("#tour-status", Static).update(render.status(step, p, run, self.mode, todo, self.confirming, fs))
        body.update(render.body(step, self.world, p, run, fs, todo))
        self._highlight()
        if scroll_home:
            self.query_one("#tour-scroll", VerticalScroll).scroll_home(animate=False)

    def _follow(self, step, run: StepRun, p, fs, snap: Snapshot) -> None:
        """The step's phase from what the topology shows now; checks started when due."""
        if step.cleanup:
            if run.phase == WAITING and not leftovers(snap, self.world):
                run.phase = DONE
                # The tour removed its world itself: every step starts afresh (not "changed outside").
                self.runs = [r if i == self.index else StepRun() for i, r in enumerate(self.runs)]
            return
        if p.ready:
            run.was_ready = True
            if run.phase == WAITING:
                run.phase = NEW
            if not step.checks:
                if run.phase not in BUSY:
                    run.phase = DONE if all(f.ok for f in fs) else FAILED
            elif self.mode.probes and run.phase not in BUSY and run.measured_on != fingerprint(step, snap, self.world):
                if self._settle is not None:
                    return  # just arrived: checked once the presenter stays on the step
                self._start_verify(self.index, snap, show=False)
        elif run.phase in (DONE, FAILED) or (run.phase == NEW and run.outcomes):
            # What was verified is gone or changed: the old results no longer hold.
            run.phase, run.outcomes, run.measured_on, run.lines = NEW, [], None, []

    # -- highlighting -----------------------------------------------------------------------
    def _highlight(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        net_short, ref = STEPS[self.index].highlight
        c = find_container(snap, self.world, ref) if ref else None
        net = find_network(snap, self.world, net_short) if net_short else None
        if net is None and c is not None and c.endpoints:
            net = snap.network_by_id.get(c.endpoints[0].network_id)
        if c is not None and net is not None and c.endpoint_on(net.id) is None:
            c = None  # not on that network (yet): its row is not in the network's containers pane
        key = (self.index, net.id if net else None, c.id if c else None, self.has_class("-map"))
        if key == self._highlighted or net is None:
            return
        self._highlighted = key
        self.app.explorer.highlight(net.id, c.id if c is not None else None)  # type: ignore[attr-defined]
        if self.has_class("-map"):
            from netui.map.graph import container_key, network_key

            topology = self.query_one("#tour-map", TopologyMap)
            # The step's network and its neighbours only: a busy engine's other networks are not the lesson.
            topology.set_focus(net.id if STEPS[self.index].map_focus else None)
            topology.select(container_key(c.id) if c is not None else network_key(net.id))

    def _marks(self) -> list[tuple[str, str, str]]:
        return [o.mark for o in self.runs[self.index].outcomes if o.mark is not None]

    # -- keys ----------------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        self.go(self.index + delta)

    def action_first(self) -> None:
        self.go(0)

    def go(self, index: int) -> None:
        index = max(0, min(index, len(STEPS) - 1))
        self.confirming = False
        if index == self.index:
            return
        self.index = index
        self._highlighted = None
        # A step passed through on the way to another is not probed: its checks start once
        # the tour rests on it a moment.
        if self._settle is not None:
            self._settle.stop()
        self._settle = self.set_timer(SETTLE, self._settled)
        self._show(scroll_home=True)
        self._show_marks()

    def _settled(self) -> None:
        self._settle = None
        self._show()

    def action_do(self) -> None:
        snap = self.snapshot
        if snap is None:
            toast(self, "Waiting for the engine", severity="warning")
            return
        step, run = STEPS[self.index], self.runs[self.index]
        if run.phase in BUSY:
            toast(self, "This step is still running", severity="warning")
            return
        p = plan(step, snap, self.world)
        if p.conflicts:
            toast(self, p.conflicts[0], title="The tour stops here", severity="error", timeout=10)
            return
        if p.skipped:
            toast(self, p.skipped, title="Skipped", severity="warning", timeout=8)
            return
        if step.cleanup:
            self._cleanup(snap)
            return
        if not p.ready:
            if not self.mode.writes:
                toast(self, render.status_line(step, p, run, self.mode, (), False, True)[0], title="Not performed",
                      severity="warning", timeout=8)
                return
            if not p.todo:
                toast(self, "; ".join(s.note for s in p.missing if s.note) or "nothing to do yet", severity="warning")
                return
            self._start_perform(self.index, p.todo)
            return
        if step.checks and self.mode.probes:
            self._start_verify(self.index, snap)
        else:
            self.app.request_refresh()  # type: ignore[attr-defined]
            toast(self, "Nothing to change in this step: the facts are read from the engine", timeout=4)

    def action_check(self) -> None:
        snap = self.snapshot
        step, run = STEPS[self.index], self.runs[self.index]
        if snap is None or run.phase in BUSY:
            return
        if not step.checks or not self.mode.probes:
            self.app.request_refresh()  # type: ignore[attr-defined]
            return
        if not plan(step, snap, self.world).ready:
            toast(self, "The step is not there yet: Enter performs it first", severity="warning")
            return
        self._start_verify(self.index, snap)

    def action_confirm(self) -> None:
        if self.confirming and self.snapshot is not None:
            self._cleanup(self.snapshot)

    def _cleanup(self, snap: Snapshot) -> None:
        todo = cleanup_todo(snap, self.world)
        if not todo:
            toast(self, "Nothing of the tour is left on this engine", timeout=4)
            return
        if not self.mode.writes:
            toast(self, render.status_line(STEPS[self.index], plan(STEPS[self.index], snap, self.world), self.runs[self.index],
                                           self.mode, todo, False, True)[0], title="Not performed", severity="warning")
            return
        if not self.confirming:
            self.confirming = True
            self._show()
            return
        self.confirming = False
        self._start_perform(self.index, todo, keep_going=True)

    def action_toggle_map(self) -> None:
        self.confirming = False
        self.toggle_class("-map")
        self._highlighted = None
        if self.has_class("-map") and self.snapshot is not None:
            self.query_one("#tour-map", TopologyMap).update_snapshot(self.snapshot, title=self.app.source.description)  # type: ignore[attr-defined]
        self._show()
        self._show_marks()

    def _show_marks(self) -> None:
        if not self.has_class("-map"):
            return
        topology = self.query_one("#tour-map", TopologyMap)
        marks = self._marks()
        if marks:
            topology.show_probes(marks)
        else:
            topology.clear_probes()

    def action_leave(self) -> None:
        if self.confirming:
            self.confirming = False
            self._show()
            return
        self.app.tour_step = self.index  # type: ignore[attr-defined]
        explorer = self.app.explorer  # type: ignore[attr-defined]
        explorer.remove_class("-touring")
        self.dismiss(None)

    def on_key(self, event) -> None:
        if self.confirming and event.key not in ("enter", "y"):
            self.confirming = False
            self._show()

    # -- performing ------------------------------------------------------------------------------
    def _start_perform(self, index: int, todo: tuple[Todo, ...], keep_going: bool = False) -> None:
        run = self.runs[index]
        run.phase, run.message, run.lines, run.outcomes, run.measured_on = PERFORMING, "", [], [], None
        self._show()
        self._perform(index, todo, self.app.actions, self.world, keep_going)  # type: ignore[attr-defined]

    @work(thread=True, group="tour-perform", exit_on_error=False, description="tour step")
    def _perform(self, index: int, todo: tuple[Todo, ...], actions, world: World, keep_going: bool) -> None:
        from netui.engine import tour_run
        from netui.engine.client import explain

        def each(item: Todo, line: str) -> None:
            self.app.call_from_thread(self._performed_one, index, item, line)

        try:
            tour_run.perform(actions, world, todo, each, keep_going=keep_going)
        except Exception as exc:
            self.app.call_from_thread(self._perform_failed, index, str(explain(exc, "")))
            return
        self.app.call_from_thread(self._perform_done, index)

    def _performed_one(self, index: int, item: Todo, line: str) -> None:
        run = self.runs[index]
        run.lines.append(line)
        run.message = line
        run.performed = True
        if self.is_attached and index == self.index:
            self._show()

    def _perform_failed(self, index: int, message: str) -> None:
        run = self.runs[index]
        run.phase, run.message = FAILED, message
        run.lines.append(f"not done: {message}")
        self.app.request_refresh()  # type: ignore[attr-defined]
        if self.is_attached:
            if index == self.index:
                self._show()
            toast(self, message, title=f"Step {index + 1}: not done", severity="error", timeout=10)

    def _perform_done(self, index: int) -> None:
        run = self.runs[index]
        run.phase, run.performed = WAITING, True
        self._wait_token += 1
        token = self._wait_token
        self.app.request_refresh()  # type: ignore[attr-defined]
        if self.is_attached:
            self.set_timer(WAIT_FOR_TOPOLOGY, lambda: self._waited(index, token))
            self._show()

    def _waited(self, index: int, token: int) -> None:
        run = self.runs[index]
        if run.phase == WAITING and token == self._wait_token:
            run.phase, run.message = FAILED, f"the engine's topology did not show it within {WAIT_FOR_TOPOLOGY:g} s"
            if index == self.index:
                self._show()

    # -- verifying ---------------------------------------------------------------------------------
    def _start_verify(self, index: int, snap: Snapshot, show: bool = True) -> None:
        prober = self.app.prober  # type: ignore[attr-defined]
        if prober is None:
            return
        run = self.runs[index]
        run.phase, run.outcomes = VERIFYING, []
        run.measured_on = fingerprint(STEPS[index], snap, self.world)
        self._verify(index, snap, prober, self.world)
        if show and index == self.index:
            self._show()

    @work(thread=True, group="tour-verify", exit_on_error=False, description="tour checks")
    def _verify(self, index: int, snap: Snapshot, prober, world: World) -> None:
        from netui.engine import tour_run
        from netui.engine.client import explain

        def each(o: Outcome) -> None:
            self.app.call_from_thread(self._outcome, index, o)

        try:
            tour_run.verify(prober, snap, world, STEPS[index], each)
        except Exception as exc:
            self.app.call_from_thread(self._outcome, index, Outcome(False, f"could not check: {explain(exc, '')}"))
        self.app.call_from_thread(self._verified, index, snap)

    def _outcome(self, index: int, outcome: Outcome) -> None:
        self.runs[index].outcomes.append(outcome)
        if self.is_attached and index == self.index:
            self._show()

    def _verified(self, index: int, snap: Snapshot) -> None:
        run = self.runs[index]
        if run.phase != VERIFYING:
            return
        run.phase = DONE if run.outcomes and all(o.ok for o in run.outcomes) else FAILED
        marks = [o.mark for o in run.outcomes if o.mark is not None]
        if marks:
            self.app.note_probes(marks, snap)  # type: ignore[attr-defined]
        if self.is_attached and index == self.index:
            self._show()
            self._show_marks()
            self.query_one("#tour-scroll", VerticalScroll).scroll_end(animate=False)
