"""Where the engine's machine is, seen from netui: for checking its published ports.

A port published by a remote engine is open on that engine's machine, not here:
`tcp://build:2376` and `ssh://me@build` publish on `build`. An ssh host may be an
alias of ~/.ssh/config (Host build / HostName 10.1.2.3), which paramiko resolves the
same way when it is installed (netui[ssh]).
"""

from __future__ import annotations

import os
import re

LOOPBACK = ("localhost", "127.0.0.1", "::1")


def _ssh_hostname(alias: str) -> str:
    """The HostName ~/.ssh/config gives an ssh host (the alias itself without one)."""
    try:
        import paramiko
    except ImportError:
        return alias
    path = os.path.join(os.path.expanduser("~"), ".ssh", "config")
    try:
        found = paramiko.SSHConfig.from_path(path).lookup(alias).get("hostname", alias)
    except (OSError, ValueError, KeyError, Exception):  # a config paramiko cannot parse: the name as given
        return alias
    return str(found or alias)


def remote_machine(url: str) -> str:
    """The machine a remote engine runs on ("" for a local one: a unix socket, npipe, or
    tcp/ssh to this machine's loopback)."""
    m = re.match(r"^(tcp|https?)://\[?([^\]/]+?)\]?(?::\d+)?/?$", url or "")
    if m:
        host = m.group(2)
        return "" if host in LOOPBACK else host
    m = re.match(r"^ssh://(?:[^@/]+@)?\[?([^\]/:]+(?::[^\]/]*:[^\]/]*)?)\]?(?::\d+)?/?$", url or "")
    if m:
        host = _ssh_hostname(m.group(1))
        return "" if host in LOOPBACK else host
    return ""


def reach_target(url: str, host_ip: str, loopback_target: str) -> tuple[str, str]:
    """(the address to connect to from here, why not: '' when it can be tried) for a port
    published on `host_ip` by the engine at `url`."""
    remote = remote_machine(url)
    if not remote:
        return loopback_target, ""
    if host_ip.startswith("127.") or host_ip == "::1":
        return "", (f"bound to {host_ip} on {remote}, the engine's machine: only that machine reaches it, "
                    "not netui from here")
    if host_ip in ("", "0.0.0.0", "::"):
        return remote, ""
    return host_ip, ""  # bound to one address of the engine's machine
