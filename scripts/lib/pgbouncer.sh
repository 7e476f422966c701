#!/usr/bin/env bash
# pgbouncer.sh — a throwaway PgBouncer in transaction pooling mode, in front of a PostgreSQL
# server, for the tests of the migration lock (a pooler hands each transaction to whichever
# server connection is free, so session state and session locks do not hold).
#
#   scripts/lib/pgbouncer.sh start HOST PORT [POOL_SIZE]  # prints "DIR PORT": its directory, its port
#   scripts/lib/pgbouncer.sh stop DIR          # stops it and removes DIR
#
# It listens on 127.0.0.1 at a free port, lets in any user the server trusts (auth_type trust,
# every database of the server through the `*` entry), and runs as an unprivileged user
# (`postgres` when called as root: PgBouncer refuses to run as root). Nothing outlives `stop`;
# the system's pgbouncer service, if any, is never touched. The Debian package `pgbouncer` is
# installed when missing (scripts/lib/setup.sh lists it).
set -euo pipefail

PGB_BIN="${PGB_BIN:-/usr/sbin/pgbouncer}"

_pgb_as_owner() {
    if [[ ${EUID} -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_pgb_ensure_installed() {
    [[ -x ${PGB_BIN} ]] && return 0
    echo "pgbouncer: installing pgbouncer ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq --no-install-recommends pgbouncer ||
        { apt-get update -qq && apt-get install -y -qq --no-install-recommends pgbouncer; }; } >/dev/null 2>&1 || {
        echo "pgbouncer: could not install pgbouncer" >&2
        return 1
    }
}

# _pg_free_port: a port on 127.0.0.1 that no socket uses.
# shellcheck source=pg-server.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg-server.sh"

pgb_start() {
    local host="$1" server_port="$2" pool_size="${3:-40}" dir port attempt
    _pgb_ensure_installed
    dir="$(mktemp -d "${TMPDIR:-/tmp}/trellis-pgbouncer.XXXXXX")"
    chmod 700 "${dir}"
    [[ ${EUID} -ne 0 ]] || chown postgres:postgres "${dir}"
    printf '"postgres" ""\n' >"${dir}/users.txt"
    for attempt in 1 2 3 4 5; do
        port="$(_pg_free_port)"
        cat >"${dir}/pgbouncer.ini" <<EOF
[databases]
* = host=${host} port=${server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${dir}/users.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = ${pool_size}
server_reset_query =
logfile = ${dir}/pgbouncer.log
pidfile = ${dir}/pgbouncer.pid
EOF
        chmod 644 "${dir}/pgbouncer.ini" "${dir}/users.txt"
        if (cd "${dir}" && _pgb_as_owner "${PGB_BIN}" -d -q "${dir}/pgbouncer.ini") 2>>"${dir}/setup.log"; then
            # -d returns once it forked; wait until it listens.
            local i
            for i in $(seq 1 100); do
                if grep -q "$(printf ':%04X 00000000:0000 0A' "${port}")" /proc/net/tcp 2>/dev/null; then
                    printf '%s %s\n' "${dir}" "${port}"
                    return 0
                fi
                sleep 0.05
            done
        fi
        [[ -f ${dir}/pgbouncer.pid ]] && pgb_stop_process "${dir}"
    done
    echo "pgbouncer: did not start" >&2
    cat "${dir}/setup.log" "${dir}/pgbouncer.log" >&2 2>/dev/null || true
    rm -rf "${dir}"
    return 1
}

pgb_stop_process() {
    local dir="$1" pid
    pid="$(cat "${dir}/pgbouncer.pid" 2>/dev/null || true)"
    if [[ ${pid} =~ ^[0-9]+$ ]]; then
        kill -INT "${pid}" 2>/dev/null || true
        local i
        for i in $(seq 1 100); do
            kill -0 "${pid}" 2>/dev/null || break
            sleep 0.05
        done
    fi
}

pgb_stop() {
    local dir="$1"
    [[ -d ${dir} && ${dir} == */trellis-pgbouncer.* ]] || return 0
    pgb_stop_process "${dir}"
    rm -rf "${dir}"
}

case "${1:-}" in
start) pgb_start "$2" "$3" "${4:-40}" ;;
stop) pgb_stop "$2" ;;
*)
    echo "usage: $0 start HOST PORT [POOL_SIZE] | stop DIR" >&2
    exit 2
    ;;
esac
