#!/usr/bin/env bash
# Extra Docker engines for tests of "several engines" and "remote engines",
# none of which touches the main engine (/var/run/docker.sock):
#
#   plain  a second dockerd in its own network namespace, data root and socket:
#            unix:///run/netui-engines/plain.sock
#   tls    a third dockerd, in its own namespace too, reached over TCP with TLS at
#            tcp://127.0.0.1:$NETUI_ENGINE_TLS_PORT (default 12376), certificates made
#            here with openssl (CA, server cert for 127.0.0.1/localhost, client cert);
#            also unix:///run/netui-engines/tls.sock (no TLS) for set-up and checks
#   ssh    an sshd on 127.0.0.1:$NETUI_ENGINE_SSH_PORT (default 12222), key auth with a
#            throwaway key, whose only command is `docker system dial-stdio` to the
#            plain engine: ssh://root@127.0.0.1:12222 (needs openssh-server)
#
#   scripts/engines.sh up [plain] [tls] [ssh]   (default: all three; ssh brings plain)
#   scripts/engines.sh down                     remove everything `up` made (idempotent)
#   scripts/engines.sh status
#   scripts/engines.sh env                      shell lines to reach them (see below)
#
# `env` prints, for the engines that are up:
#   NETUI_ENGINE_PLAIN=unix:///run/netui-engines/plain.sock
#   NETUI_ENGINE_TLS=tcp://127.0.0.1:12376
#   NETUI_ENGINE_TLS_CERTS=/run/netui-engines/certs/client    DOCKER_CERT_PATH for it
#   NETUI_ENGINE_TLS_UNTRUSTED=/run/netui-engines/certs/untrusted   a client cert from another CA
#   NETUI_ENGINE_SSH=ssh://root@127.0.0.1:12222
#   NETUI_ENGINE_SSH_HOME=/run/netui-engines/ssh/home   HOME for docker-py's paramiko transport
#   NETUI_ENGINE_SSH_BIN=/run/netui-engines/ssh/bin     put first on PATH for the ssh binary
#                                                     (docker CLI, docker-py use_ssh_client=True)
# Nothing is written to ~/.ssh, /etc/ssh or the main engine's files.
#
# Environment: NETUI_ENGINE_TLS_PORT, NETUI_ENGINE_SSH_PORT, NETUI_ENGINES_WAIT (s, default 30).
set -u
export LC_ALL=C

RUN=/run/netui-engines
DATA=/var/lib/netui-engines
LOGDIR=/var/log/netui-engines
LOG=$LOGDIR/engines.log
TLS_PORT=${NETUI_ENGINE_TLS_PORT:-12376}
SSH_PORT=${NETUI_ENGINE_SSH_PORT:-12222}
WAIT=${NETUI_ENGINES_WAIT:-30}
ENGINES="plain tls"
REPO=$(cd "$(dirname "$0")/.." && pwd)
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
T0=$(date +%s.%N)

say() { echo "engines.sh: $*" >&2; log "$*"; }
log() { [ -d "$LOGDIR" ] && echo "$(date +%H:%M:%S.%3N) $*" >>"$LOG"; return 0; }
# A failed `up` removes the engines it was starting (logs stay); engines that
# were up before are left alone.
UNDO_ON_FAIL=0
STARTED=""
fail() {
    say "error: $*"
    if [ "$UNDO_ON_FAIL" = 1 ]; then
        UNDO_ON_FAIL=0
        say "removing what this up started:$STARTED (logs kept in $LOGDIR)"
        local e
        for e in $STARTED; do
            if [ "$e" = ssh ]; then down_ssh; else down_engine "$e"; fi
        done >/dev/null 2>&1
    fi
    exit 1
}
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }

# shellcheck source=scripts/lib-daemons.sh
. "$REPO/scripts/lib-daemons.sh"

ns() { echo "netui-eng-$1"; }
cg() { echo "netui-eng-$1"; }
sock() { echo "$RUN/$1.sock"; }
all_ns() { local e; for e in $ENGINES; do ns "$e"; done; }
all_cg() { local e; for e in $ENGINES; do cg "$e"; done; }
answers() { timeout 5 docker -H "unix://$(sock "$1")" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
# Address pools inside each engine's namespace, from the benchmarking range.
bip() { case $1 in plain) echo 198.18.100.1/24 ;; tls) echo 198.18.101.1/24 ;; esac; }
pool() { case $1 in plain) echo 198.18.128.0/19 ;; tls) echo 198.18.160.0/19 ;; esac; }

need() {
    [ "$(id -u)" = 0 ] || fail "needs root (network namespaces, dockerd)"
    local c
    for c in dockerd containerd docker ip nsenter setsid timeout flock openssl python3; do
        command -v "$c" >/dev/null 2>&1 || fail "missing command: $c"
    done
}

# ---------------------------------------------------------------- dockerds

start_engine() {  # start_engine plain|tls
    local e=$1 r=$RUN/$1 d=$DATA/$1 hosts
    mkdir -p "$r/exec" "$d/docker"
    ip netns add "$(ns "$e")" 2>>"$LOG" || fail "ip netns add $(ns "$e") failed (see $LOG)"
    nsenter --net="/run/netns/$(ns "$e")" -- ip link set lo up || fail "cannot bring lo up in $(ns "$e")"
    start_containerd "$(ns "$e")" "$r" "$d" "$LOGDIR/$e-containerd.log"
    wait_daemon "$e: containerd" "$r/containerd.pid" "$LOGDIR/$e-containerd.log" "$WAIT" test -S "$r/containerd.sock"
    echo '{}' >"$r/daemon.json"   # never read /etc/docker/daemon.json (the main engine's)
    : >"$LOGDIR/$e-dockerd.log"
    hosts=(--host "unix://$(sock "$e")")
    local pre=()
    if [ "$e" = tls ]; then
        # The TCP socket is made here, in the host's namespace on 127.0.0.1, and
        # handed to dockerd as fd 3 (systemd socket activation, -H fd://), so the
        # daemon itself lives in its own namespace; dockerd wraps it in TLS.
        pre=(python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError as e:
    sys.exit(f"cannot listen on 127.0.0.1:{sys.argv[1]}: {e.strerror}")
s.listen(128)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
os.execvp(sys.argv[2], sys.argv[2:])
' "$TLS_PORT")
        hosts+=(--host fd:// --tlsverify --tlscacert "$RUN/certs/server/ca.pem"
            --tlscert "$RUN/certs/server/cert.pem" --tlskey "$RUN/certs/server/key.pem")
    fi
    # shellcheck disable=SC2016 # $0 and $@ belong to the inner sh
    daemonize "$r/dockerd.pid" "$LOGDIR/$e-dockerd.log" \
        "${pre[@]}" \
        nsenter --net="/run/netns/$(ns "$e")" -- \
        unshare --uts -- sh -c 'hostname "$0" && exec "$@"' "netui-$e" \
        dockerd \
        --config-file "$r/daemon.json" \
        "${hosts[@]}" \
        --containerd "$r/containerd.sock" \
        --data-root "$d/docker" \
        --exec-root "$r/exec" \
        --pidfile "$r/dockerd.pid.daemon" \
        --cgroup-parent "$(cg "$e")" \
        --iptables=false --ip6tables=false --ip-masq=false \
        --bip "$(bip "$e")" \
        --default-address-pool "base=$(pool "$e"),size=24" \
        --label "netui.engine=$e"
}

# ---------------------------------------------------------------- TLS

make_certs() {
    local c=$RUN/certs
    mkdir -p "$c/ca" "$c/server" "$c/client" "$c/untrusted"
    chmod 700 "$c"
    (
        set -e
        cd "$c"
        key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 600 "$1"; }
        key ca/key.pem
        openssl req -x509 -new -key ca/key.pem -sha256 -days 7 -subj "/CN=netui test CA" -out ca/ca.pem
        # Server: valid for 127.0.0.1 and localhost.
        key server/key.pem
        openssl req -new -key server/key.pem -subj "/CN=localhost" -out server/req.csr
        printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "extendedKeyUsage=serverAuth" \
            "keyUsage=critical,digitalSignature,keyEncipherment" >server/ext.cnf
        openssl x509 -req -in server/req.csr -CA ca/ca.pem -CAkey ca/key.pem -CAcreateserial \
            -days 7 -sha256 -extfile server/ext.cnf -out server/cert.pem 2>/dev/null
        cp ca/ca.pem server/ca.pem
        # Client: DOCKER_CERT_PATH layout (ca.pem, cert.pem, key.pem).
        key client/key.pem
        openssl req -new -key client/key.pem -subj "/CN=netui-test-client" -out client/req.csr
        printf '%s\n' "extendedKeyUsage=clientAuth" "keyUsage=critical,digitalSignature" >client/ext.cnf
        openssl x509 -req -in client/req.csr -CA ca/ca.pem -CAkey ca/key.pem -CAcreateserial \
            -days 7 -sha256 -extfile client/ext.cnf -out client/cert.pem 2>/dev/null
        cp ca/ca.pem client/ca.pem
        # Untrusted: a client cert from another CA (the server must refuse it).
        key untrusted/ca-key.pem
        openssl req -x509 -new -key untrusted/ca-key.pem -sha256 -days 7 -subj "/CN=some other CA" -out untrusted/other-ca.pem
        key untrusted/key.pem
        openssl req -new -key untrusted/key.pem -subj "/CN=intruder" -out untrusted/req.csr
        openssl x509 -req -in untrusted/req.csr -CA untrusted/other-ca.pem -CAkey untrusted/ca-key.pem -CAcreateserial \
            -days 7 -sha256 -extfile client/ext.cnf -out untrusted/cert.pem 2>/dev/null
        cp ca/ca.pem untrusted/ca.pem   # trusts the real server; only its own cert is foreign
        rm -f ./*/req.csr ./*/*.srl
    ) >>"$LOG" 2>&1 || fail "openssl could not make the test certificates (see $LOG)"
}

tls_answers() {
    timeout 5 docker --tlsverify --tlscacert "$RUN/certs/client/ca.pem" --tlscert "$RUN/certs/client/cert.pem" \
        --tlskey "$RUN/certs/client/key.pem" -H "tcp://127.0.0.1:$TLS_PORT" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# ---------------------------------------------------------------- ssh

start_sshd() {
    local s=$RUN/ssh sshd=/usr/sbin/sshd
    [ -x "$sshd" ] || fail "no $sshd: install openssh-server (apt-get install openssh-server) for the ssh engine"
    command -v ssh-keygen >/dev/null || fail "no ssh-keygen (openssh-client)"
    mkdir -p "$s/home/.ssh" "$s/bin"
    chmod 700 "$s" "$s/home" "$s/home/.ssh"
    ssh-keygen -q -t ed25519 -N '' -C "netui engines.sh host key" -f "$s/ssh_host_ed25519_key" >>"$LOG" 2>&1 || fail "ssh-keygen failed"
    ssh-keygen -q -t ed25519 -N '' -C "netui engines.sh throwaway client key" -f "$s/id_ed25519" >>"$LOG" 2>&1 || fail "ssh-keygen failed"
    # The key can do one thing: talk to the plain engine's API.
    echo "restrict,command=\"env DOCKER_HOST=unix://$(sock plain) docker system dial-stdio\" $(cat "$s/id_ed25519.pub")" >"$s/authorized_keys"
    chmod 600 "$s/authorized_keys"
    cat >"$s/sshd_config" <<EOF
ListenAddress 127.0.0.1:$SSH_PORT
HostKey $s/ssh_host_ed25519_key
PidFile $s/sshd.pid.daemon
AuthorizedKeysFile $s/authorized_keys
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers root
UsePAM no
StrictModes yes
AllowTcpForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTunnel no
PrintMotd no
EOF
    # sshd's privilege separation directory; made (and later removed) only if absent.
    if [ ! -d /run/sshd ]; then mkdir -p /run/sshd && chmod 755 /run/sshd && touch "$s/made-run-sshd"; fi
    "$sshd" -t -f "$s/sshd_config" >>"$LOG" 2>&1 || fail "sshd rejects its configuration (see $LOG)"
    : >"$LOGDIR/sshd.log"
    daemonize "$s/sshd.pid" "$LOGDIR/sshd.log" "$sshd" -D -e -f "$s/sshd_config"
    # Client side, for both transports of docker-py and for the docker CLI.
    echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$s/ssh_host_ed25519_key.pub")" >"$s/known_hosts"
    cp "$s/known_hosts" "$s/home/.ssh/known_hosts"
    cat >"$s/home/.ssh/config" <<EOF
Host 127.0.0.1
  Port $SSH_PORT
  User root
  IdentityFile $s/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $s/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
EOF
    cat >"$s/bin/ssh" <<EOF
#!/bin/sh
# ssh with the throwaway key and known_hosts of scripts/engines.sh, for the docker
# CLI and docker-py (use_ssh_client=True), which run plain \`ssh\` from PATH.
exec /usr/bin/ssh -F $s/home/.ssh/config "\$@"
EOF
    chmod 755 "$s/bin/ssh"
}

ssh_answers() {
    PATH=$RUN/ssh/bin:$PATH timeout 10 docker -H "ssh://root@127.0.0.1:$SSH_PORT" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# ---------------------------------------------------------------- up / down

up() {
    need
    local want=("$@") e
    [ ${#want[@]} -eq 0 ] && want=(plain tls ssh)
    for e in "${want[@]}"; do
        case $e in plain|tls|ssh) ;; *) fail "unknown engine '$e' (plain, tls, ssh)" ;; esac
    done
    # ssh reaches the plain engine.
    case " ${want[*]} " in *" ssh "*) case " ${want[*]} " in *" plain "*) ;; *) want=(plain "${want[@]}") ;; esac ;; esac
    mkdir -p "$LOGDIR" "$RUN" "$DATA"
    log "---- up ${want[*]}"
    UNDO_ON_FAIL=1
    for e in "${want[@]}"; do
        case $e in
            plain)
                if answers plain; then log "plain: already up"; continue; fi
                STARTED="$STARTED plain"
                if [ -e "/run/netns/$(ns plain)" ] || [ -e "$RUN/plain" ]; then say "removing a half-made plain engine first"; down_engine plain; fi
                start_engine plain
                wait_daemon "plain: dockerd" "$RUN/plain/dockerd.pid" "$LOGDIR/plain-dockerd.log" "$WAIT" answers plain
                load_local_image "unix://$(sock plain)"
                ;;
            tls)
                if answers tls && tls_answers; then log "tls: already up"; continue; fi
                STARTED="$STARTED tls"
                if [ -e "/run/netns/$(ns tls)" ] || [ -e "$RUN/tls" ]; then say "removing a half-made tls engine first"; down_engine tls; fi
                make_certs
                start_engine tls
                wait_daemon "tls: dockerd" "$RUN/tls/dockerd.pid" "$LOGDIR/tls-dockerd.log" "$WAIT" answers tls
                wait_daemon "tls: dockerd over TLS at 127.0.0.1:$TLS_PORT" "$RUN/tls/dockerd.pid" "$LOGDIR/tls-dockerd.log" 10 tls_answers
                load_local_image "unix://$(sock tls)"
                ;;
            ssh)
                if ssh_answers; then log "ssh: already up"; continue; fi
                STARTED="$STARTED ssh"
                if [ -e "$RUN/ssh" ]; then say "removing a half-made ssh engine first"; down_ssh; fi
                start_sshd
                wait_daemon "sshd at 127.0.0.1:$SSH_PORT" "$RUN/ssh/sshd.pid" "$LOGDIR/sshd.log" 10 ssh_answers
                ;;
        esac
        log "$e: ready ($(elapsed))"
    done
    UNDO_ON_FAIL=0
    say "up: ${want[*]} ready in $(elapsed)"
    env_lines
}

down_ssh() {
    # sshd's sessions (docker system dial-stdio behind them) outlive a stopped sshd: end them first.
    local sshd_pid
    sshd_pid=$(cat "$RUN/ssh/sshd.pid" 2>/dev/null)
    # shellcheck disable=SC2046
    ours "$sshd_pid" && kill -KILL $(descendants "$sshd_pid") 2>/dev/null
    stop_pidfile "$RUN/ssh/sshd.pid" 5
    [ -f "$RUN/ssh/made-run-sshd" ] && rmdir /run/sshd 2>/dev/null
    rm -rf "$RUN/ssh"
}

down_engine() {  # down_engine plain|tls: everything of that engine, even half-made
    local e=$1
    if answers "$e"; then
        # Containers killed at once: dockerd would give each 10 s to stop.
        timeout 10 docker -H "unix://$(sock "$e")" ps -q 2>/dev/null \
            | xargs -r timeout 15 docker -H "unix://$(sock "$e")" rm -f >/dev/null 2>&1
    fi
    stop_pidfile "$RUN/$e/dockerd.pid" 15
    stop_pidfile "$RUN/$e/containerd.pid" 10
    kill_strays "$(ns "$e")" "$(cg "$e")"
    unmount_under "$RUN/$e" "$DATA/$e"
    remove_netns "$(ns "$e")"
    rm -rf --one-file-system "${RUN:?}/$e" "${DATA:?}/$e" "$(sock "$e")" 2>>"$LOG"
    [ "$e" = tls ] && rm -rf "$RUN/certs"
    remove_cgroups "$(cg "$e")"
}

down() {
    local e left
    mkdir -p "$LOGDIR"
    log "---- down"
    down_ssh
    for e in $ENGINES; do down_engine "$e" & done
    wait
    case "$RUN:$DATA" in
        /run/netui-engines:/var/lib/netui-engines) rm -rf --one-file-system "$RUN" "$DATA" 2>>"$LOG" ;;
        *) fail "refusing to remove unexpected directories $RUN $DATA" ;;
    esac
    left=$(leftovers "$(all_ns)" "$(all_cg)" "$RUN" "$DATA")
    [ -n "$left" ] && fail "down left behind:$left (see $LOG)"
    rm -f /run/netui-engines.lock
    say "down: nothing left ($(elapsed))"
}

env_lines() {
    answers plain && echo "NETUI_ENGINE_PLAIN=unix://$(sock plain)"
    if answers tls; then
        echo "NETUI_ENGINE_TLS=tcp://127.0.0.1:$TLS_PORT"
        echo "NETUI_ENGINE_TLS_CERTS=$RUN/certs/client"
        echo "NETUI_ENGINE_TLS_UNTRUSTED=$RUN/certs/untrusted"
    fi
    if [ -f "$RUN/ssh/sshd.pid" ] && alive "$RUN/ssh/sshd.pid"; then
        echo "NETUI_ENGINE_SSH=ssh://root@127.0.0.1:$SSH_PORT"
        echo "NETUI_ENGINE_SSH_HOME=$RUN/ssh/home"
        echo "NETUI_ENGINE_SSH_BIN=$RUN/ssh/bin"
    fi
    return 0
}

status() {
    local ok=0
    if answers plain; then echo "plain: up at unix://$(sock plain)"; else echo "plain: down"; ok=1; fi
    if answers tls && tls_answers; then echo "tls: up at tcp://127.0.0.1:$TLS_PORT (TLS, certs in $RUN/certs/client)"; else echo "tls: down"; ok=1; fi
    if ssh_answers; then echo "ssh: up at ssh://root@127.0.0.1:$SSH_PORT (reaches plain)"; else echo "ssh: down"; ok=1; fi
    return $ok
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    up|down)
        need
        exec 9>/run/netui-engines.lock
        flock -w 120 9 || fail "another engines.sh up/down holds /run/netui-engines.lock"
        "$cmd" "$@"
        ;;
    status) status ;;
    env) env_lines ;;
    *) echo "usage: $0 up [plain] [tls] [ssh] | down | status | env" >&2; exit 2 ;;
esac
