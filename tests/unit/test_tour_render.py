"""How a tour step reads in its panel (pure): what Enter does now in each situation, the
commands shown (with what earlier steps must make first), the progress glyphs."""

from __future__ import annotations

from netui.engine.tour import cleanup_todo, plan
from netui.engine.tour_steps import STEP_BY_KEY, STEPS, Fact, Outcome, World
from netui.ui import tour_render as render
from netui.ui.tour_render import DONE, FAILED, VERIFYING, WAITING, Mode, StepRun
from tests.unit.test_tour import Builder, built

DEMO = World(compose=("docker-compose",), compose_known=True)
LIVE = Mode(writes=True, probes=True)
READ_ONLY = Mode(writes=False, probes=True)
REPLAY = Mode(writes=False, probes=False, replay=True)


def status(key: str, snap, run: StepRun | None = None, mode: Mode = LIVE, confirming: bool = False) -> str:
    step = STEP_BY_KEY[key]
    todo = cleanup_todo(snap, DEMO) if step.cleanup else ()
    return render.status_line(step, plan(step, snap, DEMO), run or StepRun(), mode, todo, confirming, True)[0]


def test_what_enter_does_now():
    clean = Builder().snapshot()
    assert status("custom", clean) == "Enter runs this command."
    assert status("containers", clean) == "Enter runs these 3 commands (first 1 from earlier steps it needs)."
    assert status("custom", built("custom").snapshot()) == "Already there. Verified in the topology ✓"
    assert status("custom", built("custom").snapshot(), StepRun(performed=True)) == "Verified in the topology ✓"
    # A step that makes nothing is never "already there": it checks.
    assert status("by-name", built("by-name").snapshot()) == "Enter checks it on the engine."
    assert status("by-name", built("by-name").snapshot(), StepRun(phase=DONE)).startswith("Verified on the engine ✓")
    assert status("by-name", built("by-name").snapshot(), StepRun(phase=FAILED)).startswith("Not as expected ✗")
    assert status("by-name", built("by-name").snapshot(), StepRun(phase=VERIFYING)) == "Checking on the engine (probes)…"
    assert status("custom", clean, StepRun(phase=WAITING)).startswith("Done; waiting for the engine")
    assert status("drivers", clean) == "Nothing to change: read from the engine ✓"


def test_read_only_and_replay_explain_without_performing():
    clean = Builder().snapshot()
    text = status("custom", clean, mode=READ_ONLY)
    assert text.startswith("Read-only (--read-only): netui changes nothing.") and "my_custom_network is not there" in text
    assert "The commands below are what this step runs." in text
    assert status("custom", clean, mode=REPLAY).startswith("A recorded topology (--replay): nothing is performed.")
    assert status("by-name", built("by-name").snapshot(), mode=REPLAY).endswith("no probes can run; the facts are from the recording.")
    # Read-only still checks what is there (probes change nothing).
    assert status("by-name", built("by-name").snapshot(), mode=READ_ONLY) == "Enter checks it on the engine."


def test_changed_outside_the_tour_and_what_stops_it():
    b = built("containers")
    del b.conts["container2"]
    text = status("containers", b.snapshot(), StepRun(was_ready=True))
    assert text == "Changed outside the tour: container2 is not there. Enter does it again."
    b = Builder()
    b.network("my_custom_network", label=None)
    assert status("custom", b.snapshot()).startswith("Stopped: a network named my_custom_network is on this engine without")
    no_compose = World(compose=None, compose_known=True)
    step = STEP_BY_KEY["compose"]
    snap = built("publish").snapshot()
    text = render.status_line(step, plan(step, snap, no_compose), StepRun(), LIVE, (), False, True)[0]
    assert text.startswith("Skipped: compose is not installed")


def test_cleanup_asks_first():
    snap = built("aliases").snapshot()
    assert status("cleanup", snap) == "Enter removes the 4 resources below (asks first)."
    assert status("cleanup", snap, confirming=True) == "Enter again (or y) removes these 4; any other key keeps them."
    assert status("cleanup", Builder().snapshot()) == "Nothing of the tour is left on this engine."
    assert status("cleanup", snap, mode=READ_ONLY).startswith("Read-only")


def test_the_body_shows_the_earlier_steps_commands_first_and_the_results():
    step = STEP_BY_KEY["containers"]
    snap = Builder().snapshot()
    text = render.body(step, DEMO, plan(step, snap, DEMO), StepRun(), (), ()).plain
    first = text.index("First, from the earlier steps it needs:")
    assert first < text.index("$ docker network create --driver bridge --label netui.demo=1 my_custom_network") < text.index("Then:")
    assert text.index("Then:") < text.index("$ docker run -d --name container1 ")
    run = StepRun(phase=DONE, lines=["started container1 on my_custom_network", "not done: boom"],
                  outcomes=[Outcome(True, "container1 → container2: reachable by name", ("dns ok: x",), ("docker exec …",))])
    text = render.body(step, DEMO, plan(step, built("containers").snapshot(), DEMO), run,
                       (Fact(True, "container1 runs"),), ()).plain
    assert " ✓ started container1 on my_custom_network" in text and " ✗ not done: boom" in text
    assert " ✓ container1 runs" in text and " ✓ container1 → container2: reachable by name" in text and "$ docker exec …" in text


def test_progress_glyphs():
    runs = [StepRun() for _ in STEPS]
    runs[0].phase = runs[1].phase = DONE
    runs[2].phase = FAILED
    runs[3].phase = VERIFYING
    ready = [True, False, True, True, True] + [False] * (len(STEPS) - 5)
    t = render.progress(runs, ready, 4)
    # A step verified once whose state is gone since is no longer ticked.
    assert t.plain == "✓·✗…•" + "·" * (len(STEPS) - 5)
    assert "underline" in str(t.spans[4].style)
