// The check each transactional revision makes inside its transaction (issue 11), as PostgreSQL
// sends it: a guard ahead of the revision's first statement, in the same message. These cases
// change the ledger behind the command's back (a hand edit, an old trellis) while a slow revision
// before the one under test runs, and look at what that one did: a failed guard must run nothing
// of the revision, and the exact reading after it decides what is done.
#include "project.hpp"

#include <doctest/doctest.h>
#include <thread>

using namespace trellis::test;

namespace {

std::string slow(const Project& p) {
    return p.dialect() == "sqlite" ? sqlite_busy(1000000) : "SELECT pg_sleep(0.3);";
}

// Runs `args` and, 150 ms in (while the slow revision runs), the statement `meanwhile`.
Result run_while(const Project& p, const std::vector<std::string>& args, const std::string& meanwhile) {
    Result result;
    std::thread command([&] { result = p.run(args); });
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    p.sql(meanwhile);
    command.join();
    return result;
}

} // namespace

TEST_SUITE("runner") {
    TEST_CASE("a revision another command applied meanwhile is skipped: none of its statements run") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.revision("app", "a", {}, "", "");
                REQUIRE(p.run({"upgrade"}).exit_code == 0); // the ledger exists
                p.revision("app", "s", {"a"}, slow(p), "", {}, "-- transactional: false");
                p.revision("app", "t", {"s"}, "CREATE TABLE t (id INTEGER);", "DROP TABLE t;");
                auto upgrade = run_while(p, {"upgrade"},
                                         "INSERT INTO trellis_version (revision, branch, checksum, applied_at) VALUES "
                                         "('t', 'app', 'x', '2026-01-01')");
                CHECK_MESSAGE(upgrade.exit_code == 0, upgrade.err);
                CHECK(p.ledger() == std::vector<std::string>{"a", "s", "t"});
                CHECK(p.tables().empty()); // t's CREATE TABLE never ran
            }
        }
    }

    TEST_CASE("a transactional revision that an applied revision came to need meanwhile is not reverted") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.revision("app", "b", {}, "CREATE TABLE b (id INTEGER);", "DROP TABLE b;");
                p.revision("app", "s", {"b"}, slow(p), slow(p), {}, "-- transactional: false");
                REQUIRE(p.run({"upgrade"}).exit_code == 0);
                auto downgrade = run_while(p, {"downgrade", "base"},
                                           "INSERT INTO trellis_version (revision, branch, checksum, applied_at, "
                                           "depends_on) VALUES ('z', 'other', 'x', '2026-01-01', 'b')");
                CHECK(downgrade.exit_code == 3);
                CHECK(contains(downgrade.err, "cannot revert b: z is applied and needs it"));
                CHECK(p.ledger() == std::vector<std::string>{"b", "z"});
                CHECK(p.tables() == std::vector<std::string>{"b"});
            }
        }
    }

    TEST_CASE("an id that only looks like an edge (a substring of another row's) does not stop a downgrade") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.branch("other");
                p.revision("app", "b", {}, "CREATE TABLE b (id INTEGER);", "DROP TABLE b;");
                p.revision("other", "ab", {}, "CREATE TABLE ab (id INTEGER);", "DROP TABLE ab;");
                p.revision("other", "ab2", {"ab"}, "CREATE TABLE ab2 (id INTEGER);", "DROP TABLE ab2;");
                REQUIRE(p.run({"upgrade"}).exit_code == 0);
                auto downgrade = p.run({"downgrade", "app@base"});
                CHECK_MESSAGE(downgrade.exit_code == 0, downgrade.err);
                CHECK(p.ledger() == std::vector<std::string>{"ab", "ab2"});
                CHECK(p.tables() == std::vector<std::string>{"ab", "ab2"});
            }
        }
    }
}
