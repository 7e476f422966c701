// The migration lock (issue 14): through a transaction pooler and directly, concurrent deploys
// apply each revision once and all succeed; a killed deploy never locks out the next one for
// longer than the lease; `unlock`; Ctrl-C cancels the running statement; no SET leaks.
#include "pooler.hpp"
#include "project.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <regex>
#include <thread>

using namespace trellis::test;
namespace fs = std::filesystem;

namespace {

// Revisions over three branches (a few dozen), each a little slow, so that runs overlap.
int generated_graph(Project& p, int per_branch) {
    p.branch("app");
    p.branch("billing", {"app"});
    p.branch("reports", {"billing"});
    std::vector<std::string> branches{"app", "billing", "reports"};
    int count = 0;
    for (std::size_t b = 0; b < branches.size(); ++b) {
        std::optional<std::string> parent;
        for (int k = 0; k < per_branch; ++k) {
            auto id = fmt::format("{}{:03}", branches[b].substr(0, 1), k);
            std::vector<std::string> depends;
            if (k == 0 && b > 0)
                depends.push_back(fmt::format("{}{:03}", branches[b - 1].substr(0, 1), per_branch / 2));
            p.revision(branches[b], id, parent ? std::vector<std::string>{*parent} : std::vector<std::string>{},
                       fmt::format("SELECT pg_sleep(0.01);\nCREATE TABLE t_{} (id INTEGER);", id),
                       fmt::format("DROP TABLE t_{};", id), depends);
            parent = id;
            ++count;
        }
    }
    return count;
}

// The N of every "Applied N revision(s)." in `out`.
int applied_count(const std::string& out) {
    std::smatch m;
    return std::regex_search(out, m, std::regex("Applied (\\d+) revision")) ? std::stoi(m[1]) : 0;
}

// A lock row of a holder on another host whose lease ends `seconds` from now.
void fake_holder(const Project& p, double seconds) {
    auto now = p.dialect() == "sqlite" ? std::string("((julianday('now') - 2440587.5) * 86400.0)")
                                       : std::string("extract(epoch FROM clock_timestamp())::float8");
    p.sql(fmt::format("INSERT INTO trellis_version_lock (id, owner, host, pid, command, acquired_at, expires_at) "
                      "VALUES (1, 'elsewhere-token', 'elsewhere', 4242, 'upgrade', {0}, {0} + {1})",
                      now, seconds));
}

} // namespace

TEST_SUITE("lock") {
    TEST_CASE("8 concurrent upgrades through a transaction pooler all succeed and apply each revision once") {
        Pooler pooler;
        Project p("postgresql");
        int total = generated_graph(p, 12);
        auto pooled = pooler.url(p.url());
        std::vector<Result> results(8);
        std::vector<std::thread> runners;
        for (auto& result : results)
            runners.emplace_back([&] { result = run_trellis({"--url", pooled, "upgrade", "heads"}, p.dir()); });
        for (auto& t : runners)
            t.join();
        int applied = 0;
        for (const auto& r : results) {
            CHECK_MESSAGE(r.exit_code == 0, r.err);
            applied += applied_count(r.out);
        }
        // What each run says it applied adds up to the graph: nothing twice, nothing claimed.
        CHECK(applied == total);
        CHECK(p.ledger().size() == static_cast<std::size_t>(total));
        CHECK(p.tables().size() == static_cast<std::size_t>(total));
    }

    TEST_CASE("a runner killed through the pooler locks the next ones out for at most the lease") {
        Pooler pooler;
        Project p("postgresql");
        p.settings("lock_lease = 3\n");
        p.branch("app");
        p.revision("app", "slow", {}, "SELECT pg_sleep(1);\nCREATE TABLE slow (id INTEGER);", "DROP TABLE slow;");
        p.chain("app", "k", 5, "slow");
        auto pooled = pooler.url(p.url());
        auto victim = spawn_trellis({"--url", pooled, "upgrade"}, p.dir());
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        ::kill(victim, SIGKILL);
        CHECK(wait_trellis(victim) == 128 + SIGKILL);
        auto start = std::chrono::steady_clock::now();
        std::vector<Result> results(3);
        std::vector<std::thread> runners;
        for (auto& result : results)
            runners.emplace_back([&] {
                result = run_trellis({"--url", pooled, "--lock-timeout", "20", "upgrade"}, p.dir());
            });
        for (auto& t : runners)
            t.join();
        auto took = seconds_since(start);
        for (const auto& r : results)
            CHECK_MESSAGE(r.exit_code == 0, r.err);
        CHECK(took < 3 + 1.5);
        CHECK(p.ledger().size() == 6);
    }

    TEST_CASE("a holder on another host that stopped renewing is taken over when its lease ends") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.chain("app", "k", 2);
                REQUIRE(p.run({"stamp", "base"}).exit_code == 0); // makes the lock's table
                fake_holder(p, 2);
                auto start = std::chrono::steady_clock::now();
                auto r = p.run({"upgrade"});
                auto took = seconds_since(start);
                CHECK_MESSAGE(r.exit_code == 0, r.err);
                CHECK(took > 1.5);
                CHECK(took < 4.5);
                CHECK(p.ledger().size() == 2);
            }
        }
    }

    TEST_CASE("a live lock times out naming its holder; unlock refuses it without --yes, then releases it") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.chain("app", "k", 1);
                REQUIRE(p.run({"stamp", "base"}).exit_code == 0);
                fake_holder(p, 600);
                // The flag before the command name, as a global option.
                auto waiting = p.run({"--lock-timeout", "1", "upgrade"});
                CHECK(waiting.exit_code == 3);
                CHECK(contains(waiting.err, "held by `trellis upgrade` on host elsewhere, pid 4242"));
                CHECK(contains(waiting.err, "gave up after 1 s (--lock-timeout)"));
                CHECK(contains(waiting.err, "`trellis unlock`"));
                auto refused = p.run({"unlock"});
                CHECK(refused.exit_code == 2);
                CHECK(contains(refused.err, "on host elsewhere"));
                auto released = p.run({"unlock", "--yes"});
                CHECK_MESSAGE(released.exit_code == 0, released.err);
                CHECK(
                    contains(released.out, "Released the migration lock (held by `trellis upgrade` on host elsewhere"));
                CHECK(p.run({"unlock"}).out == "No migration lock is held.\n");
                CHECK(p.run({"upgrade", "--lock-timeout", "1"}).exit_code == 0);
            }
        }
    }

    TEST_CASE("a database already at the target is done without the lock: a held lock does not keep it waiting") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.chain("app", "k", 2);
                REQUIRE(p.run({"upgrade"}).exit_code == 0);
                fake_holder(p, 600);
                auto start = std::chrono::steady_clock::now();
                auto rerun = p.run({"--lock-timeout", "5", "upgrade"});
                CHECK_MESSAGE(rerun.exit_code == 0, rerun.err);
                CHECK(seconds_since(start) < 2);
                CHECK(p.ledger().size() == 2);
                CHECK(p.sql("SELECT owner FROM trellis_version_lock") == "elsewhere-token\n");
                // With something to do, it waits for the lock as before.
                p.chain("app", "m", 1, "k0001");
                auto waiting = p.run({"--lock-timeout", "1", "upgrade"});
                CHECK(waiting.exit_code == 3);
                CHECK(contains(waiting.err, "held by `trellis upgrade` on host elsewhere"));
            }
        }
    }

    TEST_CASE("SQLite: a new file is the command's alone until it ends; an existing one stays readable meanwhile") {
        Project p("sqlite");
        p.branch("app");
        auto slow = sqlite_busy(2000000) + "\n";
        p.chain("app", "k", 4, std::nullopt, {}, slow);
        auto file = p.dir() / "test.db";
        // What a reader that waits at most `wait_ms` for the file's lock sees, every 50 ms while
        // the command runs its slow revisions: the ledger's count, or sqlite3's error.
        auto readers_during = [&](const std::vector<std::string>& args, int wait_ms) {
            Result run;
            std::atomic<bool> done{false};
            std::thread runner([&] {
                run = p.run(args);
                done = true;
            });
            std::vector<std::string> seen;
            while (!done) {
                if (fs::exists(file) && fs::file_size(file) > 0)
                    seen.push_back(shell(fmt::format("sqlite3 -cmd '.timeout {}' '{}' 'SELECT count(*) FROM "
                                                     "trellis_version' 2>&1 || true",
                                                     wait_ms, file.string())));
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            runner.join();
            CHECK_MESSAGE(run.exit_code == 0, run.err);
            return seen;
        };
        // New: no ledger yet (only the lock's table), then locked from the first revision's
        // commit until the release, then all 4: never the count of a half-made schema.
        auto seen = readers_during({"upgrade"}, 200);
        CHECK(std::any_of(seen.begin(), seen.end(), [](const auto& s) { return contains(s, "database is locked"); }));
        for (const auto& s : seen)
            CHECK_MESSAGE(
                (contains(s, "database is locked") || contains(s, "no such table: trellis_version") || s == "4\n"), s);
        CHECK(p.ledger().size() == 4);
        CHECK(query(p.url(), "PRAGMA journal_mode") == "delete\n");
        CHECK(!fs::exists(p.dir() / "test.db-journal"));

        // Existing: every reader gets the ledger as it stands, 4 to 8 rows (waiting, if need be,
        // for no more than a commit), and some get it between revisions.
        p.chain("app", "m", 4, "k0003", {}, slow);
        seen = readers_during({"upgrade"}, 5000);
        for (const auto& s : seen)
            CHECK_MESSAGE((s == "4\n" || s == "5\n" || s == "6\n" || s == "7\n" || s == "8\n"), s);
        CHECK(std::any_of(seen.begin(), seen.end(),
                          [](const auto& s) { return s == "5\n" || s == "6\n" || s == "7\n"; }));
        CHECK(p.ledger().size() == 8);
    }

    TEST_CASE("a command whose lock was released under it commits nothing more") {
        Project p("postgresql");
        p.branch("app");
        p.chain("app", "s", 10, std::nullopt, {}, "SELECT pg_sleep(0.2);\n");
        Result run;
        std::thread runner([&] { run = p.run({"upgrade"}); });
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        auto released = p.run({"unlock", "--yes"});
        runner.join();
        CHECK(released.exit_code == 0);
        CHECK(run.exit_code == 3);
        CHECK(contains(run.err, "this command lost the migration lock"));
        auto applied = p.ledger().size();
        CHECK(applied > 0);
        CHECK(applied < 10);
        CHECK(p.tables().size() == applied);
    }

    TEST_CASE("no SET leaks into the pool: the next client of the same server connection sees the defaults") {
        Pooler pooler(1); // one server connection: the next client gets trellis's
        Project p("postgresql");
        p.branch("app");
        p.chain("app", "k", 3);
        auto pooled = pooler.url(p.url());
        auto r =
            run_trellis({"--url", pooled, "--ddl-lock-timeout", "7", "--statement-timeout", "9", "upgrade"}, p.dir());
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(query(pooled, "SHOW lock_timeout") == "0\n");
        CHECK(query(pooled, "SHOW statement_timeout") == "0\n");
        CHECK(query(pooled, "SHOW client_min_messages") == "notice\n");
    }

    TEST_CASE("SIGINT cancels the running statement, rolls back, releases the lock and exits 130") {
        Project p("postgresql");
        p.branch("app");
        p.chain("app", "k", 1);
        p.revision("app", "sleeper", {"k0000"}, "SELECT pg_sleep(25);", "");
        auto pid = spawn_trellis({"--url", p.url(), "upgrade"}, p.dir());
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        auto start = std::chrono::steady_clock::now();
        ::kill(pid, SIGINT);
        CHECK(wait_trellis(pid) == 130);
        CHECK(seconds_since(start) < 3);
        CHECK(p.sql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(25)%'") == "0\n");
        CHECK(p.ledger() == std::vector<std::string>{"k0000"});
        CHECK(p.run({"unlock"}).out == "No migration lock is held.\n");
    }

    TEST_CASE("time-out flags take whole seconds in range, before or after the command; else exit 2") {
        Project p("sqlite");
        p.branch("app");
        p.chain("app", "k", 1);
        auto negative = p.run({"--lock-timeout=-1", "upgrade", "--dry-run"});
        CHECK(negative.exit_code == 2);
        CHECK(contains(negative.err, "--lock-timeout must be a whole number of seconds from 0 to 2147483, not -1"));
        auto huge = p.run({"upgrade", "--ddl-lock-timeout", "2147484"});
        CHECK(huge.exit_code == 2);
        CHECK(contains(huge.err, "--ddl-lock-timeout must be a whole number of seconds"));
        p.settings("ddl_lock_timeout = soon\n");
        auto config = p.run({"upgrade"});
        CHECK(config.exit_code == 2);
        CHECK(contains(config.err, "trellis.ini:3: ddl_lock_timeout must be a whole number of seconds"));
    }
}
