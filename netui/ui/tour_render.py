"""How a tour step reads in its panel: the concept, the exact commands, what Enter does
now, and what was verified (facts from the topology, checks measured on the engine).

Pure: rich Text from the step's plan and its run state; engine strings go in literally
(`clean`, never markup).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text

from netui.engine.tour import Plan, concept, shown_commands
from netui.engine.tour_steps import STEPS, Fact, Outcome, Step, Todo, World
from netui.text import clean

# A step's run: what the tour did and measured for it in this session.
NEW, PERFORMING, WAITING, VERIFYING, DONE, FAILED = "new", "performing", "waiting", "verifying", "done", "failed"
BUSY = (PERFORMING, WAITING, VERIFYING)


@dataclass
class StepRun:
    phase: str = NEW
    message: str = ""  # the last thing that happened (a result, an error), in a line
    lines: list[str] = field(default_factory=list)  # what each write did
    outcomes: list[Outcome] = field(default_factory=list)
    measured_on: object = None  # the fingerprint the outcomes were measured on
    performed: bool = False  # the tour made (part of) it in this session
    was_ready: bool = False  # its state was there at some point


@dataclass(frozen=True)
class Mode:
    writes: bool  # Actions available (not --read-only, not a replay)
    probes: bool  # a Prober (not a replay)
    replay: bool = False


def progress(runs: list[StepRun], ready: list[bool | None], index: int) -> Text:
    """One glyph per step: ✓ verified, ✗ failed, • there, · not yet; the current one underlined."""
    t = Text()
    for i, run in enumerate(runs):
        if run.phase == DONE and ready[i] is not False:
            glyph, style = "✓", "green"
        elif run.phase == FAILED:
            glyph, style = "✗", "red"
        elif run.phase in BUSY:
            glyph, style = "…", "yellow"
        elif ready[i]:
            glyph, style = "•", "cyan"
        else:
            glyph, style = "·", "dim"
        t.append(glyph, style=style + (" bold underline reverse" if i == index else ""))
    return t


def title(step: Step, index: int, glyphs: Text | None = None) -> Text:
    """The step's number and title, after the progress glyphs; one line, cut with an ellipsis."""
    t = Text(no_wrap=True, overflow="ellipsis")
    if glyphs is not None:
        t.append_text(glyphs)
        t.append(" ")
    t.append(f"{index + 1}/{len(STEPS)} ", style="bold reverse")
    t.append(" " + step.title, style="bold")
    return t


def _command(t: Text, cmd: str) -> None:
    t.append("$ ", style="dim")
    t.append(clean(cmd), style="cyan")
    t.append("\n")


def status_line(step: Step, p: Plan, run: StepRun, mode: Mode, todo: tuple[Todo, ...], confirming: bool,
                all_facts_ok: bool) -> tuple[str, str]:
    """(what the step is at and what Enter does now, its style)."""
    if p.conflicts:
        return "Stopped: " + p.conflicts[0], "bold red"
    if p.skipped:
        return "Skipped: " + p.skipped, "bold yellow"
    if run.phase == PERFORMING:
        return "Running the commands…" + (f" {run.message}" if run.message else ""), "bold yellow"
    if run.phase == WAITING:
        return "Done; waiting for the engine's topology to show it…", "bold yellow"
    if run.phase == VERIFYING:
        return "Checking on the engine (probes)…", "bold yellow"
    if step.cleanup:
        if not todo:
            return "Nothing of the tour is left on this engine.", "bold green"
        if not mode.writes:
            return _read_only(mode) + " These commands are what cleaning up runs.", "bold yellow"
        if confirming:
            return f"Enter again (or y) removes these {len(todo)}; any other key keeps them.", "bold red"
        return f"Enter removes the {len(todo)} resources below (asks first).", "bold"
    if not p.ready:
        notes = [s.note for s in p.missing if s.note]
        missing = "; ".join(notes[:2]) + ("; …" if len(notes) > 2 else "") if notes else "not there yet"
        if not mode.writes:
            return f"{_read_only(mode)} Not there: {missing}. The commands below are what this step runs.", "bold yellow"
        if run.was_ready or run.performed:
            return f"Changed outside the tour: {missing}. Enter does it again.", "bold red"
        if run.phase == FAILED and run.message:
            return f"Not done: {run.message}. Enter tries again.", "bold red"
        earlier = p.earlier_todo
        more = f" (first {len(earlier)} from earlier steps it needs)" if earlier else ""
        if p.todo:
            return f"Enter runs {'this command' if len(p.todo) == 1 else f'these {len(p.todo)} commands'}{more}.", "bold"
        return f"Not there: {missing}.", "bold yellow"
    # Ready: everything the step needs is there.
    prefix = "Already there. " if step.makes and not run.performed else ""
    if step.checks:
        if not mode.probes:
            return prefix + "A recorded topology: no probes can run; the facts are from the recording.", "bold yellow"
        if run.phase == DONE:
            return prefix + "Verified on the engine ✓  (r checks again)", "bold green"
        if run.phase == FAILED:
            return prefix + "Not as expected ✗: see below (r checks again).", "bold red"
        return prefix + "Enter checks it on the engine.", "bold"
    if all_facts_ok:
        return prefix + ("Verified in the topology ✓" if step.makes else "Nothing to change: read from the engine ✓"), "bold green"
    return prefix + "The topology does not show what it should: see below.", "bold red"


def status(step: Step, p: Plan, run: StepRun, mode: Mode, todo: tuple[Todo, ...], confirming: bool,
           facts: tuple[Fact, ...]) -> Text:
    """The status line, shown above the step's text: where the step is, what Enter does."""
    text, style = status_line(step, p, run, mode, todo, confirming, all(f.ok for f in facts))
    t = Text("▶ ", style=style)
    t.append(clean(text), style=style)
    return t


def _read_only(mode: Mode) -> str:
    if mode.replay:
        return "A recorded topology (--replay): nothing is performed."
    return "Read-only (--read-only): netui changes nothing."


def body(step: Step, world: World, p: Plan, run: StepRun, facts: tuple[Fact, ...], todo: tuple[Todo, ...]) -> Text:
    """The concept, the commands, then what was done and verified."""
    t = Text()
    t.append(clean(concept(step, world)) + "\n\n")
    earlier = p.earlier_todo if not p.ready and not p.conflicts and not p.skipped else ()
    if earlier:
        t.append("First, from the earlier steps it needs:\n", style="dim")
        for item in earlier:
            _command(t, item.command)
        t.append("Then:\n", style="dim")
    if step.cleanup:
        for item in todo:
            _command(t, item.command)
    else:
        for cmd in p.commands:
            _command(t, cmd)
    for cmd in shown_commands(step, world):
        _command(t, cmd)
    if run.lines or facts or run.outcomes:
        t.append("\n")
    for line in run.lines[-14:]:
        failed = line.startswith("not done")
        t.append(" ✗ " if failed else " ✓ ", style="red" if failed else "dim green")
        t.append(clean(line) + "\n", style="red" if failed else "dim")
    neutral = step.cleanup and run.phase not in (DONE, WAITING)  # what is there, before cleaning up: no verdict
    for f in facts:
        if neutral:
            t.append(" • ", style="dim")
        else:
            t.append(" ✓ " if f.ok else " ✗ ", style="green" if f.ok else "red")
        t.append(clean(f.text) + "\n")
    for o in run.outcomes:
        t.append(" ✓ " if o.ok else " ✗ ", style="bold green" if o.ok else "bold red")
        t.append(clean(o.text) + "\n", style="" if o.ok else "red")
        for d in o.details:
            t.append("     " + clean(d) + "\n", style="dim")
        for cmd in o.commands:
            t.append("     $ ", style="dim")
            t.append(clean(cmd) + "\n", style="dim cyan")
    t.rstrip()
    return t
