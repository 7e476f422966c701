#!/usr/bin/env bash
# test.sh — every test: install what is missing, build, start a throwaway PostgreSQL 15 (a
# temporary directory, a free loopback port, stopped on exit even when tests fail), run the
# suites with CTest. Extra arguments go to ctest (e.g. -R unit).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/setup.sh
source scripts/lib/setup.sh
ensure_packages "${TRELLIS_TEST_PACKAGES[@]}"
build_trellis
# shellcheck source=lib/pg-server.sh
source scripts/lib/pg-server.sh
pg_start
ctest --test-dir "${TRELLIS_BUILD}" --output-on-failure --timeout 1500 "$@"
