// revision --autogenerate, check and diff on the cases the contract names: a NOT NULL column
// added in two steps, SQLite's table rebuild keeping rows, warnings on destructive changes and a
// possible rename, --plugin and --all-plugins with column ownership, the refusal when the
// database is not at heads, exclude_tables and the ledger, and the JSON of check and diff. The
// models come from the json_models test plugins (tests/bad_plugins/json_models/).
#include "model_project.hpp"
#include "project.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

using namespace trellis;
using namespace trellis::test;
using nlohmann::json;

namespace {

// `revision --autogenerate -m MESSAGE extra...` (by default `--plugin json_models`); the files
// written, as (path, text).
std::vector<std::pair<std::string, std::string>> autogenerate(const ModelProject& p, const std::string& message,
                                                              std::vector<std::string> extra = {"--plugin",
                                                                                                "json_models"}) {
    std::vector<std::string> args{"revision", "--autogenerate", "-m", message};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = p.run(args);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& path : lines(r.out))
        out.emplace_back(path, read_file(p.dir() / path));
    return out;
}

void upgrade(const ModelProject& p) {
    auto r = p.run({"upgrade"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
}

void require_clean(const ModelProject& p) {
    auto r = p.run({"check"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
}

std::string rows(const ModelProject& p, const std::string& query_text) {
    return p.sql(query_text);
}

} // namespace

TEST_SUITE("autogenerate") {
    TEST_CASE(
        "a NOT NULL column added to a table with rows: a default fills them, then goes unless the model keeps it") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect);
                Models m{{table("attendee", {column("name", types::varchar(40))})}, {}};
                p.set_models(m);
                autogenerate(p, "attendees");
                upgrade(p);
                p.execute("INSERT INTO attendee (id, name) VALUES (1, 'ann'), (2, NULL);");

                m.tables[0].columns.push_back(column("badge", types::integer(), false));
                m.tables[0].columns.push_back(column("paid", types::boolean(), false, "false"));
                m.tables[0].columns.push_back(column("note", types::text(), true, "'none'"));
                p.set_models(m);
                auto file = autogenerate(p, "badges").at(0).second;
                auto pg = revision_section(file, "upgrade", "postgresql");
                CHECK(contains(pg, "ALTER TABLE attendee ADD COLUMN badge INTEGER NOT NULL DEFAULT 0;\n"
                                   "ALTER TABLE attendee ALTER COLUMN badge DROP DEFAULT;"));
                CHECK(contains(pg, "ALTER TABLE attendee ADD COLUMN paid BOOLEAN NOT NULL DEFAULT false;"));
                CHECK_FALSE(contains(pg, "paid DROP DEFAULT"));
                // SQLite has no ALTER COLUMN ... DROP DEFAULT: the table is rebuilt, filled the same way.
                auto lite = revision_section(file, "upgrade", "sqlite");
                CHECK(contains(lite, "SELECT id, name, 0, false, 'none' FROM attendee;"));

                upgrade(p);
                require_clean(p);
                auto expected = dialect == "sqlite" ? "1|ann|0|0|none\n2||0|0|none\n" : "1|ann|0|f|none\n2||0|f|none\n";
                CHECK(rows(p, "SELECT id, name, badge, paid, note FROM attendee ORDER BY id") == expected);
                auto defaults =
                    dialect == "sqlite"
                        ? rows(p, "SELECT name || '=' || ifnull(dflt_value, '') FROM pragma_table_info('attendee') "
                                  "WHERE name IN ('badge', 'paid') ORDER BY name")
                        : rows(p, "SELECT column_name || '=' || coalesce(column_default, '') FROM "
                                  "information_schema.columns WHERE table_name = 'attendee' AND column_name "
                                  "IN ('badge', 'paid') ORDER BY column_name");
                CHECK(defaults == "badge=\npaid=false\n");

                auto down = p.run({"downgrade", "-1"});
                REQUIRE_MESSAGE(down.exit_code == 0, down.err);
                CHECK(rows(p, "SELECT id, name FROM attendee ORDER BY id") == "1|ann\n2|\n");
            }
        }
    }

    TEST_CASE("SQLite: what ALTER cannot do is a table rebuild inside the revision that keeps the rows") {
        ModelProject p("sqlite");
        auto panel = table("panel", {column("title", types::varchar(40)), column("room", types::integer())});
        panel.indexes.push_back({"panel_room_ix", {"room"}, false});
        Models m{{table("room", {}), panel}, {}};
        p.set_models(m);
        autogenerate(p, "panels");
        upgrade(p);
        p.execute("INSERT INTO room (id) VALUES (7); INSERT INTO panel (id, title, room) VALUES (1, 'Opening', 7), "
                  "(2, 'Closing', NULL), (3, NULL, 7);");

        auto& changed = m.tables[1];
        changed.columns[1].type = types::varchar(80);
        changed.checks.push_back({"panel_id_ck", "id > 0"});
        changed.uniques.push_back({"panel_title_uq", {"title"}});
        changed.foreign_keys.push_back({"panel_room_fk", {"room"}, "room", {"id"}, ReferentialAction::set_null});
        p.set_models(m);
        auto file = autogenerate(p, "panel keys").at(0).second;
        auto up = revision_section(file, "upgrade", "sqlite");
        auto steps = {"CREATE TABLE _trellis_new_panel (",
                      "INSERT INTO _trellis_new_panel (id, title, room) SELECT id, title, room FROM panel;",
                      "DROP TABLE panel;", "ALTER TABLE _trellis_new_panel RENAME TO panel;",
                      "CREATE INDEX panel_room_ix ON panel (room);"};
        std::size_t at = 0;
        for (const auto* step : steps) {
            auto found = up.find(step, at);
            CHECK_MESSAGE(found != std::string::npos, step << " not after offset " << at << " in\n" << up);
            at = found == std::string::npos ? at : found;
        }
        upgrade(p);
        require_clean(p);
        auto kept = "1|Opening|7\n2|Closing|\n3||7\n";
        CHECK(rows(p, "SELECT id, title, room FROM panel ORDER BY id") == kept);
        CHECK(
            rows(p, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'panel' AND sql IS NOT NULL") ==
            "panel_room_ix\n");
        CHECK(rows(p, "SELECT \"table\", on_delete FROM pragma_foreign_key_list('panel')") == "room|SET NULL\n");

        auto down = p.run({"downgrade", "-1"});
        REQUIRE_MESSAGE(down.exit_code == 0, down.err);
        CHECK(rows(p, "SELECT id, title, room FROM panel ORDER BY id") == kept);
        CHECK(rows(p, "SELECT type FROM pragma_table_info('panel') WHERE name = 'title'") == "VARCHAR(40)\n");
        CHECK(rows(p, "SELECT count(*) FROM pragma_foreign_key_list('panel')") == "0\n");
        CHECK(
            rows(p, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'panel' AND sql IS NOT NULL") ==
            "panel_room_ix\n");
    }

    TEST_CASE(
        "destructive changes carry a warning; a dropped and an added column of one type are offered as a rename") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect);
                Models m{{table("guest", {column("nick", types::varchar(40)), column("bio", types::text()),
                                          column("code", types::varchar(40))}),
                          table("old_stuff", {})},
                         {}};
                p.set_models(m);
                autogenerate(p, "guests");
                upgrade(p);
                p.execute("INSERT INTO guest (id, nick, bio, code) VALUES (1, 'mo', 'hi', 'A1');");

                m.tables.pop_back();
                m.tables[0].columns = {column("id", types::integer(), false), column("code", types::varchar(10)),
                                       column("handle", types::varchar(40))};
                p.set_models(m);
                auto diff = p.run({"--json", "diff"});
                REQUIRE_MESSAGE(diff.exit_code == 0, diff.err);
                auto differences = json::parse(diff.out).at("differences");
                std::map<std::string, json> by;
                for (const auto& d : differences)
                    by[d.at("operation").get<std::string>() + " " + d.at("subject").get<std::string>()] = d;
                CHECK(by.at("drop_table old_stuff").at("destructive") == true);
                CHECK(by.at("drop_column nick").at("destructive") == true);
                CHECK(by.at("drop_column bio").at("destructive") == true);
                CHECK(by.at("alter_column code").at("destructive") == true);
                CHECK(by.at("add_column handle").at("possible_rename_of") == "nick");
                CHECK(by.at("add_column handle").at("destructive") == false);

                auto file = autogenerate(p, "trim guests").at(0).second;
                for (const auto* d : {"sqlite", "postgresql"}) {
                    CAPTURE(d);
                    auto up = revision_section(file, "upgrade", d);
                    std::string warnings;
                    for (const auto& line : lines(up))
                        if (line.starts_with("-- WARNING:"))
                            warnings += line + "\n";
                    CHECK(contains(warnings, "old_stuff"));
                    CHECK(contains(warnings, "guest.nick"));
                    CHECK(contains(warnings, "guest.bio"));
                    CHECK(contains(warnings, "guest.code"));
                    CHECK_FALSE(contains(warnings, "handle"));
                    CHECK(contains(up, "-- ALTER TABLE guest RENAME COLUMN nick TO handle;\n"));
                }
                upgrade(p);
                require_clean(p);
                CHECK(rows(p, "SELECT id, code, handle FROM guest") == "1|A1|\n");
            }
        }
    }

    TEST_CASE(
        "--plugin P writes only P's changes and names the other plugins with changes and the command to write them") {
        ModelProject p("sqlite");
        Models parent{{table("attendee", {column("name", types::text())})}, {}};
        p.set_models(parent);
        autogenerate(p, "attendees", {"--plugin", "json_models"});
        upgrade(p);

        parent.tables[0].columns.push_back(column("email", types::text()));
        p.set_models(parent);
        p.set_child_models({{table("mag_order", {column("qty", types::integer())})},
                            {{"attendee", {column("shirt", types::varchar(8))}, {}, {}}}});
        auto json_run = p.run({"--json", "revision", "--autogenerate", "--plugin", "json_models", "-m", "email"});
        REQUIRE_MESSAGE(json_run.exit_code == 0, json_run.err);
        auto document = json::parse(json_run.out);
        REQUIRE(document.at("written").size() == 1);
        CHECK(document.at("other_plugins_with_changes") ==
              json::parse(R"([{"plugin": "json_models_child", "changes": 2}])"));
        std::filesystem::path first = document.at("written")[0].get<std::string>();
        std::filesystem::remove(first.is_relative() ? p.dir() / first : first);

        auto r = p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "email"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        REQUIRE(lines(r.out).size() == 1);
        CHECK(lines(r.out)[0].starts_with("versions/json_models/"));
        CHECK(contains(r.err, "plugin `json_models_child` has 2 other change(s): "
                              "trellis revision --autogenerate --plugin json_models_child -m MESSAGE"));
        auto file = read_file(p.dir() / lines(r.out)[0]);
        CHECK(contains(file, "ADD COLUMN email"));
        CHECK_FALSE(contains(file, "shirt"));
        CHECK_FALSE(contains(file, "mag_order"));
        upgrade(p);

        auto parent_head = header(file, "revision");
        auto child = autogenerate(p, "mag orders", {"--plugin", "json_models_child"});
        REQUIRE(child.size() == 1);
        CHECK(child[0].first.starts_with("versions/json_models_child/"));
        CHECK(header(child[0].second, "branch_labels") == "json_models_child");
        CHECK(header(child[0].second, "depends_on") == parent_head);
        CHECK(contains(child[0].second, "CREATE TABLE mag_order"));
        CHECK(contains(child[0].second, "ALTER TABLE attendee ADD COLUMN shirt VARCHAR(8);"));
        upgrade(p);
        require_clean(p);
    }

    TEST_CASE(
        "--all-plugins writes one revision per plugin with changes, in plugin order, each depending on what it needs") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect);
                // A new table of json_models, with a column json_models_child adds to it, in one run.
                Models parent{{table("attendee", {column("name", types::text())})}, {}};
                Models child{{table("mag_order", {column("attendee_id", types::integer())})},
                             {{"attendee",
                               {column("shirt", types::varchar(8), false)},
                               {{"attendee_shirt_ix", {"shirt"}, false}},
                               {}}}};
                child.tables[0].foreign_keys.push_back(
                    {"mag_order_attendee_fk", {"attendee_id"}, "attendee", {"id"}, ReferentialAction::cascade});
                p.set_models(parent);
                p.set_child_models(child);
                auto first = autogenerate(p, "start", {"--all-plugins"});
                REQUIRE(first.size() == 2);
                CHECK(first[0].first.starts_with("versions/json_models/"));
                CHECK(first[1].first.starts_with("versions/json_models_child/"));
                // Each plugin's branch holds what it declares.
                CHECK(contains(first[0].second, "CREATE TABLE attendee"));
                CHECK_FALSE(contains(first[0].second, "shirt"));
                CHECK(contains(first[1].second, "ALTER TABLE attendee ADD COLUMN shirt"));
                CHECK(contains(first[1].second, "CREATE INDEX attendee_shirt_ix ON attendee (shirt);"));
                CHECK(contains(first[1].second, "CREATE TABLE mag_order"));
                CHECK(header(first[1].second, "depends_on") == header(first[0].second, "revision"));
                upgrade(p);
                require_clean(p);
                p.execute("INSERT INTO attendee (id, name, shirt) VALUES (1, 'ann', 'L');");

                // Only the child changes: one file, which needs nothing new from json_models.
                child.extensions[0].columns.push_back(column("pronouns", types::text()));
                p.set_child_models(child);
                auto second = autogenerate(p, "pronouns", {"--all-plugins"});
                REQUIRE(second.size() == 1);
                CHECK(second[0].first.starts_with("versions/json_models_child/"));
                CHECK(header(second[0].second, "depends_on") == "");
                upgrade(p);

                // Both change: json_models first; the child's revision depends on json_models' new head.
                parent.tables[0].columns.push_back(column("email", types::text()));
                child.extensions[0].columns.erase(child.extensions[0].columns.begin()); // shirt goes
                child.extensions[0].indexes.clear();
                p.set_models(parent);
                p.set_child_models(child);
                auto third = autogenerate(p, "emails", {"--all-plugins"});
                REQUIRE(third.size() == 2);
                CHECK(third[0].first.starts_with("versions/json_models/"));
                CHECK(contains(third[0].second, "email"));
                CHECK_MESSAGE(!contains(third[0].second, "shirt"), third[0].second);
                CHECK(third[1].first.starts_with("versions/json_models_child/"));
                CHECK(contains(revision_section(third[1].second, "upgrade", "postgresql"), "DROP COLUMN shirt"));
                CHECK(header(third[1].second, "depends_on") == header(third[0].second, "revision"));
                upgrade(p);
                require_clean(p);
                CHECK(rows(p, "SELECT id, name, pronouns, email FROM attendee") == "1|ann||\n");
            }
        }
    }

    TEST_CASE("autogenerate refuses when the database is not at heads, naming the pending revisions") {
        ModelProject p("sqlite");
        p.set_models({{table("attendee", {})}, {}});
        auto written = autogenerate(p, "attendees", {"--plugin", "json_models"});
        auto id = header(written.at(0).second, "revision");
        p.set_models({{table("attendee", {column("name", types::text())})}, {}});
        auto r = p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "names"});
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, "not at heads"));
        CHECK(contains(r.err, id));
        CHECK(contains(r.err, "trellis upgrade"));
        CHECK(revision_files(p.versions("json_models")).size() == 1);
        // check and diff still answer, and say what is pending.
        auto check = p.run({"--json", "check"});
        CHECK(json::parse(check.out).at("pending") == json::array({id}));
    }

    TEST_CASE("exclude_tables patterns and the ledger are left out; a table no plugin owns is left alone") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect, "exclude_tables = legacy_*, scratch\n");
                p.set_models({{table("attendee", {})}, {}});
                autogenerate(p, "attendees", {"--plugin", "json_models"});
                upgrade(p);
                p.execute("CREATE TABLE legacy_a (x INTEGER); CREATE TABLE legacy_b (x INTEGER); "
                          "CREATE TABLE scratch (x INTEGER); CREATE TABLE stray (x INTEGER);");
                auto check = p.run({"check"});
                CHECK_MESSAGE(check.exit_code == 0, check.out);
                CHECK(contains(check.out, "left alone, no loaded plugin owns them: stray"));
                for (const auto* hidden : {"legacy_a", "legacy_b", "scratch", "trellis_version"}) {
                    CAPTURE(hidden);
                    CHECK_FALSE(contains(check.out, hidden));
                }
                auto diff = json::parse(p.run({"--json", "diff"}).out);
                CHECK(diff.at("differences").empty());
                CHECK(diff.at("unowned_tables") == json::array({"stray"}));
                auto nothing = p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "nothing"});
                CHECK(nothing.exit_code == 0);
                CHECK(nothing.out.empty());
                CHECK(revision_files(p.versions("json_models")).size() == 1);
            }
        }
    }

    TEST_CASE("check exits 1 on differences and 0 without; check --json and diff --json give one document") {
        ModelProject p("sqlite");
        p.set_models({{table("attendee", {column("name", types::text())})}, {}});
        auto check = p.run({"--json", "check"});
        CHECK(check.exit_code == 1);
        auto document = json::parse(check.out);
        CHECK(document.size() == 4);
        CHECK(document.at("pending") == json::array());
        CHECK(document.at("unowned_tables") == json::array());
        CHECK(document.at("kept") == json::array());
        REQUIRE(document.at("differences").size() == 1);
        auto d = document.at("differences")[0];
        CHECK(d == json{{"operation", "create_table"},
                        {"table", "attendee"},
                        {"subject", "attendee"},
                        {"plugin", "json_models"},
                        {"description", "create table attendee (2 columns)"},
                        {"destructive", false},
                        {"possible_rename_of", nullptr}});
        auto diff = p.run({"--json", "diff"});
        CHECK(diff.exit_code == 0);
        CHECK(json::parse(diff.out) == document);
        auto text = p.run({"check"});
        CHECK(text.exit_code == 1);
        CHECK(contains(text.out, "1 difference(s) between the models and the database:"));
        CHECK(contains(text.out, "json_models: create table attendee (2 columns)"));

        autogenerate(p, "attendees", {"--plugin", "json_models"});
        upgrade(p);
        auto clean = p.run({"--json", "check"});
        CHECK(clean.exit_code == 0);
        CHECK(json::parse(clean.out).at("differences").empty());
    }
}
