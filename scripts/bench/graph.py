"""The benchmark's revision graph, built in memory once and emitted in every format.

The graph is shaped like the demo application's plugin tree:

    uber
    ├── panels
    │   ├── guests
    │   └── tabletop
    ├── magprime
    └── mivs

Each branch is a chain of `per_branch` revisions. Revisions are generated in
rounds, one revision per branch per round, parents before children, the way
several teams working side by side would write them; the generation order is
therefore a valid topological order and the floor scripts use it as is.

- A branch's first revision is a base that depends_on its parent branch's
  revision of the same round (the parent's head when it was written).
- Every 10th revision of a child branch also depends_on its parent branch's
  revision of that round: the cross-branch edges Alembic and trellis must honour.
- Revision k of branch b creates table `b_tK` when k % 5 == 0, otherwise adds
  column `cK INTEGER` to the branch's latest table. Both statements and their
  downgrades (DROP TABLE, DROP COLUMN) are valid on SQLite >= 3.35 and PostgreSQL.

Ids are 12 lowercase hex characters from a seeded generator, so the same
arguments give byte-identical trees on every machine.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

# (branch, parent branch) in plugin dependency order: parents come first.
BRANCHES: tuple[tuple[str, str | None], ...] = (
    ("uber", None),
    ("panels", "uber"),
    ("guests", "panels"),
    ("tabletop", "panels"),
    ("magprime", "uber"),
    ("mivs", "uber"),
)

CROSS_BRANCH_EVERY = 10
CREATE_TABLE_EVERY = 5
FIRST_CREATE_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)
DEFAULT_SEED = 20260101


@dataclass
class Revision:
    id: str
    branch: str
    index: int  # position within its branch, 0 = base
    down_revision: str | None
    depends_on: list[str]
    message: str
    create_date: datetime
    upgrade_sql: str
    downgrade_sql: str
    creates_table: bool

    @property
    def is_base(self) -> bool:
        return self.down_revision is None

    @property
    def slug(self) -> str:
        """The file-name slug: lowercase [a-z0-9_] from the message, at most 40."""
        slug = re.sub(r"[^a-z0-9]+", "_", self.message.lower()).strip("_")
        return slug[:40].rstrip("_")

    @property
    def create_date_text(self) -> str:
        return self.create_date.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Graph:
    per_branch: int
    revisions: list[Revision] = field(default_factory=list)  # generation order
    by_branch: dict[str, list[Revision]] = field(default_factory=dict)

    @property
    def heads(self) -> list[str]:
        return [chain[-1].id for chain in self.by_branch.values() if chain]

    @property
    def table_count(self) -> int:
        """Tables a full upgrade leaves behind, ledger tables not counted."""
        return sum(1 for rev in self.revisions if rev.creates_table)

    @property
    def column_count(self) -> int:
        """Columns of those tables: each revision adds exactly one (id or cK)."""
        return len(self.revisions)


class _IdSource:
    """Deterministic, collision-free 12-hex-digit revision ids."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._seen: set[str] = set()

    def next(self) -> str:
        while True:
            rev_id = f"{self._rng.getrandbits(48):012x}"
            if rev_id not in self._seen:
                self._seen.add(rev_id)
                return rev_id


def _statements(branch: str, index: int, latest_table: str | None) -> tuple[str, str, str, bool]:
    """Returns (message, upgrade SQL, downgrade SQL, creates_table) for revision `index`."""
    if index % CREATE_TABLE_EVERY == 0 or latest_table is None:
        table = f"{branch}_t{index}"
        return (
            f"create table {table}",
            f"CREATE TABLE {table} (id INTEGER PRIMARY KEY);",
            f"DROP TABLE {table};",
            True,
        )
    column = f"c{index}"
    return (
        f"add column {column} to {latest_table}",
        f"ALTER TABLE {latest_table} ADD COLUMN {column} INTEGER;",
        f"ALTER TABLE {latest_table} DROP COLUMN {column};",
        False,
    )


def build_graph(per_branch: int, seed: int = DEFAULT_SEED) -> Graph:
    """Builds the whole graph: len(BRANCHES) * per_branch revisions."""
    if per_branch < 1:
        raise ValueError("per_branch must be at least 1")
    ids = _IdSource(seed)
    graph = Graph(per_branch=per_branch, by_branch={name: [] for name, _ in BRANCHES})
    latest_table: dict[str, str | None] = {name: None for name, _ in BRANCHES}

    for index in range(per_branch):
        for branch, parent in BRANCHES:
            chain = graph.by_branch[branch]
            depends_on: list[str] = []
            # The parent's revision of this round exists already: parents are
            # generated before their children within a round.
            if parent is not None and (index == 0 or index % CROSS_BRANCH_EVERY == 0):
                depends_on.append(graph.by_branch[parent][index].id)
            message, upgrade, downgrade, creates = _statements(branch, index, latest_table[branch])
            if creates:
                latest_table[branch] = f"{branch}_t{index}"
            rev = Revision(
                id=ids.next(),
                branch=branch,
                index=index,
                down_revision=chain[-1].id if chain else None,
                depends_on=depends_on,
                message=message,
                create_date=FIRST_CREATE_DATE + timedelta(seconds=len(graph.revisions)),
                upgrade_sql=upgrade,
                downgrade_sql=downgrade,
                creates_table=creates,
            )
            chain.append(rev)
            graph.revisions.append(rev)
    return graph
