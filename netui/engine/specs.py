"""What a user asks netui to change: one spec per write, with its equivalent `docker` command.

Specs are plain data built by the forms and confirmations; validation.py checks
them against a snapshot before anything is sent, actions.py performs them.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from netui.engine.image import LOCAL_IMAGE

MANAGED_LABEL = "netui.managed"
LABEL_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")

@dataclass(frozen=True)
class FieldError:
    """A problem with one field. An error blocks submitting; a warning is shown and lets it through."""

    field: str
    message: str
    severity: str = "error"  # "error" | "warning"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"


def warning(fieldname: str, message: str) -> FieldError:
    return FieldError(fieldname, message, "warning")


def blocking(errors: Iterable[FieldError]) -> list[FieldError]:
    """The errors that stop a submit (warnings do not)."""
    return [e for e in errors if not e.is_warning]


def command_text(argv: Iterable[str]) -> str:
    """An argv as a shell would show it, quoted where needed."""
    return " ".join(shlex.quote(a) for a in argv)


# -- parsing helpers --------------------------------------------------------------
def parse_pairs(text: str, what: str, fieldname: str, errors: list[FieldError]) -> tuple[tuple[str, str], ...]:
    """`key=value` items, separated by commas or new lines."""
    out: dict[str, str] = {}
    for raw in re.split(r"[,\n]", text or ""):
        item = raw.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            errors.append(FieldError(fieldname, f"{what} must be key=value: {item!r}"))
            continue
        if not LABEL_KEY_RE.match(key):
            errors.append(FieldError(fieldname, f"{what} key {key!r} may only hold letters, digits and . _ - /"))
            continue
        if key in out:
            errors.append(FieldError(fieldname, f"{what} {key!r} is given twice"))
            continue
        out[key] = value.strip()
    return tuple(out.items())


@dataclass(frozen=True)
class NetworkSpec:
    name: str = ""
    driver: str = "bridge"
    subnet: str = ""
    gateway: str = ""
    ip_range: str = ""
    internal: bool = False
    attachable: bool = False
    ipv6: bool = False
    ipv6_subnet: str = ""
    labels: str = ""  # key=value, comma or newline separated
    options: str = ""

    def parsed_labels(self) -> tuple[tuple[str, str], ...]:
        return parse_pairs(self.labels, "label", "labels", [])

    def parsed_options(self) -> tuple[tuple[str, str], ...]:
        return parse_pairs(self.options, "option", "options", [])

    def argv(self) -> list[str]:
        argv = ["docker", "network", "create", "--driver", self.driver or "bridge"]
        if self.subnet.strip():
            argv += ["--subnet", self.subnet.strip()]
        if self.gateway.strip():
            argv += ["--gateway", self.gateway.strip()]
        if self.ip_range.strip():
            argv += ["--ip-range", self.ip_range.strip()]
        if self.ipv6:
            argv.append("--ipv6")
            if self.ipv6_subnet.strip():
                argv += ["--subnet", self.ipv6_subnet.strip()]
        if self.internal:
            argv.append("--internal")
        if self.attachable:
            argv.append("--attachable")
        for k, v in self.parsed_labels():
            argv += ["--label", f"{k}={v}"]
        for k, v in self.parsed_options():
            argv += ["--opt", f"{k}={v}"]
        argv.append(self.name.strip() or "NAME")
        return argv


class _Refs:
    """What the engine is told: the ids when known (names can repeat, containers be renamed)."""

    network: str
    container: str
    network_id: str
    container_id: str

    @property
    def network_ref(self) -> str:
        return self.network_id or self.network

    @property
    def container_ref(self) -> str:
        return self.container_id or self.container


@dataclass(frozen=True)
class ConnectSpec(_Refs):
    network: str  # name, for the command shown
    container: str  # name
    aliases: str = ""  # comma or space separated
    ipv4: str = ""
    ipv6: str = ""
    network_id: str = ""  # what the engine is told (names can repeat)
    container_id: str = ""  # likewise: the container picked, even if renamed since

    def alias_list(self) -> list[str]:
        return [a for a in re.split(r"[,\s]+", self.aliases or "") if a]

    def argv(self) -> list[str]:
        argv = ["docker", "network", "connect"]
        for a in self.alias_list():
            argv += ["--alias", a]
        if self.ipv4.strip():
            argv += ["--ip", self.ipv4.strip()]
        if self.ipv6.strip():
            argv += ["--ip6", self.ipv6.strip()]
        return argv + [self.network or "NETWORK", self.container or "CONTAINER"]


@dataclass(frozen=True)
class DisconnectSpec(_Refs):
    network: str
    container: str
    force: bool = False
    network_id: str = ""
    container_id: str = ""  # the container confirmed, even if renamed since

    def argv(self) -> list[str]:
        return ["docker", "network", "disconnect", *(["--force"] if self.force else []), self.network, self.container]


def remove_argv(names: Iterable[str]) -> list[str]:
    return ["docker", "network", "rm", *names]


@dataclass(frozen=True)
class RemoveSpec:
    network: str
    disconnect_first: tuple[str, ...] = ()  # containers to disconnect (forced) before removing
    network_id: str = ""

    def argv(self) -> list[str]:
        return remove_argv([self.network])

    def all_argv(self) -> list[list[str]]:
        return [DisconnectSpec(self.network, c, force=True).argv() for c in self.disconnect_first] + [self.argv()]


@dataclass(frozen=True)
class PruneSpec:
    networks: tuple[str, ...]
    network_ids: tuple[str, ...] = ()

    def argv(self) -> list[str]:
        return remove_argv(self.networks)


@dataclass(frozen=True)
class RunSpec:
    network: str
    image: str = LOCAL_IMAGE
    name: str = ""
    command: str = "sleep 86400"
    publish: str = ""  # [host_ip:]host_port:container_port[/proto]
    aliases: str = ""
    network_id: str = ""
    labels: str = ""  # key=value, comma or newline separated (besides netui.managed=1)

    def parsed_labels(self) -> tuple[tuple[str, str], ...]:
        return parse_pairs(self.labels, "label", "labels", [])

    def parsed_command(self) -> list[str]:
        try:
            return shlex.split(self.command or "")
        except ValueError:
            return []

    def parsed_publish(self) -> tuple[str, int | None, int, str] | None:
        """(host ip, host port or None, container port, protocol), or None when empty or malformed."""
        text = (self.publish or "").strip()
        if not text:
            return None
        proto = "tcp"
        if "/" in text:
            text, proto = text.rsplit("/", 1)
        parts = text.rsplit(":", 2)
        try:
            if len(parts) == 1:
                return ("", None, int(parts[0]), proto)
            if len(parts) == 2:
                return ("", int(parts[0]) if parts[0] else None, int(parts[1]), proto)
            return (parts[0].strip("[]"), int(parts[1]) if parts[1] else None, int(parts[2]), proto)
        except ValueError:
            return None

    def argv(self) -> list[str]:
        argv = ["docker", "run", "-d"]
        if self.name.strip():
            argv += ["--name", self.name.strip()]
        argv += ["--network", self.network or "NETWORK"]
        for a in re.split(r"[,\s]+", self.aliases or ""):
            if a:
                argv += ["--network-alias", a]
        if self.publish.strip():
            argv += ["-p", self.publish.strip()]
        argv += ["--label", f"{MANAGED_LABEL}=1"]
        for k, v in self.parsed_labels():
            argv += ["--label", f"{k}={v}"]
        argv += [self.image or "IMAGE", *self.parsed_command()]
        return argv


@dataclass(frozen=True)
class StepsSpec:
    """Several writes confirmed at once and done in order, e.g. a doctor's fix: create a
    network, then connect two containers to it. Stops at the first that fails."""

    steps: tuple[Any, ...]

    def all_argv(self) -> list[list[str]]:
        return [s.argv() for s in self.steps]

    def argv(self) -> list[str]:
        return self.steps[-1].argv() if self.steps else []

