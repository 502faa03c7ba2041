"""Command line: `netui` opens the explorer; `netui dump`, `netui map`, `netui doctor`, `netui demo`, `netui tour`, `netui image`, `netui serve`.

Errors end in one line on stderr and a non-zero exit, never a traceback:
1 for engine trouble, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

from netui import __version__

EXIT_ENGINE = 1
EXIT_USAGE = 2
EXIT_DOCTOR_ENGINE = 2  # `netui doctor`: 1 means findings, so "cannot read the engine" is 2


def _positive(value: str) -> float:
    try:
        v = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError("must be a number of seconds greater than 0")
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
        "--interval", type=_positive, default=default(30.0), metavar="SEC",
        help="full resync period while the event stream is healthy (default 30; per 1000 containers beyond 1000)",
    )
    p.add_argument(
        "--probe-image", default=default(None), metavar="IMAGE",
        help="image for probe containers when a container has no ping/nslookup/nc (default netui/busybox:local)",
    )
    p.add_argument("--replay", default=default(None), metavar="FILE", help="show a topology saved with `netui dump --json` (offline, read-only)")
    p.add_argument("--theme", default=default(None), help="Textual theme, e.g. textual-dark, textual-light, nord")


def build_parser() -> argparse.ArgumentParser:
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
    d.set_defaults(func=cmd_dump)

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
    m.set_defaults(func=cmd_map)

    demo = sub.add_parser("demo", help="build or remove the demo world (labelled netui.demo)")
    _engine_options(demo, sub=True, several=False)
    demo.add_argument("action", choices=("up", "down", "status"))
    demo.add_argument("--image", default=None, help="image for the demo containers (default: the local busybox image)")
    demo.set_defaults(func=cmd_demo)

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
    doc.set_defaults(func=cmd_doctor)
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
    tour.set_defaults(func=cmd_tour)

    img = sub.add_parser("image", help="build the local busybox image used by demos and probes (no registry needed)")
    _engine_options(img, sub=True, several=False)
    img.set_defaults(func=cmd_image)

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
    srv.set_defaults(func=cmd_serve)
    p.set_defaults(func=cmd_tui)
    return p


def _err(message: str) -> None:
    print(f"netui: {message}", file=sys.stderr)


class UsageError(Exception):
    pass


def engine_targets(args: argparse.Namespace) -> list[tuple[str | None, str | None]]:
    """The engines asked for, as (host, context) pairs: one (None, None) for the default."""
    targets: list[tuple[str | None, str | None]] = [(h, None) for h in getattr(args, "host", None) or ()]
    targets += [(None, c) for c in getattr(args, "context", None) or ()]
    if getattr(args, "all_contexts", False):
        from docker.context import ContextAPI

        try:
            names = [c.Name for c in ContextAPI.contexts()]
        except Exception as exc:
            from netui.engine.client import EngineError

            raise EngineError(f"cannot list docker contexts: {' '.join(str(exc).split())}") from None
        targets += [(None, n) for n in names if (None, n) not in targets]
    seen: list[tuple[str | None, str | None]] = []
    for t in targets:
        if t not in seen:
            seen.append(t)
    return seen or [(None, None)]


def _connect(args: argparse.Namespace):
    from netui.engine.client import Engine

    targets = engine_targets(args)
    if len(targets) > 1:
        raise UsageError(f"`netui {args.command}` works on one engine at a time: give one --host or --context")
    host, context = targets[0]
    engine = Engine(host, context=context)
    engine.connect()
    return engine


def cmd_dump(args: argparse.Namespace) -> int:
    targets = engine_targets(args)
    if len(targets) > 1:
        return _dump_several(args, targets)
    from netui.engine.schema import to_dict
    from netui.engine.topology import TopologyReader

    started = time.perf_counter()
    engine = _connect(args)
    before = engine.counter.snapshot()
    t0 = time.perf_counter()
    snap = TopologyReader(engine).read()
    took = time.perf_counter() - t0
    requests = engine.counter.snapshot() - before
    if args.json:
        json.dump(to_dict(snap), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        from rich.console import Console

        from netui.engine.render import render

        # Piped output is not cut to 80 columns: it is read by people and grep alike.
        width = None if sys.stdout.isatty() else 200
        Console(highlight=False, width=width).print(render(snap))
    sys.stdout.flush()
    if args.stats:
        print(
            f"netui: snapshot of {len(snap.networks)} networks and {len(snap.containers)} containers: "
            f"{took * 1000:.1f} ms, {requests} API requests ({engine.counter.by_path}); "
            f"total with connect {(time.perf_counter() - started) * 1000:.1f} ms",
            file=sys.stderr,
        )
    return 0


def _dump_several(args: argparse.Namespace, targets: list[tuple[str | None, str | None]]) -> int:
    """Each engine read at once, side by side; one that fails is reported and does not
    hold the others back (exit 1 when any failed)."""
    from concurrent.futures import ThreadPoolExecutor

    from netui.engine.client import Engine, EngineError
    from netui.engine.schema import SCHEMA, engine_dict, to_dict
    from netui.engine.topology import TopologyReader

    def read(target: tuple[str | None, str | None]):
        host, context = target
        engine = Engine(host, context=context)
        try:
            engine.connect()
            return engine, TopologyReader(engine).read(), None
        except EngineError as exc:
            return engine, None, exc
        finally:
            engine.close()

    with ThreadPoolExecutor(max_workers=min(8, len(targets))) as pool:
        results = list(pool.map(read, targets))
    failed = [(e, err) for e, _, err in results if err is not None]
    if args.json:
        out = {"schema": SCHEMA, "taken_at": _iso_now(), "engines": [
            {k: v for k, v in to_dict(snap).items() if k != "schema"} if snap is not None
            else {"engine": engine_dict(engine.info), "error": str(err)}
            for engine, snap, err in results
        ]}
        json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        from rich.console import Console

        from netui.engine.render import render

        console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
        for _engine, snap, _failure in results:
            if snap is not None:
                console.print(render(snap))
            console.print()
    sys.stdout.flush()
    for engine, err in failed:
        _err(f"{engine.info.context or engine.info.host or 'the default engine'}: {err}")
    return EXIT_ENGINE if failed else 0


def _iso_now() -> str:
    from netui.engine.schema import _iso

    return _iso(time.time())


def cmd_map(args: argparse.Namespace) -> int:
    if args.replay:
        from netui.engine.source import ReplaySource

        source = ReplaySource(args.replay)
        snap, title = source.snapshot, source.description
    else:
        from netui.engine.topology import TopologyReader

        engine = _connect(args)
        snap = TopologyReader(engine).read()
        title = engine.info.label
    from netui.map.graph import build, network_key
    from netui.map.layout import Options

    graph = build(snap, title=title)
    if args.network is not None:
        net = snap.network_by_name.get(args.network) or next((n for n in snap.networks if n.id.startswith(args.network) and len(args.network) >= 3), None)
        if net is None:
            from netui.text import clean

            _err(f"no network named {clean(args.network)!r} on this engine")
            return EXIT_ENGINE
        graph = graph.focus(network_key(net.id))
    if args.filter:
        graph = graph.matching(args.filter)
    options = Options(auto_collapse=10**9) if args.full else Options()
    if args.width is not None and args.width < 40:
        _err("--width must be at least 40 columns")
        return EXIT_USAGE
    if args.format == "mermaid":
        from netui.map.export import to_mermaid

        sys.stdout.write(to_mermaid(graph))
    elif args.format == "dot":
        from netui.map.export import to_dot

        sys.stdout.write(to_dot(graph))
    elif args.format == "svg":
        from netui.map.export import to_svg

        sys.stdout.write(to_svg(graph, args.width or 160, options))
    else:
        from rich.console import Console

        from netui.map.render import picture

        tty = sys.stdout.isatty()
        console = Console(highlight=False, soft_wrap=True)
        width = args.width or (console.width if tty else 160)
        pic = picture(graph, width, options)
        for line in pic.lines():
            console.print(line, overflow="ignore", crop=False)
    sys.stdout.flush()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from netui.engine import demo

    engine = _connect(args)
    if args.action == "up":
        for line in demo.up(engine, image=args.image):
            print(line)
    elif args.action == "down":
        for line in demo.down(engine):
            print(line)
    else:
        for line in demo.status(engine):
            print(line)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from netui.engine.client import EngineError
    from netui.engine.doctor import diagnose, exit_code, partial_checks, scoped
    from netui.engine.doctor.read import read_context
    from netui.engine.doctor.report import render, to_json
    from netui.text import clean

    t0 = time.perf_counter()
    try:
        from netui.engine.lite import LiteEngine

        targets = engine_targets(args)
        if len(targets) > 1:
            raise UsageError("`netui doctor` checks one engine at a time: give one --host or --context")
        host, context = targets[0]
        engine = LiteEngine(host, context=context)  # a local socket without docker-py (its import alone is ~0.4 s)
        engine.connect()
        before = engine.counter.snapshot()
        ctx = read_context(engine, deep=args.deep)
    except EngineError as exc:
        _err(str(exc))
        return EXIT_DOCTOR_ENGINE
    snap = ctx.snapshot
    if args.network is not None and args.network not in snap.network_by_name and args.network not in snap.network_by_id:
        _err(f"no network named {clean(args.network)!r} on this engine")
        return EXIT_DOCTOR_ENGINE
    findings = scoped(diagnose(ctx), snap, network=args.network, label=args.label)
    if args.json:
        sys.stdout.write(to_json(findings) + "\n")
    else:
        from rich.console import Console

        scope = " · ".join(x for x in (f"network {args.network}" if args.network else "",
                                       f"label {args.label}" if args.label else "") if x)
        header = (f"netui doctor · {engine.info.label} · {len(snap.networks)} networks, {len(snap.containers)} containers"
                  + (f" · only {scope}" if scope else ""))
        notes = [ctx.host.summary]
        partial = partial_checks(ctx)
        if partial and not args.deep:
            notes.append("not fully checked without --deep (one inspect per container and network): " + ", ".join(partial))
        width = None if sys.stdout.isatty() else 200
        Console(highlight=False, width=width).print(render(findings, header=header, notes=notes), end="")
    sys.stdout.flush()
    if args.stats:
        print(f"netui: doctor over {len(snap.networks)} networks and {len(snap.containers)} containers: "
              f"{(time.perf_counter() - t0) * 1000:.1f} ms with connect, {engine.counter.snapshot() - before} API requests "
              f"after it ({engine.counter.by_path})", file=sys.stderr)
    return exit_code(findings)


def cmd_image(args: argparse.Namespace) -> int:
    from netui.engine.image import LOCAL_IMAGE, ensure_local_image

    engine = _connect(args)
    built = ensure_local_image(engine)
    print(f"{LOCAL_IMAGE}: {'built' if built else 'already present'}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import importlib.util

    from netui.serve.plan import ServeError, plan_serve

    if importlib.util.find_spec("textual_serve") is None or importlib.util.find_spec("aiohttp") is None:
        _err("netui serve needs textual-serve, an optional part: pip install 'netui[serve]'")
        return EXIT_USAGE
    try:
        plan = plan_serve(args, build_parser())
    except ServeError as exc:
        _err(str(exc))
        return EXIT_USAGE
    from netui.serve.server import run_server

    return run_server(plan)


def cmd_tour(args: argparse.Namespace) -> int:
    from netui.engine.tour_steps import World

    args.tour = World(prefix=args.prefix)
    return cmd_tui(args)


def cmd_tui(args: argparse.Namespace) -> int:
    from netui.engine.source import EngineSource, ReplaySource, Source
    from netui.ui.app import NetuiApp

    sources: list[Source] = (list(ReplaySource.all(args.replay)) if args.replay
                             else [EngineSource(host, context=context, sweep=not args.read_only) for host, context in engine_targets(args)])
    app = NetuiApp(sources, read_only=args.read_only, interval=args.interval, probe_image=args.probe_image,
                   tour=getattr(args, "tour", None))
    if args.theme:
        if args.theme not in app.available_themes:
            _err(f"unknown theme {args.theme!r}; choose from {', '.join(sorted(app.available_themes))}")
            return EXIT_USAGE
        app.theme = args.theme
    app.run()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    from netui.engine.client import EngineError
    from netui.engine.schema import SchemaError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except EngineError as exc:
        _err(str(exc))
        return EXIT_ENGINE
    except (SchemaError, UsageError) as exc:
        _err(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `netui dump | head`: the reader went away; not an error.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return 0
