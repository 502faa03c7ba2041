"""The command line's grammar: every command, option and argument check of `netui`.

The commands themselves are in netui.cli, which hands them in; this module imports
only argparse and the standard library (it runs on every start, cold start is measured).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Mapping

from netui import __version__

Command = Callable[[argparse.Namespace], int]


def _positive(value: str) -> float:
    try:
        v = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError("must be a number of seconds greater than 0")
    return v


def _interval(value: str) -> float:
    v = _positive(value)
    if v < 1:
        raise argparse.ArgumentTypeError("the resync period is at least 1 second (each resync is two requests to the engine)")
    return v


def _port(value: str) -> int:
    try:
        v = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= v <= 65535:
        raise argparse.ArgumentTypeError("a port is 0 to 65535 (0 picks a free one)")
    return v


def _prefix(value: str) -> str:
    import re

    if value and not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,31}", value):  # (argparse checks the default "" too)
        raise argparse.ArgumentTypeError("a prefix is up to 32 lowercase letters, digits, - and _, starting with a letter or digit")
    return value


def _sessions(value: str) -> int:
    try:
        v = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= v <= 256:
        raise argparse.ArgumentTypeError("must be 1 to 256")
    return v


def _engine_options(p: argparse.ArgumentParser, *, sub: bool, several: bool = True) -> None:
    default = argparse.SUPPRESS if sub else None
    more = " (repeat it to watch several engines)" if several else ""
    p.add_argument(
        "-H", "--host", default=default, metavar="HOST", action="append",
        help="the engine to use, e.g. unix:///var/run/docker.sock, tcp://host:2376 (TLS from DOCKER_TLS_VERIFY / "
        f"DOCKER_CERT_PATH) or ssh://user@host{more} (default: DOCKER_HOST, then the current docker context)",
    )
    p.add_argument("--context", default=default, metavar="NAME", action="append",
                   help=f"a docker context by name (`docker context ls`){more}")
    if several:
        p.add_argument("--all-contexts", default=argparse.SUPPRESS if sub else False, action="store_true",
                       help="every docker context (`docker context ls`), each its own engine")


def _app_options(p: argparse.ArgumentParser, *, sub: bool) -> None:
    """The explorer's options; `netui serve` takes them too and passes them to every session."""

    def default(value):
        return argparse.SUPPRESS if sub else value

    p.add_argument("--read-only", action="store_true", default=default(False), help="disable every action that changes the engine")
    p.add_argument(
        "--interval", type=_interval, default=default(30.0), metavar="SEC",
        help="full resync period while the event stream is healthy (default 30; per 1000 containers beyond 1000)",
    )
    p.add_argument(
        "--probe-image", default=default(None), metavar="IMAGE",
        help="image for probe containers when a container has no ping/nslookup/nc (default netui/busybox:local)",
    )
    p.add_argument("--replay", default=default(None), metavar="FILE", help="show a topology saved with `netui dump --json` (offline, read-only)")
    p.add_argument("--theme", default=default(None), help="Textual theme, e.g. textual-dark, textual-light, nord")


def build_parser(commands: Mapping[str, Command]) -> argparse.ArgumentParser:
    """The whole command line; `commands` maps each command's name ("tui" for none) to its function."""
    p = argparse.ArgumentParser(
        prog="netui",
        description="Explore and operate Docker networks from the keyboard. "
        "Without a command, opens the live explorer.",
    )
    p.add_argument("--version", action="version", version=f"netui {__version__}")
    _engine_options(p, sub=False)
    _app_options(p, sub=False)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("dump", help="print the whole topology (readable, or --json)")
    _engine_options(d, sub=True)
    d.add_argument("--json", action="store_true", help="machine-readable output, schema netui.dump/1 (docs/dump-schema.md)")
    d.add_argument("--stats", action="store_true", help="print the time and API requests the read took, on stderr")
    d.set_defaults(func=commands["dump"])

    m = sub.add_parser(
        "map", help="the topology map: as text, or exported as Mermaid, Graphviz DOT or SVG",
        description="Draw who can reach whom, through which network, and what is exposed to the host.",
    )
    _engine_options(m, sub=True, several=False)
    m.add_argument("--format", choices=("text", "mermaid", "dot", "svg"), default="text",
                   help="text (the terminal picture, default), mermaid, dot, or svg (the picture as an image)")
    m.add_argument("--network", metavar="NAME", help="only this network and its neighbours (networks its containers bridge to)")
    m.add_argument("--filter", metavar="TEXT", default="",
                   help="only what matches TEXT (names, IPs, aliases, labels, ports) and what connects it, like / in the explorer")
    m.add_argument("--width", type=int, default=None, metavar="COLS",
                   help="width of the text/svg picture (default: the terminal's, or 160 when piped)")
    m.add_argument("--full", action="store_true", help="show every network's containers even on a large engine")
    m.add_argument("--replay", default=argparse.SUPPRESS, metavar="FILE", help="draw a topology saved with `netui dump --json`")
    m.set_defaults(func=commands["map"])

    demo = sub.add_parser("demo", help="build or remove the demo world (labelled netui.demo)")
    _engine_options(demo, sub=True, several=False)
    demo.add_argument("action", choices=("up", "down", "status"))
    demo.add_argument("--image", default=None, help="image for the demo containers (default: the local busybox image)")
    demo.set_defaults(func=commands["demo"])

    doc = sub.add_parser(
        "doctor", help="what is wrong with the networking setup, why, and the fix (exit 0 clean, 1 findings, 2 no engine)",
        description="Check the engine's networks and containers for the problems Docker users meet again and again; "
        "each finding explains the concept and gives the fix as docker commands. Exit status: 0 when nothing is "
        "above info, 1 with warnings or problems, 2 when the engine cannot be read.",
    )
    _engine_options(doc, sub=True, several=False)
    doc.add_argument("--json", action="store_true", help="a JSON list of findings (docs/doctor-json.md)")
    doc.add_argument("--network", metavar="NAME", help="only findings about this network and the containers on it")
    doc.add_argument("--label", metavar="KEY[=VALUE]", help="only findings about networks or containers carrying this label")
    doc.add_argument("--deep", action="store_true",
                     help="also inspect every container and network (one request each): stopped containers' ports, "
                     "environment, aliases, stale endpoints")
    doc.add_argument("--stats", action="store_true", help="print the time and API requests it took, on stderr")
    doc.set_defaults(func=commands["doctor"])
    tour = sub.add_parser(
        "tour", help="the guided tour of Docker networking, step by step on the demo world (T in the app)",
        description="Open netui with the guided tour: the drivers, a user-defined network, ping by name, the default "
        "bridge, publishing a port, connecting a container to a second network, a frontend/backend app, compose "
        "networks, isolation, aliases. Each step is explained, performed (Enter) and verified on the engine; "
        "everything it makes carries the label netui.demo=1 (`netui demo down` removes it). With --read-only it "
        "explains and shows the commands without performing them.",
    )
    _engine_options(tour, sub=True, several=False)
    _app_options(tour, sub=True)
    tour.add_argument("--prefix", type=_prefix, default="", metavar="PREFIX",
                      help="start every name the tour makes with PREFIX (when the demo's names are taken on this engine)")
    tour.set_defaults(func=commands["tour"])

    img = sub.add_parser("image", help="build the local busybox image used by demos and probes (no registry needed)")
    _engine_options(img, sub=True, several=False)
    img.set_defaults(func=commands["image"])

    srv = sub.add_parser(
        "serve", help="serve the explorer to web browsers (one app process per browser; textual-serve)",
        description="Serve the explorer to web browsers, for a room following a demo. Every other netui "
        "option (--host, --read-only, --probe-image, --interval, --theme, --replay) is passed to each session.",
    )
    _engine_options(srv, sub=True)
    _app_options(srv, sub=True)
    srv.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                     help="address to listen on (default 127.0.0.1; beyond loopback the sessions are read-only "
                     "unless --allow-writes)")
    srv.add_argument("--port", type=_port, default=8765, help="TCP port (default 8765; 0 picks a free one)")
    srv.add_argument("--max-sessions", type=_sessions, default=4, metavar="N",
                     help="browser sessions at once, each its own process (default 4); the next visitor is told the limit is reached")
    srv.add_argument("--allow-writes", action="store_true",
                     help="let sessions change the engine even when --bind is beyond loopback")
    srv.set_defaults(func=commands["serve"])
    p.set_defaults(func=commands["tui"])
    return p
