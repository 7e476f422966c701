// The config file (config/config.cpp), read directly: every setting, paths relative to the file's
// directory, and errors that carry the file and line as fields (the CLI's view of the same errors
// is in url_test.cpp).
#include "config/config.hpp"
#include "support.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace trellis;
using namespace trellis::test;

namespace {

// The error loading `content` as a trellis.ini gives.
Error refusal(const TempDir& dir, const std::string& content) {
    write_file(dir / "trellis.ini", content);
    try {
        load_config(dir / "trellis.ini");
    } catch (const Error& e) {
        return e;
    }
    FAIL("the config loaded");
    return Error(ExitCode::ok, "");
}

} // namespace

TEST_SUITE("config") {
    TEST_CASE("load_config reads every setting; relative paths start at the file's directory") {
        TempDir dir;
        std::filesystem::create_directories(dir / "sub");
        write_file(dir / "sub" / "trellis.ini", "url = sqlite:///dev.db\n"
                                                "plugin_path = build/plugins:/opt/plugins\n"
                                                "default_plugin = uber\n"
                                                "version_table = schema_log\n"
                                                "dev = yes\n"
                                                "exclude_tables = apscheduler_*, tmp_*\n"
                                                "lock_timeout = 15   # seconds\n"
                                                "ddl_lock_timeout = 3\n"
                                                "version_schema = ops\n"
                                                "\n[plugin.reports]\n"
                                                "version_path = extra/reports\n"
                                                "depends = uber, panels\n"
                                                "sql_only = on\n"
                                                "\n[databases]\n"
                                                "east = postgresql://db-east/app\n"
                                                "west = postgresql://db-west/app\n");
        auto config = load_config(dir / "sub" / "trellis.ini");
        CHECK(config.directory == dir / "sub");
        CHECK(config.url == "sqlite:///dev.db");
        REQUIRE(config.plugin_path.size() == 2);
        CHECK(config.plugin_path[0] == dir / "sub" / "build" / "plugins");
        CHECK(config.plugin_path[1] == "/opt/plugins");
        CHECK(config.default_plugin == "uber");
        CHECK(config.version_table == "schema_log");
        CHECK(config.dev == true);
        CHECK(config.exclude_tables == std::vector<std::string>{"apscheduler_*", "tmp_*"});
        CHECK(config.lock_timeout == 15);
        CHECK(config.ddl_lock_timeout == 3);
        CHECK_FALSE(config.statement_timeout.has_value());
        CHECK(config.version_schema == "ops");
        const auto* reports = config.plugin("reports");
        REQUIRE(reports);
        CHECK(reports->version_path == dir / "sub" / "extra" / "reports");
        CHECK(reports->depends == std::vector<std::string>{"uber", "panels"});
        CHECK(reports->sql_only == true);
        CHECK(config.plugin("panels") == nullptr);
        REQUIRE(config.databases.size() == 2);
        CHECK(config.databases[0] == std::pair<std::string, std::string>{"east", "postgresql://db-east/app"});
        CHECK(config.databases[1].first == "west");
    }

    TEST_CASE("a bad value is an input error whose fields name the file and the line of its key") {
        TempDir dir;
        auto display = [&](const Error& e) { return std::filesystem::path(e.facts().file).filename(); };
        auto bad_bool = refusal(dir, "url = sqlite:///x.db\ndev = maybe\n");
        CHECK(bad_bool.code() == ExitCode::bad_input);
        CHECK(display(bad_bool) == "trellis.ini");
        CHECK(bad_bool.facts().line == 2);
        auto too_long = refusal(dir, "lock_timeout = 99999999\n");
        CHECK(too_long.facts().line == 1);
        auto unknown = refusal(dir, "\n\n[plugin.app]\nversion_path = v\ncolour = blue\n");
        CHECK(unknown.facts().line == 5);
        CHECK(unknown.facts().plugin == "app");
        auto table = refusal(dir, "version_table = \"x; DROP\"\n");
        CHECK(table.facts().line == 1);
        auto twice = refusal(dir, "url = a\nurl = b\n");
        CHECK(twice.facts().line == 2);
        auto garbage = refusal(dir, "dev\n");
        CHECK(garbage.facts().line == 1);
    }

    TEST_CASE("find_config finds the nearest trellis.ini upwards, and none is none") {
        TempDir dir;
        std::filesystem::create_directories(dir / "a" / "b");
        CHECK_FALSE(find_config(dir / "a" / "b").has_value());
        write_file(dir / "trellis.ini", "");
        CHECK(find_config(dir / "a" / "b") == dir / "trellis.ini");
        write_file(dir / "a" / "trellis.ini", "");
        CHECK(find_config(dir / "a" / "b") == dir / "a" / "trellis.ini");
        auto empty = load_config(dir / "a" / "trellis.ini");
        CHECK_FALSE(empty.url.has_value());
        CHECK(empty.plugins.empty());
    }
}
