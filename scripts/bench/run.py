#!/usr/bin/env python3
"""Benchmarks trellis against Alembic (and a plain-SQL floor) on one generated graph.

Normally started by scripts/bench.sh, which installs the tools and starts a
throwaway PostgreSQL server; run directly, upgrade-postgresql and
check-postgresql need --pg-url.
Progress goes to stderr, the report to stdout. Exit 1 when a run failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from graph import DEFAULT_SEED
from timing import Sample, format_ratio, format_seconds
import fanout  # noqa: F401  (registers the fan-out workloads)
from workloads import CHECK_TABLES, CHECK_WORKLOAD, TRELLIS_MISSING, WORKLOADS, Bench, RatioLine, Settings


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trellis", type=Path, help="the trellis binary (absent: trellis is skipped)")
    parser.add_argument("--workload", action="append", choices=list(WORKLOADS), dest="workloads",
                        help="repeatable; default: all")
    parser.add_argument("--per-branch", type=int, default=1000, metavar="N")
    parser.add_argument("--runs", type=int, metavar="K",
                        help="timed runs per tool (default 5; upgrades 1 at N>=500, else 3; alembic in check-postgresql 3)")
    parser.add_argument("--pg-url", help="PostgreSQL server for upgrade-postgresql and check-postgresql "
                        "(a database URL with rights to CREATE DATABASE)")
    parser.add_argument("--work", type=Path, help="scratch directory (default: a new temporary one)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.per_branch < 1:
        parser.error("--per-branch must be at least 1")
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def table(rows: list[list[str]], right_aligned: set[int]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell.rjust(widths[i]) if i in right_aligned else cell.ljust(widths[i])
                 for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def samples_table(samples: list[Sample]) -> str:
    rows = [["workload", "tool", "revisions", "runs", "min", "median", "max", "note"]]
    for s in samples:
        if s.ok:
            timings = [format_seconds(min(s.times)), format_seconds(s.median), format_seconds(max(s.times))]
        else:
            timings = ["-", "-", "-"]
        note = s.note if s.status == "ok" else f"{s.status.upper()}: {s.note}"
        rows.append([s.workload, s.tool, str(s.revisions), str(len(s.times)), *timings, note])
    return table(rows, right_aligned={2, 3, 4, 5, 6})


def ratios_table(ratios: list[RatioLine]) -> str:
    rows = [["workload", "ratio of medians", "value"]]
    for line in ratios:
        if line.value is None:
            value = "n/a"
        elif line.unit == "us":
            value = f"{line.value:.1f} us"
        else:
            value = format_ratio(line.value)
        rows.append([line.workload, line.label, value])
    return table(rows, right_aligned={2})


def report(bench: Bench, workloads: list[str]) -> str:
    settings = bench.settings
    trellis = settings.trellis or f"(none: {TRELLIS_MISSING})"
    lines = [
        "",
        f"trellis benchmark: 6 branches x {settings.per_branch} revisions "
        f"({6 * settings.per_branch} in all), seed {settings.seed}",
        f"trellis: {trellis}",
        f"runs: {bench.fast_runs} for read-only workloads, {bench.upgrade_runs} for upgrades "
        "(after one untimed warm-up; upgrades warm up with `heads`)",
        f"workloads: {', '.join(workloads)}",
    ]
    if CHECK_WORKLOAD in workloads:
        lines.append(
            f"{CHECK_WORKLOAD}: {CHECK_TABLES} tables of 10 columns, an index and a foreign key each; "
            f"trellis check vs alembic revision --autogenerate, {bench.fast_runs} and {bench.check_alembic_runs} "
            "runs after one warm-up each; the revisions column counts tables"
        )
    lines += [
        "",
        samples_table(bench.samples),
    ]
    if bench.ratios:
        lines += ["", ratios_table(bench.ratios)]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, work: Path) -> int:
    settings = Settings(
        trellis=args.trellis.resolve() if args.trellis else None,
        work=work, per_branch=args.per_branch, runs=args.runs, pg_url=args.pg_url, seed=args.seed,
    )
    bench = Bench(settings)
    workloads = args.workloads or list(WORKLOADS)
    for name in workloads:
        print(f"[{name}]", file=sys.stderr, flush=True)
        WORKLOADS[name](bench)
    sys.stdout.write(report(bench, workloads))
    if args.json:
        document = {
            "per_branch": settings.per_branch,
            "seed": settings.seed,
            "trellis": str(settings.trellis) if settings.trellis else None,
            "samples": [s.to_json() for s in bench.samples],
            "ratios": [vars(r) for r in bench.ratios],
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    return 1 if any(s.status == "failed" for s in bench.samples) else 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        return run(args, args.work.resolve())
    with tempfile.TemporaryDirectory(prefix="trellis-bench.") as work:
        return run(args, Path(work))


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        # Ctrl-C reaches the whole process group: bench.sh cleans up after us.
        print("interrupted", file=sys.stderr)
        sys.exit(130)
