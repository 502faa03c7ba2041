"""docker-py imported without its ssh transport (paramiko) unless an ssh:// engine may be asked for."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from netui.engine.docker_import import may_need_ssh


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_a_local_engine_does_not_import_paramiko_and_ssh_can_be_added_later():
    out = run("""
        import sys
        from netui.engine import docker_import
        docker = docker_import.load(ssh=False)
        print("paramiko" in sys.modules, "docker.transport.sshconn" in sys.modules)
        try:
            docker.APIClient("ssh://nobody@127.0.0.1:9")
        except Exception as exc:
            print(type(exc).__name__, "paramiko" in str(exc))
        docker_import.load(ssh=True)  # an ssh engine asked for after the start
        try:
            docker.APIClient("ssh://nobody@127.0.0.1:9", timeout=3)
        except Exception as exc:
            print("paramiko" in str(exc))  # now the transport tries (and the port refuses)
        print("paramiko" in sys.modules)
    """).splitlines()
    assert out[0] == "False False"
    assert out[1] == "DockerException True"  # docker-py's own "Install paramiko package" until then
    assert out[2] == "False"
    assert out[3] == "True"


def test_an_ssh_engine_gets_the_transport_from_the_start():
    out = run("""
        import sys
        from netui.engine import docker_import
        docker_import.load(ssh=True)
        import docker.api.client as c
        print(c.SSHHTTPAdapter.__name__)
    """)
    assert out.strip() == "SSHHTTPAdapter"


def test_which_engines_may_need_ssh(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.docker/config.json
    assert may_need_ssh({"DOCKER_HOST": "ssh://u@h"}, None)
    assert not may_need_ssh({"DOCKER_HOST": "unix:///var/run/docker.sock"}, None)
    assert not may_need_ssh({"DOCKER_HOST": "tcp://127.0.0.1:2376"}, "remote")  # the host decides (connect drops it for a context)
    empty = str(tmp_path / "none")
    assert not may_need_ssh({"DOCKER_CONFIG": empty}, None)
    assert not may_need_ssh({"DOCKER_CONFIG": empty}, "default")
    assert may_need_ssh({"DOCKER_CONFIG": empty}, "remote")
    assert may_need_ssh({"DOCKER_CONFIG": empty, "DOCKER_CONTEXT": "remote"}, None)
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "over-ssh"}))
    assert may_need_ssh({"DOCKER_CONFIG": str(tmp_path)}, None)
    (tmp_path / "config.json").write_text("[not an object")
    assert not may_need_ssh({"DOCKER_CONFIG": str(tmp_path)}, None)
    # As docker-py: DOCKER_CONFIG without a config.json falls back to ~/.docker/config.json.
    (tmp_path / "home" / ".docker").mkdir(parents=True)
    (tmp_path / "home" / ".docker" / "config.json").write_text(json.dumps({"currentContext": "over-ssh"}))
    assert may_need_ssh({"DOCKER_CONFIG": empty}, None)
    assert may_need_ssh({}, None)
