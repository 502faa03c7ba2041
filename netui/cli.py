"""Command line: `netui` opens the explorer; `netui dump`, `netui map`, `netui doctor`, `netui demo`, `netui tour`, `netui image`, `netui serve`.

Errors end in one line on stderr and a non-zero exit, never a traceback:
1 for engine trouble, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from netui.cli_args import build_parser as _build_parser

EXIT_ENGINE = 1
EXIT_USAGE = 2
NO_REPLAY = ("dump", "doctor", "demo", "image")  # commands that read or change the live engine only
EXIT_DOCTOR_ENGINE = 2  # `netui doctor`: 1 means findings, so "cannot read the engine" is 2


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

    if args.replay:
        sources: list[Source] = list(ReplaySource.all(args.replay))
    else:
        engines = [EngineSource(host, context=context, sweep=not args.read_only) for host, context in engine_targets(args)]
        for engine in engines:
            engine.read_early()  # the first picture is read while Textual starts (source.read_early)
        sources = list(engines)
    from netui.ui.app import NetuiApp

    app = NetuiApp(sources, read_only=args.read_only, interval=args.interval, probe_image=args.probe_image,
                   tour=getattr(args, "tour", None))
    if args.theme:
        if args.theme not in app.available_themes:
            _err(f"unknown theme {args.theme!r}; choose from {', '.join(sorted(app.available_themes))}")
            return EXIT_USAGE
        app.theme = args.theme
    app.run()
    return app.return_code or 0


def build_parser() -> argparse.ArgumentParser:
    return _build_parser({"dump": cmd_dump, "map": cmd_map, "demo": cmd_demo, "doctor": cmd_doctor, "tour": cmd_tour,
                          "image": cmd_image, "serve": cmd_serve, "tui": cmd_tui})


def main(argv: list[str] | None = None) -> int:
    from netui.engine.client import EngineError
    from netui.engine.schema import SchemaError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in NO_REPLAY and getattr(args, "replay", None):
        # The explorer's --replay given before the command: not silently the live engine instead.
        _err(f"`netui {args.command}` reads the engine and takes no --replay "
             "(a saved dump opens with `netui --replay FILE` or `netui map --replay FILE`)")
        return EXIT_USAGE
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
