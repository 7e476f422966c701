"""The check benchmark's database schema, built in memory once and written as
PostgreSQL DDL, trellis models (JSON) and SQLAlchemy models (see emit_schema.py).

Tables `t0000` .. `tNNNN` (1,000 by default) have ten columns each:

    id          integer     NOT NULL, the primary key
    parent_id   integer     NULL, FOREIGN KEY -> the previous table's id, ON DELETE CASCADE
                            (t0000 refers to itself: a self-reference, not a cycle that
                            would make table sorting warn)
    code        varchar(n)  NOT NULL, n drawn from a few common lengths
    title       text
    amount      numeric(10,2)
    counter     bigint      NOT NULL DEFAULT 0 or nullable without a default
    active      boolean     NOT NULL DEFAULT true or false
    created_at  timestamp   NOT NULL
    due_on      date
    score       integer

and one plain index `ix_<table>_<column>` on one of code, counter, created_at,
due_on or score. Lengths, nullability, defaults and the indexed column come
from a seeded generator, so the same arguments give the same schema everywhere
while the tables still differ from one another the way real ones do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

DEFAULT_TABLES = 1000
VARCHAR_LENGTHS = (16, 32, 40, 64, 100, 255)
INDEXABLE = ("code", "counter", "created_at", "due_on", "score")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # spelled as trellis' json_models plugin reads it: varchar(40), numeric(10,2)
    nullable: bool
    default: str | None = None  # SQL expression, as written in DDL


@dataclass(frozen=True)
class ForeignKey:
    name: str
    column: str
    referred_table: str
    referred_column: str
    on_delete: str  # lowercase SQL spelling: "cascade"


@dataclass(frozen=True)
class Index:
    name: str
    column: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: str
    index: Index
    foreign_key: ForeignKey


@dataclass(frozen=True)
class Schema:
    tables: tuple[Table, ...]

    @property
    def column_count(self) -> int:
        return sum(len(t.columns) for t in self.tables)


def table_name(index: int) -> str:
    return f"t{index:04d}"


def _table(index: int, rng: random.Random) -> Table:
    name = table_name(index)
    counter_not_null = rng.random() < 0.5
    columns = (
        Column("id", "integer", nullable=False),
        Column("parent_id", "integer", nullable=True),
        Column("code", f"varchar({rng.choice(VARCHAR_LENGTHS)})", nullable=False),
        Column("title", "text", nullable=rng.random() < 0.7),
        Column("amount", "numeric(10,2)", nullable=rng.random() < 0.6),
        Column("counter", "bigint", nullable=not counter_not_null, default="0" if counter_not_null else None),
        Column("active", "boolean", nullable=False, default=rng.choice(("true", "false"))),
        Column("created_at", "timestamp", nullable=False),
        Column("due_on", "date", nullable=True),
        Column("score", "integer", nullable=rng.random() < 0.8),
    )
    indexed = rng.choice(INDEXABLE)
    parent = table_name(index - 1) if index > 0 else name
    return Table(
        name=name,
        columns=columns,
        primary_key="id",
        index=Index(f"ix_{name}_{indexed}", indexed),
        foreign_key=ForeignKey(f"fk_{name}_parent_id", "parent_id", parent, "id", "cascade"),
    )


def build_schema(tables: int = DEFAULT_TABLES, seed: int = 0) -> Schema:
    if tables < 1:
        raise ValueError("tables must be at least 1")
    rng = random.Random(seed)
    return Schema(tuple(_table(i, rng) for i in range(tables)))
