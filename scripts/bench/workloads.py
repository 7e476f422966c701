"""The benchmark workloads: each times trellis, Alembic and (for upgrades) the
plain-SQL floor on the same generated graph (check-postgresql: on the same
generated schema), checks that every tool really did the work, and records
samples and ratios on the Bench."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit, urlunsplit

from emit import WRITERS, Tree, emit
from emit_schema import BASE_REVISION, SchemaTree, emit_schema
from graph import Graph, build_graph
from lint_bench import WORKLOAD as LINT_WORKLOAD
from lint_bench import lint_squawk
from schema import Schema, build_schema
from timing import BenchFailure, Command, Sample, measure, progress, ratio, run_command

TRELLIS_MISSING = "trellis binary not found: build it with scripts/test.sh"
REPO_BUILD = Path(__file__).resolve().parents[2] / "build"
# Not the schema: the ledgers, and trellis's migration lock beside its ledger.
LEDGER_TABLES = ("alembic_version", "trellis_version", "trellis_version_lock")
HEX_ID = re.compile(r"\b[0-9a-f]{12}\b")
# trellis never caches a file changed in the last two seconds (parse_cache.hpp). A user's revision
# files are older than that, so the read-only workloads wait this long after writing them: the
# samples show the steady state, as Alembic's show it with its __pycache__ written.
RACY_WINDOW_S = 2.2


@dataclass
class Settings:
    trellis: Path | None  # None: binary missing, trellis samples are skipped
    work: Path
    per_branch: int
    runs: int | None  # None: the per-workload defaults
    pg_url: str | None  # a server to create scratch databases on
    seed: int


@dataclass
class RatioLine:
    workload: str
    label: str
    value: float | None
    unit: str = "x"  # "x" for a ratio, "us" for microseconds per revision


@dataclass
class Bench:
    settings: Settings
    samples: list[Sample] = field(default_factory=list)
    ratios: list[RatioLine] = field(default_factory=list)
    _trees: dict[int, tuple[Graph, Tree, set[str]]] = field(default_factory=dict)

    @property
    def fast_runs(self) -> int:
        return self.settings.runs or 5

    @property
    def upgrade_runs(self) -> int:
        # A full upgrade of a 6000-revision graph takes tens of seconds per
        # tool; one run each keeps the default benchmark within minutes.
        if self.settings.runs:
            return self.settings.runs
        return 1 if self.settings.per_branch >= 500 else 3

    @property
    def check_alembic_runs(self) -> int:
        # Autogenerate on 1,000 tables takes seconds per run.
        return self.settings.runs or 3

    def tree(self, per_branch: int, formats: tuple[str, ...] = tuple(WRITERS)) -> tuple[Graph, Tree]:
        """The graph of this size, emitted in at least `formats` (cached)."""
        if per_branch not in self._trees:
            progress(f"generating {per_branch} revisions per branch ...")
            graph = build_graph(per_branch, self.settings.seed)
            root = self.settings.work / f"graph-{per_branch}"
            self._trees[per_branch] = (graph, emit(graph, root, ()), set())
        graph, tree, emitted = self._trees[per_branch]
        missing = tuple(name for name in formats if name not in emitted)
        if missing:
            emit(graph, tree.root, missing)
            emitted.update(missing)
            if "trellis" in missing:
                time.sleep(RACY_WINDOW_S)
        return graph, tree

    def add(self, sample: Sample) -> Sample:
        self.samples.append(sample)
        return sample

    def add_ratio(self, workload: str, label: str, value: float | None, unit: str = "x") -> None:
        self.ratios.append(RatioLine(workload, label, value, unit))


# --- command lines -----------------------------------------------------------


def trellis_argv(bench: Bench, tree: Tree, *args: str) -> list[str]:
    return [str(bench.settings.trellis), "-c", str(tree.trellis_ini), *args]


def alembic_argv(tree: Tree, *args: str) -> list[str]:
    return ["alembic", "-c", str(tree.alembic_ini), *args]


def skipped_trellis(bench: Bench, workload: str, revisions: int) -> Sample | None:
    """A skipped sample when there is no binary to run, else None."""
    if bench.settings.trellis is not None:
        return None
    return bench.add(Sample(workload, "trellis", revisions, status="skipped", note="no trellis binary"))


def expect_ids(command: Command, ids: list[str]) -> Callable[[], None]:
    """A warm-up that runs the command once and checks its output names every id:
    a tool that prints nothing useful must not look fast."""

    def warmup() -> None:
        _, done = run_command(command, capture_stdout=True)
        printed = set(HEX_ID.findall(done.stdout.decode(errors="replace")))
        missing = [rev for rev in ids if rev not in printed]
        if missing:
            raise BenchFailure(f"output lacks {len(missing)} of {len(ids)} expected ids, e.g. {missing[0]}")

    return warmup


# --- read-only workloads -------------------------------------------------------


def _read_only(bench: Bench, workload: str, command: str, per_branch: int, expected: Callable[[Graph], list[str]]):
    """Times `trellis COMMAND` against `alembic COMMAND`; returns both samples."""
    graph, tree = bench.tree(per_branch)
    count = len(graph.revisions)
    trellis = skipped_trellis(bench, workload, count)
    if trellis is None:
        cmd = Command(trellis_argv(bench, tree, command), tree.trellis_dir)
        trellis = bench.add(
            measure(Sample(workload, "trellis", count), bench.fast_runs, lambda i: cmd,
                    warmup=expect_ids(cmd, expected(graph)))
        )
    cmd_a = Command(alembic_argv(tree, command), tree.alembic_dir)
    alembic = bench.add(
        measure(Sample(workload, "alembic", count), bench.fast_runs, lambda i: cmd_a,
                warmup=expect_ids(cmd_a, expected(graph)))
    )
    return trellis, alembic


def heads(bench: Bench) -> None:
    trellis, alembic = _read_only(bench, "heads", "heads", bench.settings.per_branch, lambda g: g.heads)
    bench.add_ratio("heads", "alembic/trellis", ratio(alembic, trellis))


def history(bench: Bench) -> None:
    trellis, alembic = _read_only(
        bench, "history", "history", bench.settings.per_branch, lambda g: [r.id for r in g.revisions]
    )
    bench.add_ratio("history", "alembic/trellis", ratio(alembic, trellis))


def heads_cold(bench: Bench) -> None:
    """`heads` as the first run after a checkout or in a fresh container: trellis
    with an empty parse cache (the run writes one), Alembic with no __pycache__
    for the revision scripts and writing none."""
    graph, tree = bench.tree(bench.settings.per_branch)
    count = len(graph.revisions)
    trellis = skipped_trellis(bench, "heads-cold", count)
    if trellis is None:
        cache = bench.settings.work / "cold-cache"
        cmd = Command(trellis_argv(bench, tree, "heads"), tree.trellis_dir, env={"TRELLIS_CACHE_DIR": str(cache)})
        trellis = bench.add(
            measure(Sample("heads-cold", "trellis", count), bench.fast_runs, lambda i: cmd,
                    warmup=expect_ids(cmd, graph.heads), before=lambda i: shutil.rmtree(cache, ignore_errors=True))
        )

    def forget_bytecode(_: int) -> None:
        for pycache in list(tree.alembic_dir.rglob("__pycache__")):
            shutil.rmtree(pycache)

    cmd_a = Command(alembic_argv(tree, "heads"), tree.alembic_dir, env={"PYTHONDONTWRITEBYTECODE": "1"})
    alembic = bench.add(
        measure(Sample("heads-cold", "alembic", count), bench.fast_runs, lambda i: cmd_a,
                warmup=expect_ids(cmd_a, graph.heads), before=forget_bytecode)
    )
    bench.add_ratio("heads-cold", "alembic/trellis", ratio(alembic, trellis))


def load_scaling(bench: Bench) -> None:
    """`heads` at N/6, N and 5N per branch (1k, 6k, 30k revisions by default):
    the time per revision should stay flat if loading is linear. Alembic is
    left out at 5N, where it would only make the run long."""
    n = bench.settings.per_branch
    sizes = sorted({max(1, round(n / 6)), n, 5 * n})
    per_revision: dict[int, float] = {}
    for size in sizes:
        formats = ("trellis", "alembic") if size <= n else ("trellis",)
        graph, tree = bench.tree(size, formats)
        count = len(graph.revisions)
        trellis = skipped_trellis(bench, "load-scaling", count)
        if trellis is None:
            cmd = Command(trellis_argv(bench, tree, "heads"), tree.trellis_dir)
            trellis = bench.add(
                measure(Sample("load-scaling", "trellis", count), bench.fast_runs, lambda i: cmd,
                        warmup=expect_ids(cmd, graph.heads))
            )
        if trellis.ok:
            per_revision[count] = trellis.median / count
            trellis.note = f"{trellis.median / count * 1e6:.1f} us/revision"
        micros = per_revision[count] * 1e6 if count in per_revision else None
        bench.add_ratio("load-scaling", f"trellis per revision @{count}", micros, "us")
        if size > n:
            continue
        cmd_a = Command(alembic_argv(tree, "heads"), tree.alembic_dir)
        alembic = bench.add(
            measure(Sample("load-scaling", "alembic", count), bench.fast_runs, lambda i: cmd_a,
                    warmup=expect_ids(cmd_a, graph.heads))
        )
        if alembic.ok:
            alembic.note = f"{alembic.median / count * 1e6:.1f} us/revision"
        bench.add_ratio("load-scaling", f"alembic/trellis @{count}", ratio(alembic, trellis))
    _marginal_costs(bench, per_revision)


def _marginal_costs(bench: Bench, per_revision: dict[int, float]) -> None:
    """Time per added revision between consecutive sizes. Start-up cost weighs
    on the small graph's plain per-revision time; the slopes do not carry it,
    so equal slopes mean linear loading and a growing one means worse."""
    counts = sorted(per_revision)
    slopes = []
    for small, large in zip(counts, counts[1:]):
        slope = (per_revision[large] * large - per_revision[small] * small) / (large - small)
        slopes.append(slope)
        bench.add_ratio("load-scaling", f"trellis marginal per revision {small}->{large}", slope * 1e6, "us")
    if len(slopes) >= 2 and min(slopes) > 0:  # noise on tiny graphs can make one negative
        bench.add_ratio("load-scaling", "marginal cost growth (last/first, 1.0 = linear)", slopes[-1] / slopes[0])


# --- upgrades -------------------------------------------------------------------


def _upgrade_ratios(bench: Bench, workload: str, trellis: Sample, alembic: Sample, floor: Sample) -> None:
    bench.add_ratio(workload, "trellis/floor", ratio(trellis, floor))
    bench.add_ratio(workload, "alembic/floor", ratio(alembic, floor))
    bench.add_ratio(workload, "alembic/trellis", ratio(alembic, trellis))
    overhead = None
    if trellis.ok and alembic.ok and floor.ok and trellis.median > floor.median:
        overhead = (alembic.median - floor.median) / (trellis.median - floor.median)
    bench.add_ratio(workload, "overhead (alembic-floor)/(trellis-floor)", overhead)


def _check_schema(tool: str, graph: Graph, tables: int, columns: int, ledger_rows: int | None) -> None:
    """Raises BenchFailure unless the database holds the whole graph's schema."""
    if (tables, columns) != (graph.table_count, graph.column_count):
        raise BenchFailure(
            f"schema has {tables} tables / {columns} columns, expected "
            f"{graph.table_count} / {graph.column_count}"
        )
    expected_ledger = {"trellis": len(graph.revisions), "alembic": len(graph.heads)}.get(tool)
    if expected_ledger is not None and ledger_rows != expected_ledger:
        raise BenchFailure(f"ledger has {ledger_rows} rows, expected {expected_ledger}")


def _sqlite_counts(path: Path) -> tuple[int, int, int | None, int | None]:
    """(tables, columns, trellis ledger rows, alembic ledger rows) of a SQLite file."""
    skip = ", ".join(f"'{name}'" for name in LEDGER_TABLES)
    with sqlite3.connect(path) as db:
        user = f"m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT IN ({skip})"
        tables = db.execute(f"SELECT count(*) FROM sqlite_master m WHERE {user}").fetchone()[0]
        columns = db.execute(
            f"SELECT count(*) FROM sqlite_master m, pragma_table_info(m.name) p WHERE {user}"
        ).fetchone()[0]
        ledgers = []
        for name in LEDGER_TABLES:
            exists = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
            ledgers.append(db.execute(f"SELECT count(*) FROM {name}").fetchone()[0] if exists else None)
    return tables, columns, ledgers[1], ledgers[0]


def upgrade_sqlite(bench: Bench) -> None:
    workload = "upgrade-sqlite"
    graph, tree = bench.tree(bench.settings.per_branch)
    runs_dir = bench.settings.work / "sqlite-runs"
    runs_dir.mkdir(exist_ok=True)

    def db_path(tool: str, i: int) -> Path:
        return runs_dir / f"{tool}-{i}.db"

    def fresh(tool: str) -> Callable[[int], None]:
        def before(i: int) -> None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{db_path(tool, i)}{suffix}").unlink(missing_ok=True)
        return before

    def verify(tool: str) -> Callable[[int, subprocess.CompletedProcess], None]:
        def after(i: int, _done: subprocess.CompletedProcess) -> None:
            tables, columns, trellis_rows, alembic_rows = _sqlite_counts(db_path(tool, i))
            _check_schema(tool, graph, tables, columns, trellis_rows if tool == "trellis" else alembic_rows)
            fresh(tool)(i)  # keep the disk tidy between runs
        return after

    count = len(graph.revisions)
    runs = bench.upgrade_runs
    trellis = skipped_trellis(bench, workload, count)
    if trellis is None:
        # Warm-up: a read-only command pulls the files into the page cache
        # without paying for a whole extra upgrade.
        trellis = bench.add(measure(
            Sample(workload, "trellis", count), runs,
            lambda i: Command(trellis_argv(bench, tree, "--url", f"sqlite:///{db_path('trellis', i)}",
                                           "upgrade", "heads"), tree.trellis_dir),
            warmup=expect_ids(Command(trellis_argv(bench, tree, "heads"), tree.trellis_dir), graph.heads),
            before=fresh("trellis"), after=verify("trellis"),
        ))
    alembic = bench.add(measure(
        Sample(workload, "alembic", count), runs,
        lambda i: Command(alembic_argv(tree, "-x", f"url=sqlite:///{db_path('alembic', i)}", "upgrade", "heads"),
                          tree.alembic_dir),
        warmup=expect_ids(Command(alembic_argv(tree, "heads"), tree.alembic_dir), graph.heads),
        before=fresh("alembic"), after=verify("alembic"),
    ))
    floor = bench.add(measure(
        Sample(workload, "floor", count), runs,
        lambda i: Command(["sqlite3", str(db_path("floor", i))], tree.root, stdin=tree.floor_script("sqlite")),
        before=fresh("floor"), after=verify("floor"),
    ))
    _upgrade_ratios(bench, workload, trellis, alembic, floor)


def _pg_database_url(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _psql(url: str, sql: str) -> str:
    done = subprocess.run(
        ["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
    )
    if done.returncode != 0:
        raise BenchFailure(f"psql: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode().strip()


def _pg_counts(url: str) -> tuple[int, int, int | None, int | None]:
    skip = ", ".join(f"'{name}'" for name in LEDGER_TABLES)
    where = f"table_schema = 'public' AND table_name NOT IN ({skip})"
    tables = int(_psql(url, f"SELECT count(*) FROM information_schema.tables WHERE {where} "
                            "AND table_type = 'BASE TABLE'"))
    columns = int(_psql(url, f"SELECT count(*) FROM information_schema.columns WHERE {where}"))
    ledgers = []
    for name in LEDGER_TABLES:
        exists = _psql(url, f"SELECT to_regclass('public.{name}') IS NOT NULL") == "t"
        ledgers.append(int(_psql(url, f"SELECT count(*) FROM {name}")) if exists else None)
    return tables, columns, ledgers[1], ledgers[0]


def upgrade_postgresql(bench: Bench) -> None:
    workload = "upgrade-postgresql"
    base_url = bench.settings.pg_url
    graph, tree = bench.tree(bench.settings.per_branch)
    count = len(graph.revisions)
    if not base_url:
        for tool in ("trellis", "alembic", "floor"):
            bench.add(Sample(workload, tool, count, status="skipped",
                             note="no PostgreSQL server (bench.sh starts one)"))
        return

    def db_name(tool: str, i: int) -> str:
        return f"bench_{tool.replace('-', '_')}_{i}"

    def db_url(tool: str, i: int) -> str:
        return _pg_database_url(base_url, db_name(tool, i))

    def fresh(tool: str) -> Callable[[int], None]:
        def before(i: int) -> None:
            _psql(base_url, f"DROP DATABASE IF EXISTS {db_name(tool, i)} WITH (FORCE)")
            _psql(base_url, f"CREATE DATABASE {db_name(tool, i)}")
        return before

    def verify(tool: str) -> Callable[[int, subprocess.CompletedProcess], None]:
        def after(i: int, _done: subprocess.CompletedProcess) -> None:
            tables, columns, trellis_rows, alembic_rows = _pg_counts(db_url(tool, i))
            _check_schema(tool, graph, tables, columns, trellis_rows if tool == "trellis" else alembic_rows)
            _psql(base_url, f"DROP DATABASE {db_name(tool, i)} WITH (FORCE)")
        return after

    runs = bench.upgrade_runs
    trellis = skipped_trellis(bench, workload, count)
    if trellis is None:
        trellis = bench.add(measure(
            Sample(workload, "trellis", count), runs,
            lambda i: Command(trellis_argv(bench, tree, "--url", db_url("trellis", i), "upgrade", "heads"),
                              tree.trellis_dir),
            warmup=expect_ids(Command(trellis_argv(bench, tree, "heads"), tree.trellis_dir), graph.heads),
            before=fresh("trellis"), after=verify("trellis"),
        ))
    alembic = bench.add(measure(
        Sample(workload, "alembic", count), runs,
        lambda i: Command(alembic_argv(tree, "-x", f"url={db_url('alembic', i)}", "upgrade", "heads"),
                          tree.alembic_dir),
        warmup=expect_ids(Command(alembic_argv(tree, "heads"), tree.alembic_dir), graph.heads),
        before=fresh("alembic"), after=verify("alembic"),
    ))
    def psql_floor(tool: str, script: str) -> Sample:
        return bench.add(measure(
            Sample(workload, tool, count), runs,
            lambda i: Command(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(tree.floor_script(script)),
                               db_url(tool, i)], tree.root),
            before=fresh(tool), after=verify(tool),
        ))

    floor = psql_floor("floor", "postgresql")
    # The same transactions in one round trip each: what no tool that checks each statement
    # before sending the next can reach, shown so the floor above is not mistaken for a limit.
    one_message = psql_floor("floor-1msg", "postgresql-one-message")
    _upgrade_ratios(bench, workload, trellis, alembic, floor)
    bench.add_ratio(workload, "trellis/floor-1msg (one message per revision)", ratio(trellis, one_message))


# --- check ---------------------------------------------------------------------

CHECK_TABLES = 1000
CHECK_WORKLOAD = "check-postgresql"
CHECK_DATABASE = "bench_check"
CHECK_TARGET = 50  # the requirement: trellis check at least 50x faster than autogenerate


def json_models_dir(trellis: Path | None) -> Path:
    """The json_models test plugins of the build the binary comes from
    (build/bin/trellis -> build/test-plugins/json_models): a plugin is only
    loaded by a host of its own plugin ABI."""
    build = trellis.parent.parent if trellis else REPO_BUILD
    return build / "test-plugins" / "json_models"


def _create_check_database(base_url: str, tree: SchemaTree, schema: Schema) -> str:
    """Builds the schema in a fresh database (untimed) and checks it is whole:
    a half-built schema would make both tools report differences."""
    _psql(base_url, f"DROP DATABASE IF EXISTS {CHECK_DATABASE} WITH (FORCE)")
    _psql(base_url, f"CREATE DATABASE {CHECK_DATABASE}")
    url = _pg_database_url(base_url, CHECK_DATABASE)
    done = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(tree.ddl)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        raise BenchFailure(f"creating the schema: {done.stderr.decode(errors='replace').strip()}")
    tables, columns, _, _ = _pg_counts(url)
    indexes = int(_psql(url, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'ix\\_%'"))
    keys = int(_psql(url, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"))
    expected = (len(schema.tables), schema.column_count, len(schema.tables), len(schema.tables))
    if (tables, columns, indexes, keys) != expected:
        raise BenchFailure(f"schema has {tables} tables / {columns} columns / {indexes} indexes / {keys} "
                           f"foreign keys, expected {' / '.join(map(str, expected))}")
    return url


def _show_output(tool: str, output: str) -> None:
    """Prints a failed check's whole output once, so the mismatch can be read."""
    progress(f"  {CHECK_WORKLOAD} {tool} output:")
    for line in output.rstrip().splitlines():
        progress(f"    {line}")


def _trellis_no_differences(command: Command) -> Callable[[], None]:
    """A warm-up that runs trellis check once: exit 0 and its all-clear line,
    else the differences it listed are shown and the sample fails."""

    def warmup() -> None:
        try:
            _, done = run_command(command, capture_stdout=True)
        except BenchFailure as failure:
            _show_output("trellis", failure.output)
            raise
        output = done.stdout.decode(errors="replace")
        if "No differences" not in output:
            _show_output("trellis", output)
            raise BenchFailure("exit 0 but no 'No differences' line")

    return warmup


def _autogenerated_upgrade(path: Path) -> list[str]:
    """The statements of a generated revision's upgrade(): comment and blank
    lines left out, so a revision with nothing to do is exactly ["pass"]."""
    body, inside = [], False
    for line in path.read_text().splitlines():
        if line.startswith("def upgrade("):
            inside = True
        elif inside and line and not line[0].isspace():
            break
        elif inside and line.strip() and not line.strip().startswith("#"):
            body.append(line.strip())
    return body


def _alembic_no_changes(tree: SchemaTree, rev_id: str) -> None:
    """Raises BenchFailure unless autogenerate wrote revision `rev_id` with an
    empty upgrade(); removes the file either way, so the next run starts from
    the same versions directory (one head, the stamped one)."""
    written = sorted(tree.alembic_versions.glob(f"{rev_id}_*.py"))
    if len(written) != 1:
        raise BenchFailure(f"expected one generated revision {rev_id}, found {len(written)}")
    try:
        body = _autogenerated_upgrade(written[0])
        if body != ["pass"]:
            _show_output("alembic", "\n".join(body))
            raise BenchFailure(f"autogenerate found changes: {len(body)} statement(s) in upgrade()")
    finally:
        written[0].unlink()


def check_postgresql(bench: Bench) -> None:
    """`trellis check` against `alembic revision --autogenerate` on a database
    that already matches the models: the whole cost is reflecting 1,000
    tables and comparing them. Alembic 1.8 has no `alembic check`; an
    autogenerated revision with an empty upgrade() is its "no differences"."""
    workload = CHECK_WORKLOAD
    base_url = bench.settings.pg_url
    if not base_url:
        for tool in ("trellis", "alembic"):
            bench.add(Sample(workload, tool, CHECK_TABLES, status="skipped",
                             note="no PostgreSQL server (bench.sh starts one)"))
        return

    progress(f"generating {CHECK_TABLES} tables and creating them ...")
    schema = build_schema(CHECK_TABLES, bench.settings.seed)
    plugins = json_models_dir(bench.settings.trellis)
    tree = emit_schema(schema, bench.settings.work / f"check-{CHECK_TABLES}", plugins)
    # The "revisions" column of the report holds the table count here.
    note = f"{CHECK_TABLES} tables, {schema.column_count} columns, an index and a foreign key per table"
    try:
        url = _create_check_database(base_url, tree, schema)
        # Stamped at the empty head before either tool runs: autogenerate
        # refuses a database that is not up to date, and trellis, which
        # excludes alembic_version, sees the very same database.
        run_command(Command(["alembic", "-c", str(tree.alembic_ini), "-x", f"url={url}", "stamp", "head"],
                            tree.alembic_dir))
        if _psql(url, "SELECT version_num FROM alembic_version") != BASE_REVISION:
            raise BenchFailure(f"alembic_version is not at {BASE_REVISION} after the stamp")
    except BenchFailure as failure:
        progress(f"  {workload} setup FAILED: {failure}")
        for tool in ("trellis", "alembic"):
            bench.add(Sample(workload, tool, CHECK_TABLES, status="failed", note=f"setup: {failure}"))
        return

    trellis = skipped_trellis(bench, workload, CHECK_TABLES)
    if trellis is None and not (plugins / "json_models.so").is_file():
        trellis = bench.add(Sample(workload, "trellis", CHECK_TABLES, status="skipped",
                                   note=f"no {plugins}/json_models.so: build the tests (scripts/test.sh)"))
    if trellis is None:
        cmd = Command([str(bench.settings.trellis), "-c", str(tree.trellis_ini), "--url", url, "check"],
                      tree.trellis_dir, env=tree.trellis_env)
        trellis = bench.add(measure(Sample(workload, "trellis", CHECK_TABLES, note=note), bench.fast_runs,
                                    lambda i: cmd, warmup=_trellis_no_differences(cmd)))

    def autogenerate(rev_id: str) -> Command:
        return Command(["alembic", "-c", str(tree.alembic_ini), "-x", f"url={url}",
                        "revision", "--autogenerate", "-m", "check", "--rev-id", rev_id], tree.alembic_dir)

    def alembic_warmup() -> None:
        # Also compiles models.py once, as an installed application would have it.
        run_command(autogenerate("x999"))
        _alembic_no_changes(tree, "x999")

    alembic = bench.add(measure(
        Sample(workload, "alembic", CHECK_TABLES, note=note), bench.check_alembic_runs,
        lambda i: autogenerate(f"x{i + 1:03d}"),
        warmup=alembic_warmup,
        after=lambda i, _done: _alembic_no_changes(tree, f"x{i + 1:03d}"),
    ))
    bench.add_ratio(workload, f"alembic/trellis (target >= {CHECK_TARGET}x)", ratio(alembic, trellis))
    try:
        _psql(base_url, f"DROP DATABASE {CHECK_DATABASE} WITH (FORCE)")
    except BenchFailure:
        pass  # only tidiness: bench.sh throws the whole server away


WORKLOADS: dict[str, Callable[[Bench], None]] = {
    "heads": heads,
    "history": history,
    "heads-cold": heads_cold,
    "load-scaling": load_scaling,
    "upgrade-sqlite": upgrade_sqlite,
    "upgrade-postgresql": upgrade_postgresql,
    CHECK_WORKLOAD: check_postgresql,
    LINT_WORKLOAD: lint_squawk,
}
