// SQL that runs on SQLite (its own section, or the generic one on SQLite) ends its statements
// where SQLite does (sqlite3_complete): hostile SQL with semicolons in strings, identifiers,
// comments and trigger bodies splits as SQLite runs it, and an upgrade on SQLite applies it whole.
#include "revision/sql_split.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

using namespace trellis;
using namespace trellis::test;

namespace {

std::vector<std::string> sqlite_statements(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& s : split_statements(Section{SectionKind::upgrade, "sqlite", 1, text}, "sqlite"))
        out.push_back(s.sql);
    return out;
}

} // namespace

TEST_SUITE("sqlite_split") {
    TEST_CASE("semicolons in strings, quoted and bracketed identifiers and comments end nothing") {
        auto s = sqlite_statements("INSERT INTO \"a;b\" ([c;d], `e;f`) VALUES ('x;''y;');\n"
                                   "-- a comment; with semicolons;\n"
                                   "/* one; more */ SELECT 1;");
        CHECK(s == std::vector<std::string>{"INSERT INTO \"a;b\" ([c;d], `e;f`) VALUES ('x;''y;')", "SELECT 1"});
    }

    TEST_CASE("a trigger body keeps its semicolons, also with END and CASE inside strings and expressions") {
        auto s = sqlite_statements("CREATE TEMP TRIGGER t AFTER INSERT ON a BEGIN\n"
                                   "  UPDATE a SET note = 'END;' WHERE id = NEW.id;\n"
                                   "  UPDATE a SET x = CASE WHEN x > 0 THEN 1 ELSE 0 END;\n"
                                   "END;\n"
                                   "SELECT 2;");
        REQUIRE(s.size() == 2);
        CHECK(s[0].ends_with("END"));
        CHECK(s[1] == "SELECT 2");
    }

    TEST_CASE("SQLite has no dollar quotes, backslash escapes or nested comments") {
        // $a$ is a parameter name to SQLite, E'\' a string ending in a backslash, and a block
        // comment ends at its first */: each of these semicolons ends a statement.
        auto s = sqlite_statements("SELECT $a$; SELECT $a$;\nSELECT E'\\'; SELECT 3;\n/* /* */ SELECT 4;");
        CHECK(s == std::vector<std::string>{"SELECT $a$", "SELECT $a$", "SELECT E'\\'", "SELECT 3", "SELECT 4"});
    }

    TEST_CASE("the generic section is split as the database it runs on reads it") {
        // SQLite's block comments do not nest and `[...]` quotes a name; PostgreSQL reads the
        // first line as a comment still open, and `[` as a symbol.
        Section generic{SectionKind::upgrade, "", 1, "/* a /* b */ CREATE TABLE [x;y] (id INTEGER);"};
        auto on_sqlite = split_statements(generic, "sqlite");
        REQUIRE(on_sqlite.size() == 1);
        CHECK(on_sqlite[0].sql == "CREATE TABLE [x;y] (id INTEGER)");
        CHECK(split_statements(generic, "postgresql").empty());
    }

    TEST_CASE("a generic section runs and prints on SQLite as SQLite splits it") {
        // Regression: the generic section was split PostgreSQL's way on SQLite too, so the nested
        // comment swallowed the rest of the section and the upgrade created nothing.
        TempDir dir;
        auto url = "sqlite:///" + (dir / "app.db").string();
        write_file(dir / "trellis.ini", "url = " + url + "\n[plugin.app]\nversion_path = versions\n");
        write_file(dir / "versions/r1_generic.sql",
                   "-- revision: r1\n-- down_revision:\n\n-- +upgrade\n"
                   "/* SQLite's comments do not nest: /* this one ends here */\n"
                   "CREATE TABLE [odd;name] (id INTEGER PRIMARY KEY, note TEXT);\n"
                   "CREATE TRIGGER keep AFTER INSERT ON [odd;name] BEGIN\n"
                   "  UPDATE [odd;name] SET note = note || ' END;' WHERE id = NEW.id;\n"
                   "END;\n"
                   "INSERT INTO [odd;name] (note) VALUES ('a;b');\n"
                   "\n-- +downgrade\nDROP TABLE [odd;name];\n");
        auto sql = run_trellis({"upgrade", "--sql"}, dir.path());
        REQUIRE_MESSAGE(sql.exit_code == 0, sql.err);
        CHECK(sql.out.find("CREATE TABLE [odd;name] (id INTEGER PRIMARY KEY, note TEXT);") != std::string::npos);
        auto up = run_trellis({"upgrade"}, dir.path());
        REQUIRE_MESSAGE(up.exit_code == 0, up.err);
        CHECK(query(url, "SELECT note FROM [odd;name]") == "a;b END;\n");
    }

    TEST_CASE("an upgrade on SQLite runs a hostile section statement by statement") {
        TempDir dir;
        write_file(dir / "trellis.ini",
                   "url = sqlite:///" + (dir / "app.db").string() + "\n[plugin.app]\nversion_path = versions\n");
        write_file(dir / "versions/r1_hostile.sql",
                   "-- revision: r1\n-- down_revision:\n\n-- +upgrade sqlite\n"
                   "CREATE TABLE [odd;name] (id INTEGER PRIMARY KEY, note TEXT);\n"
                   "CREATE TABLE log (msg TEXT);\n"
                   "CREATE TRIGGER keep AFTER INSERT ON [odd;name] BEGIN\n"
                   "  INSERT INTO log VALUES ('saw; ' || NEW.note || ' END;');\n"
                   "END;\n"
                   "INSERT INTO [odd;name] (note) VALUES ('a;b'); -- trailing; comment\n"
                   "\n-- +downgrade\nDROP TABLE log;\nDROP TABLE [odd;name];\n");
        auto up = run_trellis({"upgrade"}, dir.path());
        REQUIRE_MESSAGE(up.exit_code == 0, up.err);
        CHECK(query("sqlite:///" + (dir / "app.db").string(), "SELECT msg FROM log") == "saw; a;b END;\n");
    }
}
