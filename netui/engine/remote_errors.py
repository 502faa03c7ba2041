"""What went wrong reaching a remote engine (tcp:// with TLS, ssh://), in one line.

docker-py reports these as nested requests/urllib3/ssl or paramiko exceptions whose
last words ("EOF occurred in violation of protocol", "Authentication failed.") do not
say what to fix. Each is named here for what it means and what to do. paramiko is
never imported: its exceptions are told by name (it is an optional part, netui[ssh]).
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator
from typing import Any

SSH_EXTRA = "pip install 'netui[ssh]'"


def causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, exceptions in their args and reasons
    (and the errors of paramiko's NoValidConnectionsError)."""
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        e = stack.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack.extend([e.__cause__, e.__context__, *e.args])
        reason = getattr(e, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
        errors = getattr(e, "errors", None)  # paramiko's NoValidConnectionsError: {(addr, port): error}
        if isinstance(errors, dict):
            stack.extend(errors.values())


def cert_path(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get("DOCKER_CERT_PATH") or os.path.join(os.path.expanduser("~"), ".docker")


def _files(environ: dict[str, str] | None = None) -> tuple[str, str]:
    """(the CA file, the client certificate) netui was given, as a user would name them."""
    path = cert_path(environ)
    return os.path.join(path, "ca.pem"), os.path.join(path, "cert.pem")


def _ssh_target(where: str) -> str:
    return where[len("ssh://"):] if where.startswith("ssh://") else where


def _ssh_command(where: str) -> str:
    """ssh://user@host:port as the ssh command that reaches it."""
    target = _ssh_target(where).split("/", 1)[0]
    user, _, hostport = target.rpartition("@")
    host, port = hostport, ""
    if hostport.startswith("["):
        host, _, rest = hostport[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif hostport.count(":") == 1:
        host, port = hostport.split(":")
    return "ssh " + (f"-p {port} " if port else "") + (f"{user}@" if user else "") + host


def remote_problem(exc: BaseException, where: str, environ: dict[str, str] | None = None) -> tuple[str, str] | None:
    """(message, kind) for a TLS or ssh failure reaching the engine at `where`; None for anything else."""
    ca, cert = _files(environ)
    chain = list(causes(exc))
    verify = next((x for x in chain if isinstance(x, ssl.SSLCertVerificationError)), None)
    for e in chain:
        name = type(e).__name__
        text = " ".join(str(e).split())
        low = text.lower()
        # -- ssh (paramiko) ---------------------------------------------------------------
        if "install paramiko" in low:
            return (f"{where} is an ssh:// engine, and netui reaches those through paramiko, an optional part left out "
                    f"by default (it adds about 0.3 s to every start): {SSH_EXTRA}", "unreachable")
        if name == "BadHostKeyException":
            return (f"the ssh host key of {_ssh_target(where)} is not the one in known_hosts: it changed, or this is "
                    "another machine; check it, then fix ~/.ssh/known_hosts", "unreachable")
        if name == "SSHException" and "not found in known_hosts" in low:
            host = text.split("'")[1] if text.count("'") >= 2 else _ssh_target(where)
            return (f"the ssh host {host} is not in ~/.ssh/known_hosts, and netui does not accept unknown host keys: "
                    f"connect once with ssh to check and record its key ({_ssh_command(where)})", "unreachable")
        if name in ("AuthenticationException", "PasswordRequiredException") or (name == "SSHException" and "authentication" in low):
            return (f"ssh refused the login to {_ssh_target(where)}: no key it accepts (netui uses ~/.ssh/config, "
                    "its IdentityFile, your keys in ~/.ssh and ssh-agent; passwords are not asked for)", "unreachable")
        if name == "NoValidConnectionsError":
            refused = any(isinstance(x, ConnectionRefusedError) for x in (getattr(e, "errors", None) or {}).values())
            why = "connection refused: is sshd running there, on that port?" if refused else text
            return f"no ssh server answers at {_ssh_target(where)} ({why})", "unreachable"
        if name == "SSHException" and "protocol banner" in low:
            return (f"what answers at {_ssh_target(where)} is not an ssh server (no SSH banner): is that the sshd's port?",
                    "unreachable")
        if name == "SSHException":
            return f"ssh to {_ssh_target(where)} failed: {text}", "unreachable"
        # -- TLS ---------------------------------------------------------------------------
        if "client sent an http request to an https server" in low:
            return (f"the engine at {where} speaks TLS, and netui spoke plain HTTP to it: set DOCKER_TLS_VERIFY=1 and "
                    f"DOCKER_CERT_PATH (a directory with its ca.pem, and your cert.pem and key.pem)", "unreachable")
        if name == "TLSParameterError" or "path to a certificate and key files must be provided" in low:
            path = cert_path(environ)
            missing = [f for f in ("ca.pem", "cert.pem", "key.pem") if not os.path.exists(os.path.join(path, f))]
            lacks = f"lacks {', '.join(missing)}" if missing else "does not hold a usable cert.pem and key.pem"
            return (f"TLS to {where} needs a client certificate, and {path} (DOCKER_CERT_PATH) {lacks}", "unreachable")
        if isinstance(e, ssl.SSLCertVerificationError) or "certificate_verify_failed" in low:
            reason = (getattr(verify, "verify_message", "") or str(verify)) if verify is not None else text
            rlow = str(reason).lower()
            if "mismatch" in rlow or "not valid for" in rlow:
                return (f"the engine's certificate is not valid for the name in {where} ({reason}): connect by a name "
                        "or address its certificate lists", "unreachable")
            if "expired" in rlow:
                return f"the engine's certificate at {where} has expired ({reason})", "unreachable"
            return (f"the engine at {where} presented a certificate that {ca} does not vouch for ({reason}): that CA is "
                    "another engine's, or DOCKER_CERT_PATH points at the wrong directory", "unreachable")
        if "alert bad certificate" in low or "certificate required" in low or "alert unknown ca" in low:
            return (f"the engine at {where} refused netui's client certificate ({cert}): it is not signed by the CA "
                    "the engine trusts (dockerd --tlscacert)", "unreachable")
        if isinstance(e, ssl.SSLEOFError) or ("ssl" in name.lower() and "eof occurred in violation of protocol" in low):
            return (f"the engine at {where} closed the TLS connection at the handshake: it most likely refused netui's "
                    f"client certificate ({cert}), which is not signed by the CA it trusts (dockerd --tlscacert)", "unreachable")
        if "wrong version number" in low or "record layer failure" in low or "packet length too long" in low:
            return (f"{where} does not answer in TLS: it is a plain port (unset DOCKER_TLS_VERIFY) or not a Docker "
                    "engine's TLS port (usually 2376)", "unreachable")
    return None
