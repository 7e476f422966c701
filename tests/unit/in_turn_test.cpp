// Revisions in turn (issue 18): when nothing is shown for each revision (-q, --json, a fan-out's
// children), PostgreSQL gets consecutive revisions in one message. Each is still its own
// transaction with its ledger row: what a failure, a lock wait or a second command leaves is what
// running them one by one leaves, on both databases.
#include "pooler.hpp"
#include "project.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

using namespace trellis::test;

namespace {

void replace_in(const std::filesystem::path& file, const std::string& from, const std::string& to) {
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find(from), from.size(), to);
    std::ofstream(file, std::ios::trunc) << text;
}

// Two quiet upgrades started at once through `run`, one -q and one --json: both succeed, and
// each of the project's `revisions` is applied exactly once, with its table.
void upgrade_twice_at_once(const Project& p, const std::function<Result(std::vector<std::string>)>& run,
                           std::size_t revisions) {
    Result first, second;
    std::thread one([&] { first = run({"-q", "upgrade", "heads"}); });
    std::thread two([&] { second = run({"--json", "upgrade", "heads"}); });
    one.join();
    two.join();
    CHECK_MESSAGE(first.exit_code == 0, first.err);
    CHECK_MESSAGE(second.exit_code == 0, second.err);
    auto ledger = p.ledger();
    CHECK(ledger.size() == revisions);
    CHECK(std::set<std::string>(ledger.begin(), ledger.end()).size() == revisions);
    CHECK(p.tables().size() == revisions);
}

} // namespace

TEST_SUITE("in turn") {
    TEST_CASE("a quiet upgrade that fails in the middle keeps exactly the earlier revisions, names the failing "
              "statement, and a rerun applies only the rest") {
        for (const auto& dialect : k_dialects) {
            for (std::string quiet : {"-q", "--json"}) {
                SUBCASE((dialect + " " + quiet).c_str()) {
                    Project p(dialect);
                    auto bad = failing_middle(p);
                    auto r = p.run({quiet, "upgrade", "heads"});
                    CHECK(r.exit_code == 3);
                    CHECK(contains(r.err, "versions/app/a0002_revision.sql:8: upgrade of a0002 failed"));
                    CHECK(contains(r.err, "statement: INSERT INTO no_such_table VALUES (1)"));
                    CHECK(contains(r.err, "2 earlier revision(s) of this run kept"));
                    if (dialect == "postgresql")
                        CHECK(contains(r.err, "SQLSTATE 42P01"));
                    CHECK(p.ledger() == std::vector<std::string>{"a0000", "a0001"});
                    CHECK(p.tables() == std::vector<std::string>{"a_0", "a_1"}); // half_done rolled back
                    // The migration lock is free again: the next command takes it at once.
                    replace_in(bad, "INSERT INTO no_such_table VALUES (1);", "INSERT INTO half_done VALUES (1);");
                    auto again = p.run({quiet, "--lock-timeout", "1", "upgrade", "heads"});
                    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
                    CHECK(p.ledger() == std::vector<std::string>{"a0000", "a0001", "a0002", "a0003", "a0004"});
                    CHECK(p.tables() == std::vector<std::string>{"a_0", "a_1", "a_3", "a_4", "half_done"});
                    CHECK(lines(p.sql("SELECT count(*) FROM half_done")) == std::vector<std::string>{"1"});
                }
            }
        }
    }

    TEST_CASE("a quiet upgrade records each revision's own duration, not the time since its message arrived") {
        Project p("postgresql");
        p.branch("app");
        p.chain("app", "s", 4, std::nullopt, {}, "SELECT pg_sleep(0.1);\n");
        auto r = p.run({"-q", "upgrade", "heads"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        auto durations = lines(p.sql("SELECT duration_ms FROM trellis_version ORDER BY revision"));
        REQUIRE(durations.size() == 4);
        for (const auto& ms : durations) {
            CHECK(std::stoi(ms) >= 100);
            CHECK(std::stoi(ms) < 190); // the fourth would be 400 if timed from the message
        }
    }

    TEST_CASE("a quiet downgrade reverts in turn, each revision with its ledger row") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.branch("extra", {"app"});
                auto app = p.chain("app", "a", 6);
                p.chain("extra", "x", 3, std::nullopt, {app[2]});
                REQUIRE(p.run({"-q", "upgrade", "heads"}).exit_code == 0);
                REQUIRE(p.ledger().size() == 9);
                // Down to a0002: what comes after it goes; x, which merely depends on it, stays.
                auto r = p.run({"-q", "downgrade", app[2]});
                REQUIRE_MESSAGE(r.exit_code == 0, r.err);
                CHECK(p.ledger() == std::vector<std::string>{"a0000", "a0001", "a0002", "x0000", "x0001", "x0002"});
                CHECK(p.tables() == std::vector<std::string>{"a_0", "a_1", "a_2", "x_0", "x_1", "x_2"});
                r = p.run({"--json", "downgrade", "base"});
                REQUIRE_MESSAGE(r.exit_code == 0, r.err);
                CHECK(p.ledger().empty());
                CHECK(p.tables().empty());
            }
        }
    }

    TEST_CASE("a quiet upgrade retries, alone, a revision that waited out its lock wait; the revisions before it "
              "stay committed") {
        Project p("postgresql");
        p.branch("app");
        p.revision("app", "base", {}, "CREATE TABLE t (id INTEGER);\nINSERT INTO t VALUES (1), (2);", "DROP TABLE t;");
        REQUIRE(p.run({"upgrade"}).exit_code == 0);
        p.revision("app", "before", {"base"}, "CREATE TABLE b (id INTEGER);", "DROP TABLE b;");
        p.revision("app", "alter", {"before"}, "ALTER TABLE t ADD COLUMN c2 INTEGER;", "ALTER TABLE t DROP COLUMN c2;");
        p.revision("app", "after", {"alter"}, "CREATE TABLE a (id INTEGER);", "DROP TABLE a;");
        // A session that holds `t` for 2.5 s, in the background.
        shell(fmt::format("(PGAPPNAME=blocker psql -X -q '{}' -c 'BEGIN; LOCK TABLE t IN ACCESS SHARE MODE; SELECT "
                          "pg_sleep(2.5); COMMIT;' >/dev/null 2>&1 &); sleep 0.3",
                          p.url()));
        Result upgrade;
        std::thread runner([&] { upgrade = p.run({"-q", "upgrade", "--ddl-lock-timeout", "1"}); });
        // While `alter` waits, `before` is already committed with its row.
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        CHECK(p.ledger() == std::vector<std::string>{"base", "before"});
        runner.join();
        CHECK_MESSAGE(upgrade.exit_code == 0, upgrade.err);
        CHECK(p.ledger() == std::vector<std::string>{"after", "alter", "base", "before"});
        CHECK(lines(p.sql("SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = "
                          "'c2'")) == std::vector<std::string>{"1"});
    }

    TEST_CASE("two quiet upgrades at once apply each revision once, and every applied revision has what it needs") {
        Project p("postgresql");
        p.branch("app");
        p.branch("extra", {"app"});
        auto app = p.chain("app", "a", 40);
        p.chain("extra", "x", 10, std::nullopt, {app[20]});
        upgrade_twice_at_once(
            p, [&](const std::vector<std::string>& args) { return p.run(args); }, 50);
        CHECK(lines(p.sql("SELECT count(*) FROM trellis_version_lock")) == std::vector<std::string>{"0"});
    }

    TEST_CASE("through a transaction pooler of one server connection, quiet upgrades in turn keep each revision's "
              "transaction, leak no setting, and two at once apply each revision once") {
        Pooler pooler(1); // every client shares one server connection
        Project p("postgresql");
        auto bad = failing_middle(p);
        auto url = pooler.url(p.url());
        auto r = run_trellis({"--url", url, "-q", "upgrade", "heads"}, p.dir());
        CHECK(r.exit_code == 3);
        CHECK(contains(r.err, "upgrade of a0002 failed"));
        CHECK(p.ledger() == std::vector<std::string>{"a0000", "a0001"});
        CHECK(p.tables() == std::vector<std::string>{"a_0", "a_1"});
        // The server connection that ran them went back to the pool with the server's settings.
        CHECK(lines(query(url, "SHOW lock_timeout")) == std::vector<std::string>{"0"});
        CHECK(lines(query(url, "SELECT coalesce(nullif(current_setting('trellis.revision_started', true), ''), "
                               "'unset')")) == std::vector<std::string>{"unset"});
        replace_in(bad, "INSERT INTO no_such_table VALUES (1);", "INSERT INTO half_done VALUES (1);");
        p.chain("app", "b", 20, std::string("a0004"));
        upgrade_twice_at_once(
            p,
            [&](std::vector<std::string> args) {
                args.insert(args.begin(), {"--url", url});
                return run_trellis(args, p.dir());
            },
            25);
    }
}
