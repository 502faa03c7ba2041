"""What `netui serve` serves: the session command line, the address, the write policy.

Pure: no web imports, so `netui serve --help` and bad usage stay fast, and this is
unit-tested without a server.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from dataclasses import dataclass, field

# Options of `netui serve` itself; every other option of the parser goes to the sessions.
SERVE_ONLY = frozenset({"bind", "port", "max_sessions", "allow_writes"})
NOT_FORWARDED = frozenset({"help", "version", "command", "func"})


class ServeError(Exception):
    """Bad `netui serve` usage, worded for the user."""


@dataclass(frozen=True)
class ServePlan:
    argv: tuple[str, ...]  # one session's command line, an argv list (never a shell string)
    bind: str
    port: int
    max_sessions: int
    read_only: bool  # what the sessions are
    forced_read_only: bool  # read-only because the address is beyond loopback
    warnings: tuple[str, ...] = field(default=())


def is_loopback(bind: str) -> bool:
    """Whether only this machine can reach `bind`. Names other than localhost count as beyond it."""
    if bind.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind.strip("[]")).is_loopback
    except ValueError:
        return False


def session_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[str]:
    """The explorer's options given to `netui serve`, as they go on a session's command line.

    Taken from the main parser's own options, so an option added to netui later passes
    through without a change here.
    """
    out: list[str] = []
    for action in parser._actions:  # argparse has no public accessor for its options
        if not action.option_strings or action.dest in NOT_FORWARDED or action.dest in SERVE_ONLY:
            continue
        if isinstance(action, argparse._SubParsersAction):
            continue
        value = getattr(args, action.dest, action.default)
        if value is None or value == action.default:
            continue
        flag = next((o for o in action.option_strings if o.startswith("--")), action.option_strings[0])
        if action.nargs == 0:  # a switch (store_true)
            if value is True:
                out.append(flag)
            continue
        for one in value if isinstance(value, list) else [value]:  # an option given more than once (--host)
            out += [flag, str(one)]
    return out


def plan_serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> ServePlan:
    loopback = is_loopback(args.bind)
    forced = not loopback and not args.allow_writes and not args.read_only
    read_only = bool(args.read_only) or forced or bool(getattr(args, "replay", None))
    if forced:
        args.read_only = True
    replay = getattr(args, "replay", None)
    if replay:
        from netui.engine.client import EngineError
        from netui.engine.source import ReplaySource

        try:
            ReplaySource(replay)  # a bad file is said once, here, not by every session
        except (EngineError, OSError) as exc:
            raise ServeError(str(exc)) from None
        args.replay = os.path.abspath(replay)
    theme = getattr(args, "theme", None)
    if theme:
        from textual.theme import BUILTIN_THEMES

        if theme not in BUILTIN_THEMES:
            raise ServeError(f"unknown theme {theme!r}; choose from {', '.join(sorted(BUILTIN_THEMES))}")
    warnings: list[str] = []
    if not loopback:
        reach = f"serving on {args.bind}: anyone who can reach this address sees the engine's networks and containers"
        if forced:
            warnings.append(f"{reach}; the sessions are read-only (--allow-writes would let them change the engine)")
        elif read_only:
            warnings.append(f"{reach}; the sessions are read-only")
        else:
            warnings.append(
                f"{reach} and, with --allow-writes, can create and remove networks, connect and disconnect "
                "containers and run containers on it"
            )
    argv = (sys.executable, "-m", "netui", *session_options(args, parser))
    return ServePlan(
        argv=argv, bind=args.bind, port=args.port, max_sessions=args.max_sessions,
        read_only=read_only, forced_read_only=forced, warnings=tuple(warnings),
    )
