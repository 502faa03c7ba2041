"""Command line: `netui` opens the explorer; `netui dump`, `netui map`, `netui doctor`, `netui demo`, `netui image`.

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


def _engine_options(p: argparse.ArgumentParser, *, sub: bool) -> None:
    default = argparse.SUPPRESS if sub else None
    p.add_argument(
        "-H", "--host", default=default, metavar="HOST",
        help="the engine to use, e.g. unix:///var/run/docker.sock or tcp://host:2376 "
        "(default: DOCKER_HOST, then the current docker context)",
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="netui",
        description="Explore and operate Docker networks from the keyboard. "
        "Without a command, opens the live explorer.",
    )
    p.add_argument("--version", action="version", version=f"netui {__version__}")
    _engine_options(p, sub=False)
    p.add_argument("--read-only", action="store_true", help="disable every action that changes the engine")
    p.add_argument(
        "--interval", type=_positive, default=30.0, metavar="SEC",
        help="full resync period while the event stream is healthy (default 30)",
    )
    p.add_argument(
        "--probe-image", default=None, metavar="IMAGE",
        help="image for probe containers when a container has no ping/nslookup/nc (default netui/busybox:local)",
    )
    p.add_argument("--replay", metavar="FILE", help="show a topology saved with `netui dump --json` (offline, read-only)")
    p.add_argument("--theme", default=None, help="Textual theme, e.g. textual-dark, textual-light, nord")
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
    _engine_options(m, sub=True)
    m.add_argument("--format", choices=("text", "mermaid", "dot", "svg"), default="text",
                   help="text (the terminal picture, default), mermaid, dot, or svg (the picture as an image)")
    m.add_argument("--network", metavar="NAME", help="only this network and its neighbours (networks its containers bridge to)")
    m.add_argument("--filter", metavar="TEXT", default="",
                   help="only what matches TEXT (names, IPs, aliases, labels, ports) and what connects it, like / in the explorer")
    m.add_argument("--width", type=int, default=None, metavar="COLS",
                   help="width of the text/svg picture (default: the terminal's, or 160 when piped)")
    m.add_argument("--full", action="store_true", help="show every network's containers even on a large engine")
    m.set_defaults(func=cmd_map)

    demo = sub.add_parser("demo", help="build or remove the demo world (labelled netui.demo)")
    _engine_options(demo, sub=True)
    demo.add_argument("action", choices=("up", "down", "status"))
    demo.add_argument("--image", default=None, help="image for the demo containers (default: the local busybox image)")
    demo.set_defaults(func=cmd_demo)

    doc = sub.add_parser(
        "doctor", help="what is wrong with the networking setup, why, and the fix (exit 0 clean, 1 findings, 2 no engine)",
        description="Check the engine's networks and containers for the problems Docker users meet again and again; "
        "each finding explains the concept and gives the fix as docker commands. Exit status: 0 when nothing is "
        "above info, 1 with warnings or problems, 2 when the engine cannot be read.",
    )
    _engine_options(doc, sub=True)
    doc.add_argument("--json", action="store_true", help="a JSON list of findings (docs/doctor-json.md)")
    doc.add_argument("--network", metavar="NAME", help="only findings about this network and the containers on it")
    doc.add_argument("--label", metavar="KEY[=VALUE]", help="only findings about networks or containers carrying this label")
    doc.add_argument("--deep", action="store_true",
                     help="also inspect every container and network (one request each): stopped containers' ports, "
                     "environment, aliases, stale endpoints")
    doc.add_argument("--stats", action="store_true", help="print the time and API requests it took, on stderr")
    doc.set_defaults(func=cmd_doctor)

    img = sub.add_parser("image", help="build the local busybox image used by demos and probes (no registry needed)")
    _engine_options(img, sub=True)
    img.set_defaults(func=cmd_image)
    p.set_defaults(func=cmd_tui)
    return p


def _err(message: str) -> None:
    print(f"netui: {message}", file=sys.stderr)


def _connect(args: argparse.Namespace):
    from netui.engine.client import Engine

    engine = Engine(getattr(args, "host", None))
    engine.connect()
    return engine


def cmd_dump(args: argparse.Namespace) -> int:
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

        engine = LiteEngine(getattr(args, "host", None))  # a local socket without docker-py (its import alone is ~0.4 s)
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


def cmd_tui(args: argparse.Namespace) -> int:
    from netui.engine.source import EngineSource, ReplaySource, Source
    from netui.ui.app import NetuiApp

    source: Source = ReplaySource(args.replay) if args.replay else EngineSource(args.host)
    app = NetuiApp(source, read_only=args.read_only, interval=args.interval, probe_image=args.probe_image)
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
    except SchemaError as exc:
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
