"""Where a published port of a remote engine is checked from here (netui.engine.engine_host)."""

from __future__ import annotations

from netui.engine.engine_host import reach_target, remote_machine


def test_remote_machine():
    assert remote_machine("unix:///var/run/docker.sock") == ""
    assert remote_machine("tcp://127.0.0.1:12376") == remote_machine("tcp://localhost:2376") == ""
    assert remote_machine("tcp://build.example:2376") == "build.example"
    assert remote_machine("https://10.0.0.5:2376/") == "10.0.0.5"
    assert remote_machine("tcp://[fd00::5]:2376") == "fd00::5"
    assert remote_machine("ssh://me@build.example") == "build.example"
    assert remote_machine("ssh://me@build.example:2222") == "build.example"
    assert remote_machine("ssh://root@127.0.0.1:12222") == ""
    assert remote_machine("npipe:////./pipe/docker_engine") == ""


def test_reach_target():
    assert reach_target("unix:///var/run/docker.sock", "", "127.0.0.1") == ("127.0.0.1", "")
    assert reach_target("tcp://build.example:2376", "0.0.0.0", "127.0.0.1") == ("build.example", "")
    assert reach_target("ssh://me@build.example", "", "127.0.0.1") == ("build.example", "")
    assert reach_target("tcp://build.example:2376", "10.1.2.3", "10.1.2.3") == ("10.1.2.3", "")
    host, why = reach_target("ssh://me@build.example", "127.0.0.1", "127.0.0.1")
    assert host == "" and "only that machine reaches it" in why and "build.example" in why


def test_tls_and_ssh_refusals_that_need_a_peer_to_misbehave():
    """What a real engine here cannot be made to send: an expired certificate, a TLS alert."""
    import ssl

    from netui.engine.remote_errors import _ssh_command, remote_problem

    expired = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired")
    expired.verify_message = "certificate has expired"
    msg, kind = remote_problem(expired, "tcp://build:2376") or ("", "")
    assert msg == "the engine's certificate at tcp://build:2376 has expired (certificate has expired)" and kind == "unreachable"
    alert = ssl.SSLError(1, "[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate (_ssl.c:2580)")
    msg, _ = remote_problem(alert, "tcp://build:2376", {"DOCKER_CERT_PATH": "/certs"}) or ("", "")
    assert msg.startswith("the engine at tcp://build:2376 refused netui's client certificate (/certs/cert.pem)")
    assert remote_problem(ValueError("something else"), "tcp://build:2376") is None
    assert _ssh_command("ssh://me@build:2222") == "ssh -p 2222 me@build"
    assert _ssh_command("ssh://build") == "ssh build"
