"""Several engines at once, and engines named by context: the CLI side."""

from __future__ import annotations

import json
import subprocess
import sys

from netui.cli import build_parser, engine_targets
from netui.engine.source import ReplaySource


def targets(*argv: str):
    return engine_targets(build_parser().parse_args(list(argv)))


def test_engine_targets_from_the_command_line():
    assert targets() == [(None, None)]
    assert targets("-H", "unix:///a.sock", "--host", "tcp://b:2376", "--context", "staging") == [
        ("unix:///a.sock", None), ("tcp://b:2376", None), (None, "staging")]
    assert targets("-H", "x", "-H", "x") == [("x", None)]  # the same engine once
    assert targets("dump", "-H", "y") == [("y", None)]


def run(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netui", *argv], capture_output=True, text=True, timeout=120, env=env)


def test_dump_of_two_engines_holds_both_and_a_third_that_fails_is_one_line(engine, lab, private_dockerd, tmp_path):
    url, _start, _stop = private_dockerd
    mine = lab.network("engine-a")
    other = Engine2(url)
    nid_b = other.network("engine-b")
    try:
        out = run("dump", "--json", "-H", engine.host or "unix:///var/run/docker.sock", "-H", url)
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        assert data["schema"] == "netui.dump/1" and "engine" not in data
        hosts = [e["engine"]["host"] for e in data["engines"]]
        assert hosts[1] == url
        assert mine in {n["id"] for n in data["engines"][0]["networks"]}
        assert nid_b in {n["id"] for n in data["engines"][1]["networks"]}
        assert mine not in {n["id"] for n in data["engines"][1]["networks"]}
        # The dump replays as two engines.
        path = tmp_path / "two.json"
        path.write_text(out.stdout)
        replays = ReplaySource.all(path)
        assert [r.snapshot.engine.host for r in replays] == hosts
        # A third engine that is not there: the others are still dumped; one line; exit 1.
        bad = run("dump", "--json", "-H", url, "-H", "unix:///nonexistent/netui.sock")
        assert bad.returncode == 1
        assert bad.stderr.strip().count("\n") == 0 and "does not exist" in bad.stderr
        engines = json.loads(bad.stdout)["engines"]
        assert nid_b in {n["id"] for n in engines[0]["networks"]} and "does not exist" in engines[1]["error"]
    finally:
        other.close()


def test_commands_for_one_engine_refuse_two(engine):
    out = run("map", "-H", "unix:///a.sock", "-H", "unix:///b.sock")
    assert out.returncode == 2 and "one engine at a time" in out.stderr


class Engine2:
    """Labelled networks on the private engine (the lab fixture works on the main one)."""

    def __init__(self, url: str) -> None:
        from netui.engine.client import Engine
        from netui.engine.workspace import Workspace
        from tests.conftest import TEST_LABEL, new_prefix

        self.engine = Engine(url)
        self.engine.connect()
        self.ws = Workspace(self.engine, TEST_LABEL, "1", prefix=new_prefix())

    def network(self, short: str) -> str:
        return self.ws.network(short)

    def close(self) -> None:
        try:
            self.ws.remove_all()
        finally:
            self.engine.close()
