# shellcheck shell=bash
# setup.sh — what both README commands do first: install the Debian packages trellis builds and
# runs with (only those missing), then configure and build the one CMake tree that serves the demo,
# the tests and the benchmarks. Quiet when there is nothing to do; a failing step prints its log.

TRELLIS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TRELLIS_BUILD="${TRELLIS_BUILD:-${TRELLIS_ROOT}/build}"

# What trellis is built from; enough for the demo (SQLite).
TRELLIS_PACKAGES=(
    g++ cmake ninja-build ccache pkg-config
    libboost-dev libboost-program-options-dev
    libpqxx-dev libpg-query-dev libsqlite3-dev nlohmann-json3-dev libfmt-dev doctest-dev
    libssl-dev # libcrypto: SHA-256 of revision checksums
)

# What the tests run besides; scripts/test.sh installs these too.
TRELLIS_TEST_PACKAGES=(
    sqlite3 postgresql-15 postgresql-client-15 pgbouncer
    bsdutils # script(1): the tests give trellis a pseudo-terminal
    graphviz # graph --format svg/png
    clang libclang-rt-14-dev # libFuzzer, for the fuzz targets of tests/fuzz
    python3 alembic python3-psycopg2 # import-alembic and its tests
)

# Runs a command with its output kept in a log that is shown only if it fails.
_trellis_quietly() {
    local log
    log="$(mktemp)"
    if ! "$@" >"${log}" 2>&1; then
        cat "${log}" >&2
        rm -f "${log}"
        echo "setup: failed: $*" >&2
        return 1
    fi
    rm -f "${log}"
}

ensure_packages() {
    local missing=() package
    for package in "${TRELLIS_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "${package}" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("${package}")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    echo "setup: installing ${missing[*]} ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    _trellis_quietly apt-get update -qq
    _trellis_quietly apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# build_trellis [TARGET...]: configure (every time: a program installed since the last run, such
# as clang for the fuzz targets, is then found) and build the given targets, or everything.
build_trellis() {
    local targets=()
    [[ $# -gt 0 ]] && targets=(--target "$@")
    _trellis_quietly cmake -S "${TRELLIS_ROOT}" -B "${TRELLIS_BUILD}" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
    # ninja says nothing useful when everything is up to date; on failure its log is shown.
    _trellis_quietly cmake --build "${TRELLIS_BUILD}" "${targets[@]}" -- -j"$(nproc)"
}
