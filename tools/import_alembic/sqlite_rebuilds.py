"""SQLite table rebuilds (Alembic's batch "move and copy") rendered offline, where it is sound.

Alembic's batch mode rebuilds a SQLite table from the table as it stands, which offline mode has no
database to reflect: it asks for the table as `copy_from`. The importer gives it the table as the
revision's ancestors build it, on a scratch in-memory database running their rendered SQL (the
SQL trellis will run), and only when that is the table the revision meets in every order: when no
revision unordered with it (neither an ancestor nor a descendant, through both edge kinds) names
the table in its source. Otherwise the revision is not rendered, and the report says why.
"""

import contextlib
import re
import sqlite3

from alembic_branches import edges


class NotRenderable(Exception):
    """Raised inside a revision's upgrade()/downgrade() for what offline mode cannot give."""


class Rebuilds:
    def __init__(self, order):
        self.order = order  # every revision, parents first
        self.children = {r.revision: [] for r in order}
        for r in order:
            for p in edges(r):
                self.children[p].append(r.revision)
        self.sources = {}
        for r in order:
            with open(r.path, encoding="utf-8", errors="replace") as f:
                self.sources[r.revision] = f.read()
        self.upgrades = {}  # revision -> its rendered SQLite upgrade, None when it was not rendered
        self.current = None  # (revision, "upgrade" or "downgrade") being rendered
        self.output = None  # the buffer of that rendering: its statements so far come first

    def _walk(self, start, step):
        seen, stack = set(), list(step(start))
        while stack:
            at = stack.pop()
            if at not in seen:
                seen.add(at)
                stack.extend(step(at))
        return seen

    def table(self, name, schema, reflect_args, reflect_kwargs, naming_convention):
        """The sqlalchemy Table `name` as the current revision meets it, or NotRenderable."""
        from sqlalchemy import MetaData, Table, create_engine
        from sqlalchemy.pool import StaticPool

        r, function = self.current
        by_id = {o.revision: o for o in self.order}
        before = self._walk(r.revision, lambda i: edges(by_id[i]))
        after = self._walk(r.revision, lambda i: self.children[i])
        named = re.compile(r"\b" + re.escape(name) + r"\b")
        for other in self.order:
            unordered = other.revision not in before and other.revision not in after and other is not r
            if unordered and named.search(self.sources[other.revision]):
                raise NotRenderable(f"batch mode rebuilds table {name}, which {other.revision} also names without "
                                    "being ordered with this revision, so the table to copy depends on the order")
        database = sqlite3.connect(":memory:")
        steps = [o for o in self.order if o.revision in before] + ([r] if function == "downgrade" else [])
        scripts = [(o.revision, self.upgrades.get(o.revision)) for o in steps]
        scripts.append((f"this {function}", self.output.getvalue()))
        for which, sql in scripts:
            if sql is None:
                raise NotRenderable(f"batch mode rebuilds table {name} from what the earlier revisions build, and "
                                    f"{which} was not rendered")
            try:
                database.executescript(sql)
            except sqlite3.Error as e:
                raise NotRenderable(f"batch mode rebuilds table {name} from what the earlier revisions build, and "
                                    f"the SQL of {which} fails on an empty database: {e}")
        engine = create_engine("sqlite://", creator=lambda: database, poolclass=StaticPool)
        metadata = MetaData(naming_convention=naming_convention) if naming_convention else MetaData()
        with engine.connect() as connection:
            return Table(name, metadata, *reflect_args, schema=schema, autoload_with=connection, **reflect_kwargs)


@contextlib.contextmanager
def rebuilding(rebuilds):
    """While active, an offline batch operation that must rebuild its table gets it from
    `rebuilds` rather than failing for want of a database."""
    from alembic.operations.batch import BatchOperationsImpl

    original = BatchOperationsImpl.flush

    def flush(self):
        if self.copy_from is None and self.operations.migration_context.as_sql and self._should_recreate():
            self.copy_from = rebuilds.table(self.table_name, self.schema, self.reflect_args, self.reflect_kwargs,
                                            self.naming_convention)
        return original(self)

    BatchOperationsImpl.flush = flush
    try:
        yield
    finally:
        BatchOperationsImpl.flush = original
