// upgrade, downgrade, stamp, current, status, repair against real databases, on SQLite and on
// PostgreSQL: what a user checks after each command, in the schema and in the ledger.
#include "project.hpp"

#include <algorithm>
#include <csignal>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

using namespace trellis::test;

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// uber (3) <- panels (2, its base depends on uber's second revision)
struct TwoBranches {
    Project project;
    std::vector<std::string> uber, panels;
    explicit TwoBranches(const std::string& dialect)
        : project(dialect) {
        project.branch("uber");
        project.branch("panels", {"uber"});
        uber = project.chain("uber", "u", 3);
        panels = project.chain("panels", "p", 2, std::nullopt, {uber[1]});
    }
};

} // namespace

TEST_SUITE("migrate") {
    TEST_CASE("upgrade heads applies every branch and records each revision in the ledger") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoBranches t(dialect);
                auto r = t.project.run({"upgrade", "heads"});
                REQUIRE_MESSAGE(r.exit_code == 0, r.err);
                CHECK(contains(r.out, "Applied 5 revision(s)."));
                CHECK(t.project.tables() == std::vector<std::string>{"p_0", "p_1", "u_0", "u_1", "u_2"});
                CHECK(t.project.ledger() == std::vector<std::string>{"p0000", "p0001", "u0000", "u0001", "u0002"});
                auto row = lines(t.project.sql("SELECT branch, length(checksum), downgrade_sql, duration_ms >= 0, "
                                               "depends_on FROM trellis_version WHERE revision = 'p0000'"));
                REQUIRE(row.size() == 1);
                CHECK(row[0] == (dialect == "sqlite" ? "panels|64|DROP TABLE p_0;|1|u0001"
                                                     : "panels|64|DROP TABLE p_0;|t|u0001"));
                auto again = t.project.run({"upgrade"});
                CHECK(again.exit_code == 0);
                CHECK(contains(again.out, "Nothing to do"));
                auto current = t.project.run({"current"});
                CHECK(lines(current.out) == std::vector<std::string>{"u0002 (uber) (head)", "p0001 (panels) (head)"});
            }
        }
    }

    TEST_CASE("a failure in the middle of a five-revision upgrade keeps exactly the earlier revisions") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                failing_middle(p);
                auto r = p.run({"upgrade", "heads"});
                CHECK(r.exit_code == 3);
                CHECK(contains(r.err, "versions/app/a0002_revision.sql:8: upgrade of a0002 failed"));
                CHECK(contains(r.err, "no_such_table"));
                CHECK(contains(r.err, "statement: INSERT INTO no_such_table VALUES (1)"));
                CHECK(contains(r.err, "2 earlier revision(s) of this run kept"));
                if (dialect == "postgresql")
                    CHECK(contains(r.err, "SQLSTATE 42P01"));
                // Alembic's `Running upgrade` lines come first; the error itself is one or two lines.
                CHECK(lines(r.err.substr(r.err.find("trellis: error:"))).size() <= 2);
                CHECK(contains(r.err, "Running upgrade a0001 -> a0002 (app), revision a0002\n"));
                CHECK(p.ledger() == std::vector<std::string>{"a0000", "a0001"});
                CHECK(p.tables() == std::vector<std::string>{"a_0", "a_1"}); // half_done rolled back
            }
        }
    }

    TEST_CASE("a ledger row that cannot be written rolls its revision back") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                auto ids = p.chain("app", "a", 1);
                REQUIRE(p.run({"upgrade"}).exit_code == 0);
                // A hand-made constraint on the ledger: a second row of the branch is refused.
                p.sql("CREATE UNIQUE INDEX one_per_branch ON trellis_version (branch)");
                p.revision("app", "a0001", {ids[0]}, "CREATE TABLE a_1 (id INTEGER);", "DROP TABLE a_1;");
                auto r = p.run({"upgrade"});
                CHECK(r.exit_code == 3);
                CHECK_MESSAGE(
                    contains(r.err, "a0001_revision.sql: committing the upgrade of a0001 with its ledger row failed"),
                    r.err);
                CHECK(contains(r.err, "the revision was rolled back, 0 earlier revision(s) of this run kept"));
                if (dialect == "postgresql")
                    CHECK(contains(r.err, "SQLSTATE 23505"));
                CHECK(p.ledger() == std::vector<std::string>{"a0000"});
                CHECK(p.tables() == std::vector<std::string>{"a_0"}); // a_1 rolled back with its row
                p.sql("DROP INDEX one_per_branch");
                REQUIRE(p.run({"upgrade"}).exit_code == 0);
                CHECK(p.ledger() == std::vector<std::string>{"a0000", "a0001"});
            }
        }
    }

    TEST_CASE("a constraint checked at commit fails its revision by name and leaves nothing behind") {
        // PostgreSQL only: SQLite checks deferred foreign keys only with PRAGMA foreign_keys on.
        Project p("postgresql");
        p.branch("app");
        p.revision("app", "d0001", {},
                   "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
                   "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);\n"
                   "INSERT INTO child VALUES (42);",
                   "DROP TABLE child;\nDROP TABLE parent;");
        auto r = p.run({"upgrade"});
        CHECK(r.exit_code == 3);
        CHECK_MESSAGE(contains(r.err, "committing the upgrade of d0001 with its ledger row failed"), r.err);
        CHECK(contains(r.err, "SQLSTATE 23503"));
        CHECK(p.tables().empty());
        CHECK(p.ledger().empty());
    }

    TEST_CASE("a non-transactional revision says so when it fails") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.revision("app", "n1", {}, "CREATE TABLE stays (id INTEGER);\nSELECT * FROM missing_table;",
                           "DROP TABLE stays;", {}, "-- transactional: false\n");
                auto r = p.run({"upgrade"});
                CHECK(r.exit_code == 3);
                CHECK(contains(r.err, "`transactional: false`, so the statements before this one stay applied"));
                CHECK(p.ledger().empty());
                CHECK(p.tables() == std::vector<std::string>{"stays"});
            }
        }
    }

    TEST_CASE("--sql prints the whole script and touches nothing; run by sqlite3 or psql it gives the same result") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoBranches t(dialect);
                auto script = t.project.run({"upgrade", "heads", "--sql"});
                REQUIRE_MESSAGE(script.exit_code == 0, script.err);
                // On PostgreSQL the ledger is named with its schema (a revision's search_path cannot move it).
                auto ledger_name = dialect == "sqlite" ? "trellis_version" : "\"public\".trellis_version";
                CHECK(contains(script.out, fmt::format("CREATE TABLE IF NOT EXISTS {}", ledger_name)));
                CHECK(contains(script.out, fmt::format("INSERT INTO {}", ledger_name)));
                CHECK(t.project.tables().empty());
                CHECK(t.project.ledger().empty());
                if (dialect == "sqlite")
                    CHECK_FALSE(std::filesystem::exists(t.project.dir() / "test.db"));

                // The same project, applied online, is the reference.
                TwoBranches online(dialect);
                REQUIRE(online.project.run({"upgrade", "heads"}).exit_code == 0);
                write_file(t.project.dir() / "script.sql", script.out);
                auto file = (t.project.dir() / "script.sql").string();
                if (dialect == "sqlite")
                    shell("sqlite3 -batch -bail '" + (t.project.dir() / "test.db").string() + "' < '" + file + "'");
                else
                    shell("psql -X -q -v ON_ERROR_STOP=1 '" + t.project.url() + "' -f '" + file + "' >/dev/null");
                CHECK(t.project.tables() == online.project.tables());
                auto ledger =
                    "SELECT revision, branch, checksum, downgrade_sql, down_revision, depends_on FROM trellis_version "
                    "ORDER BY revision";
                CHECK(t.project.sql(ledger) == online.project.sql(ledger));
                // And trellis reads the scripted ledger as its own.
                CHECK(contains(t.project.run({"upgrade"}).out, "Nothing to do"));

                auto down = t.project.run({"downgrade", "base", "--sql"});
                CHECK(contains(down.out, "DROP TABLE p_1;"));
                CHECK(contains(down.out, fmt::format("DELETE FROM {} WHERE revision = 'p0001'", ledger_name)));
                CHECK(t.project.ledger().size() == 5);
            }
        }
    }

    TEST_CASE("--dry-run prints the plan grouped by branch and touches nothing") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoBranches t(dialect);
                auto r = t.project.run({"upgrade", "--dry-run"});
                CHECK(r.exit_code == 0);
                CHECK(r.out == "Upgrade 5 revision(s):\n  uber (3):\n       1. u0000 revision u0000\n       2. u0001 "
                               "revision u0001\n"
                               "       3. u0002 revision u0002\n  panels (2):\n       4. p0000 revision p0000\n"
                               "       5. p0001 revision p0001\n");
                CHECK(t.project.tables().empty());
            }
        }
    }

    TEST_CASE("a changed file stops upgrade and downgrade; --ignore-checksums goes on; repair accepts it") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoBranches t(dialect);
                REQUIRE(t.project.run({"upgrade", "u0001"}).exit_code == 0);
                auto path = t.project.dir() / "versions/uber/u0000_revision.sql";
                auto text = read_file(path);
                write_file(path, text.replace(text.find("DROP TABLE u_0;"), 15, "DROP TABLE IF EXISTS u_0;"));
                auto up = t.project.run({"upgrade"});
                CHECK(up.exit_code == 2);
                CHECK(
                    contains(up.err, "versions/uber/u0000_revision.sql: revision u0000 changed since it was applied"));
                CHECK(t.project.run({"downgrade", "base"}).exit_code == 2);
                auto status = t.project.run({"status"});
                CHECK(contains(status.out, "changed  u0000"));
                CHECK(t.project.ledger().size() == 2);
                CHECK(t.project.run({"upgrade", "u0002", "--ignore-checksums"}).exit_code == 0);
                auto repair = t.project.run({"repair"});
                CHECK(repair.exit_code == 0);
                CHECK(contains(repair.out, "repaired u0000"));
                // The downgrade stays the one applied, which matches the database (issue 12).
                CHECK(contains(repair.err, "u0000: the ledger keeps the downgrade stored when it was applied"));
                CHECK(t.project.sql("SELECT downgrade_sql FROM trellis_version WHERE revision = 'u0000'") ==
                      "DROP TABLE u_0;\n");
                CHECK(t.project.run({"upgrade"}).exit_code == 0);
            }
        }
    }

    TEST_CASE("a ledger row whose file is gone shows in current and status, and downgrade reverts it from the ledger") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoBranches t(dialect);
                REQUIRE(t.project.run({"upgrade"}).exit_code == 0);
                std::filesystem::remove(t.project.dir() / "versions/panels/p0001_revision.sql");
                auto current = t.project.run({"current"});
                CHECK(contains(current.out, "p0001 (panels) (head) (file gone)"));
                auto status = t.project.run({"status"});
                CHECK(contains(status.out, "gone     p0001"));
                auto down = t.project.run({"downgrade", "panels@base"});
                REQUIRE_MESSAGE(down.exit_code == 0, down.err);
                CHECK(t.project.tables() == std::vector<std::string>{"u_0", "u_1", "u_2"});
                CHECK(t.project.ledger() == std::vector<std::string>{"u0000", "u0001", "u0002"});
            }
        }
    }

    TEST_CASE("stamp --purge writes a gone revision's stored row again, and a stored parent nobody knows is dropped") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoBranches t(dialect);
                REQUIRE(t.project.run({"upgrade"}).exit_code == 0);
                std::filesystem::remove(t.project.dir() / "versions/panels/p0001_revision.sql");
                auto stored = "SELECT checksum, downgrade_sql, down_revision FROM trellis_version WHERE revision = "
                              "'p0001'";
                auto before = t.project.sql(stored);
                auto purge = t.project.run({"stamp", "--purge", "heads"});
                REQUIRE_MESSAGE(purge.exit_code == 0, purge.err);
                CHECK(t.project.sql(stored) == before);
                CHECK(contains(t.project.run({"status"}).out, "gone     p0001"));
                // p0000 goes too, file and row: the row of p0001 names a parent nobody knows any more.
                std::filesystem::remove(t.project.dir() / "versions/panels/p0000_revision.sql");
                t.project.sql("DELETE FROM trellis_version WHERE revision = 'p0000'");
                auto current = t.project.run({"current"});
                REQUIRE_MESSAGE(current.exit_code == 0, current.err);
                CHECK(contains(current.out, "p0001 (panels) (head) (file gone)"));
                // --json names the heads before (the gone one among them) and after.
                auto down = t.project.run({"--json", "downgrade", "panels@base"});
                REQUIRE_MESSAGE(down.exit_code == 0, down.err);
                auto run = nlohmann::json::parse(down.out);
                CHECK(run["before"] == nlohmann::json::array({"u0002", "p0001"}));
                CHECK(run["after"] == nlohmann::json::array({"u0002"}));
                CHECK(t.project.tables() == std::vector<std::string>{"p_0", "u_0", "u_1", "u_2"});
                CHECK(t.project.ledger() == std::vector<std::string>{"u0000", "u0001", "u0002"});
            }
        }
    }

    TEST_CASE("uninstalling a plugin: its library and version path gone, downgrade P@base reverts it and what depends "
              "on it") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("uber");
                p.branch("panels", {"uber"});
                p.branch("guests", {"panels"});
                auto uber = p.chain("uber", "u", 2);
                auto panels = p.chain("panels", "p", 2, std::nullopt, {uber[1]});
                p.chain("guests", "g", 2, std::nullopt, {panels[1]});
                REQUIRE(p.run({"upgrade"}).exit_code == 0);
                p.remove_branch("guests");
                p.remove_branch("panels");
                auto plan = p.run({"downgrade", "panels@base", "--dry-run"});
                REQUIRE_MESSAGE(plan.exit_code == 0, plan.err);
                CHECK(plan.out == "Downgrade 4 revision(s):\n"
                                  "  panels (2):\n       3. p0001 (file gone; the ledger keeps its downgrade)\n"
                                  "       4. p0000 (file gone; the ledger keeps its downgrade)\n"
                                  "  guests (2):\n       1. g0001 (file gone; the ledger keeps its downgrade)\n"
                                  "       2. g0000 (file gone; the ledger keeps its downgrade)\n");
                auto down = p.run({"downgrade", "panels@base"});
                REQUIRE_MESSAGE(down.exit_code == 0, down.err);
                CHECK(p.tables() == std::vector<std::string>{"u_0", "u_1"});
                CHECK(p.ledger() == std::vector<std::string>{"u0000", "u0001"});
            }
        }
    }

    TEST_CASE("-- +irreversible stops a downgrade before anything runs") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.revision("app", "r1", {}, "CREATE TABLE a (id INTEGER);", "DROP TABLE a;");
                auto path = p.dir() / "versions/app/r2_revision.sql";
                write_file(path, "-- revision: r2\n-- down_revision: r1\n-- message: drop data\n\n-- +upgrade\n"
                                 "CREATE TABLE b (id INTEGER);\n\n-- +irreversible\n");
                p.revision("app", "r3", {"r2"}, "CREATE TABLE c (id INTEGER);", "DROP TABLE c;");
                REQUIRE(p.run({"upgrade"}).exit_code == 0);
                auto r = p.run({"downgrade", "base"});
                CHECK(r.exit_code == 2);
                CHECK(contains(r.err, "r2_revision.sql: revision r2 (drop data) is irreversible"));
                CHECK(p.ledger() == std::vector<std::string>{"r1", "r2", "r3"});
                CHECK(p.tables() == std::vector<std::string>{"a", "b", "c"});
                CHECK(p.run({"downgrade", "r2"}).exit_code == 0);
                CHECK(p.tables() == std::vector<std::string>{"a", "b"});
            }
        }
    }

    TEST_CASE("dialect sections are picked by the target database") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                write_file(p.dir() / "versions/app/d1_dialects.sql",
                           "-- revision: d1\n-- down_revision:\n-- message: per dialect\n\n"
                           "-- +upgrade\nCREATE TABLE generic (id INTEGER);\n\n"
                           "-- +upgrade postgresql\nCREATE TABLE only_pg (id INTEGER);\n\n"
                           "-- +downgrade\nDROP TABLE generic;\n\n-- +downgrade postgresql\nDROP TABLE only_pg;\n");
                REQUIRE(p.run({"upgrade"}).exit_code == 0);
                CHECK(p.tables() == std::vector<std::string>{dialect == "sqlite" ? "generic" : "only_pg"});
                REQUIRE(p.run({"downgrade", "base"}).exit_code == 0);
                CHECK(p.tables().empty());
            }
        }
    }

    TEST_CASE("stamp marks revisions applied or unapplied without running SQL; --purge empties the ledger first") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoBranches t(dialect);
                auto r = t.project.run({"stamp", "heads"});
                REQUIRE_MESSAGE(r.exit_code == 0, r.err);
                CHECK(t.project.ledger().size() == 5);
                CHECK(t.project.tables().empty());
                // Stamping u0001 unapplies what comes after it in uber; panels merely depends on u0001.
                CHECK(t.project.run({"stamp", "u0001"}).exit_code == 0);
                CHECK(t.project.ledger() == std::vector<std::string>{"p0000", "p0001", "u0000", "u0001"});
                CHECK(t.project.run({"stamp", "panels@base"}).exit_code == 0);
                CHECK(t.project.ledger() == std::vector<std::string>{"u0000", "u0001"});
                CHECK(t.project.run({"stamp", "panels@head"}).exit_code == 0);
                CHECK(t.project.ledger() == std::vector<std::string>{"p0000", "p0001", "u0000", "u0001"});
                CHECK(t.project.run({"stamp", "uber@base"}).exit_code == 0);
                CHECK(t.project.ledger().empty());
                CHECK(t.project.run({"stamp", "heads"}).exit_code == 0);
                CHECK(t.project.run({"stamp", "--purge", "u0000"}).exit_code == 0);
                CHECK(t.project.ledger() == std::vector<std::string>{"u0000"});
                auto status = t.project.run({"status"});
                CHECK(contains(status.out, "uber: 1 of 3 applied, 2 pending"));
                CHECK(contains(status.out, "panels: 0 of 2 applied, 2 pending"));
            }
        }
    }

    TEST_CASE("downgrade to every target form, and current after each") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoBranches t(dialect);
                auto& p = t.project;
                auto up = [&] { REQUIRE(p.run({"upgrade", "heads"}).exit_code == 0); };
                auto current = [&] { return lines(p.run({"current"}).out); };
                up();
                CHECK(p.run({"downgrade", "panels@-1"}).exit_code == 0);
                CHECK(current() == std::vector<std::string>{"u0002 (uber) (head)", "p0000 (panels)"});
                up();
                // u0001 stays, and so does p0000 which merely depends on it.
                CHECK(p.run({"downgrade", "u0001"}).exit_code == 0);
                CHECK(sorted(p.ledger()) == std::vector<std::string>{"p0000", "p0001", "u0000", "u0001"});
                // Reverting u0000's descendants takes panels too (it depends on u0001).
                auto ambiguous_prefix = p.run({"downgrade", "u000"});
                CHECK(ambiguous_prefix.exit_code == 2);
                CHECK(contains(ambiguous_prefix.err, "ambiguous revision prefix `u000`: u0000, u0001, u0002"));
                CHECK(p.run({"downgrade", "u0000"}).exit_code == 0);
                CHECK(p.ledger() == std::vector<std::string>{"u0000"});
                up();
                CHECK(p.run({"downgrade", "panels@base"}).exit_code == 0);
                CHECK(current() == std::vector<std::string>{"u0002 (uber) (head)"});
                CHECK(p.run({"downgrade", "uber@u0000"}).exit_code == 0);
                CHECK(current() == std::vector<std::string>{"u0000 (uber)"});
                auto many = p.run({"downgrade", "-1"});
                CHECK(many.exit_code == 0);
                CHECK(current() == std::vector<std::string>{"No revision applied."});
                up();
                auto ambiguous = p.run({"downgrade", "-1"});
                CHECK(ambiguous.exit_code == 2);
                CHECK(contains(ambiguous.err, "has 2 heads: u0002 (uber), p0001 (panels)"));
                CHECK(p.run({"downgrade", "base"}).exit_code == 0);
                CHECK(p.ledger().empty());
                CHECK(p.tables().empty());
                auto unknown = p.run({"downgrade", "nosuch"});
                CHECK(unknown.exit_code == 2);
                CHECK(contains(unknown.err, "unknown revision `nosuch`"));
            }
        }
    }

    TEST_CASE("two processes upgrading at the same moment apply each revision once and both succeed") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.chain("app", "c", 40);
                Result first, second;
                std::thread a([&] { first = p.run({"upgrade", "heads"}); });
                std::thread b([&] { second = p.run({"upgrade", "heads"}); });
                a.join();
                b.join();
                CHECK_MESSAGE(first.exit_code == 0, first.err);
                CHECK_MESSAGE(second.exit_code == 0, second.err);
                CHECK(p.ledger().size() == 40);
                CHECK(p.tables().size() == 40);
                CHECK(p.sql("SELECT count(DISTINCT revision) FROM trellis_version") == "40\n");
                // Each says what it applied itself: the two counts add up to 40, never 80.
                auto applied = [](const Result& r) {
                    auto at = r.out.find("Applied ");
                    return at == std::string::npos ? 0 : std::stoi(r.out.substr(at + 8));
                };
                CHECK(applied(first) + applied(second) == 40);
            }
        }
    }

    TEST_CASE("a process killed at random points of a 200-revision upgrade leaves ledger and schema agreeing") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.chain("app", "k", 200);
                std::mt19937 random(dialect == "sqlite" ? 7 : 11);
                for (int attempt = 0; attempt < 4; ++attempt) {
                    auto command = fmt::format("cd '{}' && exec '{}' --url '{}' upgrade heads >/dev/null 2>&1 & "
                                               "sleep 0.{:03}; kill -9 $! 2>/dev/null; wait $! 2>/dev/null; true",
                                               p.dir().string(), TRELLIS_BINARY, p.url(), 20 + random() % 300);
                    shell("bash -c \"" + command + "\"");
                    auto ledger = p.ledger();
                    auto tables = p.tables();
                    // Every applied revision k000N created table k_N, and no other table exists.
                    std::vector<std::string> expected;
                    for (const auto& id : ledger)
                        expected.push_back("k_" + std::to_string(std::stoi(id.substr(1))));
                    CHECK(sorted(expected) == tables);
                }
                auto finish = p.run({"upgrade", "heads"});
                CHECK_MESSAGE(finish.exit_code == 0, finish.err);
                CHECK(p.ledger().size() == 200);
                CHECK(p.tables().size() == 200);
            }
        }
    }

    TEST_CASE("a lock held too long ends in exit 3 naming the holder where the database tells it") {
        SUBCASE("postgresql") {
            Project p("postgresql");
            p.branch("app");
            p.revision("app", "slow", {}, "SELECT pg_sleep(4);\nCREATE TABLE s (id INTEGER);", "DROP TABLE s;");
            Result slow;
            std::thread holder([&] { slow = p.run({"upgrade"}); });
            std::this_thread::sleep_for(std::chrono::milliseconds(1200));
            auto waiting = p.run({"upgrade", "--lock-timeout", "1"});
            holder.join();
            CHECK(slow.exit_code == 0);
            CHECK(waiting.exit_code == 3);
            CHECK(contains(waiting.err, "another migration holds the lock on \"public\".trellis_version_lock (held by "
                                        "`trellis upgrade` on host "));
            CHECK(contains(waiting.err, "gave up after 1 s (--lock-timeout)"));
        }
        SUBCASE("sqlite") {
            Project p("sqlite");
            p.branch("app");
            p.chain("app", "l", 1);
            REQUIRE(p.run({"stamp", "base"}).exit_code == 0); // creates the file and the ledger
            auto db = (p.dir() / "test.db").string();
            // sqlite3 holds the write lock while a long query runs.
            shell("(sqlite3 '" + db + "' 'BEGIN IMMEDIATE; " + sqlite_busy(30000000) +
                  " COMMIT;' >/dev/null 2>&1 &) ; sleep 0.3");
            auto waiting = p.run({"upgrade", "--lock-timeout", "1"});
            CHECK(waiting.exit_code == 3);
            CHECK(contains(waiting.err, "is locked by another writer; gave up after 1 s"));
            shell("sleep 3");
        }
    }

    TEST_CASE("progress: one line per revision with -v, nothing with -q") {
        TwoBranches t("sqlite");
        auto verbose = t.project.run({"-v", "upgrade", "uber@head"});
        CHECK(lines(verbose.err).size() == 3);
        CHECK(contains(verbose.err, "u0000 (uber) revision u0000"));
        auto quiet = t.project.run({"-q", "upgrade"});
        CHECK(quiet.out.empty());
        CHECK(quiet.err.empty());
    }
}
