#!/usr/bin/env python3
"""Record what a real 2-node swarm answers, for tests that replay it.

Needs the swarm of `scripts/swarm.sh up` (two private dockerds, node1 the
manager at 198.18.0.1, node2 a worker at 198.18.0.2). Builds on it, every
resource labelled netui.test=1 and named nswrec-*:

- `nswrec-net`: an attachable overlay network;
- `nswrec-web`: a 2-replica busybox httpd service on it, at most one task per
  node, VIP endpoint mode, port 8080 published through the ingress routing mesh;
- `nswrec-rr`: a 2-replica service in dnsrr endpoint mode (no VIP) on the same
  network, port 8081 published in host mode (docker-proxy on each node);
- `nswrec-solo`: a plain container on node2 attached to the overlay (what
  "attachable" is for);
- `nswrec-far` on `nswrec-farnet`: one task, on node2 only. The manager lists
  that network (a manager lists every swarm network; a worker only those its
  tasks use), but its verbose view is empty (Services, Peers, Containers null:
  no task there); only /services, /tasks and /nodes tell what runs on it.

Then writes the raw JSON the Engine API returns (exactly as sent, one file per
request) into tests/data/swarm/, runs the probes a user would (nslookup of the
VIP name and of tasks.<svc>, ping and HTTP across nodes to a task IP and to the
VIP, the published ports from the node namespaces) and writes their results
into probes.json, and removes everything it made (unless --keep).

    python3 scripts/record_swarm.py [--out DIR] [--keep]

Plain python3 and docker-py (7.x); no netui imports. Root is needed only for
the probes from the node namespaces (nsenter); without it they are skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import docker
import docker.errors

ROOT = Path(__file__).resolve().parent.parent
NODES = {
    "node1": os.environ.get("NETUI_SWARM_NODE1", "unix:///run/netui-swarm/node1.sock"),
    "node2": os.environ.get("NETUI_SWARM_NODE2", "unix:///run/netui-swarm/node2.sock"),
}
NODE_NETNS = {"node1": "/run/netns/netui-swarm-1", "node2": "/run/netns/netui-swarm-2"}
NODE_ADDR = {"node1": "198.18.0.1", "node2": "198.18.0.2"}
IMAGE = "netui/busybox:local"
LABELS = {"netui.test": "1"}
NET = "nswrec-net"
WEB = "nswrec-web"
RR = "nswrec-rr"
SOLO = "nswrec-solo"
FARNET = "nswrec-farnet"
FAR = "nswrec-far"
# sh -c HTTP_GET HOST PORT: the status line of GET /, and nc's exit status.
HTTP_GET = 'r=$(printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3 "$0" "$1") && [ -n "$r" ] && echo "$r" | head -n 1'


def die(msg: str) -> None:
    print(f"record_swarm.py: {msg}", file=sys.stderr)
    sys.exit(1)


def wait_for(what: str, cond, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            die(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


class Node:
    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.api = docker.APIClient(base_url=url, version="auto", timeout=30)

    def raw(self, path: str, **params) -> tuple[int, object]:
        """GET path; the status and the JSON body exactly as the engine sent it."""
        r = self.api._get(self.api._url(path), params=params or None)
        try:
            body = r.json()
        except ValueError:
            body = r.text
        return r.status_code, body

    def exec(self, cid: str, argv: list[str]) -> dict:
        started = time.monotonic()
        ex = self.api.exec_create(cid, argv)
        out = self.api.exec_start(ex["Id"]).decode(errors="replace")
        code = self.api.exec_inspect(ex["Id"])["ExitCode"]
        return {"argv": argv, "exit_code": code, "output": out, "seconds": round(time.monotonic() - started, 2)}


def tasks_running(mgr: Node, service: str) -> list[dict] | None:
    tasks = mgr.api.tasks(filters={"service": service, "desired-state": "running"})
    running = [t for t in tasks if t["Status"]["State"] == "running"]
    return running if len(running) == 2 and len({t["NodeID"] for t in running}) == 2 else None


def verbose_sees_tasks(node: Node, net_id: str, service: str, n: int) -> bool:
    status, body = node.raw(f"/networks/{net_id}", verbose="true")
    if status != 200:
        return False
    svc = (body.get("Services") or {}).get(service) or {}
    return len(svc.get("Tasks") or []) == n


def cleanup(mgr: Node, nodes: dict[str, Node]) -> None:
    for svc in (WEB, RR, FAR):
        try:
            mgr.api.remove_service(svc)
        except docker.errors.NotFound:
            pass
    for node in nodes.values():
        for c in node.api.containers(all=True, filters={"label": "netui.test=1"}):
            node.api.remove_container(c["Id"], force=True)
        for svc in (WEB, RR, FAR):
            for c in node.api.containers(all=True, filters={"label": f"com.docker.swarm.service.name={svc}"}):
                node.api.remove_container(c["Id"], force=True)

    def net_gone(name: str) -> bool:
        try:
            mgr.api.remove_network(name)
        except docker.errors.NotFound:
            return True
        except docker.errors.APIError:
            return False  # still in use while the tasks go away
        return True

    for name in (NET, FARNET):
        wait_for(f"{name} to be removable", lambda name=name: net_gone(name), 30)


def nsenter_probe(node: str, argv: list[str]) -> dict:
    cmd = ["nsenter", f"--net={NODE_NETNS[node]}", "--", *argv]
    started = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        code, out = p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        code, out = None, "timed out after 10 s"
    return {"netns": NODE_NETNS[node], "argv": argv, "exit_code": code, "output": out, "seconds": round(time.monotonic() - started, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "swarm")
    ap.add_argument("--keep", action="store_true", help="leave the network, services and container in place")
    args = ap.parse_args()

    try:
        nodes = {name: Node(name, url) for name, url in NODES.items()}
        for node in nodes.values():
            node.api.ping()
    except docker.errors.DockerException as e:
        die(f"the swarm does not answer ({e}); start it with: scripts/swarm.sh up")
    mgr, worker = nodes["node1"], nodes["node2"]
    if mgr.api.info()["Swarm"].get("ControlAvailable") is not True:
        die("node1 is not a swarm manager; run scripts/swarm.sh up")
    for node in nodes.values():
        try:
            node.api.inspect_image(IMAGE)
        except docker.errors.ImageNotFound:
            die(f"{IMAGE} is missing on {node.name}; scripts/swarm.sh up loads it")

    cleanup(mgr, nodes)  # leftovers of an interrupted run
    t0 = time.monotonic()
    timings: dict[str, float] = {}
    net_id = mgr.api.create_network(NET, driver="overlay", attachable=True, labels=LABELS)["Id"]
    endpoint_vip = docker.types.EndpointSpec(mode="vip", ports={8080: 80})
    endpoint_rr = docker.types.EndpointSpec(mode="dnsrr", ports={8081: (80, "tcp", "host")})
    for name, endpoint in ((WEB, endpoint_vip), (RR, endpoint_rr)):
        mgr.api.create_service(
            docker.types.TaskTemplate(
                container_spec=docker.types.ContainerSpec(IMAGE, ["httpd", "-f", "-p", "80", "-h", "/var/www"], labels=LABELS),
                placement=docker.types.Placement(maxreplicas=1),
                networks=[docker.types.NetworkAttachmentConfig(NET)],
            ),
            name=name,
            labels=LABELS,
            mode=docker.types.ServiceMode("replicated", replicas=2),
            endpoint_spec=endpoint,
        )
    farnet_id = mgr.api.create_network(FARNET, driver="overlay", attachable=True, labels=LABELS)["Id"]
    mgr.api.create_service(
        docker.types.TaskTemplate(
            container_spec=docker.types.ContainerSpec(IMAGE, ["sleep", "3600"], labels=LABELS),
            placement=docker.types.Placement(constraints=["node.hostname==swarm-node2"]),
            networks=[docker.types.NetworkAttachmentConfig(FARNET)],
        ),
        name=FAR, labels=LABELS, mode=docker.types.ServiceMode("replicated", replicas=1),
    )
    web_tasks = wait_for(f"{WEB}: one running task on each node", lambda: tasks_running(mgr, WEB))
    wait_for(f"{RR}: one running task on each node", lambda: tasks_running(mgr, RR))
    wait_for(f"{FAR}: its task running on node2", lambda: verbose_sees_tasks(worker, farnet_id, FAR, 1))
    timings["services running"] = round(time.monotonic() - t0, 2)
    solo = worker.api.create_container(
        IMAGE, ["sleep", "3600"], name=SOLO, labels=LABELS,
        networking_config=worker.api.create_networking_config({NET: worker.api.create_endpoint_config(aliases=["solo"])}),
        host_config=worker.api.create_host_config(network_mode=NET),
    )
    worker.api.start(solo["Id"])
    for node, _n in ((mgr, 1), (worker, 1)):
        # Each node's verbose view lists every task of the service (gossip), not only its own.
        wait_for(f"{node.name}: verbose {NET} to list both {WEB} tasks", lambda node=node: verbose_sees_tasks(node, net_id, WEB, 2), 30)
    timings["verbose views complete"] = round(time.monotonic() - t0, 2)

    task_container = {
        node.name: node.api.containers(filters={"label": f"com.docker.swarm.service.name={WEB}"})[0]["Id"] for node in nodes.values()
    }
    vip = next(v["Addr"].split("/")[0] for v in mgr.api.inspect_service(WEB)["Endpoint"]["VirtualIPs"] if v["NetworkID"] == net_id)
    ip_of = {}
    for t in web_tasks:
        node_name = "node1" if mgr.api.inspect_node(t["NodeID"])["Status"]["Addr"] == NODE_ADDR["node1"] else "node2"
        ip_of[node_name] = next(a["Addresses"][0].split("/")[0] for a in t["NetworksAttachments"] if a["Network"]["ID"] == net_id)
    # The overlay data path converges a little after the tasks run (peer entries
    # come by gossip): the first packets across nodes can be dropped for a few
    # seconds. Wait for it, as a test must, and record how long it took.
    def across_nodes() -> bool:
        return all(
            nodes[frm].exec(task_container[frm], ["ping", "-c", "1", "-W", "1", ip_of[to]])["exit_code"] == 0
            for frm, to in (("node1", "node2"), ("node2", "node1"))
        )

    wait_for("ping between the tasks across nodes", across_nodes, 60)
    timings["overlay converged (ping across nodes)"] = round(time.monotonic() - t0, 2)

    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    files: list[str] = []

    def save(name: str, status: int, body) -> None:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = body if status == 200 else {"status": status, "body": body}
        path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
        files.append(name)

    for node in nodes.values():
        d = node.name
        save(f"{d}/info.json", *node.raw("/info"))
        status, networks = node.raw("/networks")
        save(f"{d}/networks.json", status, networks)
        for net in networks:
            if net["Name"] in (NET, FARNET, "ingress", "docker_gwbridge"):
                save(f"{d}/network-{net['Name']}-verbose.json", *node.raw(f"/networks/{net['Id']}", verbose="true"))
                save(f"{d}/network-{net['Name']}.json", *node.raw(f"/networks/{net['Id']}"))
        status, containers = node.raw("/containers/json", all="1")
        save(f"{d}/containers.json", status, containers)
        for c in containers:
            if c["Labels"].get("com.docker.swarm.service.name") == WEB:
                save(f"{d}/container-{WEB}-task.json", *node.raw(f"/containers/{c['Id']}/json"))
            elif SOLO in [n.lstrip("/") for n in c["Names"]]:
                save(f"{d}/container-{SOLO}.json", *node.raw(f"/containers/{c['Id']}/json"))
        # A worker answers 503 here: recorded, since a UI must say so plainly.
        for what in ("nodes", "services", "tasks"):
            save(f"{d}/{what}.json", *node.raw(f"/{what}"))
        save(f"{d}/version.json", *node.raw("/version"))

    # Probes, from the web task on node1 towards node2, and from node2 back.
    probes: list[dict] = []

    def probe(frm: str, what: str, expect: str, argv: list[str]) -> None:
        r = nodes[frm].exec(task_container[frm], argv)
        r.update({"from": f"{WEB} task on {frm}", "what": what, "expected": expect})
        r["ok"] = (r["exit_code"] == 0) == (expect == "works")
        probes.append(r)

    for frm, to in (("node1", "node2"), ("node2", "node1")):
        probe(frm, f"nslookup {WEB} (the VIP)", "works", ["nslookup", WEB])
        probe(frm, f"nslookup tasks.{WEB} (the task IPs)", "works", ["nslookup", f"tasks.{WEB}"])
        probe(frm, f"nslookup {RR} (dnsrr: the task IPs)", "works", ["nslookup", RR])
        probe(frm, f"ping the task on {to} ({ip_of[to]}) across nodes", "works", ["ping", "-c", "2", "-W", "2", ip_of[to]])
        probe(frm, f"HTTP to the task on {to} ({ip_of[to]}:80)", "works", ["sh", "-c", HTTP_GET, ip_of[to], "80"])
        probe(frm, f"ping the VIP {vip}", "fails without IPVS", ["ping", "-c", "1", "-W", "2", vip])
        probe(frm, f"HTTP to the VIP {vip}:80", "fails without IPVS", ["sh", "-c", "nc -w 2 \"$0\" 80 </dev/null && echo connected", vip])
        probe(frm, f"HTTP to {RR}:80 (dnsrr name)", "works", ["sh", "-c", HTTP_GET, RR, "80"])
    probe("node1", "ping the attachable container nswrec-solo on node2 by its alias solo", "works", ["ping", "-c", "1", "-W", "2", "solo"])
    node_probes: list[dict] = []
    if os.geteuid() == 0 and shutil.which("nsenter") and os.path.exists("/bin/busybox"):
        for node in ("node1", "node2"):
            for port, what, expect in ((8080, "ingress routing mesh", "fails without IPVS"), (8081, "host-mode publish (docker-proxy)", "works")):
                r = nsenter_probe(node, ["/bin/busybox", "sh", "-c", HTTP_GET.replace("| nc ", "| /bin/busybox nc ").replace("head ", "/bin/busybox head "), NODE_ADDR[node], str(port)])
                r.update({"from": f"{node}'s network namespace", "what": f"{what}: {NODE_ADDR[node]}:{port}", "expected": expect})
                r["ok"] = (r["exit_code"] == 0 and r["output"].startswith("HTTP/")) == (expect == "works")
                node_probes.append(r)

    service_ps = subprocess.run(
        ["docker", "-H", NODES["node1"], "service", "ps", WEB, RR, "--format", "{{.Name}} {{.Node}} {{.CurrentState}} {{.Ports}}"],
        capture_output=True, text=True, timeout=30,
    ).stdout.splitlines()
    version = mgr.api.version()
    save("probes.json", 200, {
        "recorded_by": "scripts/record_swarm.py",
        "engine": f"Docker {version['Version']}, API {version['ApiVersion']}",
        "kernel": version.get("KernelVersion"),
        "vip": vip,
        "task_ips": ip_of,
        "service_ps": service_ps,
        "timings_s": timings,
        "from_tasks": probes,
        "from_node_namespaces": node_probes,
    })
    (out / "README.md").write_text(
        "# Recorded 2-node swarm payloads\n\n"
        "Raw Engine API answers of the swarm made by `scripts/swarm.sh up`, recorded by\n"
        "`scripts/record_swarm.py` (re-record: `scripts/swarm.sh up && python3 scripts/record_swarm.py`).\n"
        "`nodeN/` holds what node N answers; a worker's `nodes.json`, `services.json` and `tasks.json`\n"
        "hold `{\"status\": 503, \"body\": ...}`, the answer a worker gives. `probes.json` holds the\n"
        "connectivity checks and their results. See docs/engines-for-tests.md.\n\n"
        + "\n".join(f"- `{f}`" for f in sorted(files)) + "\n"
    )
    bad = [p for p in probes + node_probes if not p["ok"]]
    for p in probes + node_probes:
        print(f"{'ok  ' if p['ok'] else 'FAIL'} {p['from']}: {p['what']} -> exit {p['exit_code']} (expected: {p['expected']})")
    print(f"recorded {len(files)} files into {out} in {time.monotonic() - t0:.1f} s")
    if not args.keep:
        cleanup(mgr, nodes)
    if bad:
        die(f"{len(bad)} probe(s) did not behave as expected (see {out / 'probes.json'})")


if __name__ == "__main__":
    main()
