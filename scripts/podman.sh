#!/usr/bin/env bash
# A Podman service of netui's own, speaking the Docker-compatible API on a socket
# of its own, beside the Docker engine (which it never touches).
#
#   bash scripts/podman.sh [start]   make sure it answers; prints its DOCKER_HOST on stdout:
#                                    export DOCKER_HOST=$(bash scripts/podman.sh)
#   bash scripts/podman.sh stop      stop the service this script started (its containers keep
#                                    running, as with any Podman service; they are Podman's)
#   bash scripts/podman.sh status    say whether it answers (exit 0) or not (exit 1)
#
# start:
# - Our service already answers: change nothing but the image (below), print the socket.
# - Else, as root on Debian/Ubuntu: install podman, netavark and aardvark-dns (DNS for
#   container names on user networks) and busybox-static with apt when missing, write
#   the service's own containers.conf, start `podman system service --time=0` in the
#   background, and wait until it answers.
# - Then load netui's local busybox image into it (`netui image --host`, through the
#   compat API, no registry) and start and remove one container, so a service that
#   cannot run containers is reported here and not by the first test.
# Only a service this script started (its pid file, its socket) is ever stopped; a
# Podman service of the user's (podman.socket, another socket) is left alone.
#
# Why a containers.conf of its own (with the system's settings copied in): rootful Podman gives every container nofile and nproc limits
# of 1048576 unless told otherwise, and on machines whose root lacks CAP_SYS_RESOURCE
# (VMs, containers) raising a hard limit fails, so no container starts ("error setting
# rlimit type 7: operation not permitted"). `default_ulimits` sets the limits for every
# container the service creates, compat API included, instead of `--ulimit` on each run.
# They are set to this machine's own hard limits (nproc at most kernel.pid_max), the
# limits Docker's containers inherit from dockerd here.
#
# Environment:
#   NETUI_PODMAN_SOCKET  the socket (default /run/netui-podman/podman.sock)
#   NETUI_PODMAN_LOG     the service's log (default /var/log/netui-podman.log)
#   NETUI_PODMAN_WAIT    seconds to wait for it to answer (default 60)
#   NETUI_PYTHON         the Python that has netui (default .venv/bin/python of this checkout,
#                        else python3 if it imports netui)
set -u

say() { echo "podman.sh: $*" >&2; }
fail() { say "$*"; exit 1; }

sock=${NETUI_PODMAN_SOCKET:-/run/netui-podman/podman.sock}
case "$sock" in /*) ;; *) fail "NETUI_PODMAN_SOCKET must be an absolute path, not '$sock'" ;; esac
state=$(dirname "$sock")
pidfile="$state/podman.pid"
conf="$state/containers.conf"
log=${NETUI_PODMAN_LOG:-/var/log/netui-podman.log}
wait_s=${NETUI_PODMAN_WAIT:-60}
here=$(cd "$(dirname "$0")/.." && pwd)

answers() {
    [ -S "$sock" ] || return 1
    if command -v curl >/dev/null 2>&1; then
        [ "$(curl -s --max-time 3 --unix-socket "$sock" http://d/_ping 2>/dev/null)" = OK ]
    else
        python3 - "$sock" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(3); s.connect(sys.argv[1])
s.sendall(b"GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n")
sys.exit(0 if s.recv(4096).rstrip().endswith(b"OK") else 1)
EOF
    fi
}

# The pid of the service this script started, if it is still that process.
our_pid() {
    [ -f "$pidfile" ] || return 1
    local pid
    pid=$(cat "$pidfile" 2>/dev/null) || return 1
    case "$pid" in '' | *[!0-9]*) return 1 ;; esac
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "system service --time=0 unix://$sock" || return 1
    echo "$pid"
}

# podman, its network stack (netavark, aardvark-dns for names) and a static busybox for the image.
have_tools() {
    command -v podman >/dev/null 2>&1 && [ -x /usr/lib/podman/netavark ] && [ -x /usr/lib/podman/aardvark-dns ] && [ -x /bin/busybox ]
}

netui_python() {
    if [ -n "${NETUI_PYTHON:-}" ]; then
        echo "$NETUI_PYTHON"
    elif [ -x "$here/.venv/bin/python" ]; then
        echo "$here/.venv/bin/python"
    elif python3 -c 'import netui, docker' >/dev/null 2>&1; then
        echo python3
    else
        return 1
    fi
}

stop() {
    local pid
    if ! pid=$(our_pid); then
        if answers; then
            say "a Podman service answers at $sock, but not one this script started: not touching it"
        else
            say "no Podman service of netui's is running"
        fi
        rm -f "$pidfile"
        return 0
    fi
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
        fail "the Podman service (pid $pid) did not stop within 10 s; it is still running"
    fi
    rm -f "$pidfile" "$sock"
    say "stopped the Podman service at $sock (pid $pid); its containers keep running (podman ps)"
}

load_image() {
    local py
    py=$(netui_python) || fail "the service answers at $sock, but netui is not installed to load its image into it: run 'make install' (or set NETUI_PYTHON)"
    "$py" -m netui image --host "unix://$sock" >&2 || fail "could not load netui's image into the Podman service at $sock"
}

check_run() {
    local py
    py=$(netui_python) || return 0  # load_image said why
    # One container, started and removed: proves the limits, the runtime and the network backend.
    "$py" - "unix://$sock" <<'EOF' || fail "the Podman service at $sock cannot run a container (see above; its log is $log)"
import sys, uuid
from netui.engine.client import Engine, EngineError
from netui.engine.image import LOCAL_IMAGE
engine = Engine(sys.argv[1]); engine.connect(); api = engine.api
name = f"netui-podman-check-{uuid.uuid4().hex[:6]}"
try:
    cid = engine.call(api.create_container, LOCAL_IMAGE, ["true"], name=name, labels={"netui.test": "1"})["Id"]
    try:
        engine.call(api.start, cid)
        code = engine.call(api.wait, cid, timeout=30).get("StatusCode")
        if code != 0:
            sys.exit(f"podman.sh: the check container exited with {code}")
    finally:
        engine.call(api.remove_container, cid, force=True)
except EngineError as exc:
    sys.exit(f"podman.sh: {exc}")
EOF
}

write_conf() {
    local nofile nproc pidmax
    nofile=$(ulimit -Hn)
    nproc=$(ulimit -Hu)
    pidmax=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 4194304)
    [ "$nofile" = unlimited ] && nofile=1048576
    [ "$nofile" -gt 1048576 ] && nofile=1048576
    [ "$nproc" = unlimited ] && nproc=$pidmax
    [ "$nproc" -gt "$pidmax" ] && nproc=$pidmax
    # CONTAINERS_CONF makes Podman read this file *instead of* the system's, so the
    # system's settings (Debian's: capabilities without NET_RAW, ping_group_range) are
    # copied in first: the service must behave as the user's Podman does, plus three keys.
    python3 - "$conf" "$sock" "$nofile" "$nproc" <<'EOF' || fail "could not write $conf"
import glob, sys, tomllib
out, sock, nofile, nproc = sys.argv[1:]
merged = {}
def merge(into, new):
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            merge(into[k], v)
        else:
            into[k] = v
sources = ["/usr/share/containers/containers.conf", "/etc/containers/containers.conf",
           *sorted(glob.glob("/etc/containers/containers.conf.d/*.conf"))]
read = []
for path in sources:
    try:
        with open(path, "rb") as f:
            merge(merged, tomllib.load(f))
        read.append(path)
    except FileNotFoundError:
        pass
merge(merged, {
    # Podman's default (1048576) cannot be set where root lacks CAP_SYS_RESOURCE: no container would start.
    "containers": {"default_ulimits": [f"nofile={nofile}:{nofile}", f"nproc={nproc}:{nproc}"]},
    # Podman 4's own network stack; with aardvark-dns, container names resolve on user networks.
    "network": {"network_backend": "netavark"},
    # No journald on a machine without systemd: events go to a file, which the events API reads.
    "engine": {"events_logger": "file"},
})
def value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
lines = [f"# Written by netui's scripts/podman.sh for the Podman service at {sock} only (its CONTAINERS_CONF).",
         f"# The system's settings ({', '.join(read) or 'none found'}) and netui's three keys;",
         "# the system's files are not changed."]
def table(name, d):
    flat = {k: v for k, v in d.items() if not isinstance(v, dict)}
    if name and (flat or not d):
        lines.append(f"\n[{name}]")
    for k, v in flat.items():
        lines.append(f"{k} = {value(v)}")
    for k, v in d.items():
        if isinstance(v, dict):
            table(f"{name}.{k}" if name else k, v)
table("", merged)
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
with open(out, "rb") as f:
    tomllib.load(f)  # what was written reads back
EOF
}

start() {
    if our_pid >/dev/null && answers; then
        load_image
        echo "unix://$sock"
        return 0
    fi
    if answers; then
        say "a Podman service this script did not start answers at $sock: using it as it is"
        load_image
        echo "unix://$sock"
        return 0
    fi
    [ "$(id -u)" = 0 ] || fail "no Podman service answers at $sock, and starting one needs root"
    if ! have_tools; then
        command -v apt-get >/dev/null 2>&1 || fail "podman is missing and apt-get is too: install podman, netavark and aardvark-dns yourself"
        say "installing podman, netavark, aardvark-dns and busybox-static with apt"
        export DEBIAN_FRONTEND=noninteractive
        if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends podman netavark aardvark-dns busybox-static; } >/tmp/netui-podman-apt.log 2>&1; then
            fail "apt-get could not install podman (see /tmp/netui-podman-apt.log)"
        fi
    fi
    mkdir -p "$state" && chmod 0755 "$state"
    if pid=$(our_pid); then
        # Ours, but not answering: a start still under way, or a hung service. Give it the wait.
        say "the Podman service this script started (pid $pid) does not answer yet; waiting"
    else
        rm -f "$sock"  # a stale socket of ours: nothing answers on it
        write_conf
        say "starting podman system service on $sock (log in $log)"
        # In its own directory, so a relative path in the user's environment cannot matter.
        (cd / && CONTAINERS_CONF="$conf" exec nohup podman system service --time=0 "unix://$sock" >>"$log" 2>&1 </dev/null) &
        pid=$!
        echo "$pid" >"$pidfile"
    fi
    deadline=$((SECONDS + wait_s))
    until answers; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$pidfile"
            fail "podman system service exited at start; last lines of $log: $(tail -n 3 "$log" 2>/dev/null | tr '\n' ' ' | cut -c1-400)"
        fi
        [ "$SECONDS" -lt "$deadline" ] || fail "the Podman service (pid $pid) does not answer at $sock after ${wait_s} s; left running (bash scripts/podman.sh stop)"
        sleep 0.2
    done
    say "ready: $(podman --version 2>/dev/null), compat API at unix://$sock"
    load_image
    check_run
    echo "unix://$sock"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status)
        if answers; then
            if our_pid >/dev/null; then say "answers at $sock (started by this script, pid $(our_pid))"; else say "answers at $sock (not started by this script)"; fi
            echo "unix://$sock"
        else
            say "no Podman service answers at $sock"; exit 1
        fi
        ;;
    *) fail "usage: bash scripts/podman.sh [start|stop|status]" ;;
esac
