// Hostile input against real databases (issue 11): no byte of a revision reaches the database
// other than as written, a revision cannot end the transaction its ledger row is written in, and
// a SQL script never claims that a C++ step ran. On SQLite and on PostgreSQL.
#include "project.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace trellis::test;

namespace {

const std::filesystem::path k_test_plugins = TRELLIS_TEST_PLUGIN_DIR;

// A project whose revision a1 makes t1 with two rows, applied.
struct TwoRows {
    Project project;
    explicit TwoRows(const std::string& dialect)
        : project(dialect) {
        project.branch("app");
        project.revision("app", "a1", {}, "CREATE TABLE t1 (id INTEGER);\nINSERT INTO t1 VALUES (1), (2);",
                         "DROP TABLE t1;");
        auto r = project.run({"upgrade"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    std::string rows() const { return project.sql("SELECT count(*) FROM t1"); }
};

// `trellis` with the ends_transaction plugin loaded.
Result with_steps(const Project& p, std::vector<std::string> args) {
    args.insert(args.begin(), {"--plugin-path", (k_test_plugins / "ends_transaction").string()});
    return p.run(args);
}

} // namespace

TEST_SUITE("hostile_input") {
    TEST_CASE("a NUL byte in a revision stops the command before any statement runs") {
        using namespace std::string_literals;
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoRows t(dialect);
                auto path = t.project.revision("app", "a2", {"a1"}, "DELETE FROM t1\0 WHERE id = 1;"s, "");
                for (auto args : {std::vector<std::string>{"upgrade"}, {"upgrade", "--sql"}, {"heads"}}) {
                    auto r = t.project.run(args);
                    CHECK(r.exit_code == 2);
                    CHECK(contains(r.err, "versions/app/a2_revision.sql:7: a NUL byte at column 15"));
                    CHECK(r.out.empty());
                }
                CHECK(t.rows() == "2\n");
                CHECK(t.project.ledger() == std::vector<std::string>{"a1"});
            }
        }
    }

    TEST_CASE("invalid UTF-8 in a revision is refused with its file and line") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoRows t(dialect);
                t.project.revision("app", "a2", {"a1"}, "INSERT INTO t1 VALUES (3);\nUPDATE t1 SET id = 4; -- caf\xe9",
                                   "");
                auto r = t.project.run({"upgrade"});
                CHECK(r.exit_code == 2);
                CHECK(contains(r.err, "a2_revision.sql:8: invalid UTF-8 at column 29 (byte 0xe9)"));
                CHECK(t.rows() == "2\n");
            }
        }
    }

    TEST_CASE("ROLLBACK, COMMIT or END in a transactional revision is refused before it runs") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoRows t(dialect);
                for (std::string control : {"ROLLBACK", "COMMIT", "END"}) {
                    t.project.revision("app", "a2", {"a1"}, "CREATE TABLE a2 (x INTEGER);\n" + control + ";", "");
                    auto r = t.project.run({"upgrade"});
                    CHECK(r.exit_code == 2);
                    CHECK(contains(r.err, fmt::format("a2_revision.sql:8: `{}` controls the transaction", control)));
                    CHECK(t.project.tables() == std::vector<std::string>{"t1"});
                    CHECK(t.project.ledger() == std::vector<std::string>{"a1"});
                }
            }
        }
    }

    TEST_CASE("a COMMIT hidden from PostgreSQL's split in a nested comment commits nothing on either database") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoRows t(dialect);
                // PostgreSQL reads one comment to the last `*/`; SQLite ends it at the first, and
                // would commit a2 and `half` without a2's ledger row.
                t.project.revision("app", "a2", {"a1"},
                                   "CREATE TABLE a2 (x INTEGER);\n/* a /* b */ COMMIT;\nCREATE TABLE half (x "
                                   "INTEGER);\nSELECT * FROM no_such_table; */",
                                   "DROP TABLE a2;");
                t.project.revision("app", "a3", {"a2"}, "CREATE TABLE a3 (x INTEGER);", "DROP TABLE a3;");
                auto r = t.project.run({"upgrade"});
                CHECK(r.exit_code == 2);
                CHECK(contains(r.err, "a2_revision.sql:8: `COMMIT` controls the transaction trellis runs this "
                                      "revision in as SQLite reads this generic section"));
                CHECK(contains(r.err, "transactional: false"));
                CHECK(t.project.tables() == std::vector<std::string>{"t1"});
                CHECK(t.project.ledger() == std::vector<std::string>{"a1"});
            }
        }
    }

    TEST_CASE("a C++ step that ends the transaction fails its revision, and no ledger row claims it") {
        for (const auto& dialect : k_dialects) {
            for (std::string step : {"commits", "rolls_back"}) {
                SUBCASE((dialect + " " + step).c_str()) {
                    TwoRows t(dialect);
                    t.project.revision("app", "a2", {"a1"},
                                       "CREATE TABLE a2 (x INTEGER);\n-- +call ends_transaction:" + step +
                                           "\nCREATE TABLE a2_after (x INTEGER);",
                                       "");
                    t.project.revision("app", "a3", {"a2"}, "CREATE TABLE a3 (x INTEGER);", "");
                    auto r = with_steps(t.project, {"upgrade"});
                    CHECK(r.exit_code == 3);
                    CHECK(t.project.ledger() == std::vector<std::string>{"a1"});
                    auto tables = t.project.tables();
                    CHECK(std::find(tables.begin(), tables.end(), "a3") == tables.end());
                    if (dialect == "sqlite") {
                        // SQLite refuses the step's statement as it prepares it: nothing of a2 stays.
                        CHECK(contains(r.err, fmt::format("a2_revision.sql:8: upgrade of a2 failed: `{}` controls the "
                                                          "transaction trellis runs this revision in",
                                                          step == "commits" ? "COMMIT" : "ROLLBACK")));
                        CHECK(contains(r.err, "the revision was rolled back"));
                        CHECK(tables == std::vector<std::string>{"t1"});
                        continue;
                    }
                    CHECK(contains(r.err, "a2_revision.sql: the upgrade of a2 failed: the SQL run inside the "
                                          "transaction trellis opened ended it"));
                    CHECK(contains(r.err, "it is not recorded in the ledger"));
                    // What ran after the step was committed statement by statement; a3 never ran.
                    CHECK(std::find(tables.begin(), tables.end(), "a2_after") != tables.end());
                }
            }
        }
    }

    TEST_CASE("upgrade --sql refuses a revision that calls a C++ step, printing nothing") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoRows t(dialect);
                t.project.revision("app", "a2", {"a1"},
                                   "CREATE TABLE a2 (x INTEGER);\n-- +call ends_transaction:commits",
                                   "DROP TABLE a2;\n-- +call ends_transaction:rolls_back");
                auto r = with_steps(t.project, {"upgrade", "--sql"});
                CHECK(r.exit_code == 2);
                CHECK(contains(r.err, "a2_revision.sql:8: revision a2 calls the C++ step `ends_transaction:commits`, "
                                      "which a SQL script cannot run"));
                CHECK(r.out.empty());
                auto applied = with_steps(t.project, {"upgrade", "a2", "--sql"});
                CHECK(applied.exit_code == 2);
                // Downgrades too, whichever revision of the plan calls the step.
                REQUIRE(t.project.run({"stamp", "a2"}).exit_code == 0);
                auto down = with_steps(t.project, {"downgrade", "a1", "--sql"});
                CHECK(down.exit_code == 2);
                CHECK(contains(down.err, "`ends_transaction:rolls_back`"));
                auto plain = with_steps(t.project, {"downgrade", "base", "--sql"});
                CHECK(plain.exit_code == 2);
                CHECK(t.project.ledger() == std::vector<std::string>{"a1", "a2"});
            }
        }
    }

    TEST_CASE("a lock time-out out of range is refused when options are parsed, before connecting") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                TwoRows t(dialect);
                for (std::string value : {"-1", "2147484", "99999999999"}) {
                    auto r = t.project.run({"upgrade", "--dry-run", "--lock-timeout", value});
                    CHECK(r.exit_code == 2);
                    CHECK(contains(r.err, "--lock-timeout"));
                }
                CHECK(t.project.run({"upgrade", "--lock-timeout", "2147483"}).exit_code == 0);
                CHECK(t.project.run({"upgrade", "--lock-timeout", "0"}).exit_code == 0);
            }
        }
    }

    TEST_CASE("a ledger table of another shape is named, with what it lacks") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.chain("app", "a", 1);
                query(p.url(), "CREATE TABLE trellis_version (id INTEGER, name TEXT)");
                for (auto args : {std::vector<std::string>{"current"}, {"upgrade"}}) {
                    auto r = p.run(args);
                    CHECK(r.exit_code == 3);
                    CHECK(contains(r.err, "table `trellis_version` in "));
                    CHECK(contains(r.err, "is not a trellis ledger"));
                    CHECK(contains(r.err, "revision"));
                }
            }
        }
    }
}
