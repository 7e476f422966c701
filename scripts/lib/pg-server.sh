# shellcheck shell=bash
# pg-server.sh — a throwaway PostgreSQL 15 server for tests and benchmarks.
#
# Source this file, then:
#
#   pg_start      # installs postgresql-15 if needed, starts a private server
#   psql "$TRELLIS_TEST_PG_URL" -c 'select 1'
#   pg_stop       # optional: pg_start already arranged for it to run on exit
#
# pg_start exports:
#   TRELLIS_TEST_PG_URL  postgresql://postgres@127.0.0.1:PORT/postgres
#   PG_BIN               the server binaries (/usr/lib/postgresql/15/bin)
#   PG_PORT              the loopback port the server listens on
#   PG_DIR               the temporary directory holding data, socket and logs
#
# The server lives in a fresh mktemp directory, listens on 127.0.0.1 at a free
# port (never 5432 by default) and has durability switched off, because nothing
# in it must outlive the run. The system cluster, if any, is never touched.
#
# pg_start must run in the calling shell itself, not in $( ... ) or a pipeline:
# it sets an EXIT/INT/TERM trap there so the server stops even when a test fails
# or the run is interrupted. Any trap already set is kept and still runs.
#
# Quiet on success; on failure the initdb/pg_ctl/server logs go to stderr.

PG_VERSION="${PG_VERSION:-15}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/${PG_VERSION}/bin}"
PG_DIR="${PG_DIR:-}"
PG_PORT="${PG_PORT:-}"
_PG_STARTED_BY="${_PG_STARTED_BY:-}"

# Runs a command as the postgres user when we are root (initdb and postgres
# refuse to run as root); as anyone else, runs it as that user. The working
# directory is PG_DIR so postgres never complains it cannot read the caller's cwd.
_pg_as_owner() {
    if [[ ${EUID} -eq 0 ]]; then
        (cd "${PG_DIR}" && runuser -u postgres -- "$@")
    else
        (cd "${PG_DIR}" && "$@")
    fi
}

# Prints the logs we collected, so a failure is explained, not just reported.
_pg_dump_logs() {
    local log
    for log in "${PG_DIR}/setup.log" "${PG_DIR}/server.log"; do
        if [[ -s ${log} ]]; then
            echo "---- ${log} ----" >&2
            cat "${log}" >&2
        fi
    done
}

# Installs the server package only when its binaries are missing, so a machine
# that already has it pays nothing and a fresh CI machine just works.
_pg_ensure_installed() {
    [[ -x ${PG_BIN}/postgres && -x ${PG_BIN}/initdb && -x ${PG_BIN}/pg_ctl ]] && return 0
    local log
    log="$(mktemp)"
    echo "pg-server: installing postgresql-${PG_VERSION} ..." >&2
    if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-${PG_VERSION}" ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-${PG_VERSION}"; }; } \
        >"${log}" 2>&1; then
        cat "${log}" >&2
        rm -f "${log}"
        echo "pg-server: could not install postgresql-${PG_VERSION}" >&2
        return 1
    fi
    rm -f "${log}"
}

# Prints a TCP port on 127.0.0.1 that no socket uses right now: a random one from the
# unprivileged range, skipped while /proc/net/tcp{,6} lists it as a local port. Pure bash and
# procfs, so a fresh minbase Debian needs nothing more; the tiny race until postgres binds it is
# covered by pg_start retrying with another port.
_pg_free_port() {
    local port hex used
    used="$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null)"
    while :; do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        printf -v hex ':%04X ' "${port}"
        [[ ${used} == *"${hex}"* ]] || break
    done
    printf '%s\n' "${port}"
}

# Adds pg_stop to the EXIT trap and makes INT/TERM exit (which runs the EXIT
# trap), keeping whatever handlers the caller had installed.
_pg_install_traps() {
    local existing
    existing="$(_pg_trap_command EXIT)"
    # shellcheck disable=SC2064  # expand now: the trap text is built once
    trap "pg_stop${existing:+; ${existing}}" EXIT
    existing="$(_pg_trap_command INT)"
    # shellcheck disable=SC2064
    trap "${existing:+${existing}; }exit 130" INT
    existing="$(_pg_trap_command TERM)"
    # shellcheck disable=SC2064
    trap "${existing:+${existing}; }exit 143" TERM
}

# Prints the command currently trapped on signal $1 (empty when none), minus
# the parts this library added, so installing the traps twice does not nest them.
# `trap -p` prints a re-usable `trap -- 'CMD' SIG` line; eval splits it safely.
_pg_trap_command() {
    local line cmd
    line="$(trap -p "$1")"
    [[ -n ${line} ]] || return 0
    eval "set -- ${line}"
    cmd="$3"
    cmd="${cmd#pg_stop}"
    cmd="${cmd#; }"
    cmd="${cmd%exit 1[34][03]}"
    cmd="${cmd%; }"
    printf '%s' "${cmd}"
}

# Starts the server once; tries a few ports in case another process grabs the
# one we picked between probing and binding.
_pg_launch() {
    local attempt
    for attempt in 1 2 3 4 5; do
        PG_PORT="$(_pg_free_port)"
        if _pg_as_owner "${PG_BIN}/pg_ctl" -w -t 60 -D "${PG_DIR}/data" \
            -l "${PG_DIR}/server.log" \
            -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
-c listen_addresses=127.0.0.1 -c port=${PG_PORT} \
-c unix_socket_directories=${PG_DIR} -c max_connections=200" \
            start >>"${PG_DIR}/setup.log" 2>&1; then
            return 0
        fi
        # A port clash shows in the server log; anything else will not get
        # better by retrying.
        grep -q "could not bind\|Address already in use" "${PG_DIR}/server.log" 2>/dev/null || return 1
        echo "pg-server: port ${PG_PORT} taken, retrying (${attempt})" >>"${PG_DIR}/setup.log"
    done
    return 1
}

# Starts a private server and exports its URL. Calling it while one is already
# running from this shell is a no-op.
pg_start() {
    # A server inherited from a parent script (PG_DIR exported) is reused.
    if [[ -n ${PG_DIR} && -f ${PG_DIR}/data/postmaster.pid && -n ${TRELLIS_TEST_PG_URL:-} ]]; then
        return 0
    fi
    _pg_ensure_installed || return 1

    PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/trellis-pg.XXXXXX")"
    _PG_STARTED_BY=$$ # not exported: a child process never stops our server
    chmod 700 "${PG_DIR}"
    if [[ ${EUID} -eq 0 ]]; then
        chown postgres:postgres "${PG_DIR}"
    fi
    # Arm the cleanup before anything can fail half-way.
    _pg_install_traps

    if ! _pg_as_owner "${PG_BIN}/initdb" -D "${PG_DIR}/data" --auth=trust -U postgres \
        --encoding=UTF8 --no-sync >"${PG_DIR}/setup.log" 2>&1; then
        echo "pg-server: initdb failed" >&2
        _pg_dump_logs
        pg_stop
        return 1
    fi
    if ! _pg_launch; then
        echo "pg-server: the server did not start" >&2
        _pg_dump_logs
        pg_stop
        return 1
    fi

    TRELLIS_TEST_PG_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"
    export TRELLIS_TEST_PG_URL PG_BIN PG_PORT PG_DIR
}

# Stops the server at once (no checkpoint: the data is thrown away) and removes
# its directory. Safe to call twice and when nothing was started; a server
# inherited from a parent process is left to that parent.
pg_stop() {
    [[ -n ${PG_DIR:-} && ${_PG_STARTED_BY:-} == "$$" ]] || return 0
    if [[ -f ${PG_DIR}/data/postmaster.pid ]]; then
        if ! _pg_as_owner "${PG_BIN}/pg_ctl" -D "${PG_DIR}/data" -m immediate -w stop \
            >>"${PG_DIR}/setup.log" 2>&1; then
            # pg_ctl failed: end the postmaster we started, by its own pid.
            local pid
            pid="$(head -n 1 "${PG_DIR}/data/postmaster.pid" 2>/dev/null || true)"
            if [[ ${pid} =~ ^[0-9]+$ ]]; then
                kill -QUIT "${pid}" 2>/dev/null || true
            fi
        fi
    fi
    rm -rf "${PG_DIR}"
    PG_DIR=""
    PG_PORT=""
    _PG_STARTED_BY=""
    unset TRELLIS_TEST_PG_URL
    return 0
}
