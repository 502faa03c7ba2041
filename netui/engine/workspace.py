"""Labelled resources that netui creates for one purpose (demo, tests, benchmarks).

Every network and container made through a Workspace carries its label and a
name prefix, and `remove_all` removes those and nothing else: a developer's
engine may hold other work.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from netui.engine import model
from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.model import parse_time

ContainerNetworks = Sequence[str | tuple[str, Sequence[str]]]


class Workspace:
    def __init__(self, engine: Engine, label: str, value: str = "1", prefix: str = "") -> None:
        self.engine = engine
        self.label = label
        self.value = value
        self.prefix = prefix
        self.networks: list[str] = []
        self.containers: list[str] = []

    @property
    def labels(self) -> dict[str, str]:
        return {self.label: self.value}

    def name(self, short: str) -> str:
        return f"{self.prefix}{short}"

    def network(
        self,
        short: str,
        *,
        driver: str = "bridge",
        subnet: str | None = None,
        gateway: str | None = None,
        internal: bool = False,
        attachable: bool = False,
        ipv6: bool = False,
        options: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        """Create a network; returns its id."""
        api = self.engine.api
        ipam = None
        if subnet:
            pool = {"subnet": subnet}
            if gateway:
                pool["gateway"] = gateway
            ipam = {"Driver": "default", "Config": [{k.capitalize(): v for k, v in pool.items()}]}
        res = self.engine.call(
            api.create_network,
            self.name(short),
            driver=driver,
            internal=internal,
            attachable=attachable,
            enable_ipv6=ipv6,
            options=dict(options or {}),
            ipam=ipam,
            labels={**(labels or {}), **self.labels},
            check_duplicate=True,
        )
        nid = str(res["Id"])
        self.networks.append(nid)
        return nid

    def container(
        self,
        short: str,
        image: str,
        command: Sequence[str] = ("sleep", "86400"),
        *,
        networks: ContainerNetworks = (),
        network_mode: str | None = None,
        ports: Mapping[int | str, int | None | tuple[str, int | None]] | None = None,
        labels: Mapping[str, str] | None = None,
        start: bool = True,
        hostname: str | None = None,
        exposed: Sequence[int | str] = (),
    ) -> str:
        """Create (and start) a container; returns its id.

        `networks`: names or (name, aliases); the first is attached at create
        time, the rest connected before start. `ports`: container port ->
        host port (None: the engine picks a free one) or (host ip, host port).
        """
        api = self.engine.api
        nets = [(n, ()) if isinstance(n, str) else (n[0], tuple(n[1])) for n in networks]
        mode = network_mode or (nets[0][0] if nets else None)
        port_bindings = dict(ports or {})
        host_config = api.create_host_config(
            network_mode=mode,
            port_bindings=port_bindings or None,
            init=False,
        )
        networking_config = None
        if nets and not network_mode:
            first, aliases = nets[0]
            networking_config = api.create_networking_config(
                {first: api.create_endpoint_config(aliases=list(aliases) or None)}
            )
        res = self.engine.call(
            api.create_container,
            image,
            command=list(command),
            name=self.name(short),
            labels={**(labels or {}), **self.labels},
            host_config=host_config,
            networking_config=networking_config,
            ports=[_port_spec(p) for p in (*port_bindings, *exposed)] or None,
            hostname=hostname,
            stop_signal="SIGKILL",
        )
        cid = str(res["Id"])
        self.containers.append(cid)
        for net, aliases in nets[1:] if not network_mode else ():
            self.engine.call(api.connect_container_to_network, cid, net, aliases=list(aliases) or None)
        if start:
            self.engine.call(api.start, cid)
        return cid

    def _ours(self, cid: str) -> bool:
        try:
            c = self.engine.call(self.engine.api.inspect_container, cid)
        except NotFound:
            return True  # a stale endpoint: nobody's
        labels = (c.get("Config") or {}).get("Labels") or {}
        return labels.get(self.label) == self.value or (bool(self.prefix) and str(c.get("Name", "")).lstrip("/").startswith(self.prefix))

    def remove_created(self) -> list[str]:
        """Remove only what this Workspace object created (e.g. to undo a half-done run)."""
        api = self.engine.api
        removed = []
        for cid in reversed(self.containers):
            try:
                self.engine.call(api.remove_container, cid, force=True)
                removed.append(f"container {cid[:12]}")
            except EngineError:
                pass
        for nid in reversed(self.networks):
            try:
                self.engine.call(api.remove_network, nid)
                removed.append(f"network {nid[:12]}")
            except EngineError:
                pass
        self.containers.clear()
        self.networks.clear()
        return removed

    def remove_all(self) -> list[str]:
        """Remove what this workspace made, plus anything else with its label and prefix.

        Returns what was removed ("container x", "network y"). Keeps going past
        errors and raises the first one at the end, so one stuck resource does
        not leave the others behind.
        """
        api = self.engine.api
        removed: list[str] = []
        first_error: EngineError | None = None
        flt = {"label": [f"{self.label}={self.value}"]}
        # With a unique prefix, what carries it is ours even without the label
        # (e.g. made through the UI under test); without one, the label decides.
        by_name = {"name": [self.prefix]} if self.prefix else flt
        try:
            listed = self.engine.call(api.containers, all=True, filters=flt)
            if self.prefix:
                listed += [c for c in self.engine.call(api.containers, all=True, filters=by_name)
                           if any(n.lstrip("/").startswith(self.prefix) for n in c.get("Names") or [])]
        except EngineError as exc:
            listed, first_error = [], exc
        ids = dict.fromkeys(self.containers)
        for c in listed:
            names = [n.lstrip("/") for n in c.get("Names") or []]
            if any(n.startswith(self.prefix) for n in names):
                ids.setdefault(c["Id"])
        # Containers sharing another's stack go first, or the owner cannot be removed.
        for cid in sorted(ids, key=lambda i: 0 if _shares_stack(listed, i, self.engine) else 1):
            try:
                name = self.engine.call(api.inspect_container, cid)["Name"].lstrip("/")
                self.engine.call(api.remove_container, cid, force=True, v=True)
                removed.append(f"container {name}")
            except NotFound:
                pass
            except EngineError as exc:
                first_error = first_error or exc
        try:
            listed_nets = self.engine.call(api.networks, filters=flt)
            if self.prefix:
                listed_nets += self.engine.call(api.networks, filters=by_name)
        except EngineError as exc:
            listed_nets, first_error = [], first_error or exc
        nids = dict.fromkeys(self.networks)
        for n in listed_nets:
            if str(n.get("Name", "")).startswith(self.prefix):
                nids.setdefault(n["Id"])
        for nid in nids:
            try:
                info = self.engine.call(api.inspect_network, nid)
                foreign = []
                for cid, ep in (info.get("Containers") or {}).items():
                    if self._ours(cid):
                        self.engine.call(api.disconnect_container_from_network, cid, nid, force=True)
                    else:
                        foreign.append(str((ep or {}).get("Name") or cid[:12]))
                if foreign:
                    # Not ours to touch: the network stays, and we say why.
                    removed.append(f"kept network {info['Name']}: {', '.join(foreign)} (not ours) still attached")
                    continue
                self.engine.call(api.remove_network, nid)
                removed.append(f"network {info['Name']}")
            except NotFound:
                pass
            except EngineError as exc:
                first_error = first_error or exc
        self.containers.clear()
        self.networks.clear()
        if first_error is not None:
            raise first_error
        return removed


def _port_spec(p: int | str) -> int | tuple[int, str]:
    if isinstance(p, str) and "/" in p:
        port, proto = p.split("/", 1)
        return (int(port), proto)
    return int(p)


def _shares_stack(listed: Iterable[dict[str, Any]], cid: str, engine: Engine | None = None) -> bool:
    for c in listed:
        if c.get("Id") == cid:
            host_config = c.get("HostConfig")
            if isinstance(host_config, dict):
                return str(host_config.get("NetworkMode", "")).startswith("container:")
            break
    if engine is None:
        return False
    # Podman lists no HostConfig: only the inspect says (and Podman refuses to remove
    # a container whose stack another one shares).
    try:
        data = engine.call(engine.api.inspect_container, cid)
    except EngineError:
        return False
    return str((data.get("HostConfig") or {}).get("NetworkMode", "")).startswith("container:")


def sweep_leftovers(engine: Engine, label: str, value: str, name_prefix: str,
                    older_than: float | None = None) -> list[str]:
    """Remove what an interrupted run left behind: resources carrying *both* the label
    and a name starting with `name_prefix`, and (if `older_than` seconds is given)
    created at least that long ago, so a run going on beside this one keeps its own.

    A network with anything else still attached stays. Returns what was removed.
    """
    api = engine.api
    now = time.time()
    flt = {"label": [f"{label}={value}"]}

    def old_enough(created: float) -> bool:
        return older_than is None or now - created >= older_than

    removed: list[str] = []
    doomed = []
    for c in engine.call(api.containers, all=True, filters=flt):
        names = [n.lstrip("/") for n in c.get("Names") or []]
        if any(n.startswith(name_prefix) for n in names) and old_enough(float(c.get("Created") or 0)):
            doomed.append((c["Id"], names[0]))

    def remove(item: tuple[str, str]) -> str | None:
        try:
            engine.call(api.remove_container, item[0], force=True, v=True)
            return f"container {item[1]}"
        except EngineError:
            return None

    # A benchmark leaves 1000 containers: eight removals at a time, not one by one.
    with ThreadPoolExecutor(max_workers=8) as pool:
        removed += [r for r in pool.map(remove, doomed) if r]
    for n in engine.call(api.networks, filters=flt):
        name = str(n.get("Name", ""))
        created = parse_time(str(n.get("Created") or "")) or now
        if name.startswith(name_prefix) and old_enough(created):
            try:
                engine.call(api.remove_network, n["Id"])
                removed.append(f"network {name}")
            except EngineError:
                pass  # something not ours is still attached, or it is already gone
    return removed


def sweep_probe_leftovers(engine: Engine) -> list[str]:
    """Remove probe containers that a netui which died left behind (older releases kept
    them; one created but never started never ends on its own): only what carries both
    the probe label and the name prefix, and only past a probe container's longest life,
    so another netui's probe in progress is never touched."""
    return sweep_leftovers(engine, model.PROBE_LABEL, "1", model.PROBE_PREFIX, older_than=model.PROBE_MAX_AGE)
