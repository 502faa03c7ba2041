"""A shell in a container: `docker exec -it <c> sh`, or when the container has no shell,
the probe image's shell in its network namespace (`docker run --rm -it --network
container:<c> <probe image> sh`).

`plan_shell` decides which (one exec through the API tells whether `sh` is there) and
returns the argv; the UI runs it with the app suspended. Both need the docker CLI:
it owns the terminal while the shell runs.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from netui.engine.client import Engine, EngineError, NotFound, resolve_host
from netui.engine.image import LOCAL_IMAGE, ensure_local_image, image_exists
from netui.engine.model import Container

SHELL = "sh"


@dataclass(frozen=True)
class ShellPlan:
    argv: tuple[str, ...]
    container: str
    fallback: bool  # the probe image's shell, beside the container, not inside it
    note: str  # one line for the user before the shell starts

    @property
    def command(self) -> str:
        from netui.engine.specs import command_text

        return command_text(self.argv)


def docker_cli() -> str | None:
    return shutil.which("docker")


def cli_base(engine: Engine) -> list[str]:
    """`docker`, pointed at the engine netui uses when it was named explicitly (--host)."""
    base = ["docker"]
    if engine.requested_host:
        base += ["--host", resolve_host(engine.requested_host)["DOCKER_HOST"]]
    return base


def exec_argv(name: str, base: tuple[str, ...] | list[str] = ("docker",)) -> list[str]:
    return [*base, "exec", "-it", name, SHELL]


def fallback_argv(name: str, image: str = LOCAL_IMAGE, base: tuple[str, ...] | list[str] = ("docker",)) -> list[str]:
    return [*base, "run", "--rm", "-it", "--network", f"container:{name}", image, SHELL]


def not_possible(c: Container) -> str:
    """Why no shell can be opened in this container now, or ''."""
    if c.state == "paused":
        return f"{c.name} is paused: its processes are frozen; unpause it first (docker unpause {c.name})"
    if c.state not in ("running", "restarting"):
        return f"{c.name} is not running ({c.state or 'unknown'}): start it first (docker start {c.name})"
    return ""


def has_shell(engine: Engine, container_id: str) -> bool:
    """Whether `sh` runs in the container (an exec of `sh -c 'exit 0'`)."""
    api = engine.api
    try:
        ex = engine.call(api.exec_create, container_id, [SHELL, "-c", "exit 0"], stdout=True, stderr=True)
        engine.call(api.exec_start, ex["Id"])
        code = engine.call(api.exec_inspect, ex["Id"]).get("ExitCode")
    except NotFound:
        raise
    except EngineError as exc:
        if "executable file not found" in str(exc) or "no such file" in str(exc).lower():
            return False
        raise
    return bool(code == 0)


def plan_shell(engine: Engine, c: Container, probe_image: str = LOCAL_IMAGE) -> ShellPlan:
    """How to open a shell in `c` now. Raises EngineError with the reason when none can be."""
    if docker_cli() is None:
        raise EngineError("a shell needs the docker CLI (the `docker` command), which is not installed here: "
                          "install it (e.g. apt-get install docker.io, or docker-ce-cli)", kind="refused")
    why = not_possible(c)
    if why:
        raise EngineError(why, kind="refused")
    try:
        inside = has_shell(engine, c.id)
    except NotFound:
        raise EngineError(f"{c.name} no longer exists", kind="not-found") from None
    if inside:
        return ShellPlan(tuple(exec_argv(c.name, cli_base(engine))), c.name, False,
                         f"a shell in {c.name}; exit (or Ctrl-D) comes back to netui")
    if probe_image == LOCAL_IMAGE:
        ensure_local_image(engine)
    elif not image_exists(engine, probe_image):
        raise EngineError(f"{c.name} has no shell, and the probe image {probe_image} is not on the engine", kind="refused")
    return ShellPlan(tuple(fallback_argv(c.name, probe_image, cli_base(engine))), c.name, True,
                     f"{c.name} has no shell: this is {probe_image}'s shell in {c.name}'s network namespace "
                     f"(its interfaces, addresses, ports and DNS; not its files or processes). "
                     "exit (or Ctrl-D) comes back to netui")
