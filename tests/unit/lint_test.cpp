// lint: what a finding carries, downgrades and dialect sections, and the `lint` command on real
// projects: exit codes, --json, the unapplied revisions, the database's version and empty tables.
// Each rule's SQL in and codes out (spellings, rebuilds, nolint) is in tests/lint_cases/*.case.
#include "lint/lint.hpp"
#include "project.hpp"
#include "revision/revision_file.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

using namespace trellis;
using namespace trellis::test;

namespace {

// The tables the revisions under test change: `account` has a known shape.
const std::string k_base = "CREATE TABLE account (\n"
                           "    id INTEGER NOT NULL,\n"
                           "    email VARCHAR(255),\n"
                           "    name TEXT NOT NULL DEFAULT '',\n"
                           "    age BIGINT,\n"
                           "    balance NUMERIC(10, 2),\n"
                           "    PRIMARY KEY (id)\n"
                           ");\n";

Revision revision(const std::string& id, const std::string& body) {
    return revision_file::parse(fmt::format("-- revision: {}\n-- down_revision:\n\n{}", id, body),
                                "versions/" + id + ".sql");
}

Revision upgrade(const std::string& id, const std::string& sql) {
    return revision(id, "-- +upgrade\n" + sql + "\n\n-- +downgrade\n");
}

// The findings of `sql` run after the base revision.
std::vector<Finding> lint_after_base(const std::string& sql) {
    auto findings = lint_revisions(std::vector<Revision>{upgrade("base", k_base), upgrade("change", sql)});
    std::erase_if(findings, [](const Finding& f) { return f.revision != "change"; });
    return findings;
}

using Codes = std::vector<std::string>;

} // namespace

TEST_SUITE("lint") {
    // Each rule's spellings and the cases that are no finding: tests/lint_cases/*.case.
    TEST_CASE("a finding names its rule, family, file, line, message and hint") {
        auto findings = lint_after_base("DROP TABLE account;");
        REQUIRE(findings.size() == 1);
        CHECK(findings[0].code == "T101");
        CHECK(findings[0].family == "destructive");
        CHECK(findings[0].path == "versions/change.sql");
        CHECK(findings[0].line == 5);
        CHECK(findings[0].dialect.empty());
        CHECK(findings[0].message == "drops table account and every row in it");
        CHECK_FALSE(findings[0].hint.empty());
    }

    TEST_CASE("T302's hint gives the RENAME that keeps the data") {
        auto f =
            lint_after_base("ALTER TABLE account DROP COLUMN name;\nALTER TABLE account ADD COLUMN full_name TEXT;");
        REQUIRE(f.size() == 2);
        CHECK(contains(f[1].hint, "ALTER TABLE account RENAME COLUMN name TO full_name;"));
    }

    TEST_CASE("downgrade sections are not linted") {
        auto r = revision("r1", "-- +upgrade\nCREATE TABLE t (id INTEGER);\n\n-- +downgrade\nDROP TABLE t;\n"
                                "DROP TABLE account;\n");
        CHECK(lint_revisions(std::vector<Revision>{r}).empty());
    }

    TEST_CASE("dialect sections are each linted, and a generic section reports once") {
        auto r = revision("r1", "-- +upgrade postgresql\nALTER TABLE account ALTER COLUMN email SET NOT NULL;\n\n"
                                "-- +downgrade\n\n"
                                "-- +upgrade sqlite\n"
                                "CREATE TABLE account_new (id INTEGER NOT NULL, email VARCHAR(255) NOT NULL, name TEXT "
                                "NOT NULL DEFAULT '', age BIGINT, balance NUMERIC(10, 2), PRIMARY KEY (id));\n"
                                "INSERT INTO account_new (id, email, name, age, balance)\n"
                                "    SELECT id, email, name, age, balance FROM account;\n"
                                "DROP TABLE account;\nALTER TABLE account_new RENAME TO account;\n");
        auto findings = lint_revisions(std::vector<Revision>{upgrade("base", k_base), r});
        REQUIRE(findings.size() == 3);
        CHECK(findings[0].dialect == "postgresql");
        CHECK(findings[0].code == "T202");
        CHECK(findings[0].line == 5);
        CHECK(findings[1].code == "T409");
        CHECK(findings[2].dialect == "sqlite");
        CHECK(findings[2].code == "T202");
        CHECK(findings[2].line == 11); // the copy
        auto generic = lint_after_base("DROP TABLE account;");
        REQUIRE(generic.size() == 1);
        CHECK(generic[0].dialect.empty());
    }

    TEST_CASE("a generic section's finding that holds on one dialect only names it") {
        auto base = revision("base", "-- +upgrade postgresql\nCREATE TABLE x (c VARCHAR(10));\n\n-- +downgrade\n\n"
                                     "-- +upgrade sqlite\nCREATE TABLE x (c VARCHAR(3));\n");
        auto findings = lint_revisions(
            std::vector<Revision>{base, upgrade("change", "ALTER TABLE x ALTER COLUMN c TYPE VARCHAR(5);")});
        REQUIRE(findings.size() == 2);
        CHECK(findings[0].code == "T204");
        CHECK(findings[0].dialect == "postgresql");
        CHECK(findings[1].code == "T501"); // varchar(10) to varchar(5) is checked row by row
    }

    TEST_CASE("every rule has a code, a family and a hint") {
        for (const auto& rule : lint_rules()) {
            CAPTURE(rule.code);
            CHECK(rule.code.size() == 4);
            CHECK((rule.family == "destructive" || rule.family == "data" || rule.family == "compatibility" ||
                   rule.family == "lock" || rule.family == "rewrite" || rule.family == "failure" ||
                   rule.family == "type"));
            CHECK_FALSE(rule.title.empty());
            CHECK_FALSE(rule.hint.empty());
            CHECK_FALSE(rule.protects.empty());
        }
    }
}

namespace {

// app: a1 creates `item`, a2 drops a column of it, a3 adds a nullable column.
struct LintProject {
    Project project{"sqlite"};
    LintProject() {
        project.branch("app");
        project.revision("app", "a1", {}, "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, code VARCHAR(40));",
                         "DROP TABLE item;");
        project.revision("app", "a2", {"a1"}, "ALTER TABLE item DROP COLUMN name;",
                         "ALTER TABLE item ADD COLUMN name TEXT;");
        project.revision("app", "a3", {"a2"}, "ALTER TABLE item ADD COLUMN note TEXT;",
                         "ALTER TABLE item DROP COLUMN note;");
    }
};

std::vector<std::string> checked(const Result& r) {
    std::vector<std::string> ids;
    auto doc = nlohmann::json::parse(r.out);
    for (const auto& id : doc.at("revisions"))
        ids.push_back(id.get<std::string>());
    return ids;
}

} // namespace

TEST_SUITE("lint") {
    TEST_CASE("lint REV: one line per finding and a hint, exit 1; a clean revision exits 0") {
        LintProject t;
        auto r = t.project.run({"lint", "a2"});
        CHECK(r.exit_code == 1);
        CHECK(lines(r.out) ==
              std::vector<std::string>{"versions/app/a2_revision.sql:7: T102 drops column item.name and the data in it",
                                       "    hint: " + std::string(std::find_if(lint_rules().begin(), lint_rules().end(),
                                                                               [](auto& r) { return r.code == "T102"; })
                                                                      ->hint),
                                       "1 finding(s) in 1 of 1 revision(s) checked. Review each; a statement that is "
                                       "meant stays quiet with `-- trellis:nolint CODE` above it."});
        auto clean = t.project.run({"lint", "a3"});
        CHECK(clean.exit_code == 0);
        CHECK(clean.out == "1 revision(s) checked: no findings.\n");
        CHECK(t.project.run({"lint", "a1", "app@head"}).exit_code == 0);
        CHECK(t.project.run({"lint", "a1", "a2"}).exit_code == 1);
        CHECK(t.project.run({"lint", "heads"}).exit_code == 0);
        // Nothing was applied or created.
        CHECK_FALSE(std::filesystem::exists(t.project.dir() / "test.db"));
    }

    TEST_CASE("a syntax error is found without a database: file, line, PostgreSQL's message, exit 1; verify too") {
        LintProject t;
        t.project.revision(
            "app", "a4", {"a3"},
            "ALTER TABLE item ADD COLUMN size INTEGER;\nALTER TABLE item\n    ALTER COLUMN size SET DEFALT 0;",
            "ALTER TABLE item DROP COLUMN size;");
        auto r = t.project.run({"lint", "a4"});
        CHECK(r.exit_code == 1);
        CHECK(contains(r.out,
                       "versions/app/a4_revision.sql:9: T001 PostgreSQL 15 rejects this statement: syntax error at "
                       "or near \"DEFALT\" (postgresql)"));
        CHECK(contains(r.err, "note: revision a4: 1 statement(s) that PostgreSQL 15's parser rejects "
                              "were read by trellis's scanner only (T001)"));
        auto json = nlohmann::json::parse(t.project.run({"--json", "lint", "a4"}).out);
        CHECK(json.at("notes").size() == 1);
        auto verify = t.project.run({"verify"});
        CHECK(verify.exit_code == 1);
        CHECK(contains(verify.out, "T001"));
    }

    TEST_CASE("lint --rules lists every rule with what it protects against and the safe way, --json too") {
        LintProject t;
        auto text = t.project.run({"lint", "--rules"});
        CHECK(text.exit_code == 0);
        CHECK(contains(text.out, "T401 lock"));
        CHECK(contains(text.out, "safe way: Use CREATE INDEX CONCURRENTLY"));
        auto doc = nlohmann::json::parse(t.project.run({"--json", "lint", "--rules"}).out);
        CHECK(doc.at("rules").size() == lint_rules().size());
        for (const auto& rule : doc.at("rules")) {
            CHECK_FALSE(rule.at("protects").get<std::string>().empty());
            CHECK_FALSE(rule.at("hint").get<std::string>().empty());
        }
    }

    TEST_CASE("--pg-version decides what is safe: a constant default rewrites the table before PostgreSQL 11") {
        LintProject t;
        t.project.revision("app", "a4", {"a3"}, "ALTER TABLE item ADD COLUMN active BOOLEAN NOT NULL DEFAULT true;",
                           "ALTER TABLE item DROP COLUMN active;");
        CHECK(t.project.run({"lint", "a4"}).exit_code == 0);
        auto old = t.project.run({"--json", "lint", "a4", "--pg-version", "10"});
        CHECK(old.exit_code == 1);
        auto doc = nlohmann::json::parse(old.out);
        REQUIRE(doc.at("findings").size() == 1);
        CHECK(doc["findings"][0].at("code") == "T502");
        CHECK(doc["findings"][0].at("family") == "rewrite");
        CHECK_FALSE(doc["findings"][0].at("protects").get<std::string>().empty());
        CHECK(t.project.run({"lint", "a4", "--pg-version", "ten"}).exit_code == 2);
    }

    TEST_CASE("lint with an unknown revision exits 2 and names it") {
        LintProject t;
        auto r = t.project.run({"lint", "nope"});
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, "nope"));
        CHECK(r.out.empty());
    }

    TEST_CASE("lint --json prints one document with every field of each finding") {
        LintProject t;
        auto r = t.project.run({"--json", "lint", "a2"});
        CHECK(r.exit_code == 1);
        auto doc = nlohmann::json::parse(r.out);
        REQUIRE(doc.at("findings").size() == 1);
        auto f = doc["findings"][0];
        CHECK(f.at("code") == "T102");
        CHECK(f.at("family") == "destructive");
        CHECK(f.at("revision") == "a2");
        CHECK(f.at("path") == "versions/app/a2_revision.sql");
        CHECK(f.at("line") == 7);
        CHECK(f.at("dialect").is_null());
        CHECK(f.at("message") == "drops column item.name and the data in it");
        CHECK(f.at("hint").get<std::string>().size() > 10);
        CHECK(checked(r) == std::vector<std::string>{"a2"});
        auto clean = t.project.run({"lint", "a3", "--json"});
        CHECK(clean.exit_code == 0);
        CHECK(nlohmann::json::parse(clean.out).at("findings").empty());
    }

    TEST_CASE("lint without arguments checks the revisions not yet applied, as one run, against the data") {
        LintProject t;
        // All three pending: a2 drops a column of a table a1 creates in the same run, which holds no rows.
        auto all = t.project.run({"--json", "lint"});
        CHECK(all.exit_code == 0);
        CHECK(checked(all) == std::vector<std::string>{"a1", "a2", "a3"});
        REQUIRE(t.project.run({"upgrade", "a1"}).exit_code == 0);
        // `item` exists now, but the database says it is empty: dropping its column loses nothing.
        auto empty = t.project.run({"--json", "lint"});
        CHECK(empty.exit_code == 0);
        CHECK(checked(empty) == std::vector<std::string>{"a2", "a3"});
        t.project.sql("INSERT INTO item (id, name, code) VALUES (1, 'x', 'y')");
        auto pending = t.project.run({"--json", "lint"});
        CHECK(pending.exit_code == 1);
        CHECK(contains(pending.out, "T102"));
        REQUIRE(t.project.run({"upgrade", "a2"}).exit_code == 0);
        auto rest = t.project.run({"lint"});
        CHECK(rest.exit_code == 0); // a2's drop is applied already: nothing left to review
        CHECK(rest.out == "1 revision(s) checked: no findings.\n");
        // An applied revision can still be named; named revisions are judged offline.
        CHECK(t.project.run({"lint", "a2"}).exit_code == 1);
    }

    TEST_CASE("online, lint judges the pending revisions by the database: its empty tables, its version") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.revision("app", "a1", {}, "CREATE TABLE item (id INTEGER PRIMARY KEY, code VARCHAR(40));",
                           "DROP TABLE item;");
                p.revision("app", "a2", {"a1"}, "CREATE TABLE other (id INTEGER PRIMARY KEY);", "DROP TABLE other;");
                // a3 would lock and rewrite `item` (PostgreSQL), and drops a column of it (both).
                p.revision("app", "a3", {"a2"},
                           "ALTER TABLE item ALTER COLUMN id TYPE BIGINT;\nALTER TABLE item DROP COLUMN code;",
                           "ALTER TABLE item ADD COLUMN code VARCHAR(40);");
                REQUIRE(p.run({"upgrade", "a2"}).exit_code == 0);
                auto empty = p.run({"--json", "lint"});
                CHECK_MESSAGE(empty.exit_code == 0, empty.out);
                p.sql("INSERT INTO item (id, code) VALUES (1, 'x')");
                if (dialect == "postgresql")
                    p.sql("ANALYZE item");
                auto rows = p.run({"--json", "lint"});
                CHECK_MESSAGE(rows.exit_code == 1, rows.out << rows.err);
                std::vector<std::string> found;
                auto doc = nlohmann::json::parse(rows.out);
                for (const auto& f : doc.at("findings"))
                    found.push_back(f.at("code").get<std::string>());
                // The generic section runs on both: PostgreSQL's rules name their dialect.
                CHECK_MESSAGE((found == Codes{"T501", "T102"}), rows.out);
            }
        }
    }

    TEST_CASE("lint without arguments and without a database lints every revision; an unreachable one exits 3") {
        LintProject t;
        auto r = run_trellis({"--json", "lint"}, t.project.dir());
        CHECK(r.exit_code == 1);
        CHECK(checked(r) == std::vector<std::string>{"a1", "a2", "a3"});
        auto down = run_trellis({"--url", "postgresql://nobody@127.0.0.1:1/none", "lint"}, t.project.dir());
        CHECK(down.exit_code == 3);
        CHECK(lines(down.err).size() <= 2);
        // Named revisions need no database.
        CHECK(run_trellis({"--url", "postgresql://nobody@127.0.0.1:1/none", "lint", "a3"}, t.project.dir()).exit_code ==
              0);
    }

    TEST_CASE("the demo's revisions: only the findings that are really there, reviewed with nolint") {
        TempDir dir;
        auto url = "sqlite:///" + (dir / "demo.db").string();
        auto clean = run_trellis({"--url", url, "--plugin-path", TRELLIS_PLUGIN_DIR, "lint"}, TRELLIS_SOURCE_DIR);
        CHECK_MESSAGE(clean.exit_code == 0, clean.out);
        CHECK(clean.out == "20 revision(s) checked: no findings.\n");

        // Without their nolint comments, panels' revisions show what was reviewed (judged offline,
        // as if what comes before were applied): c259062e8958 makes panel_application.slug NOT NULL
        // and unique over existing rows (a C++ step fills it first, which SQL cannot tell), on
        // PostgreSQL with ALTER (scanning under the table's lock, an index built without
        // CONCURRENTLY), on SQLite with a rebuild that keeps the rows, so no dropped table and no
        // rename; 7bab885ed2bd adds a foreign key and an index to a table in use.
        auto panels = dir / "panels_versions";
        std::filesystem::copy(std::filesystem::path(TRELLIS_SOURCE_DIR) / "plugins/panels/versions", panels);
        for (const auto& entry : std::filesystem::directory_iterator(panels)) {
            std::string kept;
            for (auto line : lines(read_file(entry.path()))) {
                auto at = line.find("-- trellis:nolint");
                if (at != std::string::npos)
                    line.erase(at);
                kept += line + "\n";
            }
            write_file(entry.path(), kept);
        }
        write_file(dir / "trellis.ini",
                   fmt::format("url = {}\nplugin_path = {}\n\n[plugin.panels]\nversion_path = {}\n", url,
                               TRELLIS_PLUGIN_DIR, panels.string()));
        auto r = run_trellis({"--json", "lint", "c259062e8958", "7bab885ed2bd"}, dir.path());
        REQUIRE_MESSAGE(r.exit_code == 1, r.err);
        auto doc = nlohmann::json::parse(r.out);
        std::vector<std::string> found;
        for (const auto& f : doc.at("findings"))
            found.push_back(fmt::format("{} {} {}", f.at("revision").get<std::string>(),
                                        f.at("code").get<std::string>(), f.at("dialect").get<std::string>()));
        CHECK(found == std::vector<std::string>{"c259062e8958 T202 postgresql", "c259062e8958 T409 postgresql",
                                                "c259062e8958 T203 postgresql", "c259062e8958 T401 postgresql",
                                                "c259062e8958 T202 sqlite", "c259062e8958 T203 sqlite",
                                                "7bab885ed2bd T405 postgresql", "7bab885ed2bd T401 postgresql"});
    }
}
