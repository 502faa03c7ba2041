"""`netui` on the command line: version, help, dump, and one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

from netui.engine.client import Engine, EngineError
from tests.sockproxy import SocketProxy

NETUI = [sys.executable, "-m", "netui"]


def run(*args: str, env: dict[str, str] | None = None, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*(prefix or []), *NETUI, *args], capture_output=True, text=True, env=full_env, timeout=60)


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert proc.stdout == ""
    return lines[0]


def test_version_and_help():
    from netui import __version__

    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"netui {__version__}"
    proc = run("--help")
    assert proc.returncode == 0
    for word in ("dump", "demo", "--host", "--read-only", "--interval", "--probe-image"):
        assert word in proc.stdout
    proc = run("dump", "--help")
    assert proc.returncode == 0 and "--json" in proc.stdout


def test_bad_usage_exits_2():
    proc = run("--interval", "-3")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = run("--interval", "0.01")  # ~140 requests a second to the engine, accepted before
    assert proc.returncode == 2 and "at least 1 second" in proc.stderr


@pytest.mark.parametrize("command", ["dump", "doctor"])
def test_replay_before_a_command_that_reads_the_engine_is_refused(command):
    """`netui --replay FILE dump` printed the live engine and exited 0, silently."""
    proc = run("--replay", "/nonexistent/saved.json", command)
    assert proc.returncode == 2 and proc.stdout == "" and "takes no --replay" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_missing_socket_is_one_line():
    line = one_line_error(run("dump", env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"}))
    assert "does not exist" in line and "/nonexistent/docker.sock" in line


def test_host_option_beats_environment():
    line = one_line_error(run("dump", "--host", "unix:///nonexistent/b.sock", env={"DOCKER_HOST": "unix:///nonexistent/a.sock"}))
    assert "b.sock" in line
    line = one_line_error(run("--host", "unix:///nonexistent/c.sock", "dump"))
    assert "c.sock" in line


def _closed_loopback_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_refused_tcp_host_is_one_line():
    port = _closed_loopback_port()
    line = one_line_error(run("dump", env={"DOCKER_HOST": f"tcp://127.0.0.1:{port}"}))
    assert "connection refused" in line


def test_bad_context_is_one_line(tmp_path):
    env = {"DOCKER_CONTEXT": "no-such-context", "DOCKER_CONFIG": str(tmp_path)}
    env_no_host = {k: v for k, v in os.environ.items() if k != "DOCKER_HOST"}
    proc = subprocess.run([*NETUI, "dump"], capture_output=True, text=True, env={**env_no_host, **env}, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_replay_of_a_bad_file_is_one_line(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"schema": "something-else"}')
    from netui.engine.schema import SchemaError, from_dict

    with pytest.raises(SchemaError):
        from_dict(json.loads(bad.read_text()))


@pytest.mark.engine
def test_permission_denied_suggests_docker_group(engine):
    """A socket the user may not open: root without CAP_DAC_OVERRIDE, socket owned by another uid."""
    if not shutil.which("setpriv"):
        pytest.fail("setpriv (util-linux) is needed for this test")
    with SocketProxy() as proxy:
        os.chown(proxy.path, 65534, 65534)
        os.chmod(proxy.path, 0o600)
        drop = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--"]
        line = one_line_error(run("dump", "--host", proxy.url, prefix=drop))
    assert "permission denied" in line and "docker group" in line


@pytest.mark.engine
def test_api_too_old_is_one_line(engine):
    with SocketProxy() as proxy:
        proxy.fake_api_version = "1.30"
        line = one_line_error(run("dump", "--host", proxy.url))
        assert "too old" in line and "1.30" in line
        with pytest.raises(EngineError) as info:
            Engine(proxy.url).connect()
        assert info.value.kind == "too-old"


@pytest.mark.engine
def test_dump_readable_and_json(engine, lab):
    lab.network("dumpnet", subnet="10.231.9.0/24")
    lab.container("dumped", lab.image, networks=[(lab.name("dumpnet"), ["dumpalias"])])
    proc = run("dump")
    assert proc.returncode == 0, proc.stderr
    assert lab.name("dumpnet") in proc.stdout and "10.231.9.0/24" in proc.stdout
    assert lab.name("dumped") in proc.stdout and "dumpalias" in proc.stdout
    proc = run("dump", "--json", "--stats")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema"] == "netui.dump/1"
    net = next(n for n in data["networks"] if n["name"] == lab.name("dumpnet"))
    assert net["ipam"]["config"][0]["subnet"] == "10.231.9.0/24"
    assert [c["name"] for c in net["containers"]] == [lab.name("dumped")]
    assert "dumpalias" in net["containers"][0]["names"]
    assert "API requests" in proc.stderr


@pytest.mark.engine
def test_dump_shows_hostile_names_literally(engine, lab):
    """Engine strings are data: markup and escape sequences stay inert text."""
    hostile = "[b]x[/b]"
    lab.network(hostile, labels={"evil": "[bold red]x[/]\x1b[31mred\x1b]0;title\x07"})
    proc = run("dump")
    assert proc.returncode == 0, proc.stderr
    assert lab.name(hostile) in proc.stdout
    assert "\x1b" not in proc.stdout
