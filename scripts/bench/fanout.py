"""The fan-out workloads: one small graph (demo-sized, from generate.py's
builder) upgraded on many databases at once. trellis runs `--all-databases
upgrade` over the whole set; the peer is what teams run today, a shell loop of
`alembic upgrade heads`, one database after another. The loop is linear by
construction, so it is timed on a sample of the set and scaled to the whole
(said in the ratio's label); the two take turns, ROUNDS runs each, and their
medians are compared. The ideal is one database's trellis time x databases /
jobs: what perfect parallelism would give."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Callable

from timing import BenchFailure, Command, Sample, Timed, measure, measure_interleaved, progress
from workloads import (WORKLOADS, Bench, _check_schema, _pg_counts, _pg_database_url, _sqlite_counts, alembic_argv,
                       expect_ids, skipped_trellis, trellis_argv)

PER_BRANCH = 4  # 6 branches x 4 = 24 revisions, about the demo's 20
SQLITE_DATABASES = int(os.environ.get("TRELLIS_BENCH_FANOUT_SQLITE", "1000"))
PG_DATABASES = int(os.environ.get("TRELLIS_BENCH_FANOUT_PG", "100"))
# trellis's default for SQLite files is 4 per core (they wait on fsync); the bench's default, one
# per core, keeps the ideal (1 db x n / jobs) a bound that parallel work on one disk can meet.
SQLITE_JOBS = int(os.environ.get("TRELLIS_BENCH_FANOUT_SQLITE_JOBS", str(os.cpu_count() or 2)))
# trellis's default for a PostgreSQL server is its jobs_per_server (2).
PG_JOBS = int(os.environ.get("TRELLIS_BENCH_FANOUT_PG_JOBS", "2"))
ALEMBIC_SAMPLE = 10  # databases the Alembic loop is timed on
# The fan-out and the loop take turns, this many times each, and their medians are compared: on a
# shared machine, one run of each can land in a slow and a fast minute.
ROUNDS = 5
TARGET = 20  # the requirement: trellis's fan-out at least 20x faster than the loop


def _fanout_ini(tree_ini: Path, urls: list[str], work: Path) -> Path:
    listing = work / "databases.txt"
    listing.write_text("".join(f"{url}\n" for url in urls))
    ini = work / "trellis.ini"
    # A top-level key goes before the first section; version paths are relative to the tree.
    text = tree_ini.read_text().replace("version_path = versions/", f"version_path = {tree_ini.parent}/versions/")
    ini.write_text(f"databases_file = {listing}\n" + text)
    return ini


def _run_fanout(bench: Bench, workload: str, urls: list[str], alembic_urls: list[str], jobs: int,
                reset: Callable[[list[str]], None], verify: Callable[[str, str], None]) -> None:
    graph, tree = bench.tree(PER_BRANCH)
    count = len(graph.revisions)
    work = bench.settings.work / workload
    work.mkdir(exist_ok=True)
    ini = _fanout_ini(tree.trellis_ini, urls, work)
    n = len(urls)

    one = skipped_trellis(bench, workload, count)
    fan = None
    timed: list[Timed] = []
    if one is None:
        # Quiet, as every worker of the fan-out runs: one database's time on the same path.
        one = bench.add(measure(
            Sample(workload, "trellis-1db", count), bench.fast_runs,
            lambda i: Command(trellis_argv(bench, tree, "-q", "--url", urls[0], "upgrade", "heads"), tree.trellis_dir),
            warmup=expect_ids(Command(trellis_argv(bench, tree, "heads"), tree.trellis_dir), graph.heads),
            before=lambda i: reset(urls[:1]), after=lambda i, _d: verify("trellis", urls[0]),
        ))

        def verify_all(_i: int, _done: subprocess.CompletedProcess) -> None:
            for url in urls:
                verify("trellis", url)

        fan = bench.add(Sample(workload, f"trellis-fanout-{n}", count))
        timed.append(Timed(
            fan, lambda i: Command([str(bench.settings.trellis), "-c", str(ini), "--all-databases", "--jobs",
                                    str(jobs), "-q", "upgrade"], work),
            before=lambda i: reset(urls), after=verify_all,
        ))

    sample = alembic_urls[:ALEMBIC_SAMPLE]
    loop = "set -e\nfor url in {}; do {} -x url=\"$url\" upgrade heads; done".format(
        " ".join(shlex.quote(u) for u in sample), shlex.join(alembic_argv(tree)))
    alembic = bench.add(Sample(workload, f"alembic-loop-{len(sample)}", count))
    timed.append(Timed(
        alembic, lambda i: Command(["bash", "-c", loop], tree.alembic_dir),
        before=lambda i: reset(sample), after=lambda i, _d: [verify("alembic", url) for url in sample] and None,
    ))
    measure_interleaved(timed, bench.settings.runs or ROUNDS)

    if fan is not None and fan.ok and alembic.ok:
        scaled = alembic.median * n / len(sample)
        bench.add_ratio(workload, f"alembic loop/trellis fan-out, {n} databases (loop timed on {len(sample)}, "
                                  f"scaled; target >= {TARGET}x)", scaled / fan.median)
    if fan is not None and fan.ok and one.ok:
        ideal = one.median * n / jobs
        bench.add_ratio(workload, f"trellis fan-out/ideal (1 db x {n} / {jobs} jobs; target <= 1.5)",
                        fan.median / ideal)


def fanout_sqlite(bench: Bench) -> None:
    workload = "fanout-sqlite"
    graph, _tree = bench.tree(PER_BRANCH)
    root = bench.settings.work / "fanout-sqlite-files"
    root.mkdir(exist_ok=True)
    urls = [f"sqlite:///{root}/trellis-{k:04}.db" for k in range(SQLITE_DATABASES)]
    alembic_urls = [f"sqlite:///{root}/alembic-{k:04}.db" for k in range(ALEMBIC_SAMPLE)]

    def reset(batch: list[str]) -> None:
        for url in batch:
            Path(url[len("sqlite:///"):]).unlink(missing_ok=True)

    def verify(tool: str, url: str) -> None:
        tables, columns, trellis_rows, alembic_rows = _sqlite_counts(Path(url[len("sqlite:///"):]))
        _check_schema(tool, graph, tables, columns, trellis_rows if tool == "trellis" else alembic_rows)

    progress(f"fanout-sqlite: {SQLITE_DATABASES} SQLite files")
    _run_fanout(bench, workload, urls, alembic_urls, SQLITE_JOBS, reset, verify)


def fanout_postgresql(bench: Bench) -> None:
    workload = "fanout-postgresql"
    base_url = bench.settings.pg_url
    graph, _tree = bench.tree(PER_BRANCH)
    if not base_url:
        bench.add(Sample(workload, "trellis", len(graph.revisions), status="skipped",
                         note="no PostgreSQL server (bench.sh starts one)"))
        return
    urls = [_pg_database_url(base_url, f"fan_trellis_{k}") for k in range(PG_DATABASES)]
    alembic_urls = [_pg_database_url(base_url, f"fan_alembic_{k}") for k in range(ALEMBIC_SAMPLE)]

    def reset(batch: list[str]) -> None:
        script = "".join(f"DROP DATABASE IF EXISTS {u.rsplit('/', 1)[1]} WITH (FORCE);\n"
                         f"CREATE DATABASE {u.rsplit('/', 1)[1]};\n" for u in batch)
        done = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", base_url], input=script.encode(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        if done.returncode != 0:
            raise BenchFailure(f"psql: {done.stderr.decode(errors='replace').strip()}")

    def verify(tool: str, url: str) -> None:
        tables, columns, trellis_rows, alembic_rows = _pg_counts(url)
        _check_schema(tool, graph, tables, columns, trellis_rows if tool == "trellis" else alembic_rows)

    progress(f"fanout-postgresql: {PG_DATABASES} databases on one server")
    _run_fanout(bench, workload, urls, alembic_urls, PG_JOBS, reset, verify)


WORKLOADS.update({"fanout-sqlite": fanout_sqlite, "fanout-postgresql": fanout_postgresql})
