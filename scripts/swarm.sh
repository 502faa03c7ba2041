#!/usr/bin/env bash
# A real 2-node Docker swarm on this machine, for tests and demos, that never
# touches the main engine (/var/run/docker.sock): two private dockerds, each
# with its own containerd, data root, exec root, pid files and socket, each in
# its own network namespace, linked by a veth pair on 198.18.0.0/24.
#
#   scripts/swarm.sh up       start both nodes, init the swarm on node1, join node2,
#                             load netui/busybox:local on both (idempotent)
#   scripts/swarm.sh down     remove everything `up` made, even after a crash (idempotent)
#   scripts/swarm.sh status   one line per node; exit 0 only when the swarm is up
#   scripts/swarm.sh env      shell lines: NETUI_SWARM_NODE1=unix://… NETUI_SWARM_NODE2=…
#
# Layout (fixed, so `down` finds everything `up` made):
#   namespaces  /run/netns/netui-swarm-1, /run/netns/netui-swarm-2
#   link        veth "swarm0" in each: 198.18.0.1/24 (node1, manager), 198.18.0.2/24 (node2, worker)
#   sockets     /run/netui-swarm/node1.sock, /run/netui-swarm/node2.sock
#   run state   /run/netui-swarm/nodeN/ (exec root, containerd socket and state, pid files)
#   data roots  /var/lib/netui-swarm/nodeN/{docker,containerd}
#   cgroups     netui-swarm-nodeN (cgroup parent of every task container)
#   addresses   overlay networks from 198.19.0.0/16 (/24 each), docker_gwbridge and other
#               local networks from 198.18.64.0/18: all inside the node namespaces
#   logs        /var/log/netui-swarm/{swarm.log,nodeN-dockerd.log,nodeN-containerd.log}
#               (kept by `down`, for post-mortems; truncated by the next `up`)
#
# The nodes run dockerd with --iptables=false --bridge=none. This kernel has no
# IPVS (CONFIG_IP_VS is not set), so service VIPs and the ingress routing mesh do
# not carry traffic here; names, task IPs, the overlay (VXLAN) data path and
# --publish mode=host do. See docs/engines-for-tests.md.
#
# Environment:
#   NETUI_SWARM_WAIT       seconds to wait for each daemon / swarm step (default 30)
#   NETUI_SWARM_IPTABLES   1: run the nodes' dockerds with --iptables=true (rules stay
#                          inside the node namespaces); default 0 (--iptables=false)
set -u
export LC_ALL=C

RUN=/run/netui-swarm
DATA=/var/lib/netui-swarm
LOGDIR=/var/log/netui-swarm
LOG=$LOGDIR/swarm.log
NS_PREFIX=netui-swarm-
LINK=swarm0
SUBNET_PREFIX=198.18.0
OVERLAY_POOL=198.19.0.0/16
LOCAL_POOL=198.18.64.0/18
NODES="1 2"
WAIT=${NETUI_SWARM_WAIT:-30}
# NETUI_SWARM_IPTABLES=1: dockerd programs iptables inside the node namespaces
# (never the host's: netfilter tables are per network namespace). Off by default.
case "${NETUI_SWARM_IPTABLES:-0}" in 1|true|yes) IPTABLES=true ;; *) IPTABLES=false ;; esac
REPO=$(cd "$(dirname "$0")/.." && pwd)
# The nodes are always addressed by their sockets; the caller's engine settings must not leak in.
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
T0=$(date +%s.%N)

say() { echo "swarm.sh: $*" >&2; log "$*"; }
log() { [ -d "$LOGDIR" ] && echo "$(date +%H:%M:%S.%3N) $*" >>"$LOG"; return 0; }
# A failed `up` removes what it made (logs stay), so nothing is left half-made.
UNDO_ON_FAIL=0
fail() {
    say "error: $*"
    if [ "$UNDO_ON_FAIL" = 1 ]; then
        UNDO_ON_FAIL=0
        say "removing the half-made swarm (logs kept in $LOGDIR)"
        down >/dev/null 2>&1
    fi
    exit 1
}
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }

ns() { echo "$NS_PREFIX$1"; }
addr() { echo "$SUBNET_PREFIX.$1"; }
sock() { echo "$RUN/node$1.sock"; }
rundir() { echo "$RUN/node$1"; }
datadir() { echo "$DATA/node$1"; }
cgparent() { echo "netui-swarm-node$1"; }
all_ns() { local n; for n in $NODES; do ns "$n"; done; }
all_cg() { local n; for n in $NODES; do cgparent "$n"; done; }
innet() { local n=$1; shift; nsenter --net="/run/netns/$(ns "$n")" -- "$@"; }
# The docker CLI bounded in time: a hung daemon never hangs the script.
dk() { local n=$1; shift; timeout "${DK_TIMEOUT:-$WAIT}" docker -H "unix://$(sock "$n")" "$@"; }
answers() { timeout 5 docker -H "unix://$(sock "$1")" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# shellcheck source=scripts/lib-daemons.sh
. "$REPO/scripts/lib-daemons.sh"

# ---------------------------------------------------------------- down

down() {
    local n left
    mkdir -p "$LOGDIR"
    log "---- down"
    # 1. Gracefully, when the nodes answer: tasks killed at once (no 10 s stop
    #    grace per container), then the swarm left.
    for n in $NODES; do
        answers "$n" || continue
        if [ "$n" = 1 ]; then
            DK_TIMEOUT=10 dk 1 service ls -q 2>/dev/null | xargs -r timeout 10 docker -H "unix://$(sock 1)" service rm >/dev/null 2>&1
        fi
        DK_TIMEOUT=10 dk "$n" ps -aq 2>/dev/null | xargs -r timeout 15 docker -H "unix://$(sock "$n")" rm -f >/dev/null 2>&1
    done
    for n in 2 1; do
        answers "$n" && DK_TIMEOUT=10 dk "$n" swarm leave --force >>"$LOG" 2>&1
    done
    log "down: graceful part done ($(elapsed))"
    # 2. The daemons, by their pid files (dockerd before its containerd).
    for n in $NODES; do stop_pidfile "$(rundir "$n")/dockerd.pid" 15 & done
    wait
    for n in $NODES; do stop_pidfile "$(rundir "$n")/containerd.pid" 10 & done
    wait
    log "down: daemons stopped ($(elapsed))"
    # 3. Whatever is still in our namespaces or cgroups (shims, docker-proxy,
    #    task processes after a crash): found by namespace, killed by pid.
    kill_strays "$(all_ns)" "$(all_cg)"
    log "down: no process left ($(elapsed))"
    # 4. Mounts, namespaces (their veth ends go with them), directories, cgroups.
    unmount_under "$RUN" "$DATA"
    # shellcheck disable=SC2046
    remove_netns $(all_ns)
    case "$RUN:$DATA" in
        /run/netui-swarm:/var/lib/netui-swarm) rm -rf --one-file-system "$RUN" "$DATA" 2>>"$LOG" ;;
        *) fail "refusing to remove unexpected directories $RUN $DATA" ;;
    esac
    # shellcheck disable=SC2046
    remove_cgroups $(all_cg)
    # 5. Check.
    left=$(leftovers "$(all_ns)" "$(all_cg)" "$RUN" "$DATA")
    [ -n "$left" ] && fail "down left behind:$left (see $LOG)"
    rm -f /run/netui-swarm.lock
    say "down: nothing left ($(elapsed))"
}

# ---------------------------------------------------------------- up

need() {
    [ "$(id -u)" = 0 ] || fail "needs root (network namespaces, veth, dockerd)"
    local c
    for c in dockerd containerd containerd-shim-runc-v2 runc docker ip nsenter timeout flock; do
        command -v "$c" >/dev/null 2>&1 || fail "missing command: $c (Debian: apt-get install docker.io iproute2 util-linux)"
    done
    [ -x /bin/busybox ] || fail "missing /bin/busybox (Debian: apt-get install busybox-static); netui/busybox:local is made from it"
}

make_link() {
    local n
    for n in $NODES; do
        ip netns add "$(ns "$n")" 2>>"$LOG" || fail "ip netns add $(ns "$n") failed (see $LOG)"
        innet "$n" ip link set lo up || fail "cannot bring lo up in $(ns "$n")"
    done
    # Both ends are created directly inside the node namespaces: nothing ever
    # appears in the host's namespace.
    ip link add "$LINK" netns "$(ns 1)" type veth peer name "$LINK" netns "$(ns 2)" 2>>"$LOG" \
        || fail "cannot create the veth pair between $(ns 1) and $(ns 2) (see $LOG)"
    for n in $NODES; do
        innet "$n" ip addr add "$(addr "$n")/24" dev "$LINK" || fail "cannot address $LINK in $(ns "$n")"
        innet "$n" ip link set "$LINK" up || fail "cannot bring $LINK up in $(ns "$n")"
    done
    # VXLAN is what overlay networks ride on: check the kernel creates one here.
    innet 1 ip link add netui-vxtest type vxlan id 4242 dstport 4789 dev "$LINK" 2>>"$LOG" \
        || fail "this kernel cannot create a vxlan interface: overlay networks cannot work (see $LOG)"
    innet 1 ip link del netui-vxtest
}

# node1 pings node2 over the veth, up to 5 tries: on a loaded machine (load 20 on 2 CPUs)
# a single ping was seen unanswered once in five `up`s. The state of the link goes to the
# log when no try gets an answer.
link_answers() {
    local i n
    for i in 1 2 3 4 5; do
        innet 1 /bin/busybox ping -c 1 -W 1 "$(addr 2)" >>"$LOG" 2>&1 && return 0
        log "ping $i over $LINK unanswered"
    done
    for n in $NODES; do
        { innet "$n" ip -br addr; innet "$n" ip neigh; } >>"$LOG" 2>&1
    done
    return 1
}

start_dockerd() {
    local n=$1 r d
    r=$(rundir "$n"); d=$(datadir "$n")
    mkdir -p "$r/exec" "$d/docker"
    echo '{}' >"$r/daemon.json"   # never read /etc/docker/daemon.json (the main engine's)
    : >"$LOGDIR/node$n-dockerd.log"
    # Its own UTS namespace too, so each node has its own hostname (node ls, task placement).
    # DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1: a task uses the local image instead of
    # first trying a registry (the nodes have no route out; the try only logs errors).
    # shellcheck disable=SC2016 # $0 and $@ belong to the inner sh
    daemonize "$r/dockerd.pid" "$LOGDIR/node$n-dockerd.log" \
        nsenter --net="/run/netns/$(ns "$n")" -- \
        unshare --uts -- sh -c 'hostname "$0" && exec "$@"' "swarm-node$n" \
        env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 \
        dockerd \
        --config-file "$r/daemon.json" \
        --host "unix://$(sock "$n")" \
        --containerd "$r/containerd.sock" \
        --data-root "$d/docker" \
        --exec-root "$r/exec" \
        --pidfile "$r/dockerd.pid.daemon" \
        --cgroup-parent "$(cgparent "$n")" \
        --iptables="$IPTABLES" --ip6tables=false --ip-masq="$IPTABLES" \
        --bridge=none \
        --default-address-pool "base=$LOCAL_POOL,size=24" \
        --label "netui.swarm.node=node$n"
}

wait_until() {  # wait_until SECONDS WHAT COMMAND...: poll every 0.1 s
    local limit=$1 what=$2 end
    shift 2
    end=$(($(date +%s) + limit))
    while ! "$@" 2>/dev/null; do
        [ "$(date +%s)" -ge "$end" ] && return 1
        sleep 0.1
    done
    log "$what ($(elapsed))"
}

containerd_ready() { [ -S "$(rundir "$1")/containerd.sock" ]; }

wait_node() {  # wait_node N containerd|dockerd
    local n=$1 what=$2 check=answers
    [ "$what" = containerd ] && check=containerd_ready
    wait_daemon "node$n: $what" "$(rundir "$n")/$what.pid" "$LOGDIR/node$n-$what.log" "$WAIT" "$check" "$n"
    log "node$n: $what ready ($(elapsed))"
}

load_image() {
    # netui's own image built on node1, then copied to node2 with
    # `docker save | docker load` (the same image id on both).
    load_local_image "unix://$(sock 1)"
    timeout "$WAIT" docker -H "unix://$(sock 1)" save netui/busybox:local \
        | timeout "$WAIT" docker -H "unix://$(sock 2)" load >>"$LOG" 2>&1 \
        || fail "docker save | docker load of netui/busybox:local from node1 to node2 failed (see $LOG)"
    log "image loaded on both nodes ($(elapsed))"
}

node2_ready() {
    [ "$(dk 1 node ls --filter role=worker --format '{{.Status}}' 2>/dev/null)" = Ready ]
}

is_up() {
    local n
    for n in $NODES; do
        answers "$n" || return 1
        [ "$(DK_TIMEOUT=5 dk "$n" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" = active ] || return 1
    done
    [ "$(DK_TIMEOUT=5 dk 1 node ls --format '{{.Status}}' 2>/dev/null | grep -c Ready)" = 2 ]
}

up() {
    need
    if is_up; then
        say "up: already up ($(elapsed)); $(env_lines | tr '\n' ' ')"
        return 0
    fi
    local n token
    # Anything half-made (an earlier crash, a failed up) goes first.
    if [ -e "$RUN" ] || [ -e "$DATA" ] || [ -e "/run/netns/$(ns 1)" ] || [ -e "/run/netns/$(ns 2)" ]; then
        say "leftovers of an earlier swarm: removing them first"
        down
    fi
    mkdir -p "$LOGDIR" "$RUN" "$DATA"
    : >"$LOG"
    UNDO_ON_FAIL=1
    log "---- up"
    make_link
    log "namespaces and veth ready ($(elapsed))"
    for n in $NODES; do
        start_containerd "$(ns "$n")" "$(rundir "$n")" "$(datadir "$n")" "$LOGDIR/node$n-containerd.log"
    done
    for n in $NODES; do wait_node "$n" containerd; done
    for n in $NODES; do start_dockerd "$n"; done
    for n in $NODES; do wait_node "$n" dockerd; done
    link_answers || fail "node1 cannot ping node2 ($(addr 2)) over $LINK"
    dk 1 swarm init \
        --advertise-addr "$(addr 1)" --listen-addr "$(addr 1):2377" \
        --default-addr-pool "$OVERLAY_POOL" --default-addr-pool-mask-length 24 >/dev/null 2>>"$LOG" \
        || fail "docker swarm init on node1 failed: $(tail -n 1 "$LOG")"
    token=$(dk 1 swarm join-token -q worker) || fail "no worker join token from node1"
    dk 2 swarm join --token "$token" \
        --advertise-addr "$(addr 2)" --listen-addr "$(addr 2):2377" "$(addr 1):2377" >>"$LOG" 2>&1 \
        || fail "docker swarm join on node2 failed: $(tail -n 1 "$LOG")"
    log "swarm formed: node1 manager, node2 worker ($(elapsed))"
    load_image
    wait_until "$WAIT" "node2 Ready" node2_ready || fail "node2 did not become Ready on node1 in ${WAIT} s"
    UNDO_ON_FAIL=0
    say "up: 2-node swarm ready in $(elapsed); $(env_lines | tr '\n' ' ')"
}

# ---------------------------------------------------------------- status / env

env_lines() {
    local n
    for n in $NODES; do echo "NETUI_SWARM_NODE$n=unix://$(sock "$n")"; done
}

status() {
    local n ok=0 state
    for n in $NODES; do
        if answers "$n"; then
            state=$(DK_TIMEOUT=5 dk "$n" info --format '{{.Swarm.LocalNodeState}} {{.Swarm.NodeAddr}} manager={{.Swarm.ControlAvailable}}' 2>/dev/null)
            echo "node$n: unix://$(sock "$n") pid $(cat "$(rundir "$n")/dockerd.pid" 2>/dev/null) swarm $state"
        else
            echo "node$n: not answering at unix://$(sock "$n")"
            ok=1
        fi
    done
    if answers 1; then
        DK_TIMEOUT=5 dk 1 node ls --format '  {{.Hostname}} {{.Status}} {{.Availability}} {{.ManagerStatus}}' 2>/dev/null
        DK_TIMEOUT=5 dk 1 service ls --format '  service {{.Name}} {{.Replicas}}' 2>/dev/null
    fi
    is_up || ok=1
    return $ok
}

# ---------------------------------------------------------------- main

cmd=${1:-}
case "$cmd" in
    up|down)
        need
        mkdir -p "$(dirname "$RUN")"
        exec 9>/run/netui-swarm.lock
        flock -w 120 9 || fail "another swarm.sh up/down holds /run/netui-swarm.lock"
        "$cmd"
        ;;
    status) status ;;
    env) env_lines ;;
    *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
