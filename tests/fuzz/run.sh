#!/usr/bin/env bash
# run.sh FUZZER SEED_CORPUS SECONDS [libFuzzer options...]: runs a fuzz target for SECONDS on the
# committed seed corpus. What it finds goes to a temporary directory, never into the sources; a
# crash or a violated property is kept there and its input printed in hex, and the exit is 1.
set -euo pipefail
fuzzer="$1" seeds="$2" seconds="$3"
shift 3
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
mkdir -p "${work}/corpus"
if "${fuzzer}" "${work}/corpus" "${seeds}" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=1024 \
    -artifact_prefix="${work}/" -print_final_stats=1 "$@" >"${work}/log" 2>&1; then
    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units)' "${work}/log" || true
    exit 0
fi
tail -n 40 "${work}/log" >&2
for artifact in "${work}"/crash-* "${work}"/timeout-* "${work}"/leak-* "${work}"/oom-*; do
    [[ -f ${artifact} ]] || continue
    echo "input that failed ($(basename "${artifact}")):" >&2
    od -A d -c "${artifact}" | head -n 40 >&2
done
exit 1
