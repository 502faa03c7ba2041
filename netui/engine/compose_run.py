"""Running compose: `up -d` and `down` of one project, through the compose CLI.

netui does not reimplement compose: it runs `docker compose` (v2, the CLI plugin) or
`docker-compose` (v1, e.g. Debian's 1.29), whichever is installed, as an argv list,
pointed at the engine netui uses. Both label what they make the same way
(netui.engine.compose reads those labels). The specs are performed by
Actions.perform like every other write (refused when read-only, logged).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field

from netui.engine.client import Engine, EngineError, resolve_host

COMPOSE_TIMEOUT = 180.0  # seconds for one up or down (images are local: it is seconds in practice)
INSTALL_HINT = "apt-get install docker-compose (or the docker-compose-plugin package for `docker compose`)"


@dataclass(frozen=True)
class ComposeTool:
    argv: tuple[str, ...]  # ("docker", "compose") or ("docker-compose",)
    version: str = ""

    @property
    def name(self) -> str:
        return " ".join(self.argv)


def find_compose(env: dict[str, str] | None = None) -> ComposeTool | None:
    """The compose CLI installed here: v2's `docker compose` first, then v1's `docker-compose`."""
    env = dict(os.environ if env is None else env)
    candidates: list[tuple[str, ...]] = []
    if shutil.which("docker", path=env.get("PATH")):
        candidates.append(("docker", "compose"))
    if shutil.which("docker-compose", path=env.get("PATH")):
        candidates.append(("docker-compose",))
    for argv in candidates:
        try:
            proc = subprocess.run([*argv, "version", "--short"], capture_output=True, text=True, timeout=20, env=env)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if proc.returncode == 0 and proc.stdout.strip():
            return ComposeTool(argv, proc.stdout.strip().splitlines()[0])
    return None


@dataclass(frozen=True)
class ComposeUpSpec:
    """`<compose> -p PROJECT -f FILE up -d`: create and start the project's services."""

    project: str
    file: str
    tool: tuple[str, ...] = ("docker-compose",)
    env: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # extra environment (DOCKER_HOST)

    def argv(self) -> list[str]:
        return [*self.tool, "-p", self.project, "-f", self.file, "up", "-d"]


@dataclass(frozen=True)
class ComposeDownSpec:
    """`<compose> -p PROJECT -f FILE down -t 1`: remove the project's containers and networks."""

    project: str
    file: str
    tool: tuple[str, ...] = ("docker-compose",)
    env: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def argv(self) -> list[str]:
        return [*self.tool, "-p", self.project, "-f", self.file, "down", "-t", "1"]


def engine_env(engine: Engine | None) -> tuple[tuple[str, str], ...]:
    """The environment that points the compose CLI at the engine netui uses (when named with --host)."""
    if engine is None or not engine.requested_host:
        return ()
    return (("DOCKER_HOST", resolve_host(engine.requested_host)["DOCKER_HOST"]),)


def run(spec: ComposeUpSpec | ComposeDownSpec, timeout: float = COMPOSE_TIMEOUT) -> str:
    """Run the compose command; its last lines on failure, as an EngineError."""
    argv = spec.argv()
    if shutil.which(argv[0]) is None:
        raise EngineError(f"{argv[0]} is not installed: {INSTALL_HINT}", kind="refused")
    env = {**os.environ, **dict(spec.env)}
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise EngineError(f"{' '.join(spec.tool)} did not finish in {timeout:g} s", kind="error") from None
    except OSError as exc:
        raise EngineError(f"cannot run {argv[0]}: {exc.strerror or exc}", kind="refused") from None
    if proc.returncode != 0:
        tail = " ".join(line.strip() for line in (proc.stderr or proc.stdout).strip().splitlines()[-3:])
        raise EngineError(f"{' '.join(spec.tool)} failed (exit {proc.returncode}): {tail or 'no output'}", kind="refused")
    verb = "up" if isinstance(spec, ComposeUpSpec) else "down"
    return f"compose project {spec.project} is {verb}"
