"""Shared fixtures: a real Docker engine and labelled, always-removed resources.

Engine tests need a running engine. Locally, without one, they are skipped with
the reason; with NETUI_REQUIRE_ENGINE=1 (set by `make test` and CI) a missing
engine is an error, so CI can never go green by skipping them.

Every resource a test creates carries the label netui.test=1 and a name prefix
unique to the test, and is removed in teardown even when the test fails.
Nothing else on the engine is touched.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import threading
import time
import uuid

import pytest

# Times on screen are local times: make them the same on every machine.
os.environ["TZ"] = "UTC"
time.tzset()

from netui.engine.client import Engine, EngineError  # noqa: E402  (after TZ is set)
from netui.engine.image import LOCAL_IMAGE, ensure_local_image  # noqa: E402
from netui.engine.workspace import Workspace, sweep_leftovers  # noqa: E402

TEST_LABEL = "netui.test"
# No test takes minutes: one that hangs is interrupted (its stack and every thread's are
# printed, then Ctrl-C: teardown removes what it made and the run fails) instead of holding
# CI until its limit; a minute later, if even that hangs, the process ends. NETUI_TEST_TIMEOUT=0
# turns it off. Once interrupted, the backstop stays armed: a teardown that hangs too ends the process.
TEST_TIMEOUT = float(os.environ.get("NETUI_TEST_TIMEOUT", "300"))


_HUNG = threading.Event()
_STDERR: list = []  # the real stderr, taken before pytest captures fd 2 (the dumps must be seen)


def pytest_configure(config):
    if not _STDERR:
        _STDERR.append(os.fdopen(os.dup(2), "w", buffering=1))


def _interrupt_hung_test() -> None:
    err = _STDERR[0] if _STDERR else sys.__stderr__
    err.write(f"\n[netui] a test ran over {TEST_TIMEOUT:.0f} s; its threads:\n")
    faulthandler.dump_traceback(file=err, all_threads=True)
    _HUNG.set()  # the backstop below stays armed through the teardown that follows
    os.kill(os.getpid(), signal.SIGINT)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    timer = None
    if TEST_TIMEOUT > 0 and not _HUNG.is_set():
        timer = threading.Timer(TEST_TIMEOUT, _interrupt_hung_test)
        timer.daemon = True
        timer.start()
        faulthandler.dump_traceback_later(TEST_TIMEOUT + 120, exit=True, file=_STDERR[0] if _STDERR else sys.__stderr__)
    try:
        yield
    finally:
        if timer is not None:
            timer.cancel()
            if not _HUNG.is_set():
                faulthandler.cancel_dump_traceback_later()


NOPING_IMAGE = "netui/busybox:noping"


def _require_engine() -> bool:
    return os.environ.get("NETUI_REQUIRE_ENGINE", "") not in ("", "0")


@pytest.fixture(scope="session")
def engine() -> Engine:
    eng = Engine()
    try:
        eng.connect()
    except EngineError as exc:
        if _require_engine():
            pytest.fail(f"NETUI_REQUIRE_ENGINE is set but no engine answers: {exc}", pytrace=False)
        pytest.skip(f"no Docker engine: {exc}")
    # Leftovers of an earlier run that was killed (kill -9, a closed terminal) carry
    # the test label and prefix; an hour old, they belong to no run still going.
    sweep_leftovers(eng, TEST_LABEL, "1", "netuitest-", older_than=3600)
    yield eng
    eng.close()


def _remove_image_if_unused(engine: Engine, tag: str) -> None:
    """An image this session built goes at the end, unless a container still uses it (e.g. the demo)."""
    from netui.engine.client import EngineError

    try:
        if not engine.api.containers(all=True, filters={"ancestor": tag}):
            engine.api.remove_image(tag)
    except (EngineError, Exception):
        pass


@pytest.fixture(scope="session")
def image(engine: Engine) -> str:
    built = ensure_local_image(engine)
    yield LOCAL_IMAGE
    if built:
        _remove_image_if_unused(engine, LOCAL_IMAGE)


@pytest.fixture(scope="session")
def noping_image(engine: Engine) -> str:
    """An image whose only tool is sleep: no shell, no ping, no nslookup."""
    built = ensure_local_image(engine, NOPING_IMAGE, applets=("sleep",))
    yield NOPING_IMAGE
    if built:
        _remove_image_if_unused(engine, NOPING_IMAGE)


def new_prefix() -> str:
    return f"netuitest-{uuid.uuid4().hex[:6]}-"


def _lab(engine: Engine, image: str):
    ws = Workspace(engine, TEST_LABEL, "1", prefix=new_prefix())
    ws.image = image  # type: ignore[attr-defined]
    try:
        yield ws
    finally:
        ws.remove_all()


@pytest.fixture
def lab(engine: Engine, image: str):
    """A Workspace for one test: labelled, prefixed, removed afterwards."""
    yield from _lab(engine, image)


@pytest.fixture(scope="module")
def module_lab(engine: Engine, image: str):
    """A Workspace shared by the tests of one module, for scenarios they only read."""
    yield from _lab(engine, image)


from tests.composelab import compose_lab  # noqa: E402,F401  (the fixture, for every test folder)

FOLDER_MARKERS = {"unit": "unit", "engine": "engine", "ui": "ui", "snapshots": "snapshot", "swarm": "swarm", "remote": "remote"}


def pytest_collection_modifyitems(config, items):
    """Markers by folder (unit, engine, ui, snapshot); any test that asks for the real
    engine (the `engine` fixture, directly or through `lab`) is also marked `engine`,
    so `pytest -m "not engine"` runs everything that needs no Docker."""
    for item in items:
        parts = item.path.relative_to(config.rootpath / "tests").parts
        if parts and parts[0] in FOLDER_MARKERS:
            item.add_marker(getattr(pytest.mark, FOLDER_MARKERS[parts[0]]))
        if "engine" in getattr(item, "fixturenames", ()) or (parts and parts[0] in ("swarm", "remote")):
            item.add_marker(pytest.mark.engine)  # swarm and remote start engines of their own
        if "swarm" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.swarm)
        if "remote_engines" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.remote)


from tests.private_engine import private_dockerd  # noqa: E402, F401  (a fixture: a second, private dockerd)
from tests.remote_engines import remote_engines  # noqa: E402, F401  (a fixture: TLS and ssh engines, scripts/engines.sh)
from tests.swarm_cluster import swarm, swarm_lab  # noqa: E402, F401  (fixtures: the 2-node swarm of scripts/swarm.sh)
