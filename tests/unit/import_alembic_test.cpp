// import-alembic on Alembic projects the tests build with Debian's Alembic (`alembic init`, then
// revision files written here): the graph is Alembic's graph, `trellis upgrade heads` builds the
// schema `alembic upgrade heads` builds, on SQLite and PostgreSQL, and a database Alembic left
// half-way is taken over and finished by trellis.
#include "db/database.hpp"
#include "project.hpp"
#include "schema/reflect.hpp"
#include "schema/schema.hpp"
#include "schema/types.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

using namespace trellis::test;

namespace {

// Debian's Alembic runs on the interpreter its `alembic` script names, whatever python3 is first
// on PATH.
const std::string k_python_path = R"sh(sed -n '1s/^#!//p' "$(command -v alembic)" | tr -d '\n')sh";
const std::string k_python = "\"$(" + k_python_path + ")\"";
const std::string k_tool = std::string(TRELLIS_SOURCE_DIR) + "/tests/alembic/alembic_tool.py";

// The env.py of every test project: online, on the config's sqlalchemy.url (the tool sets it).
constexpr const char* k_env_py = R"(from alembic import context
from sqlalchemy import engine_from_config, pool
config = context.config
engine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
)";

struct AlembicRevision {
    std::string dir, id;
    std::string down = "None", labels = "None", depends = "None"; // Python literals
    std::string message, upgrade = "pass", downgrade = "pass";    // bodies, one statement a line
    std::string prelude;                                          // module-level code
};

// What ubersystem's revisions do when they import: ask the context for the dialect.
constexpr const char* k_is_sqlite = R"(try:
    is_sqlite = op.get_context().dialect.name == 'sqlite'
except Exception:
    is_sqlite = False
if is_sqlite:
    op.get_context().connection.execute('PRAGMA foreign_keys=ON;')
)";

// An Alembic project in a temporary directory: alembic.ini, app/ (from `alembic init`) and the
// version locations given.
class AlembicProject {
public:
    AlembicProject(const std::vector<std::string>& locations, const std::vector<AlembicRevision>& revisions) {
        alembic({"init", (m_dir / "app").string()});
        std::vector<std::string> paths;
        for (const auto& location : locations)
            paths.push_back("%(here)s/" + location);
        write_file(m_dir / "alembic.ini",
                   fmt::format("[alembic]\nscript_location = %(here)s/app\nversion_locations = {}\n"
                               "version_path_separator = space\nsqlalchemy.url = sqlite://\n",
                               fmt::join(paths, " ")));
        write_file(m_dir / "app" / "env.py", k_env_py);
        int day = 0;
        for (const auto& r : revisions)
            write_file(m_dir / r.dir / (r.id + "_rev.py"), python_file(r, ++day));
    }
    const std::filesystem::path& dir() const { return m_dir.path(); }
    std::string ini() const { return (m_dir / "alembic.ini").string(); }
    // Runs alembic_tool.py steps in one process; its stdout.
    std::string alembic(const std::vector<std::string>& steps) const {
        std::string command = k_python + " -B '" + k_tool + "'";
        for (const auto& s : steps)
            command += " '" + s + "'";
        return shell(command + " 2>&1");
    }
    Result trellis(const std::vector<std::string>& args) const { return run_trellis(args, m_dir.path()); }

private:
    static std::string python_file(const AlembicRevision& r, int day) {
        auto indent = [](const std::string& body) {
            std::string out;
            for (const auto& line : lines(body))
                out += "    " + line + "\n";
            return out;
        };
        return fmt::format("\"\"\"{}\n\nRevision ID: {}\nCreate Date: 2024-01-{:02} 10:00:00.000000\n\n\"\"\"\n"
                           "from alembic import op\nimport sqlalchemy as sa\n\nrevision = '{}'\ndown_revision = {}\n"
                           "branch_labels = {}\ndepends_on = {}\n{}\n\ndef upgrade():\n{}\n\ndef downgrade():\n{}",
                           r.message, r.id, day, r.id, r.down, r.labels, r.depends, r.prelude, indent(r.upgrade),
                           indent(r.downgrade));
    }
    TempDir m_dir;
};

// Tables, columns, keys and indexes as trellis reflects them, one line each: what both tools built.
std::string schema_of(const std::string& url) {
    auto db =
        trellis::connect(trellis::parse_url(url, std::filesystem::current_path()), trellis::OpenMode::read_only, 10);
    auto schema = trellis::reflect(*db, "trellis_version", {"alembic_version"});
    std::string out;
    for (const auto& t : schema.tables) {
        out += fmt::format("table {} pk({})\n", t.name, fmt::join(t.primary_key, ","));
        for (const auto& c : t.columns)
            out += fmt::format("  {} {}{} default={}\n", c.name, trellis::type_name(c.type),
                               c.nullable ? "" : " NOT NULL", c.server_default.value_or("-"));
        for (const auto& i : t.indexes)
            out += fmt::format("  index {}{} ({})\n", i.name, i.unique ? " unique" : "", fmt::join(i.columns, ","));
        for (const auto& f : t.foreign_keys)
            out += fmt::format("  fk ({}) -> {}\n", fmt::join(f.columns, ","), f.referred_table);
    }
    return out;
}

// Two plugins, each in its own version location: uber (with a merge) and panels, whose revisions
// depend on uber's; panels' last revision reads the database in Python.
std::vector<AlembicRevision> plugin_revisions() {
    return {
        {"uber/versions", "u1", "None", "('uber',)", "None", "create attendee",
         "op.create_table('attendee', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', "
         "sa.String(100), nullable=False))",
         "op.drop_table('attendee')"},
        {"uber/versions", "u2", "'u1'", "None", "None", "add badge",
         "op.add_column('attendee', sa.Column('badge', sa.Integer, server_default='0', nullable=False))\n"
         "op.create_index('ix_attendee_badge', 'attendee', ['badge'], unique=True)",
         "op.drop_index('ix_attendee_badge', 'attendee')\nwith op.batch_alter_table('attendee') as b:\n"
         "    b.drop_column('badge')"},
        {"uber/versions", "u3a", "'u2'", "None", "None", "add email",
         "op.add_column('attendee', sa.Column('email', sa.Text() if is_sqlite else sa.String(200)))",
         "with op.batch_alter_table('attendee') as b:\n    b.drop_column('email')", k_is_sqlite},
        {"uber/versions", "u3b", "'u2'", "None", "None", "create shift",
         "op.create_table('shift', sa.Column('id', sa.Integer, primary_key=True), sa.Column('attendee_id', "
         "sa.Integer, sa.ForeignKey('attendee.id', ondelete='CASCADE')), sa.Column('active', sa.Boolean, "
         "server_default=sa.true()))",
         "op.drop_table('shift')"},
        {"uber/versions", "um", "('u3a', 'u3b')", "None", "None", "merge heads"},
        {"panels/versions", "p1", "None", "('panels',)", "'u2'", "create panel",
         "op.create_table('panel', sa.Column('id', sa.Integer, primary_key=True), sa.Column('attendee_id', "
         "sa.Integer, sa.ForeignKey('attendee.id')), sa.Column('title', sa.Text))\n"
         "op.create_index('ix_panel_title', 'panel', ['title'])",
         "op.drop_table('panel')"},
        {"panels/versions", "p2", "'p1'", "None", "'u3b'", "panel shift",
         "op.add_column('panel', sa.Column('shift_id', sa.Integer))", "op.drop_column('panel', 'shift_id')"},
        {"panels/versions", "p3", "'p2'", "None", "None", "backfill titles",
         "conn = op.get_bind()\nfor row in conn.execute(sa.text('SELECT id FROM panel')):\n"
         "    conn.execute(sa.text('UPDATE panel SET title = :t WHERE id = :i'), dict(t='x', i=row.id))"},
    };
}

// One version location holding three labels: beta's base depends on alpha, gamma forks off alpha
// (its base's down_revision is in another branch), and alpha's head depends on beta's. beta's
// index is built CONCURRENTLY on PostgreSQL, in an autocommit block; alpha's head alters a column
// in batch mode, a table rebuild on SQLite.
std::vector<AlembicRevision> labelled_revisions() {
    auto table = [](const std::string& name, const std::string& extra = "") {
        return fmt::format("op.create_table('{}', sa.Column('id', sa.Integer, primary_key=True){})", name, extra);
    };
    return {
        {"app/versions", "a1", "None", "('alpha',)", "None", "create a_one", table("a_one"), "op.drop_table('a_one')"},
        {"app/versions", "a2", "'a1'", "None", "None", "a_one.note",
         "op.add_column('a_one', sa.Column('note', sa.String(40), server_default='none'))",
         "op.drop_column('a_one', 'note')"},
        {"app/versions", "b1", "None", "('beta',)", "'a1'", "create b_one",
         table("b_one", ", sa.Column('a_id', sa.Integer, sa.ForeignKey('a_one.id'))"), "op.drop_table('b_one')"},
        {"app/versions", "b2", "'b1'", "None", "None", "index b_one.a_id",
         "with op.get_context().autocommit_block():\n"
         "    op.create_index('ix_b_one_a_id', 'b_one', ['a_id'], postgresql_concurrently=True)",
         "op.drop_index('ix_b_one_a_id', 'b_one')"},
        {"app/versions", "c1", "'a2'", "('gamma',)", "None", "create c_one", table("c_one"), "op.drop_table('c_one')"},
        {"app/versions", "a3", "'a2'", "None", "'b2'", "create a_two",
         table("a_two") + "\nwith op.batch_alter_table('a_one') as batch:\n"
                          "    batch.alter_column('note', existing_type=sa.String(40), nullable=False)",
         "op.drop_table('a_two')"},
    };
}

std::string sqlite_url(const std::filesystem::path& dir, const std::string& name) {
    return "sqlite:///" + (dir / name).string();
}

} // namespace

TEST_SUITE("import_alembic") {
    TEST_CASE("a project with a version location per plugin imports, upgrades and is taken over on both "
              "databases") {
        AlembicProject alembic({"uber/versions", "panels/versions"}, plugin_revisions());
        // Alembic's databases: one at heads, one left at p2 (mid-graph), per dialect.
        PostgresDatabase pg_alembic, pg_trellis, pg_mid;
        std::map<std::string, std::vector<std::string>> urls{
            {"sqlite",
             {sqlite_url(alembic.dir(), "alembic.db"), sqlite_url(alembic.dir(), "trellis.db"),
              sqlite_url(alembic.dir(), "mid.db")}},
            {"postgresql", {pg_alembic.url(), pg_trellis.url(), pg_mid.url()}}};
        auto heads = alembic.alembic({"upgrade", alembic.ini(), urls["sqlite"][0], "heads", "upgrade", alembic.ini(),
                                      urls["sqlite"][2], "p2", "upgrade", alembic.ini(), urls["postgresql"][0], "heads",
                                      "upgrade", alembic.ini(), urls["postgresql"][2], "p2", "heads", alembic.ini()});

        auto imported = alembic.trellis({"import-alembic", alembic.ini(), "--out", "out"});
        REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
        CHECK(contains(imported.out, "Imported 8 revision(s) into 2 branch(es), 1 merge(s)"));
        CHECK(contains(imported.out, "  uber: 5 revision(s)\n  panels: 3 revision(s), depends on uber\n"));
        CHECK(contains(imported.out, "Merges: um"));
        CHECK(
            contains(imported.out, "p3 (panels/versions/p3_rev.py) upgrade on sqlite: it reads the result of a query"));
        CHECK(contains(imported.out, "Next: `trellis -c out/trellis.ini --url URL upgrade heads`"));
        auto out = alembic.dir() / "out";
        CHECK(read_file(out / "trellis.ini").find("[plugin.panels]\nversion_path = versions/panels\ndepends = uber") !=
              std::string::npos);
        // Ids, parents, labels, dependencies, messages and dates are Alembic's.
        auto p2 = read_file(out / "versions" / "panels" / "p2_panel_shift.sql");
        CHECK(p2.starts_with("-- revision: p2\n-- down_revision: p1\n-- depends_on: u3b\n-- message: panel shift\n"
                             "-- create_date: 2024-01-07 10:00:00.000000\n"));
        CHECK(contains(read_file(out / "versions" / "uber" / "um_merge_heads.sql"), "-- down_revision: u3a, u3b\n"));
        CHECK(contains(read_file(out / "versions" / "uber" / "u1_create_attendee.sql"), "-- branch_labels: uber\n"));
        // Dialect sections only where Alembic renders differently; never its own bookkeeping.
        CHECK(contains(p2, "-- +upgrade\nALTER TABLE panel ADD COLUMN shift_id INTEGER;\n"));
        CHECK(contains(read_file(out / "versions" / "uber" / "u1_create_attendee.sql"), "-- +upgrade postgresql\n"));
        // A file that asks the context for the dialect when it imports sees the one rendered.
        auto u3a = read_file(out / "versions" / "uber" / "u3a_add_email.sql");
        CHECK(contains(u3a, "-- +upgrade sqlite\nALTER TABLE attendee ADD COLUMN email TEXT;\n"));
        CHECK(contains(u3a, "-- +upgrade postgresql\nALTER TABLE attendee ADD COLUMN email VARCHAR(200);\n"));
        CHECK(!contains(u3a, "PRAGMA")); // run when the file imports, not part of the revision
        // A SQLite table rebuild copies the table its ancestors build, when no revision unordered
        // with it names the table; otherwise it is not rendered.
        CHECK(
            contains(read_file(out / "versions" / "uber" / "u2_add_badge.sql"),
                     "INSERT INTO _alembic_tmp_attendee (id, name) SELECT attendee.id, attendee.name\nFROM attendee;"));
        CHECK(contains(imported.out, "u3a (uber/versions/u3a_rev.py) downgrade on sqlite: batch mode rebuilds table "
                                     "attendee, which p1 also names without being ordered with this revision"));
        CHECK(shell("grep -rli alembic_version '" + out.string() + "/versions' || true").empty());

        auto trellis_heads = alembic.trellis({"-c", "out/trellis.ini", "heads"});
        CHECK(trellis_heads.out == "um (uber) (head)\np3 (panels) (head)\n");
        auto again = alembic.trellis({"import-alembic", alembic.ini(), "--out", "out"});
        CHECK(again.exit_code == 2);
        CHECK(contains(again.err, "out/trellis.ini exists already"));
        CHECK(contains(heads, "heads: p3 um"));

        auto trellis = [&](const std::string& url, std::vector<std::string> args) {
            args.insert(args.begin(), {"-c", "out/trellis.ini", "--url", url});
            return alembic.trellis(args);
        };
        // The revision Alembic could not render stops the upgrade, naming the original file.
        for (const auto& [dialect, url] : urls) {
            CAPTURE(dialect);
            auto stopped = trellis(url[1], {"upgrade", "heads"});
            CHECK(stopped.exit_code == 3);
            CHECK(contains(stopped.err, "p3_backfill_titles.sql"));
            CHECK(
                contains(stopped.err, "Alembic revision p3 (panels/versions/p3_rev.py) could not be rendered offline"));
        }
        // Ported by hand, it runs, and the schema is the one Alembic built.
        write_file(out / "versions" / "panels" / "p3_backfill_titles.sql",
                   "-- revision: p3\n-- down_revision: p2\n-- message: backfill titles\n\n-- +upgrade\n"
                   "UPDATE panel SET title = 'x';\n\n-- +downgrade\n");
        for (const auto& [dialect, url] : urls) {
            CAPTURE(dialect);
            auto finished = trellis(url[1], {"upgrade", "heads"});
            REQUIRE_MESSAGE(finished.exit_code == 0, finished.err);
            auto built = schema_of(url[0]);
            CHECK(contains(built, "  index ix_attendee_badge unique (badge)\n"));
            CHECK(contains(built, "  fk (attendee_id) -> attendee\n"));
            CHECK(schema_of(url[1]) == built);

            // A database Alembic left at p2 is taken over and finished.
            bool drop = dialect == "postgresql";
            std::vector<std::string> adopt{"import-alembic", "--adopt-url", url[2]};
            if (drop)
                adopt.push_back("--drop-alembic-version");
            auto adopted = trellis(url[2], adopt);
            REQUIRE_MESSAGE(adopted.exit_code == 0, adopted.err);
            CHECK(contains(adopted.out, "alembic_version holds p2; stamped 5 revision(s)"));
            CHECK(contains(adopted.out, "  uber (3): u1 u2 u3b\n  panels (2): p1 p2\n"));
            CHECK(query(url[2], "SELECT count(*) FROM trellis_version") == "5\n");
            auto left = query(url[2], dialect == "sqlite"
                                          ? "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'"
                                          : "SELECT count(*) FROM pg_tables WHERE tablename = 'alembic_version'");
            CHECK(left == (drop ? "0\n" : "1\n"));
            auto rest = trellis(url[2], {"upgrade", "heads"});
            REQUIRE_MESSAGE(rest.exit_code == 0, rest.err);
            CHECK(contains(rest.out, "Applied 3 revision(s)."));
            CHECK(schema_of(url[2]) == schema_of(url[0]));
            // Taken over once: the ledger is ahead of alembic_version now.
            if (!drop) {
                auto again = trellis(url[2], {"import-alembic", "--adopt-url", url[2]});
                CHECK(again.exit_code == 2);
                CHECK(contains(again.err, "this database was taken over before"));
            }
        }
    }

    TEST_CASE("one version location with several labels splits into branches by Alembic's label inheritance") {
        AlembicProject alembic({"app/versions"}, labelled_revisions());
        PostgresDatabase pg_alembic, pg_trellis;
        auto sqlite_alembic = sqlite_url(alembic.dir(), "alembic.db");
        auto heads = alembic.alembic({"upgrade", alembic.ini(), sqlite_alembic, "heads", "upgrade", alembic.ini(),
                                      pg_alembic.url(), "heads", "heads", alembic.ini()});
        auto imported = alembic.trellis({"import-alembic", alembic.ini(), "--out", "out"});
        REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
        CHECK(contains(imported.out, "Imported 6 revision(s) into 3 branch(es), 0 merge(s)"));
        CHECK(contains(imported.out, "  alpha: 3 revision(s)\n  beta: 2 revision(s), depends on alpha\n"
                                     "  gamma: 1 revision(s), depends on alpha\n"));
        // alpha's head needs beta, which needs alpha: the branches cannot depend both ways.
        CHECK(contains(imported.out, "Note: branch `alpha` needs `beta` (a3 -> b2)"));
        CHECK(contains(read_file(alembic.dir() / "out/versions/gamma/c1_create_c_one.sql"),
                       "-- revision: c1\n-- down_revision: a2\n-- branch_labels: gamma\n"));
        // An autocommit block (CREATE INDEX CONCURRENTLY) runs outside a transaction.
        auto b2 = read_file(alembic.dir() / "out/versions/beta/b2_index_b_one_a_id.sql");
        CHECK(contains(b2, "-- transactional: false\n"));
        CHECK(contains(b2, "-- +upgrade postgresql\nCREATE INDEX CONCURRENTLY ix_b_one_a_id ON b_one (a_id);\n"));
        CHECK(
            contains(read_file(alembic.dir() / "out/versions/alpha/a3_create_a_two.sql"),
                     "CREATE TABLE _alembic_tmp_a_one (\n    id INTEGER NOT NULL,\n    note VARCHAR(40) DEFAULT 'none' "
                     "NOT NULL,"));
        CHECK(contains(heads, "heads: a3 b2 c1"));
        auto trellis_heads = alembic.trellis({"-c", "out/trellis.ini", "heads"});
        CHECK(trellis_heads.out == "a3 (alpha) (head)\nb2 (beta) (head)\nc1 (gamma) (head)\n");
        for (const auto& [alembic_url, trellis_url] :
             {std::pair{sqlite_alembic, sqlite_url(alembic.dir(), "trellis.db")},
              {pg_alembic.url(), pg_trellis.url()}}) {
            CAPTURE(trellis_url);
            auto upgraded = alembic.trellis({"-c", "out/trellis.ini", "--url", trellis_url, "upgrade", "heads"});
            REQUIRE_MESSAGE(upgraded.exit_code == 0, upgraded.err);
            CHECK(contains(upgraded.out, "Applied 6 revision(s)."));
            CHECK(schema_of(trellis_url) == schema_of(alembic_url));
        }

        // --json: the report as one document.
        auto json = alembic.trellis({"--json", "import-alembic", alembic.ini(), "--out", "json"});
        REQUIRE_MESSAGE(json.exit_code == 0, json.err);
        CHECK(contains(json.out, "\"name\": \"gamma\",\n      \"depends\": [\n        \"alpha\"\n      ]"));
        CHECK(contains(json.out, "\"revisions\": 6,"));

        // A revision file that does not import stops the import, naming it.
        write_file(alembic.dir() / "app/versions/d1_rev.py",
                   "import no_such_module\nrevision = 'd1'\ndown_revision = 'a3'\n");
        auto broken = alembic.trellis({"import-alembic", alembic.ini(), "--out", "again"});
        CHECK(broken.exit_code == 2);
        CHECK(contains(broken.err, "d1_rev.py:1: the revision file does not import: ModuleNotFoundError"));
        CHECK(!std::filesystem::exists(alembic.dir() / "again/trellis.ini"));
    }

    TEST_CASE("import-alembic refuses what it cannot read, exit 2, naming it") {
        TempDir dir;
        auto missing = run_trellis({"import-alembic", "nosuch.ini"}, dir.path());
        CHECK(missing.exit_code == 2);
        CHECK(contains(missing.err, "nosuch.ini: no such Alembic config file"));
        write_file(dir / "alembic.ini", "[alembic]\nsqlalchemy.url = sqlite://\n");
        auto bare = run_trellis({"import-alembic", "alembic.ini"}, dir.path());
        CHECK(bare.exit_code == 2);
        CHECK(contains(bare.err, "no `script_location` in the [alembic] section"));
        // A Python without Alembic (site-packages off), and no Python at all.
        write_file(dir / "python", "#!/bin/sh\nexec " + shell(k_python_path) + " -S \"$@\"\n");
        shell("chmod +x '" + (dir / "python").string() + "'");
        auto no_alembic =
            run_trellis({"import-alembic", "alembic.ini"}, dir.path(), {{"TRELLIS_PYTHON", (dir / "python").string()}});
        CHECK(no_alembic.exit_code == 2);
        CHECK(contains(no_alembic.err, "Alembic is not installed for"));
        auto no_python =
            run_trellis({"import-alembic", "alembic.ini"}, dir.path(), {{"TRELLIS_PYTHON", "/nonexistent/python3"}});
        CHECK(no_python.exit_code == 2);
        CHECK(contains(no_python.err, "cannot run /nonexistent/python3"));
        // Adopting a database Alembic never touched.
        write_file(dir / "trellis.ini", "[plugin.app]\nversion_path = versions\n");
        auto url = sqlite_url(dir.path(), "plain.db");
        auto plain = run_trellis({"import-alembic", "--adopt-url", url}, dir.path());
        CHECK(plain.exit_code == 2);
        CHECK(contains(plain.err, "has no `alembic_version` table"));
        // ... or one at a revision the project does not have.
        query(url, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL); "
                   "INSERT INTO alembic_version VALUES ('4c1a9e2b7f30')");
        auto unknown = run_trellis({"import-alembic", "--adopt-url", url}, dir.path());
        CHECK(unknown.exit_code == 2);
        CHECK(contains(unknown.err, "alembic_version holds revision `4c1a9e2b7f30`, which this project does not have"));
        CHECK(query(url, "SELECT count(*) FROM sqlite_master WHERE name = 'trellis_version'") == "0\n");
    }
}
