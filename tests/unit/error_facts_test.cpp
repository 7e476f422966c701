// Errors carry their facts as fields (issue 16.5, libpqxx's habit): under --json the error object
// names the file, line, revision, plugin and SQLSTATE it is about, so a script reads them instead
// of parsing the message. Each case reads the fields, never the words.
#include "project.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace trellis::test;

namespace {

// The `error` object a --json run printed on stdout.
nlohmann::json error_of(const Result& r) {
    auto document = nlohmann::json::parse(r.out);
    REQUIRE(document.contains("error"));
    return document["error"];
}

} // namespace

TEST_SUITE("error_facts") {
    TEST_CASE("a malformed revision file is named by file, line and revision") {
        Project p("sqlite");
        p.branch("app");
        p.revision("app", "a1", {}, "CREATE TABLE t (id INTEGER);", "DROP TABLE t;", {}, "-- colour: blue");
        auto r = p.run({"--json", "heads"});
        CHECK(r.exit_code == 2);
        auto error = error_of(r);
        CHECK(error["exit_code"] == 2);
        CHECK(error["file"] == "versions/app/a1_revision.sql");
        CHECK(error["line"] == 6);
        CHECK(error["revision"] == "a1");
        CHECK_FALSE(error.contains("sqlstate"));
    }

    TEST_CASE("an unknown down_revision is named by the file and line that name it") {
        Project p("sqlite");
        p.branch("app");
        p.revision("app", "a1", {}, "", "");
        p.revision("app", "a2", {"a0"}, "", "");
        auto error = error_of(p.run({"--json", "heads"}));
        CHECK(error["file"] == "versions/app/a2_revision.sql");
        CHECK(error["line"] == 2);
        CHECK(error["revision"] == "a2");
    }

    TEST_CASE("a config error is named by the config file and the line of the key") {
        TempDir dir;
        write_file(dir / "trellis.ini", "url = sqlite:///x.db\n\n[plugin.app]\nversion_path = v\ncolour = blue\n");
        auto error = error_of(run_trellis({"--json", "heads"}, dir.path()));
        CHECK(error["exit_code"] == 2);
        CHECK(error["file"].get<std::string>().ends_with("trellis.ini"));
        CHECK(error["line"] == 5);
        CHECK(error["plugin"] == "app");
    }

    TEST_CASE("a library that is not a plugin is named by its file") {
        TempDir dir;
        write_file(dir / "libbroken.so", "not an ELF file\n");
        write_file(dir / "trellis.ini", "[plugin.app]\nversion_path = versions\n");
        auto error = error_of(run_trellis({"--json", "--plugin-path", dir.path().string(), "heads"}, dir.path()));
        CHECK(error["exit_code"] == 2);
        CHECK(error["plugin"].get<std::string>().ends_with("libbroken.so"));
        CHECK(error["file"] == error["plugin"]);
    }

    TEST_CASE("a failing statement is named by file, line, revision and, on PostgreSQL, its SQLSTATE") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.revision("app", "a1", {}, "CREATE TABLE t (id INTEGER);\nINSERT INTO missing VALUES (1);", "");
                auto r = p.run({"--json", "upgrade"});
                CHECK(r.exit_code == 3);
                auto error = error_of(r);
                CHECK(error["exit_code"] == 3);
                CHECK(error["file"] == "versions/app/a1_revision.sql");
                CHECK(error["line"] == 9);
                CHECK(error["revision"] == "a1");
                if (dialect == "postgresql")
                    CHECK(error["sqlstate"] == "42P01"); // undefined_table
                else
                    CHECK_FALSE(error.contains("sqlstate"));
            }
        }
    }
}
