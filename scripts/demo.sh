#!/usr/bin/env bash
# demo.sh — the main job on the demo application, on SQLite: install what is missing, build,
# `trellis upgrade heads`, then show the plugin tree and what is applied. Run it again and it
# says there is nothing to do. The database is demo.db at the repository root (trellis.ini).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/setup.sh
source scripts/lib/setup.sh
ensure_packages
# The host and the demo's plugins; the tests are built by scripts/test.sh.
build_trellis trellis uber panels guests tabletop magprime mivs

trellis=build/bin/trellis
echo "\$ trellis upgrade heads"
"${trellis}" upgrade heads
echo
echo "\$ trellis plugins"
"${trellis}" plugins
echo
echo "\$ trellis current"
"${trellis}" current
