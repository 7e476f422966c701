// Ownership and the plugin lifecycle (issue 12), each case on both databases: what an SQL-only
// plugin or a gone plugin created is never proposed as a drop; an override section whose library
// is missing never becomes a new plugin; `revision` says where it writes and refuses another
// checkout's version path; a database made from the models downgrades; after `repair`, the
// downgrade that runs is the one that was applied.
#include "demo_project.hpp"
#include "model_project.hpp"
#include "project.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace trellis;
using namespace trellis::test;

namespace {

// Every revision file under `directory` that drops something.
std::vector<std::string> files_that_drop(const std::filesystem::path& directory) {
    std::vector<std::string> out;
    if (!std::filesystem::exists(directory))
        return out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(directory))
        if (entry.path().extension() == ".sql" && contains(read_file(entry.path()), "DROP "))
            out.push_back(entry.path().string());
    return out;
}

} // namespace

TEST_SUITE("ownership") {
    TEST_CASE("an SQL-only plugin owns its tables: check, diff and autogenerate never propose to drop them") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                // A `trellis init` project: one SQL-only plugin, no library anywhere.
                Project db(dialect);
                TempDir dir;
                REQUIRE(run_trellis({"init", dir.path().string()}, dir.path()).exit_code == 0);
                write_file(dir / "versions/a1_guests.sql",
                           "-- revision: a1\n-- message: guests\n\n-- +upgrade\nCREATE TABLE guest_requests (id "
                           "INTEGER PRIMARY KEY, name TEXT);\nCREATE TABLE guest_tags (id INTEGER PRIMARY KEY);\n\n-- "
                           "+downgrade\nDROP TABLE guest_tags;\nDROP TABLE guest_requests;\n");
                auto run = [&](std::vector<std::string> args) {
                    args.insert(args.begin(), {"--url", db.url()});
                    return run_trellis(args, dir.path());
                };
                must(run({"upgrade"}), "upgrade");
                auto check = run({"check"});
                CHECK_MESSAGE(check.exit_code == 0, check.out);
                CHECK(!contains(run({"diff"}).out, "drop"));
                auto generated = run({"revision", "--autogenerate", "-m", "x"});
                CHECK(generated.exit_code == 0);
                CHECK(files_that_drop(dir / "versions") ==
                      std::vector<std::string>{(dir / "versions/a1_guests.sql").string()});
                CHECK(run({"verify"}).exit_code == 0);

                // The demo with `[plugin.reports]` (version_path and depends): SQL-only beside libraries.
                DemoProject demo(dialect, "\n[plugin.reports]\nversion_path = reports\ndepends = uber\n");
                write_file(demo.dir() / "reports/r1_cache.sql",
                           "-- revision: r1\n-- message: report cache\n\n-- +upgrade\nCREATE TABLE report_cache (id "
                           "INTEGER PRIMARY KEY);\nCREATE INDEX ix_attendee_report ON attendee (badge_type);\n\n-- "
                           "+downgrade\nDROP INDEX ix_attendee_report;\nDROP TABLE report_cache;\n");
                must(demo.run({"upgrade"}), "demo upgrade");
                auto demo_check = demo.run({"check"});
                CHECK_MESSAGE(demo_check.exit_code == 0, demo_check.out);
                CHECK(demo.run({"revision", "--autogenerate", "--all-plugins", "-m", "x"}).out.empty());
            }
        }
    }

    TEST_CASE("a gone plugin keeps what it created, and its override section never installs it again") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                DemoProject demo(dialect);
                must(demo.run({"upgrade"}), "upgrade");
                demo.sql("INSERT INTO attendee (id, first_name, last_name, email, nights) VALUES (1, 'a', 'b', 'c', "
                         "'fri')");
                demo.remove_library("magprime");
                auto check = demo.run({"check"});
                CHECK_MESSAGE(check.exit_code == 0, check.out);
                CHECK(contains(check.out, "created by plugin `magprime`, which is gone"));
                CHECK(contains(check.out, "column attendee.nights"));
                CHECK(contains(check.out, "table hotel_request"));
                auto generated = demo.run({"revision", "--autogenerate", "--all-plugins", "-m", "x"});
                CHECK(generated.exit_code == 0);
                CHECK(generated.out.empty());
                CHECK(contains(demo.run({"status"}).out, "gone"));

                // An override section of the missing library: a warning, not a new plugin.
                write_file(demo.dir() / "trellis.ini",
                           read_file(demo.dir() / "trellis.ini") +
                               fmt::format("\n[plugin.magprime]\nversion_path = {}/plugins/magprime/versions\n",
                                           TRELLIS_SOURCE_DIR));
                auto down = demo.run({"downgrade", "magprime@base"});
                must(down, "downgrade magprime@base");
                CHECK(contains(down.err, "no plugin library `magprime` is loaded, so the section is ignored"));
                CHECK(!demo.columns().count("attendee.nights"));
                auto again = must(demo.run({"upgrade"}), "upgrade after the uninstall");
                CHECK(contains(again.out, "Nothing to do"));
                CHECK(!demo.columns().count("attendee.nights"));
                CHECK(demo.sql("SELECT count(*) FROM attendee") == "1\n");
            }
        }
    }

    TEST_CASE("a gone plugin's column that a SQLite rebuild added stays its own") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect);
                TempDir libraries;
                for (const char* name : {"json_models.so", "json_models_child.so"})
                    std::filesystem::copy_file(std::filesystem::path(TRELLIS_TEST_PLUGIN_DIR) / "json_models" / name,
                                               libraries / name);
                auto run = [&](std::vector<std::string> args) {
                    args.insert(args.begin(), {"--plugin-path", libraries.path().string()});
                    return p.run(args);
                };
                p.set_models({{table("guest", {column("name", types::text())})}, {}});
                must(run({"revision", "--autogenerate", "--all-plugins", "-m", "guests"}), "guests");
                must(run({"upgrade"}), "upgrade");
                p.execute("INSERT INTO guest (id, name) VALUES (1, 'g');");
                // NOT NULL with a default SQLite's ADD COLUMN refuses: a rebuild, both ways.
                Models child;
                child.extensions.push_back(
                    {"guest", {column("seen_at", types::timestamp(), false, "CURRENT_TIMESTAMP")}});
                p.set_child_models(child);
                must(run({"revision", "--autogenerate", "--all-plugins", "-m", "seen"}), "seen");
                must(run({"upgrade"}), "upgrade seen");
                std::filesystem::remove(libraries / "json_models_child.so");
                auto check = run({"check"});
                CHECK_MESSAGE(check.exit_code == 0, check.out);
                CHECK(contains(check.out, "column guest.seen_at"));
                auto generated = run({"revision", "--autogenerate", "--all-plugins", "-m", "x"});
                CHECK(generated.out.empty());
            }
        }
    }

    TEST_CASE("revision says where it writes and refuses a version path outside the project") {
        DemoProject demo("sqlite");
        auto before = files_that_drop(std::filesystem::path(TRELLIS_SOURCE_DIR) / "plugins/panels/versions");
        auto refused = demo.run({"--plugin", "panels", "revision", "-m", "from another checkout"});
        CHECK(refused.exit_code == 2);
        CHECK(contains(refused.err, "is outside this project"));
        CHECK(contains(refused.err, "--version-path"));
        CHECK(files_that_drop(std::filesystem::path(TRELLIS_SOURCE_DIR) / "plugins/panels/versions") == before);
        auto flagged = must(demo.run({"--plugin", "panels", "revision", "-m", "here", "--version-path", "mine"}),
                            "--version-path");
        CHECK(contains(flagged.out, "mine/"));
        // Named in the config (a copy of panels' revisions in this checkout): fine too.
        std::filesystem::copy(std::filesystem::path(TRELLIS_SOURCE_DIR) / "plugins/panels/versions",
                              demo.dir() / "panels_versions");
        write_file(demo.dir() / "trellis.ini",
                   read_file(demo.dir() / "trellis.ini") + "\n[plugin.panels]\nversion_path = panels_versions\n");
        auto configured = must(demo.run({"--plugin", "panels", "revision", "-m", "config"}), "config version_path");
        CHECK(contains(configured.out, "panels_versions/"));
    }

    TEST_CASE("a database made by reset-db or prepare downgrades every branch to its base") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                DemoProject demo(dialect);
                for (const auto& [plugin, parent] : k_demo_plugins) {
                    CAPTURE(plugin);
                    must(demo.run({"reset-db"}), "reset-db");
                    must(demo.run({"downgrade", plugin + "@base"}), "downgrade " + plugin + "@base");
                    must(demo.run({"upgrade"}), "upgrade");
                    CHECK(demo.run({"check"}).exit_code == 0);
                }
                must(demo.run({"drop-db"}), "drop-db");
                must(demo.run({"prepare"}), "prepare");
                must(demo.run({"downgrade", "base"}), "downgrade base");
                CHECK(demo.columns().empty());
            }
        }
    }

    TEST_CASE("verify names the revision a database made from the models cannot downgrade") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect);
                Table t = table("item", {column("slug", types::varchar(40))});
                t.indexes.push_back({"ix_item_slug", {"slug"}, false});
                p.set_models({{t}, {}});
                // The revision names its index otherwise: only a database it built can go down.
                write_file(p.versions("json_models") / "b1_item.sql",
                           "-- revision: b1\n-- branch_labels: json_models\n-- message: item\n\n-- +upgrade\nCREATE "
                           "TABLE item (id INTEGER NOT NULL, slug VARCHAR(40), PRIMARY KEY (id));\nCREATE INDEX "
                           "ix_slug ON item (slug);\n\n-- +downgrade\nDROP INDEX ix_slug;\nDROP TABLE item;\n");
                auto r = p.run({"verify"});
                CHECK(r.exit_code == 1);
                CHECK_MESSAGE(contains(r.out, "models-downgrade: b1: a database made from the models"), r.out);
                CHECK(contains(r.out, "cannot downgrade `json_models` to its base"));
            }
        }
    }

    TEST_CASE("verify takes each branch of a database made from the models down and up, naming the one that fails") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect);
                p.set_models({{table("item", {column("slug", types::varchar(40))})}, {}});
                Table tag = table("tag", {column("name", types::text())});
                tag.indexes.push_back({"ix_tag_name", {"name"}, false});
                Models child;
                child.tables.push_back(tag);
                p.set_child_models(child);
                must(p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "item"}), "item");
                auto first = header(read_file(revision_files(p.versions("json_models")).front()), "revision");
                // The child's revision names its index otherwise: only its own database goes down.
                write_file(p.versions("json_models_child") / "t1_tag.sql",
                           fmt::format("-- revision: t1\n-- branch_labels: json_models_child\n-- depends_on: {}\n"
                                       "-- message: tag\n\n-- +upgrade\nCREATE TABLE tag (id INTEGER NOT NULL, name "
                                       "TEXT, PRIMARY KEY (id));\nCREATE INDEX ix_name ON tag (name);\n\n-- "
                                       "+downgrade\nDROP INDEX ix_name;\nDROP TABLE tag;\n",
                                       first));
                auto r = p.run({"verify"});
                CHECK(r.exit_code == 1);
                CHECK_MESSAGE(contains(r.out, "models-downgrade: t1: a database made from the models"), r.out);
                CHECK(contains(r.out, "cannot downgrade `json_models_child` to its base: the downgrade of t1 fails"));
                // json_models goes down (t1 first, named once already) and up; its own revision passes.
                CHECK(!contains(r.out, "models-downgrade: " + first));
                CHECK(r.out.find("models-downgrade") == r.out.rfind("models-downgrade"));
            }
        }
    }

    TEST_CASE("a SQLite rebuild keeps unique indexes and foreign-key names: verify passes, check sees a renamed key") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect);
                Table person = table("person", {column("name", types::text())});
                Table item = table("item", {column("slug", types::varchar(40)), column("owner_id", types::integer())});
                item.indexes.push_back({"ix_item_slug", {"slug"}, true});
                item.foreign_keys.push_back({"fk_item_owner", {"owner_id"}, "person", {"id"}});
                p.set_models({{person, item}, {}});
                must(p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "first"}), "first");
                must(p.run({"upgrade"}), "upgrade");
                p.execute("INSERT INTO person (id, name) VALUES (1, 'p');"
                          "INSERT INTO item (id, slug, owner_id) VALUES (1, 's', 1);");
                // A new default: a rebuild on SQLite.
                item.columns[1].server_default = "'none'";
                p.set_models({{person, item}, {}});
                must(p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "default"}), "default");
                must(p.run({"upgrade"}), "upgrade the rebuild");
                CHECK(p.run({"check"}).exit_code == 0);
                auto verified = p.run({"verify"});
                CHECK_MESSAGE(verified.exit_code == 0, verified.out);
                if (dialect == "sqlite")
                    CHECK(contains(p.sql("SELECT sql FROM sqlite_master WHERE name = 'item'"), "fk_item_owner"));
                item.foreign_keys[0].name = "fk_item_person";
                p.set_models({{person, item}, {}});
                auto renamed = p.run({"check"});
                CHECK(renamed.exit_code == 1);
                CHECK(contains(renamed.out, "fk_item_person"));
            }
        }
    }

    TEST_CASE("after repair of an edited applied revision, downgrade runs the stored downgrade and says so") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                auto file = p.revision("app", "w1", {}, "CREATE TABLE t (id INTEGER PRIMARY KEY);", "DROP TABLE t;");
                must(p.run({"upgrade"}), "upgrade");
                // Work in progress: the applied revision grows a table, its downgrade with it.
                p.revision("app", "w1", {}, "CREATE TABLE t (id INTEGER PRIMARY KEY);\nCREATE TABLE u (id INTEGER);",
                           "DROP TABLE u;\nDROP TABLE t;");
                CHECK(p.run({"downgrade", "base"}).exit_code == 2); // changed: stops until reviewed
                must(p.run({"repair"}), "repair");
                auto script = must(p.run({"downgrade", "base", "--sql"}), "--sql");
                CHECK(contains(script.out, "the downgrade stored in the ledger"));
                CHECK(!contains(script.out, "DROP TABLE u"));
                auto down = must(p.run({"downgrade", "base"}), "downgrade");
                CHECK(contains(down.err, "runs the downgrade stored in the ledger when it was applied"));
                CHECK(p.tables().empty());
                // Applied again, the new file is what the ledger stores.
                must(p.run({"upgrade"}), "upgrade again");
                auto file_down = must(p.run({"downgrade", "base"}), "downgrade again");
                CHECK(!contains(file_down.err, "stored in the ledger"));
                CHECK(p.tables().empty());
                (void)file;
            }
        }
    }
}
