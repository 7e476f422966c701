#!/usr/bin/env python3
"""Writes the benchmark graph to a directory without running anything.

    scripts/bench/generate.py --per-branch 20 OUT_DIR [--format trellis]...

Handy to look at the files, or to feed a large graph to a test or a profiler.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
from emit import WRITERS, emit  # noqa: E402  (after the line above on purpose)
from graph import BRANCHES, DEFAULT_SEED, build_graph  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="directory to write (created if missing)")
    parser.add_argument("--per-branch", type=int, default=1000, metavar="N")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--format", action="append", choices=sorted(WRITERS), dest="formats",
        help="what to write (repeatable; default: all)",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    graph = build_graph(args.per_branch, args.seed)
    tree = emit(graph, args.out, tuple(args.formats or WRITERS))
    print(f"{len(graph.revisions)} revisions in {len(BRANCHES)} branches written to {tree.root}")
    print("heads: " + " ".join(graph.heads))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
