"""Writes one in-memory Graph as a trellis project, an Alembic environment and
plain SQL "floor" scripts, so every tool runs exactly the same schema changes.

Layout under the output directory:

    trellis/trellis.ini, trellis/versions/<branch>/<rev>_<slug>.sql
    alembic/alembic.ini, alembic/migrations/{env.py,script.py.mako},
    alembic/versions/<branch>/<rev>_<slug>.py
    floor/sqlite.sql, floor/postgresql.sql
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graph import BRANCHES, Graph, Revision


@dataclass(frozen=True)
class ToolDirs:
    """The layout every emitted tree shares: a trellis project and an Alembic
    one side by side under `root`."""

    root: Path

    @property
    def trellis_dir(self) -> Path:
        return self.root / "trellis"

    @property
    def trellis_ini(self) -> Path:
        return self.trellis_dir / "trellis.ini"

    @property
    def alembic_dir(self) -> Path:
        return self.root / "alembic"

    @property
    def alembic_ini(self) -> Path:
        return self.alembic_dir / "alembic.ini"


@dataclass(frozen=True)
class Tree(ToolDirs):
    """Where the emitted files of one graph live."""

    def floor_script(self, name: str) -> Path:
        """floor/NAME.sql: "sqlite", "postgresql" or "postgresql-one-message"."""
        return self.root / "floor" / f"{name}.sql"


# --- trellis -----------------------------------------------------------------


def trellis_ini_text(graph: Graph) -> str:
    lines = [
        f"# Benchmark graph: {len(BRANCHES)} branches x {graph.per_branch} revisions.",
        "url = sqlite:///bench.db",
        "",
    ]
    for branch, parent in BRANCHES:
        lines.append(f"[plugin.{branch}]")
        lines.append(f"version_path = versions/{branch}")
        if parent is not None:
            lines.append(f"depends = {parent}")
        lines.append("")
    return "\n".join(lines)


def trellis_revision_text(rev: Revision) -> str:
    """One revision file in SPEC.md's format ("Revision file")."""
    header = [f"-- revision: {rev.id}"]
    header.append(f"-- down_revision: {rev.down_revision}" if rev.down_revision else "-- down_revision:")
    if rev.is_base:
        header.append(f"-- branch_labels: {rev.branch}")
    if rev.depends_on:
        header.append(f"-- depends_on: {', '.join(rev.depends_on)}")
    header.append(f"-- message: {rev.message}")
    header.append(f"-- create_date: {rev.create_date_text}")
    header.append("-- transactional: true")
    body = ["", "-- +upgrade", rev.upgrade_sql, "", "-- +downgrade", rev.downgrade_sql, ""]
    return "\n".join(header + body)


def write_trellis(graph: Graph, tree: Tree) -> None:
    for branch, _ in BRANCHES:
        (tree.trellis_dir / "versions" / branch).mkdir(parents=True, exist_ok=True)
    tree.trellis_ini.write_text(trellis_ini_text(graph))
    for rev in graph.revisions:
        path = tree.trellis_dir / "versions" / rev.branch / f"{rev.id}_{rev.slug}.sql"
        path.write_text(trellis_revision_text(rev))


# --- alembic -----------------------------------------------------------------

# env.py: online mode, one transaction per migration (what trellis does),
# no models. The URL can be overridden with `alembic -x url=...` so one
# environment serves every fresh database of a benchmark run.
ALEMBIC_ENV_PY = '''\
from alembic import context
from sqlalchemy import create_engine, pool

config = context.config


def database_url():
    return context.get_x_argument(as_dictionary=True).get(
        "url", config.get_main_option("sqlalchemy.url"))


def run_offline():
    context.configure(url=database_url(), target_metadata=None,
                      transaction_per_migration=True, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online():
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None,
                          transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
'''

ALEMBIC_SCRIPT_MAKO = '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""
from alembic import op

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
'''


def alembic_ini_text(tree: Tree) -> str:
    locations = os.pathsep.join(
        str(tree.alembic_dir / "versions" / branch) for branch, _ in BRANCHES
    )
    return "\n".join(
        [
            "[alembic]",
            f"script_location = {tree.alembic_dir / 'migrations'}",
            "version_path_separator = os",
            f"version_locations = {locations}",
            "sqlalchemy.url = sqlite:///bench.db",
            "",
        ]
    )


def alembic_revision_text(rev: Revision) -> str:
    branch_labels = (rev.branch,) if rev.is_base else None
    depends_on = tuple(rev.depends_on) or None
    return f'''"""{rev.message}

Revision ID: {rev.id}
Revises: {rev.down_revision or ""}
Create Date: {rev.create_date_text}
"""
from alembic import op

revision = {rev.id!r}
down_revision = {rev.down_revision!r}
branch_labels = {branch_labels!r}
depends_on = {depends_on!r}


def upgrade():
    op.execute({rev.upgrade_sql!r})


def downgrade():
    op.execute({rev.downgrade_sql!r})
'''


def write_alembic(graph: Graph, tree: Tree) -> None:
    migrations = tree.alembic_dir / "migrations"
    migrations.mkdir(parents=True, exist_ok=True)
    (migrations / "env.py").write_text(ALEMBIC_ENV_PY)
    (migrations / "script.py.mako").write_text(ALEMBIC_SCRIPT_MAKO)
    for branch, _ in BRANCHES:
        (tree.alembic_dir / "versions" / branch).mkdir(parents=True, exist_ok=True)
    tree.alembic_ini.write_text(alembic_ini_text(tree))
    for rev in graph.revisions:
        path = tree.alembic_dir / "versions" / rev.branch / f"{rev.id}_{rev.slug}.py"
        path.write_text(alembic_revision_text(rev))


# --- floor -------------------------------------------------------------------


def floor_script_text(graph: Graph) -> str:
    """The same statements with one transaction each and no bookkeeping: the
    least any migration tool can cost. The SQL is identical on both dialects."""
    parts = [f"BEGIN;\n{rev.upgrade_sql}\nCOMMIT;\n" for rev in graph.revisions]
    return "".join(parts)


def one_message_floor_text(graph: Graph) -> str:
    """The floor with each transaction sent to PostgreSQL as one message (psql's
    `\\;`): one round trip per revision, where psql otherwise sends BEGIN, the
    statement and COMMIT apart. A stricter floor than any tool that learns each
    statement's outcome before the next can reach."""
    parts = [f"BEGIN \\; {rev.upgrade_sql.rstrip().rstrip(';')} \\; COMMIT;\n" for rev in graph.revisions]
    return "".join(parts)


def write_floor(graph: Graph, tree: Tree) -> None:
    text = floor_script_text(graph)
    scripts = {"sqlite": text, "postgresql": text, "postgresql-one-message": one_message_floor_text(graph)}
    for name, script in scripts.items():
        path = tree.floor_script(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(script)


WRITERS = {"trellis": write_trellis, "alembic": write_alembic, "floor": write_floor}


def emit(graph: Graph, root: Path, formats: tuple[str, ...] = tuple(WRITERS)) -> Tree:
    tree = Tree(root.resolve())
    for name in formats:
        WRITERS[name](graph, tree)
    return tree
