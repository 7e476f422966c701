// check, diff and autogenerate on databases trellis did not make: a table of types trellis does
// not model never aborts them, a serial or identity id is an auto-increment id (no proposal to
// drop its `nextval` default), `--version-path` is honoured, and a revision that needs the
// user's choice (a NOT NULL foreign key over rows) is refused by lint until it is edited.
#include "model_project.hpp"
#include "project.hpp"

#include <doctest/doctest.h>

using namespace trellis;
using namespace trellis::test;

TEST_SUITE("autogenerate") {
    TEST_CASE("an unowned table of types trellis does not model never aborts check, diff or autogenerate") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect);
                p.set_models({{table("Artist", {column("Name", types::varchar(120))})}, {}});
                p.execute(dialect == "sqlite"
                              ? "CREATE TABLE legacy (a NVARCHAR(160), b CHAR(2), c TINYINT, d CLOB, e, f \"text[]\");"
                              : "CREATE TABLE legacy (a text[], b tsvector, c money, d char(2), e int4range);");
                auto check = p.run({"check"});
                CHECK_MESSAGE(check.exit_code == 1, check.err);
                CHECK(contains(check.out, "create table Artist"));
                auto diff = p.run({"diff"});
                CHECK_MESSAGE(diff.exit_code == 0, diff.err);
                CHECK(contains(diff.out, "Artist"));
                auto r = p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "artists"});
                REQUIRE_MESSAGE(r.exit_code == 0, r.err);
                REQUIRE_MESSAGE(p.run({"upgrade"}).exit_code == 0, p.run({"upgrade"}).err);
                // The model table keeps its case on PostgreSQL: no create "Artist" + drop artist.
                auto clean = p.run({"check"});
                CHECK_MESSAGE(clean.exit_code == 0, clean.out << clean.err);
            }
        }
    }

    TEST_CASE("a serial or identity id made by hand is the model's auto-increment id") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect);
                auto t = table("person", {column("name", types::text())});
                t.columns[0].auto_increment = true;
                auto m = table("member", {});
                m.columns[0].auto_increment = true;
                m.columns[0].type = types::bigint();
                p.set_models({{t, m}, {}});
                REQUIRE(p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "people"}).exit_code ==
                        0);
                REQUIRE(p.run({"upgrade"}).exit_code == 0);
                CHECK(p.run({"check"}).exit_code == 0);
                // Rows get their ids from the database.
                p.execute("INSERT INTO person (name) VALUES ('ann'); INSERT INTO person (name) VALUES ('bo');");
                CHECK(p.sql("SELECT id, name FROM person ORDER BY id") == "1|ann\n2|bo\n");
                if (dialect == "postgresql") {
                    p.execute("DROP TABLE person; CREATE TABLE person (id serial PRIMARY KEY, name text);");
                    auto r = p.run({"check"});
                    CHECK_MESSAGE(r.exit_code == 0, r.out);
                }
            }
        }
    }

    TEST_CASE("revision --autogenerate --version-path DIR writes into DIR") {
        ModelProject p("sqlite");
        p.set_models({{table("thing", {})}, {}});
        auto r = p.run(
            {"revision", "--autogenerate", "--plugin", "json_models", "--version-path", "elsewhere", "-m", "things"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(revision_files(p.dir() / "elsewhere").size() == 1);
        CHECK(revision_files(p.versions("json_models")).empty());
    }

    TEST_CASE("a NOT NULL foreign key over rows: the revision says so, lint refuses it, the upgrade fails") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect);
                Models m{{table("parent", {}), table("child", {})}, {}};
                p.set_models(m);
                REQUIRE(p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "tables"}).exit_code ==
                        0);
                REQUIRE(p.run({"upgrade"}).exit_code == 0);
                p.execute("INSERT INTO parent (id) VALUES (1); INSERT INTO child (id) VALUES (10);");
                m.tables[1].columns.push_back(column("parent_id", types::integer(), false));
                m.tables[1].foreign_keys.push_back({"child_parent_fkey", {"parent_id"}, "parent", {"id"}});
                p.set_models(m);
                auto r = p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "parent"});
                REQUIRE_MESSAGE(r.exit_code == 0, r.err);
                auto file = read_file(p.dir() / lines(r.out).at(0));
                CHECK(contains(file, "TODO: child.parent_id is NOT NULL and part of a foreign key"));
                auto lint = p.run({"lint"});
                CHECK_MESSAGE(lint.exit_code == 1, lint.out << lint.err);
                auto up = p.run({"upgrade"});
                CHECK_MESSAGE(up.exit_code == 3, up.out << up.err);
                CHECK(p.sql("SELECT id FROM child") == "10\n");
            }
        }
    }

    TEST_CASE("a SQLite rebuild over rows whose foreign key matches nothing fails naming the table, rows and key") {
        ModelProject p("sqlite");
        auto child = table("child", {column("parent_id", types::integer()), column("n", types::integer())});
        child.foreign_keys.push_back({"child_parent_fkey", {"parent_id"}, "parent", {"id"}});
        Models m{{table("parent", {}), child}, {}};
        p.set_models(m);
        REQUIRE(p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "tables"}).exit_code == 0);
        REQUIRE(p.run({"upgrade"}).exit_code == 0);
        // Written with foreign keys off, as SQLite's default connection does.
        p.execute("INSERT INTO parent (id) VALUES (1); INSERT INTO child (id, parent_id, n) VALUES (10, 1, 0), "
                  "(11, 99, 0), (12, 98, 0), (13, 97, 0), (14, 96, 0);");
        m.tables[1].columns[2].type = types::bigint(); // SQLite rebuilds the table for it
        p.set_models(m);
        auto r = p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "wider"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        auto up = p.run({"upgrade"});
        CHECK_MESSAGE(up.exit_code == 3, up.out << up.err);
        CHECK_MESSAGE(contains(up.err, "child: 4 row(s) whose foreign key matches no row, so nothing was changed: "
                                       "id = 11: parent_id = 99 matches no row of parent; id = 12: parent_id = 98 "
                                       "matches no row of parent; id = 13: parent_id = 97 matches no row of parent; "
                                       "and 1 more. Fix or delete them first."),
                      up.err);
        CHECK(p.sql("SELECT count(*) FROM child") == "5\n");
        CHECK(p.sql("SELECT type FROM pragma_table_info('child') WHERE name = 'n'") == "INTEGER\n");
    }
}
