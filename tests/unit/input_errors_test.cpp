// Bad input that used to be skipped or reported without its cause (issue 11, items 8 and 9): each
// gets a clear error naming what is wrong, with the contract's exit code.
#include "project.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace trellis::test;
namespace fs = std::filesystem;

TEST_SUITE("input_errors") {
    TEST_CASE("a dangling or looping .sql symlink in a version path is an error naming it") {
        Project p("sqlite");
        p.branch("app");
        p.chain("app", "a", 2);
        auto dir = p.dir() / "versions" / "app";
        fs::create_symlink("gone.sql", dir / "z_dangling.sql");
        auto r = p.run({"heads"});
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, "versions/app/z_dangling.sql: cannot read: No such file or directory"));
        fs::remove(dir / "z_dangling.sql");
        fs::create_symlink("loop_b.sql", dir / "loop_a.sql");
        fs::create_symlink("loop_a.sql", dir / "loop_b.sql");
        auto looping = p.run({"upgrade"});
        CHECK(looping.exit_code == 2);
        CHECK(contains(looping.err, "versions/app/loop_a.sql: cannot read: Too many levels of symbolic links"));
        CHECK(p.ledger().empty());
        // A symlink to a revision file is a revision file.
        fs::remove(dir / "loop_a.sql");
        fs::remove(dir / "loop_b.sql");
        fs::rename(dir / "a0001_revision.sql", p.dir() / "elsewhere.sql");
        fs::create_symlink(p.dir() / "elsewhere.sql", dir / "a0001_revision.sql");
        CHECK(lines(p.run({"heads"}).out) == std::vector<std::string>{"a0001 (app) (head)"});
    }

    TEST_CASE("--json prints a file name that is not UTF-8 rather than failing") {
        Project p("sqlite");
        p.branch("app");
        p.chain("app", "a", 1);
        fs::rename(p.dir() / "versions/app/a0000_revision.sql", p.dir() / "versions/app/caf\xe9.sql");
        auto r = p.run({"--json", "history"});
        CHECK_MESSAGE(r.exit_code == 0, r.err);
        CHECK(contains(r.out, "caf\xef\xbf\xbd.sql"));
        CHECK_FALSE(contains(r.err, "json.exception"));
    }

    TEST_CASE("a corrupt SQLite file is named") {
        Project p("sqlite");
        p.branch("app");
        p.chain("app", "a", 1);
        auto file = p.dir() / "test.db";
        write_file(file, std::string(4096, 'x'));
        for (auto args : {std::vector<std::string>{"current"}, {"upgrade"}}) {
            auto r = p.run(args);
            CHECK(r.exit_code == 3);
            CHECK(contains(r.err, file.string() + ": file is not a database"));
        }
    }

    TEST_CASE("SQLite's disk full is reported in SQLite's words, not as the ROLLBACK after it") {
        // Under the enospc library every write to test.db fails with ENOSPC. Before, the ROLLBACK
        // after a failed COMMIT replaced its message with "cannot rollback - no transaction is
        // active"; the first write to fail is now the migration lock's row (see below).
        Project p("sqlite");
        p.branch("app");
        p.chain("app", "a", 1);
        REQUIRE(p.run({"upgrade"}).exit_code == 0);
        p.revision("app", "a0001", {"a0000"},
                   "CREATE TABLE big (b BLOB);\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x "
                   "< 50) INSERT INTO big SELECT randomblob(1000) FROM c;",
                   "DROP TABLE big;");
        auto shim = fs::path(TRELLIS_TEST_PLUGIN_DIR) / "enospc" / "enospc.so";
        auto r = run_trellis({"--url", p.url(), "upgrade"}, p.dir(),
                             {{"LD_PRELOAD", shim.string()}, {"TRELLIS_TEST_ENOSPC_SUFFIX", "/test.db"}});
        CHECK(r.exit_code == 3);
        // The first write is the migration lock's (its row in trellis_version_lock): it meets the
        // full disk before the revision's COMMIT does, and says so in SQLite's words.
        CHECK_MESSAGE(contains(r.err, "database or disk is full"), r.err);
        CHECK_FALSE(contains(r.err, "cannot rollback"));
        CHECK(p.ledger() == std::vector<std::string>{"a0000"});
        CHECK(p.tables() == std::vector<std::string>{"a_0"});
    }

    TEST_CASE("a relative step across a 500-way fork lists the first few, then the count") {
        Project p("sqlite");
        p.branch("app");
        p.revision("app", "a1", {}, "SELECT 1;", "");
        for (int k = 0; k < 500; ++k)
            p.revision("app", fmt::format("b{:03}", k), {"a1"}, "SELECT 1;", "");
        REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);
        auto r = p.run({"upgrade", "+1"});
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, "target `+1` steps across a 500-way fork after a1: b000 (app), b001 (app), "));
        CHECK(contains(r.err, ", and 495 more; name the revision instead"));
        CHECK(r.err.size() < 300);
    }
}
