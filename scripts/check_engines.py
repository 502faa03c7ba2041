#!/usr/bin/env python3
"""Check how docker-py reaches the engines of `scripts/engines.sh up`.

For each way in (unix socket, TCP with TLS, ssh through paramiko, ssh through
the ssh binary, a docker context) it connects, reads the engine's name and
network list, and times it; and it checks that the TLS engine refuses a client
without a certificate, with a certificate from another CA, and a client that
does not trust the server's CA. Prints one line per check; exit 1 if any check
did not behave as expected.

    python3 scripts/check_engines.py        (after: sudo scripts/engines.sh up)

Needs docker-py 7.x; the paramiko checks need paramiko (`pip install "docker[ssh]"`),
and are reported as skipped without it. Runs with any python that has docker-py;
no netui imports.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docker
import docker.errors
import docker.tls

ROOT = Path(__file__).resolve().parent.parent
API = "1.40"  # as netui does: no version probe inside the constructor, so trust_env can be set first
results: list[tuple[str, str, str]] = []  # (status, check, detail)


def engines_env() -> dict[str, str]:
    out = subprocess.run(["bash", str(ROOT / "scripts" / "engines.sh"), "env"], capture_output=True, text=True, timeout=60).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def record(ok: bool | None, check: str, detail: str) -> None:
    results.append(("skip" if ok is None else "ok" if ok else "FAIL", check, detail))


def reach(check: str, make_client) -> None:
    """Expect success: connect, read /info and /networks, time it."""
    t0 = time.monotonic()
    try:
        client = make_client()
        info = client.info()
        nets = client.networks.list()
        ms = (time.monotonic() - t0) * 1000
        pings = []
        for _ in range(5):
            t1 = time.monotonic()
            client.ping()
            pings.append((time.monotonic() - t1) * 1000)
        record(True, check, f"engine {info['Name']!r} (Docker {info['ServerVersion']}), {len(nets)} networks; "
                            f"connect+info+networks {ms:.0f} ms, then 5 pings {'/'.join(f'{p:.0f}' for p in pings)} ms")
        client.close()
    except Exception as e:  # noqa: BLE001 - report whatever docker-py raises
        record(False, check, f"{type(e).__name__}: {str(e).splitlines()[0][:300]}")


def refused(check: str, make_client) -> None:
    """Expect failure; report the error a user would see."""
    try:
        client = make_client()
        client.info()
        record(False, check, "connected, but should have been refused")
    except Exception as e:  # noqa: BLE001
        record(True, check, f"refused: {type(e).__name__}: {str(e).splitlines()[0][:300]}")


def main() -> int:
    env = engines_env()
    print(f"docker-py {docker.__version__}, python {sys.version.split()[0]}")
    if "NETUI_ENGINE_PLAIN" in env:
        reach("unix socket: plain engine", lambda: docker.DockerClient(base_url=env["NETUI_ENGINE_PLAIN"], timeout=10, version=API))
    else:
        record(None, "plain engine", "not up")

    if "NETUI_ENGINE_TLS" in env:
        url, certs, bad = env["NETUI_ENGINE_TLS"], Path(env["NETUI_ENGINE_TLS_CERTS"]), Path(env["NETUI_ENGINE_TLS_UNTRUSTED"])
        tls_env = {"DOCKER_HOST": url, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(certs)}

        def untrusting(client: docker.DockerClient) -> docker.DockerClient:
            # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override the session's
            # verify= (the CA of DOCKER_CERT_PATH) unless trust_env is off.
            client.api.trust_env = False
            return client

        bundle_vars = [v for v in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE") if os.environ.get(v)]
        if bundle_vars:
            refused(f"TLS via docker.from_env with {'/'.join(bundle_vars)} set in the environment (requests lets it replace the CA)",
                    lambda: docker.from_env(environment=tls_env, timeout=10, version=API))
            saved = {v: os.environ.pop(v) for v in bundle_vars}
            try:
                reach(f"TLS via docker.from_env, {'/'.join(bundle_vars)} unset",
                      lambda: docker.from_env(environment=tls_env, timeout=10, version=API))
            finally:
                os.environ.update(saved)
        reach("TLS via DOCKER_HOST/DOCKER_TLS_VERIFY/DOCKER_CERT_PATH (docker.from_env), then client.api.trust_env = False",
              lambda: untrusting(docker.from_env(environment=tls_env, timeout=10, version=API)))
        reach("TLS via docker.tls.TLSConfig, trust_env = False", lambda: untrusting(docker.DockerClient(base_url=url, timeout=10, version=API, tls=docker.tls.TLSConfig(
            client_cert=(str(certs / "cert.pem"), str(certs / "key.pem")), ca_cert=str(certs / "ca.pem"), verify=True))))
        reach("TLS to localhost (the server cert names 127.0.0.1 and localhost), trust_env = False",
              lambda: untrusting(docker.from_env(environment={**tls_env, "DOCKER_HOST": url.replace("127.0.0.1", "localhost")}, timeout=10, version=API)))
        refused("TLS engine, client speaks plain HTTP", lambda: docker.DockerClient(base_url=url, timeout=10, version=API))
        refused("TLS engine, no client certificate", lambda: untrusting(docker.DockerClient(base_url=url, timeout=10, version=API, tls=docker.tls.TLSConfig(
            ca_cert=str(certs / "ca.pem"), verify=True))))
        refused("TLS engine, client certificate from another CA",
                lambda: untrusting(docker.from_env(environment={**tls_env, "DOCKER_CERT_PATH": str(bad)}, timeout=10, version=API)))
        refused("TLS engine, client does not trust the server's CA", lambda: untrusting(docker.DockerClient(base_url=url, timeout=10, version=API, tls=docker.tls.TLSConfig(
            client_cert=(str(certs / "cert.pem"), str(certs / "key.pem")), ca_cert=str(bad / "other-ca.pem"), verify=True))))
        # A docker context, in a throwaway DOCKER_CONFIG (never ~/.docker).
        with tempfile.TemporaryDirectory(prefix="netui-ctx-") as cfg:
            p = subprocess.run(["docker", "context", "create", "netui-tls", "--docker",
                                f"host={url},ca={certs / 'ca.pem'},cert={certs / 'cert.pem'},key={certs / 'key.pem'}"],
                               env={**os.environ, "DOCKER_CONFIG": cfg}, capture_output=True, text=True, timeout=30)
            if p.returncode != 0:
                record(False, "docker context (CLI) for the TLS engine", p.stderr.strip()[:300])
            else:
                cli = subprocess.run(["docker", "--context", "netui-tls", "info", "--format", "{{.Name}}"],
                                     env={**os.environ, "DOCKER_CONFIG": cfg}, capture_output=True, text=True, timeout=30)
                record(cli.returncode == 0, "docker CLI --context netui-tls", (cli.stdout or cli.stderr).strip()[:300])
                old = os.environ.get("DOCKER_CONFIG")
                os.environ["DOCKER_CONFIG"] = cfg
                try:
                    from docker.context import ContextAPI

                    # docker-py finds the contexts dir next to config.json, and only if that file
                    # exists (else it looks in ./contexts); `docker context create` does not write it.
                    has_cfg = os.path.exists(os.path.join(cfg, "config.json"))
                    found = ContextAPI.get_context("netui-tls")
                    record(found is None and not has_cfg or found is not None and has_cfg,
                           "docker-py ContextAPI.get_context with DOCKER_CONFIG holding contexts/ but no config.json",
                           f"config.json {'exists' if has_cfg else 'absent'}; context {'found' if found else 'NOT found'}")
                    Path(cfg, "config.json").write_text("{}")
                    ctx = ContextAPI.get_context("netui-tls")
                    reach("docker-py ContextAPI.get_context('netui-tls') once config.json exists -> DockerClient(ctx.Host, tls=ctx.TLSConfig), trust_env = False",
                          lambda: untrusting(docker.DockerClient(base_url=ctx.Host, tls=ctx.TLSConfig, timeout=10, version=API)))
                finally:
                    if old is None:
                        os.environ.pop("DOCKER_CONFIG", None)
                    else:
                        os.environ["DOCKER_CONFIG"] = old
    else:
        record(None, "TLS engine", "not up")

    if "NETUI_ENGINE_SSH" in env:
        url, home, bindir = env["NETUI_ENGINE_SSH"], env["NETUI_ENGINE_SSH_HOME"], env["NETUI_ENGINE_SSH_BIN"]
        try:
            import paramiko  # noqa: F401

            old_home = os.environ.get("HOME")
            os.environ["HOME"] = home  # docker-py reads ~/.ssh/config and ~/.ssh/known_hosts
            try:
                reach("ssh via paramiko (use_ssh_client=False, HOME with .ssh/config)",
                      lambda: docker.DockerClient(base_url=url, timeout=10, version=API, use_ssh_client=False))
            finally:
                os.environ["HOME"] = old_home or ""
            refused("ssh via paramiko without the key and known_hosts (the real HOME)",
                    lambda: docker.DockerClient(base_url=url, timeout=10, version=API, use_ssh_client=False))
        except ImportError:
            record(None, "ssh via paramiko", "paramiko is not installed (pip install 'docker[ssh]')")
        old_path = os.environ["PATH"]
        os.environ["PATH"] = f"{bindir}:{old_path}"  # the wrapper adds -F with the key and known_hosts
        try:
            import paramiko  # noqa: F401,F811 - docker-py's ssh transport imports it even for use_ssh_client=True

            reach("ssh via the ssh binary (use_ssh_client=True, wrapper first on PATH)",
                  lambda: docker.DockerClient(base_url=url, timeout=10, version=API, use_ssh_client=True))
        except ImportError:
            record(None, "ssh via the ssh binary", "docker-py needs paramiko for any ssh:// URL, even with use_ssh_client=True")
        finally:
            os.environ["PATH"] = old_path
        cli = subprocess.run(["docker", "-H", url, "info", "--format", "{{.Name}}"],
                             env={**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"}, capture_output=True, text=True, timeout=30)
        record(cli.returncode == 0, "docker CLI -H ssh://… (ssh binary)", (cli.stdout or cli.stderr).strip()[:300])
    else:
        record(None, "ssh engine", "not up")

    for status, check, detail in results:
        print(f"{status:4} {check}: {detail}")
    return 1 if any(s == "FAIL" for s, _, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
