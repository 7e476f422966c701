#!/usr/bin/env bash
# bench.sh — trellis against Alembic, side by side, on one generated graph.
#
#   scripts/bench.sh [--trellis PATH] [--workload NAME]... [--per-branch N]
#                    [--runs K] [--json FILE]
#   scripts/bench.sh --fuzz SECONDS [--trellis PATH]
#
# --fuzz runs each libFuzzer target built beside the trellis binary
# (fuzz_revision_file, fuzz_url; tests/fuzz) for SECONDS on its seed corpus,
# instead of the comparison, and fails when one finds a crash or a violated
# property (the suite runs them for 3 s each).
#
# Workloads (default: all): heads, history, heads-cold, load-scaling,
# upgrade-sqlite, upgrade-postgresql, check-postgresql, lint-squawk. The graph has 6
# branches shaped like the demo plugin tree with N revisions each (default
# 1000). heads and history show a user's steady state (trellis's parse cache
# and Alembic's __pycache__ written); heads-cold the first run after a
# checkout or in a fresh container (neither). The report gives
# min/median/max per tool and the ratios of medians (alembic/trellis,
# tool/floor, where the floor is the same SQL run by sqlite3 or psql with no
# bookkeeping; upgrade-postgresql adds floor-1msg, each revision's transaction
# sent as one message). check-postgresql times `trellis check` (models from the
# json_models test plugin, built with the tests) against `alembic revision
# --autogenerate` on 1,000 tables that already match the models. lint-squawk
# times `trellis lint` against squawk (npm's squawk-cli, installed into the
# work directory) on one revision of 5,000 and of 50,000 statements.
# fanout-sqlite and fanout-postgresql upgrade a demo-sized graph (6 x 4) on
# 1,000 SQLite files and 100 PostgreSQL databases with `--all-databases`,
# against a shell loop of `alembic upgrade heads` (timed on 10, scaled) and
# against the ideal (one database's time x databases / jobs);
# TRELLIS_BENCH_FANOUT_SQLITE / _PG change the counts, TRELLIS_BENCH_FANOUT_SQLITE_JOBS / _PG_JOBS the jobs.
#
# Installs what it needs (alembic, python3-psycopg2, sqlite3, postgresql-15)
# when missing, starts a throwaway PostgreSQL server for the -postgresql
# workloads, and removes every generated file on exit. When the trellis binary
# is missing the Alembic and floor columns are still measured.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/pg-server.sh
source "${SCRIPT_DIR}/lib/pg-server.sh"

ALL_WORKLOADS=(heads history heads-cold load-scaling upgrade-sqlite upgrade-postgresql check-postgresql lint-squawk fanout-sqlite fanout-postgresql)
TRELLIS="${REPO_ROOT}/build/bin/trellis"
WORKLOADS=()
PER_BRANCH=1000
RUNS=""
JSON_OUT=""
FUZZ_SECONDS=""

usage() {
    sed -n '2,36s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

die() {
    echo "bench.sh: $*" >&2
    exit 2
}

is_workload() {
    local known
    for known in "${ALL_WORKLOADS[@]}"; do
        [[ $1 == "${known}" ]] && return 0
    done
    return 1
}

is_positive_int() {
    [[ $1 =~ ^[1-9][0-9]*$ ]]
}

parse_args() {
    while (($# > 0)); do
        case "$1" in
        --trellis) TRELLIS="${2:?--trellis needs a path}"; shift 2 ;;
        --trellis=*) TRELLIS="${1#*=}"; shift ;;
        --workload) WORKLOADS+=("${2:?--workload needs a name}"); shift 2 ;;
        --workload=*) WORKLOADS+=("${1#*=}"); shift ;;
        --per-branch) PER_BRANCH="${2:?--per-branch needs a number}"; shift 2 ;;
        --per-branch=*) PER_BRANCH="${1#*=}"; shift ;;
        --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
        --runs=*) RUNS="${1#*=}"; shift ;;
        --json) JSON_OUT="${2:?--json needs a file}"; shift 2 ;;
        --json=*) JSON_OUT="${1#*=}"; shift ;;
        --fuzz) FUZZ_SECONDS="${2:?--fuzz needs a number of seconds}"; shift 2 ;;
        --fuzz=*) FUZZ_SECONDS="${1#*=}"; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
        esac
    done
    ((${#WORKLOADS[@]} > 0)) || WORKLOADS=("${ALL_WORKLOADS[@]}")
    local name
    for name in "${WORKLOADS[@]}"; do
        is_workload "${name}" || die "unknown workload '${name}'; known: ${ALL_WORKLOADS[*]}"
    done
    is_positive_int "${PER_BRANCH}" || die "--per-branch must be a positive integer, not '${PER_BRANCH}'"
    [[ -z ${RUNS} ]] || is_positive_int "${RUNS}" || die "--runs must be a positive integer, not '${RUNS}'"
    [[ -z ${FUZZ_SECONDS} ]] || is_positive_int "${FUZZ_SECONDS}" ||
        die "--fuzz must be a positive number of seconds, not '${FUZZ_SECONDS}'"
}

# Runs every fuzz target for FUZZ_SECONDS; fails when one of them fails.
run_fuzzers() {
    local bin failed=0 name
    bin="$(dirname "${TRELLIS}")"
    for name in revision_file url; do
        [[ -x ${bin}/fuzz_${name} ]] || die "${bin}/fuzz_${name} not found: it is built with the tests when clang++ is installed"
        echo "fuzz_${name}: ${FUZZ_SECONDS} s" >&2
        bash "${REPO_ROOT}/tests/fuzz/run.sh" "${bin}/fuzz_${name}" "${REPO_ROOT}/tests/fuzz/corpus/${name}" \
            "${FUZZ_SECONDS}" || failed=1
    done
    return "${failed}"
}

wants_workload() {
    local name
    for name in "${WORKLOADS[@]}"; do
        [[ ${name} == "$1" ]] && return 0
    done
    return 1
}

wants_postgresql() {
    local name
    for name in "${WORKLOADS[@]}"; do
        [[ ${name} == *-postgresql ]] && return 0
    done
    return 1
}

# Installs the Debian packages the comparison needs, only when something is
# missing, so a prepared machine pays nothing. Alembic and psycopg2 are the
# Debian builds, which run on /usr/bin/python3 (the `alembic` script's own
# interpreter), whatever python3 comes first on PATH.
ensure_tools() {
    local missing=()
    command -v alembic >/dev/null || missing+=(alembic)
    /usr/bin/python3 -c 'import psycopg2' 2>/dev/null || missing+=(python3-psycopg2)
    command -v sqlite3 >/dev/null || missing+=(sqlite3)
    if wants_workload lint-squawk; then
        command -v npm >/dev/null || missing+=(npm)
    fi
    if [[ ! -x ${PG_BIN}/postgres ]] || ! command -v psql >/dev/null; then
        missing+=(postgresql-15)
    fi
    ((${#missing[@]} > 0)) || return 0

    echo "bench.sh: installing ${missing[*]} ..." >&2
    local log
    log="$(mktemp)"
    # Try without refreshing the package lists first: it is much faster when
    # they are recent enough, and a refresh is the fix when they are not.
    if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; }; } \
        >"${log}" 2>&1; then
        cat "${log}" >&2
        rm -f "${log}"
        die "could not install ${missing[*]}"
    fi
    rm -f "${log}"
}

# Prints the absolute trellis path, or nothing when there is no binary: the
# benchmark then measures Alembic and the floor alone.
resolve_trellis() {
    local path="${TRELLIS}"
    [[ ${path} == /* ]] || path="${PWD}/${path}"
    if [[ -x ${path} && -f ${path} ]]; then
        printf '%s\n' "${path}"
    else
        echo "trellis binary not found: build it with scripts/test.sh (looked for ${path})" >&2
    fi
}

main() {
    parse_args "$@"
    if [[ -n ${FUZZ_SECONDS} ]]; then
        run_fuzzers
        return
    fi
    ensure_tools

    local trellis
    trellis="$(resolve_trellis)"

    WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/trellis-bench.XXXXXX")"
    # Generated graphs reach 30k files: always remove them. pg_start adds its
    # own cleanup in front of this trap and keeps this one.
    trap 'rm -rf "${WORK_DIR}"' EXIT

    local args=(--per-branch "${PER_BRANCH}" --work "${WORK_DIR}")
    [[ -z ${trellis} ]] || args+=(--trellis "${trellis}")
    [[ -z ${RUNS} ]] || args+=(--runs "${RUNS}")
    [[ -z ${JSON_OUT} ]] || args+=(--json "${JSON_OUT}")
    local name
    for name in "${WORKLOADS[@]}"; do
        args+=(--workload "${name}")
    done

    if wants_postgresql; then
        pg_start
        args+=(--pg-url "${TRELLIS_TEST_PG_URL}")
    fi

    # trellis's parse cache of the generated graphs goes with them, not into ~/.cache.
    export TRELLIS_CACHE_DIR="${WORK_DIR}/trellis-cache"
    # Not exec: the EXIT trap must still run to stop the server and clean up.
    # -B: no __pycache__ left in the source tree.
    python3 -B "${SCRIPT_DIR}/bench/run.py" "${args[@]}"
}

main "$@"
