"""Writes one in-memory Schema as the DDL that builds it, a trellis project whose
models are that schema, and an Alembic environment whose target_metadata is
that schema, so both tools compare the same models against the same database.

Layout under the output directory:

    schema.sql                        the DDL, one transaction
    trellis/trellis.ini, trellis/models.json, trellis/child-models.json,
    trellis/versions/{json_models,json_models_child}/   (empty)
    alembic/alembic.ini, alembic/models.py,
    alembic/migrations/{env.py,script.py.mako},
    alembic/versions/x000_empty_head.py                 (the head to stamp)

trellis takes models from plugins: the test plugin json_models (built with the
tests, under build/test-plugins/json_models) reads them from the JSON file named
by TRELLIS_TEST_MODELS; json_models_child, in the same directory, loads too and
gets an empty file through TRELLIS_TEST_CHILD_MODELS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from emit import ALEMBIC_SCRIPT_MAKO, ToolDirs
from schema import Column, Schema, Table

BASE_REVISION = "x000"


@dataclass(frozen=True)
class SchemaTree(ToolDirs):
    """Where the emitted files of one schema live."""

    @property
    def ddl(self) -> Path:
        return self.root / "schema.sql"

    @property
    def trellis_env(self) -> dict[str, str]:
        """The environment that hands the models to the json_models plugins."""
        return {
            "TRELLIS_TEST_MODELS": str(self.trellis_dir / "models.json"),
            "TRELLIS_TEST_CHILD_MODELS": str(self.trellis_dir / "child-models.json"),
        }

    @property
    def alembic_versions(self) -> Path:
        return self.alembic_dir / "versions"


# --- DDL -----------------------------------------------------------------------


def _column_ddl(column: Column) -> str:
    text = f"    {column.name} {column.type}"
    if not column.nullable:
        text += " NOT NULL"
    if column.default is not None:
        text += f" DEFAULT {column.default}"
    return text


def ddl_text(schema: Schema) -> str:
    """Tables first, then indexes, then foreign keys: every table a key refers
    to exists by then, whatever the order of the tables."""
    parts = ["BEGIN;\n"]
    for table in schema.tables:
        lines = [_column_ddl(c) for c in table.columns] + [f"    PRIMARY KEY ({table.primary_key})"]
        parts.append(f"CREATE TABLE {table.name} (\n" + ",\n".join(lines) + "\n);\n")
    for table in schema.tables:
        parts.append(f"CREATE INDEX {table.index.name} ON {table.name} ({table.index.column});\n")
    for table in schema.tables:
        fk = table.foreign_key
        parts.append(
            f"ALTER TABLE {table.name} ADD CONSTRAINT {fk.name} FOREIGN KEY ({fk.column}) "
            f"REFERENCES {fk.referred_table} ({fk.referred_column}) ON DELETE {fk.on_delete.upper()};\n"
        )
    parts.append("COMMIT;\n")
    return "".join(parts)


# --- trellis -----------------------------------------------------------------


def _table_json(table: Table) -> dict:
    """One table in the json_models plugin's format (tests/bad_plugins/json_models)."""
    fk = table.foreign_key
    return {
        "name": table.name,
        "columns": [
            {"name": c.name, "type": c.type, "nullable": c.nullable, "default": c.default} for c in table.columns
        ],
        "primary_key": [table.primary_key],
        "uniques": [],
        "indexes": [{"name": table.index.name, "columns": [table.index.column], "unique": False}],
        "foreign_keys": [
            {
                "name": fk.name,
                "columns": [fk.column],
                "referred_table": fk.referred_table,
                "referred_columns": [fk.referred_column],
                "on_delete": fk.on_delete,
            }
        ],
        "checks": [],
    }


def trellis_ini_text(schema: Schema, plugin_dir: Path) -> str:
    # alembic_version shares the database: excluded, so trellis does not even
    # mention it as a table no plugin owns.
    return "\n".join(
        [
            f"# check benchmark: {len(schema.tables)} tables modelled by the json_models test plugin.",
            f"plugin_path = {plugin_dir}",
            "exclude_tables = alembic_version",
            "",
            "[plugin.json_models]",
            "version_path = versions/json_models",
            "",
            "[plugin.json_models_child]",
            "version_path = versions/json_models_child",
            "",
        ]
    )


def write_trellis(schema: Schema, tree: SchemaTree, plugin_dir: Path) -> None:
    for plugin in ("json_models", "json_models_child"):
        (tree.trellis_dir / "versions" / plugin).mkdir(parents=True, exist_ok=True)
    tree.trellis_ini.write_text(trellis_ini_text(schema, plugin_dir))
    models = {"tables": [_table_json(t) for t in schema.tables]}
    (tree.trellis_dir / "models.json").write_text(json.dumps(models, indent=1) + "\n")
    (tree.trellis_dir / "child-models.json").write_text("{}\n")


# --- alembic -----------------------------------------------------------------

# env.py: online only, the models' MetaData as target_metadata, the URL from
# `alembic -x url=...`.
# - compare_type: what trellis check compares too, and free (no queries); the
#   default from Alembic 1.12 on. compare_server_default stays off (Alembic's
#   default): on PostgreSQL it costs a query per default, so Alembic does a
#   little less than trellis here, which only flatters Alembic.
# - The recursion limit: SQLAlchemy 1.4 reflects the table a foreign key refers
#   to from inside the reflection of the referring table, so a chain of 1,000
#   keys nests 1,000 reflections (a dozen frames each) and overflows Python's
#   default limit of 1,000 with RecursionError. An application with such a
#   schema has to raise it too.
ALEMBIC_ENV_PY = '''\
import os
import sys

from alembic import context
from sqlalchemy import create_engine, pool

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from models import metadata  # noqa: E402

sys.setrecursionlimit(100000)
config = context.config


def include_name(name, type_, parent_names):
    # trellis' ledger, should a trellis command ever create it here.
    return not (type_ == "table" and name == "trellis_version")


def run_online():
    url = context.get_x_argument(as_dictionary=True).get("url", config.get_main_option("sqlalchemy.url"))
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, include_name=include_name,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


run_online()
'''

# SQLAlchemy spelling of each type spelling in schema.py.
_SA_TYPES = {
    "integer": "Integer()",
    "bigint": "BigInteger()",
    "text": "Text()",
    "boolean": "Boolean()",
    "timestamp": "DateTime()",
    "date": "Date()",
}


def _sa_type(spelled: str) -> str:
    if spelled in _SA_TYPES:
        return _SA_TYPES[spelled]
    kind, _, args = spelled.partition("(")
    args = args.rstrip(")").replace(",", ", ")
    return {"varchar": f"String({args})", "numeric": f"Numeric({args})"}[kind]


def _sa_column(column: Column) -> str:
    text = f"    Column({column.name!r}, {_sa_type(column.type)}, nullable={column.nullable}"
    if column.default is not None:
        text += f", server_default=text({column.default!r})"
    return text + "),"


def _sa_table(table: Table) -> str:
    fk = table.foreign_key
    lines = [f"Table({table.name!r}, metadata,"]
    lines += [_sa_column(c) for c in table.columns]
    lines.append(f"    PrimaryKeyConstraint({table.primary_key!r}),")
    lines.append(
        f"    ForeignKeyConstraint([{fk.column!r}], [{f'{fk.referred_table}.{fk.referred_column}'!r}], "
        f"name={fk.name!r}, ondelete={fk.on_delete.upper()!r}),"
    )
    lines.append(f"    Index({table.index.name!r}, {table.index.column!r}),")
    lines.append(")")
    return "\n".join(lines)


def models_py_text(schema: Schema) -> str:
    """Written out table by table, as an application's models module would be:
    importing it is part of what Alembic pays on every run."""
    header = [
        f'"""check benchmark models: {len(schema.tables)} tables on one MetaData."""',
        "from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, ForeignKeyConstraint, Index, Integer,",
        "                        MetaData, Numeric, PrimaryKeyConstraint, String, Table, Text, text)",
        "",
        "metadata = MetaData()",
        "",
        "",
    ]
    return "\n".join(header) + "\n\n".join(_sa_table(t) for t in schema.tables) + "\n"


def alembic_ini_text(tree: SchemaTree) -> str:
    return "\n".join(
        [
            "[alembic]",
            f"script_location = {tree.alembic_dir / 'migrations'}",
            f"version_locations = {tree.alembic_versions}",
            "sqlalchemy.url = postgresql://localhost/unset",
            "",
        ]
    )


def base_revision_text() -> str:
    return f'''"""empty head: the database is stamped here before autogenerate runs

Revision ID: {BASE_REVISION}
Revises:
Create Date: 2026-01-01T00:00:00Z
"""

revision = {BASE_REVISION!r}
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
'''


def write_alembic(schema: Schema, tree: SchemaTree) -> None:
    migrations = tree.alembic_dir / "migrations"
    migrations.mkdir(parents=True, exist_ok=True)
    (migrations / "env.py").write_text(ALEMBIC_ENV_PY)
    (migrations / "script.py.mako").write_text(ALEMBIC_SCRIPT_MAKO)
    tree.alembic_versions.mkdir(parents=True, exist_ok=True)
    (tree.alembic_versions / f"{BASE_REVISION}_empty_head.py").write_text(base_revision_text())
    tree.alembic_ini.write_text(alembic_ini_text(tree))
    (tree.alembic_dir / "models.py").write_text(models_py_text(schema))


def emit_schema(schema: Schema, root: Path, plugin_dir: Path) -> SchemaTree:
    tree = SchemaTree(root.resolve())
    tree.root.mkdir(parents=True, exist_ok=True)
    tree.ddl.write_text(ddl_text(schema))
    write_trellis(schema, tree, plugin_dir)
    write_alembic(schema, tree)
    return tree
