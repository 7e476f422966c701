// Plugin loading, end to end through the `trellis` binary: the libraries in tests/bad_plugins
// (each built into its own directory under TRELLIS_TEST_PLUGIN_DIR) are refused with an error
// naming the file before any database is touched; the demo plugins load; a failing C++ step
// rolls its revision back.
#include "project.hpp"
#include "support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <memory>
#include <string>
#include <trellis/plugin.hpp>
#include <vector>

namespace fs = std::filesystem;
using trellis::test::contains;
using trellis::test::query;
using trellis::test::Result;
using trellis::test::run_trellis;
using trellis::test::TempDir;

namespace {

const fs::path k_test_plugins = TRELLIS_TEST_PLUGIN_DIR;
const fs::path k_demo_plugins = TRELLIS_PLUGIN_DIR;
const fs::path k_source = TRELLIS_SOURCE_DIR;

std::string sqlite_url(const fs::path& file) {
    return "sqlite:///" + file.string();
}

// `trellis --plugin-path <case> --url <db> upgrade heads`, run where no trellis.ini is found.
Result upgrade_with(const std::string& plugin_case, const fs::path& database, const fs::path& cwd) {
    return run_trellis(
        {"--plugin-path", (k_test_plugins / plugin_case).string(), "--url", sqlite_url(database), "upgrade", "heads"},
        cwd);
}

// A fresh empty database of `dialect` ("sqlite" or "postgresql"), dropped with the object.
struct Database {
    explicit Database(const std::string& dialect) {
        if (dialect == "postgresql") {
            pg = std::make_unique<trellis::test::PostgresDatabase>();
            url = pg->url();
        } else {
            url = sqlite_url(dir / "test.db");
        }
    }
    // The names of its tables, sorted, one a line (the migration lock's table left out).
    std::string tables() const {
        return query(url, pg ? "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> "
                               "'trellis_version_lock' ORDER BY tablename"
                             : "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'trellis_version_lock' "
                               "ORDER BY name");
    }

    TempDir dir;
    std::unique_ptr<trellis::test::PostgresDatabase> pg;
    std::string url;
};

struct RefusedCase {
    std::string directory;              // under TRELLIS_TEST_PLUGIN_DIR
    std::vector<std::string> libraries; // each must be named in the error
    std::string reason;                 // a phrase the error must hold
};

std::vector<RefusedCase> refused_cases() {
    return {
        {"no_entry", {"no_entry.so"}, "trellis_plugin_entry"},
        {"abi_mismatch", {"abi_mismatch.so"}, std::to_string(trellis::k_plugin_abi_version + 1)},
        {"duplicate_name", {"twin_a.so", "twin_b.so"}, "twin"},
        {"missing_dependency", {"orphan.so"}, "no_such_plugin"},
        {"dependency_cycle", {"cycle_a.so", "cycle_b.so"}, "cycle"},
        {"describe_throws", {"describe_throws.so"}, "models are not ready"},
    };
}

void check_refused(const RefusedCase& c, const Result& result) {
    INFO("case: " << c.directory << "\nstderr: " << result.err);
    CHECK(result.exit_code == 2);
    for (const auto& library : c.libraries)
        CHECK(contains(result.err, library));
    CHECK(contains(result.err, c.reason));
    CHECK(result.out.empty());
}

} // namespace

TEST_SUITE("plugin_loader") {

    TEST_CASE("a refused plugin exits 2 naming the library and creates no database") {
        for (const auto& c : refused_cases()) {
            TempDir tmp;
            auto database = tmp / "x.db";
            check_refused(c, upgrade_with(c.directory, database, tmp.path()));
            CHECK_MESSAGE(!fs::exists(database), c.directory << " created " << database);
        }
    }

    TEST_CASE("a refused plugin leaves an existing database byte for byte as it was") {
        for (const auto& c : refused_cases()) {
            TempDir tmp;
            auto database = tmp / "x.db";
            query(sqlite_url(database), "CREATE TABLE already_here (id INTEGER PRIMARY KEY); "
                                        "INSERT INTO already_here VALUES (7);");
            auto before = trellis::test::read_file(database);
            check_refused(c, upgrade_with(c.directory, database, tmp.path()));
            CHECK_MESSAGE(trellis::test::read_file(database) == before, c.directory << " changed " << database);
            CHECK(!fs::exists(tmp / "x.db-journal"));
        }
    }

    TEST_CASE("the demo plugins load and give one head per plugin") {
        // From the repository root, as a user runs it: the root trellis.ini is found; the plugin
        // path is this build's (the config names build/plugins, which may be another build).
        auto result = run_trellis({"--plugin-path", k_demo_plugins.string(), "heads"}, k_source);
        INFO("stderr: " << result.err << "\nstdout: " << result.out);
        REQUIRE(result.exit_code == 0);
        for (const std::string plugin : {"uber", "panels", "guests", "tabletop", "magprime", "mivs"}) {
            auto label = " (" + plugin + ") (head)\n";
            auto first = result.out.find(label);
            CHECK_MESSAGE(first != std::string::npos, plugin << " has no head");
            CHECK_MESSAGE(result.out.find(label, first + 1) == std::string::npos, plugin << " has several heads");
        }
        CHECK(std::count(result.out.begin(), result.out.end(), '\n') == 6);
    }

    TEST_CASE("the demo upgrades to heads, back to base and up again, its C++ step included") {
        for (const auto& dialect : trellis::test::k_dialects) {
            CAPTURE(dialect);
            Database db(dialect);
            auto trellis = [&](std::vector<std::string> args) {
                args.insert(args.begin(), {"--plugin-path", k_demo_plugins.string(), "--url", db.url});
                auto result = run_trellis(args, k_source);
                INFO("trellis " << args[4] << " " << args.back() << "\nstderr: " << result.err);
                CHECK(result.exit_code == 0);
                return result;
            };
            // Rows for panels:backfill_slugs to fill: two panels share a name, one has none to speak of.
            // The applicant must survive c259062e8958, which rebuilds panel_application on SQLite.
            trellis({"upgrade", "panels@d5758c9cfb94"});
            query(db.url, "INSERT INTO panel_application (id, name) VALUES (1, 'Q&A'), (2, 'Q&A'), (3, '?!'); "
                          "INSERT INTO panel_applicant (id, application_id, first_name, last_name, email) "
                          "VALUES (1, 2, 'Ada', 'Lovelace', 'ada@example.com')");
            trellis({"upgrade", "heads"});
            CHECK(query(db.url, "SELECT slug FROM panel_application ORDER BY id") == "q-a\nq-a-2\npanel\n");
            CHECK(query(db.url, "SELECT application_id FROM panel_applicant") == "2\n");
            auto heads = trellis({"heads"}).out;
            CHECK(trellis({"current"}).out == heads);
            trellis({"downgrade", "base"});
            CHECK(db.tables() == "trellis_version\n");
            trellis({"upgrade", "heads"});
            CHECK(trellis({"current"}).out == heads);
        }
    }

    TEST_CASE("a failing C++ step rolls its revision back, keeps the one before and names the step, its library "
              "and its revision") {
        for (const auto& dialect : trellis::test::k_dialects) {
            CAPTURE(dialect);
            Database db(dialect);
            TempDir cwd;
            auto result = run_trellis(
                {"--plugin-path", (k_test_plugins / "step_throws").string(), "--url", db.url, "upgrade", "heads"},
                cwd.path());
            INFO("stderr: " << result.err);
            CHECK(result.exit_code == 3);
            CHECK(contains(result.err, "step_throws:explode"));
            CHECK(contains(result.err, "the badge printer caught fire"));
            // Through call_plugin, like every call into a plugin: the library file and the revision.
            CHECK(contains(result.err, "step_throws/step_throws.so: plugin `step_throws` failed in step "
                                       "`step_throws:explode` of revision 20dcbe47d47f"));
            CHECK(contains(result.err, "20dcbe47d47f_create_step_lost_and_call_a_failing_step.sql"));
            // The first revision stays; the second, its table and the row its step wrote are gone.
            CHECK(query(db.url, "SELECT revision FROM trellis_version") == "b5e6d321d487\n");
            CHECK(db.tables() == "step_kept\ntrellis_version\n");
            CHECK(query(db.url, "SELECT count(*) FROM step_kept") == "0\n");
        }
    }

    TEST_CASE("a PostgreSQL module of another ABI version is refused naming its file, before it connects") {
        TempDir cwd;
        trellis::test::write_file(cwd / "trellis.ini", "[plugin.app]\nversion_path = versions\n");
        auto module = k_test_plugins / "old_postgresql_module" / "old_postgresql_module.so";
        auto result = run_trellis({"--json", "--url", "postgresql://app:hunter2@db.invalid/app", "current"}, cwd.path(),
                                  {{"TRELLIS_POSTGRESQL_MODULE", module.string()}});
        CHECK(result.exit_code == 3);
        CHECK(contains(result.err, "the PostgreSQL backend " + module.string() +
                                       " was built for module ABI version 2, this trellis loads version 1"));
        CHECK(contains(result.out, "\"file\": \"" + module.string() + "\""));
        CHECK_FALSE(contains(result.err + result.out, "hunter2"));
        // A library without the entry point (a module from before the ABI check) is named too.
        auto plain =
            run_trellis({"--url", "postgresql://app@db.invalid/app", "current"}, cwd.path(),
                        {{"TRELLIS_POSTGRESQL_MODULE", (k_test_plugins / "no_entry" / "no_entry.so").string()}});
        CHECK(plain.exit_code == 3);
        CHECK(contains(plain.err, "no_entry.so has no entry point trellis_postgresql_module"));
    }

} // TEST_SUITE
