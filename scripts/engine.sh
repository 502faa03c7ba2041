#!/usr/bin/env bash
# Make sure a Docker engine answers, the way the docker CLI reaches one
# (DOCKER_HOST, TLS variables, contexts).
#
# - An engine already answers: change nothing, exit 0.
# - None answers and we are root on Debian/Ubuntu: install docker.io and
#   busybox-static with apt when missing, start dockerd in the background with
#   an address pool large enough for hundreds of networks, and wait until
#   `docker info` answers. dockerd is retried when it dies at start (right
#   after a stop, the old containerd can still be going away).
# - Otherwise: one line on stderr saying why, exit 1.
#
# Environment:
#   NETUI_DOCKERD_LOG   dockerd's log file (default /var/log/netui-dockerd.log)
#   NETUI_ENGINE_WAIT   seconds to wait for each start attempt (default 60)
set -u

say() { echo "engine.sh: $*" >&2; }
fail() { say "$*"; exit 1; }

answers() { docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && answers; then
    exit 0
fi

if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST#unix://}" = "$DOCKER_HOST" ]; then
    fail "no Docker engine answers at DOCKER_HOST=$DOCKER_HOST, and a remote engine cannot be started from here"
fi
if [ -z "${DOCKER_HOST:-}" ] && command -v docker >/dev/null 2>&1; then
    ctx=${DOCKER_CONTEXT:-$(docker context show 2>/dev/null || echo default)}
    if [ -n "$ctx" ] && [ "$ctx" != default ]; then
        fail "no Docker engine answers through the docker context '$ctx'; a local dockerd would not be the engine it points at"
    fi
fi
[ "$(id -u)" = 0 ] || fail "no Docker engine answers, and starting one needs root (run as root, or start dockerd yourself)"

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1 || ! [ -x /bin/busybox ]; then
    command -v apt-get >/dev/null 2>&1 || fail "no Docker engine answers and apt-get is missing: install a Docker engine and busybox-static yourself"
    say "installing docker.io and busybox-static with apt"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends docker.io busybox-static; } >/tmp/netui-apt.log 2>&1; then
        fail "apt-get could not install docker.io busybox-static (see /tmp/netui-apt.log)"
    fi
fi

log=${NETUI_DOCKERD_LOG:-/var/log/netui-dockerd.log}
wait_s=${NETUI_ENGINE_WAIT:-60}

for attempt in 1 2 3 4; do
    started=""
    if pgrep -x dockerd >/dev/null 2>&1; then
        # Someone else's dockerd (still starting, or going away): wait for it, never kill it.
        say "a dockerd is already running; waiting for it to answer"
    else
        say "starting dockerd (attempt $attempt, log in $log)"
        rm -f /var/run/docker.pid  # a stale pid file from a killed dockerd blocks the start
        nohup dockerd --default-address-pool base=172.16.0.0/12,size=24 >>"$log" 2>&1 </dev/null &
        started=$!
    fi
    deadline=$((SECONDS + wait_s))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if answers; then
            say "engine ready: $(docker version --format 'Docker {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null)"
            exit 0
        fi
        if [ -n "$started" ]; then
            kill -0 "$started" 2>/dev/null || break  # ours died at start: try again
        else
            pgrep -x dockerd >/dev/null 2>&1 || break  # theirs went away: start ours
        fi
        sleep 0.5
    done
    # Only the dockerd this script started is stopped; a slow one of the user's is left alone.
    if [ -n "$started" ]; then
        kill "$started" 2>/dev/null
        for _ in $(seq 1 20); do kill -0 "$started" 2>/dev/null || break; sleep 0.5; done
    elif pgrep -x dockerd >/dev/null 2>&1; then
        fail "a dockerd is running but does not answer after ${wait_s} s; not touching it (check its log)"
    fi
    sleep $((attempt * 2))
done
fail "dockerd did not come up after 4 attempts; last lines of $log: $(tail -n 3 "$log" 2>/dev/null | tr '\n' ' ' | cut -c1-400)"
