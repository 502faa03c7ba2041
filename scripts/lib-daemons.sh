# Shared by scripts/swarm.sh and scripts/engines.sh (sourced, not run): start
# private containerd/dockerd pairs in their own network namespaces, and remove
# them again, even after a crash, without touching anything else.
#
# The caller defines: RUN (its run directory; every daemon's command line names
# it), LOG (its log file), and the functions log, say and fail.

# Is pid $1 running (a zombie is not: it holds nothing and cannot be killed)?
# Never pid 1.
running() {
    local st
    [ -n "$1" ] && [ "$1" -gt 1 ] 2>/dev/null || return 1
    st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# Is pid $1 running and a process of ours (its command line names $RUN)?
ours() {
    running "$1" || return 1
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$RUN/"
}

alive() { running "$(cat "$1" 2>/dev/null)"; }

# daemonize PIDFILE LOGFILE COMMAND...: run COMMAND in a new session (a Ctrl-C or a
# killed process group of the caller never reaches it); PIDFILE holds its pid
# (every step of COMMAND execs, so it is the daemon's own pid) before this returns.
# fd 9 (the callers' lock) is closed for the daemon.
daemonize() {
    local pidfile=$1 logfile=$2 i
    shift 2
    rm -f "$pidfile"
    # shellcheck disable=SC2016 # expanded by the inner sh
    setsid --fork sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" \
        >>"$logfile" 2>&1 </dev/null 9>&-
    for ((i = 0; i < 100; i++)); do [ -s "$pidfile" ] && return 0; sleep 0.02; done
    fail "no pid file $pidfile after starting $(basename "$pidfile" .pid)"
}

# All descendants of pid $1 (children first found, then theirs), from /proc.
descendants() {
    local parents=" $1 " found=1 pid ppid out=""
    while [ "$found" = 1 ]; do
        found=0
        while read -r pid ppid; do
            case "$parents" in *" $ppid "*)
                case "$parents" in *" $pid "*) ;; *) parents="$parents$pid "; out="$out $pid"; found=1 ;; esac ;;
            esac
        done < <(awk '{ sub(/.*\) /, ""); print FILENAME, $2 }' /proc/[0-9]*/stat 2>/dev/null | sed 's|^/proc/\([0-9]*\)/stat|\1|')
    done
    echo "${out# }"
}

# Stop the process in pid file $1 (only if it is ours): TERM, wait up to $2 s, then KILL.
stop_pidfile() {
    local file=$1 grace=$2 pid i
    [ -f "$file" ] || return 0
    pid=$(cat "$file" 2>/dev/null)
    if ours "$pid"; then
        kill -TERM "$pid" 2>/dev/null
        for ((i = 0; i < grace * 10; i++)); do running "$pid" || break; sleep 0.1; done
        if running "$pid"; then
            log "pid $pid ($file) did not stop in ${grace} s: KILL"
            kill -KILL "$pid" 2>/dev/null
        fi
    elif [ -n "$pid" ]; then
        log "stale pid file $file (pid $pid is gone or not ours)"
    fi
    rm -f "$file"
}

# stray_pids "NETNS..." "CGROUP..." : running pids whose network namespace is
# one of the named ones (/run/netns/NAME), or that sit in one of the named
# cgroup parents (task containers have their own namespaces, but our cgroup
# parent). Never pid 1, never this shell, never a zombie.
stray_pids() {
    local inodes=() name f ino pid
    for name in $1; do
        ino=$(stat -L -c %i "/run/netns/$name" 2>/dev/null) && [ -n "$ino" ] && inodes+=("$ino")
    done
    {
        if [ "${#inodes[@]}" -gt 0 ]; then
            # One stat for every process: "/proc/PID/ns/net INODE" (unreadable ones are skipped).
            stat -L -c '%n %i' /proc/[0-9]*/ns/net 2>/dev/null \
                | awk -v want=" ${inodes[*]} " '$2 != "" && index(want, " " $2 " ") { split($1, p, "/"); print p[3] }'
        fi
        for name in $2; do
            for f in /sys/fs/cgroup/*/"$name"; do
                [ -d "$f" ] && find "$f" -name cgroup.procs -exec cat {} + 2>/dev/null
            done
        done
    } | sort -un | while read -r pid; do
        [ "$pid" != "$$" ] && [ "$pid" != "$BASHPID" ] && running "$pid" && echo "$pid"
    done
}

# kill_strays "NETNS..." "CGROUP...": SIGKILL what stray_pids finds, until nothing is left.
kill_strays() {
    local left i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        left=$(stray_pids "$1" "$2")
        [ -z "$left" ] && return 0
        log "killing leftover pids: $(echo "$left" | tr '\n' ' ')"
        # shellcheck disable=SC2086
        kill -KILL $left 2>/dev/null
        sleep 0.2
    done
    left=$(stray_pids "$1" "$2")
    [ -z "$left" ] || say "warning: processes still in our namespaces or cgroups: $(echo "$left" | tr '\n' ' ')"
}

# Every mount point under the given directories, deepest first (crash leftovers:
# overlay2 layers, the private bind of the overlay2 dir, netns bind mounts).
unmount_under() {
    local dir m
    for dir in "$@"; do
        awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
    done | sort -ru | while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
    done
}

remove_netns() {
    local name
    for name in "$@"; do
        [ -e "/run/netns/$name" ] || continue
        ip netns del "$name" 2>>"$LOG" || { umount "/run/netns/$name" 2>/dev/null; rm -f "/run/netns/$name"; }
    done
}

remove_cgroups() {
    local name d
    for name in "$@"; do
        for d in /sys/fs/cgroup/*/"$name"; do
            [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
        done
    done
}

# What is still there of: netns NAMES, cgroup NAMES, paths (for a final check).
leftovers() {  # leftovers "NETNS..." "CGROUP..." PATH...
    local out="" name d
    for name in $1; do [ -e "/run/netns/$name" ] && out="$out netns:$name"; done
    for name in $2; do
        for d in /sys/fs/cgroup/*/"$name"; do [ -d "$d" ] && out="$out $d"; done
    done
    shift 2
    for d in "$@"; do [ -e "$d" ] && out="$out $d"; done
    echo "$out"
}

# start_containerd NETNS RUNDIR DATADIR LOGFILE: a private containerd in NETNS,
# socket RUNDIR/containerd.sock, pid file RUNDIR/containerd.pid.
start_containerd() {
    local netns=$1 r=$2 d=$3 logfile=$4
    mkdir -p "$r/containerd" "$d/containerd"
    cat >"$r/containerd.toml" <<EOF
version = 2
root = "$d/containerd"
state = "$r/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$r/containerd.sock"
[ttrpc]
  address = "$r/containerd.sock.ttrpc"
[debug]
  address = "$r/containerd-debug.sock"
  level = "info"
[metrics]
  address = ""
EOF
    : >"$logfile"
    daemonize "$r/containerd.pid" "$logfile" nsenter --net="/run/netns/$netns" -- containerd --config "$r/containerd.toml"
}

# wait_daemon WHAT PIDFILE LOGFILE SECONDS CHECK...: until CHECK succeeds; fail
# with the log's last lines when the daemon exits, or when SECONDS pass.
wait_daemon() {
    local what=$1 pidfile=$2 logfile=$3 limit=$4 end
    shift 4
    end=$(($(date +%s) + limit))
    until "$@" 2>/dev/null; do
        alive "$pidfile" || fail "$what exited at start: $(tail -n 2 "$logfile" | tr '\n' ' ' | cut -c1-300)"
        [ "$(date +%s)" -ge "$end" ] && fail "$what did not answer in ${limit} s (see $logfile)"
        sleep 0.1
    done
}

# load_local_image SOCKET-URL: netui's own image (`netui image`: netui/busybox:local,
# docker import of the host's static busybox, no registry) on that engine.
load_local_image() {
    local url=$1 repo py=python3
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    [ -x "$repo/.venv/bin/python" ] && py=$repo/.venv/bin/python
    PYTHONPATH=$repo timeout 60 "$py" -m netui image --host "$url" >>"$LOG" 2>&1 \
        || fail "could not build netui/busybox:local on $url with netui image (see $LOG)"
}
