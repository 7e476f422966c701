// The ledger (db/ledger.cpp), called directly on both databases: what insert_sql writes reads back
// whole (quotes and line breaks in the stored downgrade included), `edges` finds a revision's rows
// and the rows that name it exactly (never a longer id that contains it), and a table of that name
// that is no ledger is said to be none.
#include "db/database.hpp"
#include "db/ledger.hpp"
#include "db/url.hpp"
#include "support.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <memory>

using namespace trellis;
using namespace trellis::test;

namespace {

// An empty database of `dialect`, open for writing.
struct Scratch {
    TempDir dir;
    std::unique_ptr<PostgresDatabase> pg;
    std::unique_ptr<Database> db;
    explicit Scratch(const std::string& dialect) {
        std::string url = "sqlite:///" + (dir / "ledger.db").string();
        if (dialect == "postgresql") {
            pg = std::make_unique<PostgresDatabase>();
            url = pg->url();
        }
        db = connect(parse_url(url, dir.path()), OpenMode::read_write, 10);
    }
};

LedgerRow row(const std::string& id, std::vector<std::string> down, std::vector<std::string> depends = {}) {
    LedgerRow r;
    r.revision = id;
    r.branch = "app";
    r.checksum = std::string(64, 'a');
    r.downgrade_sql = "DROP TABLE \"it's\";\nDROP TABLE t_" + id + ";";
    r.duration_ms = 42;
    r.down_revisions = std::move(down);
    r.depends_on = std::move(depends);
    return r;
}

std::vector<std::string> ids(const std::vector<LedgerRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows)
        out.push_back(r.revision);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_SUITE("ledger") {
    TEST_CASE("rows written by the ledger's SQL read back whole, and edges match ids exactly") {
        for (const std::string dialect : {"sqlite", "postgresql"}) {
            SUBCASE(dialect.c_str()) {
                Scratch s(dialect);
                auto& db = *s.db;
                Ledger ledger(db.kind(), "trellis_version", dialect == "postgresql" ? "public" : "");
                CHECK(ledger.read(db).empty()); // no table yet: no rows, no error
                db.execute(ledger.create_sql());
                db.execute(ledger.create_sql()); // IF NOT EXISTS
                for (const auto& r :
                     {row("a1", {}), row("a2", {"a1"}), row("b1", {}, {"a1", "a2"}), row("c1", {"a10"})})
                    db.execute(ledger.insert_sql(r));

                auto rows = ledger.read(db);
                CHECK(ids(rows) == std::vector<std::string>{"a1", "a2", "b1", "c1"});
                auto b1 = ledger.find(db, "b1");
                REQUIRE(b1);
                CHECK(b1->branch == "app");
                CHECK(b1->checksum == std::string(64, 'a'));
                CHECK(b1->downgrade_sql == "DROP TABLE \"it's\";\nDROP TABLE t_b1;");
                CHECK(b1->duration_ms == 42);
                CHECK(b1->down_revisions.empty());
                CHECK(b1->depends_on == std::vector<std::string>{"a1", "a2"});
                CHECK(b1->applied_at.size() >= 19); // YYYY-MM-DD HH:MM:SS
                CHECK_FALSE(ledger.find(db, "zz"));

                // The rows of a2, and every row that names a1 (c1 names a10, which contains it).
                CHECK(ids(ledger.edges(db, {"a2"}, "a1")) == std::vector<std::string>{"a2", "b1"});
                CHECK(ids(ledger.edges(db, {"a1", "zz"})) == std::vector<std::string>{"a1"});

                db.execute(ledger.update_checksum_sql("a2", std::string(64, 'b'), "DROP TABLE t_a2_new;"));
                CHECK(ledger.find(db, "a2")->checksum == std::string(64, 'b'));
                CHECK(ledger.find(db, "a2")->downgrade_sql == "DROP TABLE t_a2_new;");
                db.execute(ledger.delete_sql("a1"));
                CHECK(ids(ledger.read(db)) == std::vector<std::string>{"a2", "b1", "c1"});
                db.execute(ledger.delete_all_sql());
                CHECK(ledger.read(db).empty());
            }
        }
    }

    TEST_CASE("a table of the ledger's name that is no ledger is a database error naming it") {
        for (const std::string dialect : {"sqlite", "postgresql"}) {
            SUBCASE(dialect.c_str()) {
                Scratch s(dialect);
                s.db->execute("CREATE TABLE schema_log (id INTEGER)");
                Ledger ledger(s.db->kind(), "schema_log", dialect == "postgresql" ? "public" : "");
                try {
                    ledger.read(*s.db);
                    FAIL("read a table that is no ledger");
                } catch (const Error& e) {
                    CHECK(e.code() == ExitCode::database);
                    CHECK(std::string(e.what()).starts_with("table `schema_log` in "));
                }
            }
        }
    }

    TEST_CASE("on PostgreSQL the ledger and its lock table are named with their schema") {
        Ledger pg(Dialect::postgresql, "trellis_version", "ops");
        CHECK(pg.qualified() == "\"ops\".trellis_version");
        CHECK(pg.qualified_lock_table() == "\"ops\".trellis_version_lock");
        Ledger sqlite(Dialect::sqlite, "trellis_version");
        CHECK(sqlite.qualified() == "trellis_version");
        CHECK(sqlite.insert_sql(row("a1", {})).starts_with("INSERT INTO trellis_version (revision, branch"));
    }
}
