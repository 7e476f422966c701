#!/usr/bin/env python3
"""trellis import-alembic: turns an Alembic project into a trellis project.

Run by `trellis import-alembic` (core/src/commands/import_alembic.cpp), which passes the
arguments below and, with --adopt-url, takes over the database afterwards. Reads the project
through Alembic's own ScriptDirectory, so ids, parents, labels and dependencies are what Alembic
sees, and renders each revision's SQL with Alembic in offline mode (as_sql), once per dialect,
calling the revision's upgrade() and downgrade() directly: the project's env.py, which usually
imports the application, is never run, and no alembic_version statement is ever produced.

Writes OUT/trellis.ini (one [plugin.NAME] section per branch) and OUT/versions/NAME/*.sql in
SPEC.md's revision format, then prints the import report on stdout. Errors are one line on
stderr, `trellis: error: ...`, exit 2.
"""

import argparse
import contextlib
import io
import json
import os
import re
import sys
import traceback

from alembic_branches import assign_branches, branch_depends, dependencies, label_name, parents, topological
from sqlite_rebuilds import NotRenderable, Rebuilds, rebuilding

DIALECTS = ("sqlite", "postgresql")
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "END", "BEGIN TRANSACTION", "COMMIT TRANSACTION", "END TRANSACTION"}
ID_RE = re.compile(r"^[A-Za-z0-9_]{1,64}$")


class ImportFailure(Exception):
    """A failure the user can fix: printed as one line, exit 2."""


class UnreadableResult:
    """What op.get_bind().execute() returns offline: any use of the result means the revision
    reads the database from Python, which no offline rendering can reproduce."""

    def _refuse(self, *args, **kwargs):
        raise NotRenderable("it reads the result of a query (op.get_bind().execute(...)) in Python")

    __iter__ = __bool__ = __len__ = __getitem__ = _refuse

    def __getattr__(self, name):
        self._refuse()


class OfflineBind:
    """Alembic's offline "mock" connection, whose results refuse to be read."""

    def __init__(self, mock):
        self._mock = mock

    def execute(self, *args, **kwargs):
        self._mock.execute(*args, **kwargs)
        return UnreadableResult()

    def __getattr__(self, name):
        return getattr(self._mock, name)


def load_alembic():
    try:
        from alembic.config import Config  # noqa: F401
        from alembic.script import ScriptDirectory  # noqa: F401
    except ImportError:
        raise ImportFailure(
            f"Alembic is not installed for {sys.executable} (Debian: apt-get install alembic), "
            "or set TRELLIS_PYTHON to an interpreter that has it")


def where_in(exc, directories):
    """The revision file an exception came from: its last frame inside a version location."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = os.path.realpath(frame.filename)
        if any(path.startswith(d + os.sep) for d in directories):
            return f"{frame.filename}:{frame.lineno}"
    return None


def read_config(ini):
    from alembic.config import Config

    if not os.path.isfile(ini):
        raise ImportFailure(f"{ini}: no such Alembic config file")
    config = Config(ini)
    try:
        if not config.get_main_option("script_location"):
            raise ImportFailure(f"{ini}: no `script_location` in the [alembic] section")
    except ImportFailure:
        raise
    except Exception as e:  # configparser's errors
        raise ImportFailure(f"{ini}: {str(e).strip()}")
    return config


def script_directory(config, ini):
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(config)
    except Exception as e:  # CommandError for a missing directory, configparser's errors
        raise ImportFailure(f"{ini}: {str(e).strip()}")


def load_revisions(script, ini):
    """Every revision, its file imported (what Alembic does on its first look at the graph)."""
    from alembic.util import CommandError

    locations = [os.path.realpath(p) for p in script._version_locations]
    try:
        return locations, list(script.walk_revisions("base", "heads"))
    except CommandError as e:
        raise ImportFailure(f"{ini}: Alembic cannot read the revisions: {e}")
    except Exception as e:
        at = where_in(e, locations)
        raise ImportFailure(f"{at or ini}: the revision file does not import: {type(e).__name__}: {e}")


def slugify(message):
    """text::slugify of trellis, so file names look like the ones `trellis revision` writes."""
    slug = ""
    for c in message:
        if c.isascii() and c.isalnum():
            slug += c.lower()
        elif slug and slug[-1] != "_":
            slug += "_"
        if len(slug) >= 40:
            break
    return slug.rstrip("_")


def create_date(script):
    match = re.search(r"^Create Date:\s*(\S.*?)\s*$", script.module.__doc__ or "", re.M)
    return match.group(1) if match and re.match(r"^\d{4}-\d\d-\d\d", match.group(1)) else ""


@contextlib.contextmanager
def offline_context(config, script, dialect, events):
    """Alembic's offline mode on `dialect`, with its `context` and `op` set up as env.py would
    have them: revision files that look at them when they import (`op.get_context().dialect`)
    see this dialect. `events` collects what a render noticed (an autocommit block)."""
    from alembic.operations import Operations
    from alembic.runtime.environment import EnvironmentContext

    with EnvironmentContext(config, script, as_sql=True) as environment:
        # The options the env.py template's offline mode uses: literal values, named parameters
        # (no `%%` doubling), no BEGIN/COMMIT around the statements.
        environment.configure(dialect_name=dialect, output_buffer=io.StringIO(), literal_binds=True,
                              transactional_ddl=False, dialect_opts={"paramstyle": "named"})
        migration = environment.get_context()
        emit = migration.impl.static_output

        def static_output(text):
            # One call per statement, Alembic's `;` appended: SQL given to op.execute() with its
            # own `;` would end in two. `op.execute("COMMIT")`, the old way out of the migration's
            # transaction (ALTER TYPE ... ADD VALUE), is what `transactional: false` says.
            if text.rstrip(";").strip().upper() in TRANSACTION_CONTROL:
                events.add("commit")
                return
            emit(text[:-1] if text.endswith(";;") else text)

        migration.impl.static_output = static_output
        bind = OfflineBind(migration.connection)
        migration.connection = migration.impl.connection = bind

        @contextlib.contextmanager
        def autocommit_block():
            events.add("autocommit")
            yield

        migration.autocommit_block = autocommit_block
        with Operations.context(migration):
            yield migration


def render(migration, events, r, function, rebuilds=None):
    """(SQL, events) of what Alembic writes offline for r.function(), or a NotRenderable."""
    migration.impl.output_buffer = buffer = io.StringIO()
    if rebuilds:
        rebuilds.current, rebuilds.output = (r, function), buffer
    events.clear()
    try:
        getattr(r.module, function)()
    except NotRenderable as e:
        return e
    except Exception as e:
        at = where_in(e, [os.path.dirname(os.path.realpath(r.path))])
        # The first sentence: Alembic's own explanations run to a paragraph.
        first = re.split(r"(?<=\.)\s", str(e).strip(), maxsplit=1)[0]
        return NotRenderable(f"{type(e).__name__}: {first}" + (f" ({os.path.basename(at)})" if at else ""))
    # A comment line that reads as a trellis section marker (`-- +...`) would end the section.
    lines = [re.sub(r"^(\s*--\s*)\+", r"\1(+)", line.rstrip()) for line in buffer.getvalue().splitlines()]
    return "\n".join(lines).strip(), set(events)


def render_all(config, ini, dialect):
    """Loads the project under `dialect`'s offline context and renders every revision both ways:
    (script, locations, revisions, {(id, function): render()})."""
    script, events, rendered = script_directory(config, ini), set(), {}
    with offline_context(config, script, dialect, events) as migration:
        locations, revisions = load_revisions(script, ini)
        # Parents first: a SQLite table rebuild copies the table its ancestors' SQL builds.
        order = topological(revisions)
        rebuilds = Rebuilds(order) if dialect == "sqlite" else None
        with rebuilding(rebuilds) if rebuilds else contextlib.nullcontext():
            for r in order:
                for function in ("upgrade", "downgrade"):
                    result = rendered[r.revision, function] = render(migration, events, r, function, rebuilds)
                    if rebuilds and function == "upgrade":
                        rebuilds.upgrades[r.revision] = None if isinstance(result, NotRenderable) else result[0]
    return script, locations, revisions, rendered


def failing_sql(dialect, message):
    """A statement that stops the revision on `dialect` with `message`."""
    if dialect == "postgresql":
        quoted = message.replace("'", "''")
        return f"DO $$ BEGIN RAISE EXCEPTION '{quoted}'; END $$"
    # SQLite has no RAISE outside triggers: a missing table's name carries the message.
    return 'SELECT * FROM "{}"'.format(message.replace('"', "'"))


def sections(kind, rendered):
    block = lambda sql: sql + "\n" if sql else ""  # noqa: E731
    if rendered["sqlite"] == rendered["postgresql"]:
        return f"-- +{kind}\n{block(rendered['sqlite'])}\n"
    return "".join(f"-- +{kind} {d}\n{block(rendered[d])}\n" for d in DIALECTS)


def convert(rendered, r, relative, report):
    """The trellis file of one revision: its header and its sections."""
    notes, transactional = [], True
    bodies = {}
    for function in ("upgrade", "downgrade"):
        bodies[function] = {}
        for dialect in DIALECTS:
            result = rendered[dialect][r.revision, function]
            if not isinstance(result, NotRenderable):
                sql, events = result
                if events:
                    transactional = False
            else:
                reason = str(result)
                notes.append(f"{function} on {dialect}: {reason}")
                report["unrendered"].append(f"{r.revision} ({relative}) {function} on {dialect}: {reason}")
                sql = failing_sql(dialect, f"trellis: Alembic revision {r.revision} ({relative}) could not be "
                                           f"rendered offline ({function}); port it to SQL in this file by hand") + ";"
            bodies[function][dialect] = sql
    header = [f"-- revision: {r.revision}",
              f"-- down_revision: {', '.join(parents(r))}".rstrip()]
    labels = [label_name(label) for label in r._orig_branch_labels]
    if labels:
        header.append(f"-- branch_labels: {', '.join(labels)}")
    if dependencies(r):
        header.append(f"-- depends_on: {', '.join(dependencies(r))}")
    message = " ".join((r.doc or "").split())
    header.append(f"-- message: {message}".rstrip())
    if create_date(r):
        header.append(f"-- create_date: {create_date(r)}")
    header.append(f"-- transactional: {'true' if transactional else 'false'}")
    comment = [f"-- Imported from Alembic: {relative}"]
    if not transactional:
        comment.append("-- It runs outside a transaction: in Alembic it used an autocommit block or op.execute('COMMIT').")
    for note in notes:
        comment.append(f"-- NOT RENDERED: {note}")
    text = "\n".join(header) + "\n\n" + "\n".join(comment) + "\n\n"
    text += sections("upgrade", bodies["upgrade"]) + sections("downgrade", bodies["downgrade"])
    return message, text.rstrip("\n") + "\n"


def write_project(ini, out, rendered, order, branch, depends, report):
    ini_path = os.path.join(out, "trellis.ini")
    if os.path.exists(ini_path):
        raise ImportFailure(f"{ini_path} exists already: import into an empty directory (--out DIR)")
    for name in depends:
        directory = os.path.join(out, "versions", name)
        if os.path.isdir(directory) and any(f.endswith(".sql") for f in os.listdir(directory)):
            raise ImportFailure(f"{directory} holds revision files already: import into an empty directory")
    files = []
    for r in order:
        if not ID_RE.match(r.revision):
            raise ImportFailure(f"{r.path}: revision id `{r.revision}` is not a trellis id ([A-Za-z0-9_], 1 to 64)")
        relative = os.path.relpath(r.path, os.path.dirname(os.path.abspath(ini)))
        message, text = convert(rendered, r, relative, report)
        slug = slugify(message)
        name = f"{r.revision}_{slug}.sql" if slug else f"{r.revision}.sql"
        files.append((os.path.join(out, "versions", branch[r.revision], name), text))
    lines = [f"# Imported from Alembic ({os.path.abspath(ini)}) by `trellis import-alembic`.", ""]
    for name, needs in depends.items():
        lines.append(f"[plugin.{name}]")
        lines.append(f"version_path = versions/{name}")
        if needs:
            lines.append(f"depends = {', '.join(needs)}")
        lines.append("")
    for name in depends:
        os.makedirs(os.path.join(out, "versions", name), exist_ok=True)
    for path, text in files:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    with open(ini_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return ini_path


def print_report(ini_path, order, branch, depends, report):
    merges = [r.revision for r in order if len(parents(r)) > 1]
    print(f"Imported {len(order)} revision(s) into {len(depends)} branch(es), {len(merges)} merge(s); "
          f"wrote {ini_path}")
    for name, needs in depends.items():
        count = sum(1 for r in order if branch[r.revision] == name)
        print(f"  {name}: {count} revision(s)" + (f", depends on {', '.join(needs)}" if needs else ""))
    if merges:
        print(f"Merges: {', '.join(merges)}")
    alone = [name for name, needs in depends.items() if not needs]
    if len(depends) > 1 and len(alone) > 1:
        report["notes"].append(f"branches {', '.join(alone)} depend on no other branch: where one's SQL needs "
                               "another's tables, add `depends = ...` to its [plugin.NAME] in trellis.ini, so a new "
                               "database runs them in that order")
    for note in report["notes"]:
        print(f"Note: {note}")
    if report["unrendered"]:
        print(f"Not rendered offline ({len(report['unrendered'])}): each fails where it runs until ported by hand "
              "(port before adopting a database, or run `trellis repair` after)")
        for line in report["unrendered"]:
            print(f"  {line}")


def main(argv):
    parser = argparse.ArgumentParser(prog="trellis import-alembic")
    parser.add_argument("ini")
    parser.add_argument("--out", default=".")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    load_alembic()
    # Alembic resolves a relative script_location from the working directory, and its users run
    # it beside alembic.ini: so does the import.
    here, out, ini = os.getcwd(), os.path.abspath(args.out), os.path.abspath(args.ini)
    if os.path.isfile(ini):
        os.chdir(os.path.dirname(ini))
    config = read_config(ini)
    passes = {dialect: render_all(config, ini, dialect) for dialect in DIALECTS}
    _, locations, revisions, _ = passes[DIALECTS[-1]]
    rendered = {dialect: passes[dialect][3] for dialect in DIALECTS}
    if not revisions:
        raise ImportFailure(f"{args.ini}: the Alembic project has no revision")
    report = {"notes": [], "unrendered": []}
    order = topological(revisions)
    branch = assign_branches(order, locations, report)
    depends = branch_depends(order, branch, report)
    ini_path = write_project(ini, out, rendered, order, branch, depends, report)
    shown = os.path.relpath(ini_path, here) if ini_path.startswith(here + os.sep) else ini_path
    if args.json:
        print(json.dumps({
            "config": shown,
            "revisions": len(order),
            "branches": [{"name": name, "depends": needs, "version_path": f"versions/{name}",
                          "revisions": [r.revision for r in order if branch[r.revision] == name]}
                         for name, needs in depends.items()],
            "merges": [r.revision for r in order if len(parents(r)) > 1],
            "not_rendered": report["unrendered"],
            "notes": report["notes"],
        }, indent=2))
    elif not args.quiet:
        print_report(shown, order, branch, depends, report)

if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except ImportFailure as e:
        print(f"trellis: error: {e}", file=sys.stderr)
        sys.exit(2)
    except OSError as e:
        print(f"trellis: error: {e}", file=sys.stderr)
        sys.exit(2)
