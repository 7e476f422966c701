// drop-db, reset-db, prepare and verify on the demo application, on SQLite and PostgreSQL: what a
// developer resetting a database, or a CI job checking revisions against models, relies on.
#include "demo_database.hpp"
#include "project.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace trellis::test;

TEST_SUITE("lifecycle") {
    TEST_CASE("reset-db and prepare build what upgrade heads builds, and drop-db takes it all away") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                DemoDatabase db(dialect);
                auto prepared = demo(db.url, {"prepare"});
                REQUIRE_MESSAGE(prepared.exit_code == 0, prepared.err);
                CHECK(contains(prepared.out, "Created 17 table(s) from the models and marked 20 revision(s) applied."));
                auto check = demo(db.url, {"check"});
                CHECK_MESSAGE(check.exit_code == 0, check.out);
                CHECK(demo(db.url, {"status"}).out.find("pending") == std::string::npos);
                // A database that is not empty is upgraded instead.
                auto again = demo(db.url, {"prepare"});
                CHECK(again.exit_code == 0);
                CHECK(contains(again.out, "Nothing to do"));

                // drop-db leaves alone what no plugin owns.
                db.sql("CREATE TABLE visitor_notes (id INTEGER)");
                auto dropped = demo(db.url, {"drop-db"});
                REQUIRE_MESSAGE(dropped.exit_code == 0, dropped.err);
                CHECK(contains(dropped.out, "Dropped 18 table(s)"));
                CHECK(contains(dropped.out, "Left alone (no plugin owns them): visitor_notes"));
                auto tables = dialect == "sqlite"
                                  ? db.sql("SELECT name FROM sqlite_master WHERE type = 'table'")
                                  : db.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
                CHECK(tables == "visitor_notes\n");

                // reset-db from an upgraded database gives the same schema the revisions give.
                REQUIRE(demo(db.url, {"upgrade"}).exit_code == 0);
                auto reset = demo(db.url, {"reset-db"});
                REQUIRE_MESSAGE(reset.exit_code == 0, reset.err);
                CHECK(demo(db.url, {"check"}).exit_code == 0);
                CHECK(contains(demo(db.url, {"upgrade"}).out, "Nothing to do"));
            }
        }
    }

    TEST_CASE("drop-db and reset-db refuse without dev = true or --yes, and change nothing") {
        TempDir dir;
        auto url = "sqlite:///" + (dir.path() / "prod.db").string();
        write_file(dir.path() / "trellis.ini",
                   fmt::format("url = {}\nplugin_path = {}\ndev = false\n", url, TRELLIS_PLUGIN_DIR));
        REQUIRE(run_trellis({"upgrade"}, dir.path()).exit_code == 0);
        for (const char* command : {"drop-db", "reset-db"}) {
            auto refused = run_trellis({command}, dir.path());
            CHECK(refused.exit_code == 2);
            CHECK(contains(refused.err, "runs only where trellis.ini says `dev = true`"));
        }
        CHECK(query(url, "SELECT count(*) FROM trellis_version") == "20\n");
        CHECK(run_trellis({"drop-db", "--yes"}, dir.path()).exit_code == 0);
        CHECK(query(url, "SELECT count(*) FROM sqlite_master WHERE type = 'table'") == "0\n");
    }

    TEST_CASE("the demo passes verify on both databases") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                DemoDatabase db(dialect);
                auto verified = demo(db.url, {"verify"});
                CHECK_MESSAGE(verified.exit_code == 0, verified.out << verified.err);
                CHECK(contains(verified.out,
                               "verify: 0 finding(s); 5 order(s) upgraded from empty, 20 revision(s) round-tripped"));
                if (dialect == "postgresql")
                    CHECK(db.sql("SELECT count(*) FROM pg_database WHERE datname LIKE 'trellis_verify%'") == "0\n");
            }
        }
    }
}
