// Running revisions (issues 11 and 14): DDL lock waits bounded per attempt and retried within a
// budget, naming the blocker; whatever runs at once, every applied revision has what it needs
// applied and the ledger matches the schema; the ledger stays in its schema whatever a revision
// does to search_path.
#include "pooler.hpp"
#include "project.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <random>
#include <set>
#include <thread>

using namespace trellis::test;

namespace {

// A table `t` with rows, then a revision that alters it.
void altering_project(Project& p) {
    p.branch("app");
    p.revision("app", "base", {}, "CREATE TABLE t (id INTEGER);\nINSERT INTO t VALUES (1), (2);", "DROP TABLE t;");
    REQUIRE(p.run({"upgrade"}).exit_code == 0);
    p.revision("app", "alter", {"base"}, "ALTER TABLE t ADD COLUMN c2 INTEGER;", "ALTER TABLE t DROP COLUMN c2;");
}

// A session named `blocker` that holds a lock on `t` for `seconds`, in the background.
void hold_table(const std::string& url, double seconds) {
    shell(fmt::format("(PGAPPNAME=blocker psql -X -q '{}' -c 'BEGIN; LOCK TABLE t IN ACCESS SHARE MODE; SELECT "
                      "pg_sleep({}); COMMIT;' >/dev/null 2>&1 &); sleep 0.3",
                      url, seconds));
}

// Revisions with known edges: a chain in `app`, and `extra` whose base depends on app's k0003.
struct Edges {
    std::map<std::string, std::vector<std::string>> needs;
};

Edges concurrent_project(Project& p, int count) {
    Edges edges;
    p.branch("app");
    p.branch("extra", {"app"});
    // A little work per revision so that commands overlap: pg_sleep, or a recursive count on SQLite.
    auto slow = (p.dialect() == "sqlite" ? sqlite_busy(20000) : std::string("SELECT pg_sleep(0.02);")) + "\n";
    std::optional<std::string> parent;
    for (int k = 0; k < count; ++k) {
        auto id = fmt::format("k{:04}", k);
        p.revision("app", id, parent ? std::vector<std::string>{*parent} : std::vector<std::string>{},
                   slow + fmt::format("CREATE TABLE k_{} (id INTEGER);", k), fmt::format("DROP TABLE k_{};", k));
        edges.needs[id] = parent ? std::vector<std::string>{*parent} : std::vector<std::string>{};
        parent = id;
    }
    p.revision("extra", "x0000", {}, slow + "CREATE TABLE x_0 (id INTEGER);", "DROP TABLE x_0;", {"k0003"});
    edges.needs["x0000"] = {"k0003"};
    p.revision("extra", "x0001", {"x0000"}, slow + "CREATE TABLE x_1 (id INTEGER);", "DROP TABLE x_1;");
    edges.needs["x0001"] = {"x0000"};
    return edges;
}

// What must hold after every round, whatever ran: each applied revision's needs are applied.
void check_closed(const Edges& edges, const std::vector<std::string>& ledger) {
    std::set<std::string> applied(ledger.begin(), ledger.end());
    for (const auto& id : ledger)
        for (const auto& need : edges.needs.at(id))
            CHECK_MESSAGE(applied.count(need), id << " is applied without " << need);
}

// The tables the applied revisions made, sorted: k0007 made k_7, x0001 made x_1.
std::vector<std::string> expected_tables(const std::vector<std::string>& ledger) {
    std::vector<std::string> tables;
    for (const auto& id : ledger)
        tables.push_back(fmt::format("{}_{}", id.substr(0, 1), std::stoi(id.substr(1))));
    std::sort(tables.begin(), tables.end());
    return tables;
}

} // namespace

TEST_SUITE("runner") {
    TEST_CASE("a revision blocked by a table lock waits at most ddl_lock_timeout per attempt; readers never queue "
              "longer; it completes once the blocker commits") {
        Project p("postgresql");
        altering_project(p);
        hold_table(p.url(), 3);
        Result upgrade;
        std::thread runner([&] {
            upgrade = p.run({"upgrade", "--ddl-lock-timeout", "1", "--ddl-retry-budget", "30"});
        });
        // A reader of `t` behind the ALTER's queued lock: each of its queries is measured.
        double longest = 0;
        auto start = std::chrono::steady_clock::now();
        while (seconds_since(start) < 3.2) {
            auto asked = std::chrono::steady_clock::now();
            query(p.url(), "SELECT count(*) FROM t");
            longest = std::max(longest, seconds_since(asked));
        }
        runner.join();
        CHECK_MESSAGE(upgrade.exit_code == 0, upgrade.err);
        CHECK(longest < 1 + 1);
        CHECK(contains(upgrade.err, "alter attempt 1 waited out its lock wait (table t pid "));
        CHECK(contains(upgrade.err, "application `blocker`"));
        CHECK(p.ledger() == std::vector<std::string>{"alter", "base"});
        MESSAGE("longest wait of a reader: " << longest << " s");
    }

    TEST_CASE("an exhausted retry budget is exit 3 naming the revision, the table and the blocker, through the "
              "pooler") {
        Pooler pooler;
        Project p("postgresql");
        altering_project(p);
        hold_table(p.url(), 4); // ended early: the test database is dropped WITH (FORCE)
        auto start = std::chrono::steady_clock::now();
        auto r = run_trellis(
            {"--url", pooler.url(p.url()), "--ddl-lock-timeout", "1", "--ddl-retry-budget", "2", "upgrade"}, p.dir());
        CHECK(seconds_since(start) < 4.5);
        CHECK(r.exit_code == 3);
        CHECK(contains(r.err, "upgrade of alter gave up after"));
        CHECK(contains(r.err, "(ddl_retry_budget)"));
        CHECK(contains(r.err, "blocked by table t pid "));
        CHECK(contains(r.err, "application `blocker`"));
        CHECK(contains(r.err, "statement: ALTER TABLE t ADD COLUMN c2 INTEGER"));
        CHECK(p.ledger() == std::vector<std::string>{"base"});
    }

    TEST_CASE("SQLite: a commit kept waiting by a reader waits ddl_lock_timeout per attempt, then retries within "
              "the budget") {
        for (const char* budget : {"30", "1"}) {
            CAPTURE(budget);
            Project p("sqlite");
            p.branch("app");
            p.chain("app", "k", 1);
            REQUIRE(p.run({"upgrade"}).exit_code == 0);
            p.revision("app", "slow", {"k0000"}, sqlite_busy(3000000) + "\nCREATE TABLE slow (id INTEGER);",
                       "DROP TABLE slow;");
            Result upgrade;
            std::thread runner([&] {
                upgrade = p.run({"upgrade", "--ddl-lock-timeout", "1", "--ddl-retry-budget", budget});
            });
            // A reader that holds its transaction (and the file's shared lock) for 3.5 s from 0.3 s
            // on: the revision's COMMIT cannot write the file until it ends.
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            shell("(sqlite3 -cmd '.timeout 10000' -cmd 'BEGIN' -cmd 'SELECT count(*) FROM trellis_version' -cmd "
                  "'.shell sleep 3.5' '" +
                  (p.dir() / "test.db").string() + "' 'COMMIT' >/dev/null 2>&1 &)");
            runner.join();
            if (std::string(budget) == "30") {
                CHECK_MESSAGE(upgrade.exit_code == 0, upgrade.err);
                CHECK(contains(upgrade.err, "slow attempt 1 waited out its lock wait (database is locked)"));
                CHECK(p.ledger() == std::vector<std::string>{"k0000", "slow"});
            } else {
                CHECK(upgrade.exit_code == 3);
                CHECK(contains(upgrade.err, "upgrade of slow gave up after 1 attempt(s)"));
                CHECK(contains(upgrade.err, "blocked by another connection to the file (SQLite cannot say which): "
                                            "database is locked"));
                CHECK(p.ledger() == std::vector<std::string>{"k0000"});
            }
        }
    }

    TEST_CASE("a revision whose needs another command reverted meanwhile is not applied, and one still needed is not "
              "reverted") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                // Writes that bypass the lock (a hand edit, an old trellis): the check inside each
                // revision's transaction still keeps the ledger closed.
                Project p(dialect);
                p.branch("app");
                p.branch("base");
                p.revision("base", "b", {}, "CREATE TABLE b (id INTEGER);", "DROP TABLE b;");
                REQUIRE(p.run({"upgrade"}).exit_code == 0);
                auto slow = dialect == "sqlite" ? sqlite_busy(1000000) : std::string("SELECT pg_sleep(0.25);");
                // Slow outside a transaction, so that SQLite's other writers get in between.
                p.revision("app", "c1", {}, slow, slow, {}, "-- transactional: false");
                p.revision("app", "c2", {"c1"}, slow, slow, {}, "-- transactional: false");
                p.revision("app", "c3", {"c2"}, slow, slow, {}, "-- transactional: false");
                p.revision("app", "x", {"c3"}, "CREATE TABLE x (id INTEGER);", "DROP TABLE x;", {"b"});
                Result upgrade;
                std::thread runner([&] { upgrade = p.run({"upgrade"}); });
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                p.sql("UPDATE trellis_version SET revision = 'b_away' WHERE revision = 'b'");
                runner.join();
                CHECK(upgrade.exit_code == 3);
                CHECK(contains(upgrade.err, "cannot apply x: b, which it needs, is not applied"));
                CHECK(p.ledger() == std::vector<std::string>{"b_away", "c1", "c2", "c3"});

                p.sql("UPDATE trellis_version SET revision = 'b' WHERE revision = 'b_away'");
                Result downgrade;
                std::thread reverter([&] { downgrade = p.run({"downgrade", "base"}); });
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                // A revision of another plugin, applied meanwhile, built on c1.
                p.sql("INSERT INTO trellis_version (revision, branch, checksum, applied_at, down_revision) SELECT 'z', "
                      "'other', checksum, applied_at, 'c1' FROM trellis_version WHERE revision = 'c1'");
                reverter.join();
                CHECK(downgrade.exit_code == 3);
                CHECK(contains(downgrade.err, "cannot revert c1: z is applied and needs it"));
                auto left = p.ledger();
                CHECK(std::count(left.begin(), left.end(), "c1") == 1);
                CHECK(std::count(left.begin(), left.end(), "c2") == 0);
            }
        }
    }

    TEST_CASE("upgrade, downgrade and stamp run against each other: every applied revision has what it needs, and "
              "the ledger matches the schema") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                auto edges = concurrent_project(p, 12);
                std::vector<std::vector<std::string>> commands{{"upgrade", "heads"},   {"downgrade", "base"},
                                                               {"downgrade", "k0002"}, {"upgrade", "extra@head"},
                                                               {"downgrade", "k0005"}, {"upgrade", "k0008"}};
                std::mt19937 random(dialect == "sqlite" ? 3 : 5);
                for (int round = 0; round < 4; ++round) {
                    CAPTURE(round);
                    std::vector<Result> results(3);
                    std::vector<std::thread> threads;
                    for (auto& result : results) {
                        auto command = commands[random() % commands.size()];
                        threads.emplace_back([&, command] { result = p.run(command); });
                    }
                    for (auto& t : threads)
                        t.join();
                    for (const auto& r : results)
                        CHECK_MESSAGE(r.exit_code == 0, r.err);
                    auto ledger = p.ledger();
                    check_closed(edges, ledger);
                    CHECK(p.tables() == expected_tables(ledger));
                }
                // stamp heads while an upgrade runs: it waits for the lock, then marks what is left.
                REQUIRE(p.run({"downgrade", "base"}).exit_code == 0);
                Result upgrade, stamp;
                std::thread a([&] { upgrade = p.run({"upgrade", "heads"}); });
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                std::thread b([&] { stamp = p.run({"stamp", "heads"}); });
                a.join();
                b.join();
                CHECK_MESSAGE(upgrade.exit_code == 0, upgrade.err);
                CHECK_MESSAGE(stamp.exit_code == 0, stamp.err);
                CHECK_FALSE(contains(stamp.err, "UNIQUE"));
                check_closed(edges, p.ledger());
                CHECK(p.ledger().size() == 14);
            }
        }
    }

    TEST_CASE("a failed CREATE INDEX CONCURRENTLY leaves an INVALID index: reported with its DROP, rebuilt by the "
              "rerun") {
        Project p("postgresql");
        p.branch("app");
        p.revision("app", "t", {}, "CREATE TABLE t (id INTEGER, v INTEGER);\nINSERT INTO t VALUES (1, 1), (2, 1);",
                   "DROP TABLE t;");
        p.revision("app", "ix", {"t"}, "CREATE UNIQUE INDEX CONCURRENTLY t_v ON t (v);", "DROP INDEX CONCURRENTLY t_v;",
                   {}, "-- transactional: false");
        auto valid = "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_v'::regclass";
        auto failed = p.run({"upgrade"});
        CHECK(failed.exit_code == 3);
        CHECK(contains(failed.err, "it left the INVALID index public.t_v: the next run drops and rebuilds it"));
        CHECK(contains(failed.err, "DROP INDEX CONCURRENTLY IF EXISTS public.t_v;"));
        CHECK(p.sql(valid) == "f\n");
        p.sql("DELETE FROM t WHERE id = 2"); // the duplicate the unique index refused
        auto rerun = p.run({"upgrade"});
        CHECK_MESSAGE(rerun.exit_code == 0, rerun.err);
        CHECK(p.sql(valid) == "t\n");
        CHECK(p.ledger() == std::vector<std::string>{"ix", "t"});
    }

    TEST_CASE("SET search_path in a revision does not move the ledger; version_schema puts it elsewhere") {
        Project p("postgresql");
        p.branch("app");
        p.revision("app", "r1", {}, "CREATE SCHEMA other;\nSET search_path = other;", "DROP SCHEMA other;");
        p.revision("app", "r2", {"r1"}, "CREATE TABLE public.t2 (id INTEGER);", "DROP TABLE public.t2;");
        auto r = p.run({"upgrade"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(p.sql("SELECT revision FROM public.trellis_version ORDER BY revision") == "r1\nr2\n");
        CHECK(p.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'other'") == "0\n");
        CHECK(contains(p.run({"current"}).out, "r2 (app) (head)"));
        CHECK(p.run({"downgrade", "base"}).exit_code == 0);

        p.sql("CREATE SCHEMA ops");
        p.settings("version_schema = ops\n");
        REQUIRE(p.run({"upgrade"}).exit_code == 0);
        CHECK(p.sql("SELECT revision FROM ops.trellis_version ORDER BY revision") == "r1\nr2\n");
        CHECK(p.sql("SELECT count(*) FROM ops.trellis_version_lock") == "0\n");
        CHECK(p.sql("SELECT count(*) FROM public.trellis_version") == "0\n");
    }
}
