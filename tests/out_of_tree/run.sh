#!/usr/bin/env bash
# Installs trellis from the build tree into a temporary prefix, builds tests/out_of_tree/hello
# against the installed package (find_package(trellis)), and has the installed trellis load it:
# what a plugin author outside this repository does.
set -euo pipefail
build_dir="$1"
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/hello" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
log="${work}/log"
fail() { cat "${log}" >&2; echo "out_of_tree: $*" >&2; exit 1; }

cmake --install "${build_dir}" --prefix "${work}/prefix" >"${log}" 2>&1 || fail "install failed"
cmake -S "${source_dir}" -B "${work}/build" -G Ninja -DCMAKE_PREFIX_PATH="${work}/prefix" >>"${log}" 2>&1 ||
    fail "configuring the plugin against the installed package failed"
cmake --build "${work}/build" >>"${log}" 2>&1 || fail "building the plugin failed"

trellis="${work}/prefix/bin/trellis"
url="sqlite:///${work}/hello.db"
cd "${work}"
heads="$("${trellis}" --plugin-path "${work}/build" heads)"
[[ ${heads} == "0a1b2c3d4e5f (hello) (head)" ]] || fail "unexpected heads: ${heads}"
"${trellis}" --plugin-path "${work}/build" --url "${url}" -q upgrade
check="$("${trellis}" --plugin-path "${work}/build" --url "${url}" check)" || fail "check: ${check}"
# The installed trellis runs the installed Alembic importer (a stand-in Python prints its path).
printf '#!/bin/sh\necho "$2"\n' >"${work}/python" && chmod +x "${work}/python"
importer="$(TRELLIS_PYTHON="${work}/python" "${trellis}" import-alembic alembic.ini)"
importer="${importer%%$'\n'*}"
[[ ${importer} == "${work}/prefix/share/trellis/import_alembic.py" ]] || fail "importer not installed: ${importer}"
[[ -f ${work}/prefix/share/trellis/alembic_branches.py ]] || fail "the importer's alembic_branches.py is not installed"
echo "out_of_tree: built against the installed package, loaded, upgraded, and matching its models"
