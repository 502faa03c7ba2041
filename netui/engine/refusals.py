"""The engine's refusals, in plain words.

The engine's own messages are kept (the action log, and after the plain words);
these lead with what a user can do about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from netui.engine.client import EngineError
from netui.engine.image import LOCAL_IMAGE

_REFUSALS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(p, re.IGNORECASE | re.DOTALL), f) for p, f in (
        (r"bridge interface existence: numerical result out of range",
         lambda m: "the bridge name is too long: Linux interface names have at most 15 characters"),
        (r"networks have same bridge name",
         lambda m: "another network already uses that bridge name (com.docker.network.bridge.name)"),
        (r"failed to parse com\.docker\.network\.driver\.mtu value: (.*?) \(strconv",
         lambda m: f"the MTU must be a whole number of bytes (68 to 65535), not {m.group(1)!r}"),
        (r"invalid MTU number: (\S+)",
         lambda m: f"the MTU must be between 68 and 65535, not {m.group(1)}"),
        (r"failed to set MTU on (?:host|container) interface",
         lambda m: "the network's MTU option is outside what Linux allows (68 to 65535): no container can join it "
                   "until the network is re-created with another MTU"),
        (r"failed to parse com\.docker\.network\.bridge\.(enable_icc|enable_ip_masquerade) value: (.*?) \(strconv\.ParseBool",
         lambda m: f"{m.group(1)} is true or false, not {m.group(2)!r}"),
        (r"failed to parse com\.docker\.network\.bridge\.host_binding_ipv4 value: (.*?) \(nil ip\)",
         lambda m: f"host_binding_ipv4 must be an IPv4 address, not {m.group(1)!r}"),
        (r"user specified IP address is supported only when connecting to networks with user configured subnets",
         lambda m: "this network's subnet was chosen by the engine, and Docker gives a static address only on networks "
                   "created with --subnet: connect without an address, or re-create the network with --subnet"),
        (r"user specified IP address is supported on user defined networks only",
         lambda m: "the default bridge takes no static address: use a user-defined network created with --subnet"),
        (r"Pool overlaps with other one on this address space",
         lambda m: "the subnet overlaps another Docker network's subnet"),
        (r"could not find an available, non-overlapping IPv(\d) address pool",
         lambda m: f"the engine has no free IPv{m.group(1)} subnet left in its address pools: give a subnet, "
                   "or remove unused networks"),
        (r"network with name (\S+) already exists",
         lambda m: f"a network named {m.group(1)} already exists (created meanwhile?)"),
        (r"No such image: (\S+)",
         lambda m: f"the engine has no image {m.group(1)}: netui does not pull; `docker pull {m.group(1)}` first"
                   + (" (or `netui image`)" if m.group(1) == LOCAL_IMAGE else "")),
        (r'exec: "([^"]*)": executable file not found in \$PATH',
         lambda m: f"the image has no program {m.group(1)!r} (not found in its PATH)"),
        (r"listen (?:tcp|udp|sctp)[46]? (\S+?):(\d+): bind: cannot assign requested address",
         lambda m: f"this host has no address {m.group(1).strip('[]')} to publish on: use one of its addresses, "
                   "127.0.0.1, or no host IP (all of them)"),
        (r"listen (?:tcp|udp|sctp)[46]? (\S+?):(\d+): bind: address already in use",
         lambda m: f"host port {m.group(2)} on {m.group(1).strip('[]')} is already in use by another program: "
                   "pick another port"),
        (r"Bind for (\S+?):(\d+) failed: port is already allocated",
         lambda m: f"host port {m.group(2)} is already published by another container: pick another port"),
        (r"Address already in use",
         lambda m: "that address is already taken on this network"),
        (r"endpoint with name (\S+) already exists in network (\S+)",
         lambda m: f"{m.group(1)} is already connected to {m.group(2)}"),
        (r"has active endpoints",
         lambda m: "containers are attached to it (they joined meanwhile): nothing was removed"),
        (r"No such container: (\S+)",
         lambda m: f"the container {m.group(1)} no longer exists"),
    )
)


def explain_refusal(message: str) -> str:
    """Plain words for an engine refusal whose own words are cryptic, or '' when they are clear enough."""
    for pattern, words in _REFUSALS:
        m = pattern.search(message or "")
        if m:
            return words(m)
    return ""


def with_explanation(exc: EngineError) -> EngineError:
    """The same error, its message led by plain words when netui knows them; the engine's own words kept."""
    if exc.original is not None:
        return exc
    plain = explain_refusal(exc.message)
    exc.original = exc.message
    if plain:
        exc.message = f"{plain} (the engine said: {exc.message})"
        exc.args = (exc.message,)
    return exc
