// Constraints another branch adds to a modelled table (issue 12): a foreign key, a unique and a
// check constraint that an SQL-only branch or a gone plugin added to a table the models declare,
// by ALTER TABLE on PostgreSQL, by a table rebuild on SQLite, some without a name and some inline
// in an ADD COLUMN, are that branch's. `check` is clean, autogenerate writes nothing for them, and
// a model change on the table (a rebuild on SQLite) keeps them.
#include "model_project.hpp"
#include "project.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <functional>

using namespace trellis;
using namespace trellis::test;

namespace {

const char* k_added_column =
    "ALTER TABLE item ADD COLUMN rank INTEGER CONSTRAINT ck_item_rank CHECK (rank >= 0) REFERENCES person (id);\n";

// A revision of `branch` that adds to `item` a named foreign key, an unnamed unique and an unnamed
// check, and a column with an inline check and foreign key. `created` is item's CREATE TABLE as
// SQLite keeps it: SQLite's section rebuilds the table with the constraints, and back.
std::string constraints_revision(const std::string& branch, const std::string& depends_on, const std::string& created) {
    auto body = created.substr(created.find('('));
    body = body.substr(0, body.rfind(')'));
    auto rebuild = [&](const std::string& extra) {
        return fmt::format("CREATE TABLE _x_item {}{});\nINSERT INTO _x_item (id, code, owner_id) SELECT id, code, "
                           "owner_id FROM item;\nDROP TABLE item;\nALTER TABLE _x_item RENAME TO item;\n",
                           body, extra);
    };
    return fmt::format(
        "-- revision: c1\n-- branch_labels: {}\n-- depends_on: {}\n-- message: constraints\n\n"
        "-- +upgrade postgresql\nALTER TABLE item ADD CONSTRAINT fk_item_owner FOREIGN KEY (owner_id) REFERENCES "
        "person (id);\nALTER TABLE item ADD UNIQUE (code);\nALTER TABLE item ADD CHECK (length(code) > 0);\n{}\n"
        "-- +downgrade postgresql\nALTER TABLE item DROP COLUMN rank;\nALTER TABLE item DROP CONSTRAINT "
        "item_code_check;\nALTER TABLE item DROP CONSTRAINT item_code_key;\nALTER TABLE item DROP CONSTRAINT "
        "fk_item_owner;\n\n-- +upgrade sqlite\n{}{}\n-- +downgrade sqlite\n{}",
        branch, depends_on, k_added_column,
        rebuild(", CONSTRAINT fk_item_owner FOREIGN KEY (owner_id) REFERENCES person (id), UNIQUE (code), CHECK "
                "(length(code) > 0)"),
        k_added_column, rebuild(""));
}

// The constraints on item, by name, as the database shows them.
std::string constraints_of_item(const ModelProject& p) {
    if (p.dialect() == "sqlite")
        return p.sql("SELECT sql FROM sqlite_master WHERE name = 'item'");
    return p.sql(
        "SELECT string_agg(conname, ' ' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'item'::regclass");
}

void check_constraints_kept(const ModelProject& p) {
    auto constraints = constraints_of_item(p);
    CAPTURE(constraints);
    CHECK(contains(constraints, "fk_item_owner"));
    CHECK(contains(constraints, "ck_item_rank"));
    if (p.dialect() == "sqlite") {
        CHECK(contains(constraints, "length(code) > 0"));
        CHECK(contains(constraints, "UNIQUE"));
    } else {
        CHECK(contains(constraints, "item_code_check"));
        CHECK(contains(constraints, "item_code_key"));
        CHECK(contains(constraints, "item_rank_fkey"));
    }
}

struct Scenario {
    ModelProject& p;
    std::function<Result(std::vector<std::string>)> run;
    Table item;
    std::vector<Table> others;

    // check is clean, autogenerate writes nothing; a model change on item keeps the constraints.
    void assert_left_alone(const std::string& note, bool gone) {
        auto check = run({"check"});
        CHECK_MESSAGE(check.exit_code == 0, check.out << check.err);
        CHECK(contains(check.out, note));
        auto generated = run({"revision", "--autogenerate", "--all-plugins", "-m", "nothing"});
        CHECK_MESSAGE(generated.out.empty(), generated.out);

        // A new default: on SQLite a rebuild of item, which must carry the other branch's constraints.
        item.columns[1].server_default = "'none'"; // code (0 is id)
        auto tables = others;
        tables.push_back(item);
        p.set_models({tables, {}});
        must(run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "default"}), "default");
        std::string written;
        for (const auto& file : revision_files(p.versions("json_models")))
            if (header(read_file(file), "message") == "default")
                written = read_file(file);
        REQUIRE(!written.empty());
        CHECK(!contains(written, "DROP CONSTRAINT"));
        if (p.dialect() == "sqlite")
            CHECK(contains(written, "fk_item_owner"));
        // Its SQLite rebuild copies what c1 added: on a fresh database it runs after c1. A gone
        // plugin's revision is not there to depend on.
        CHECK(contains(header(written, "depends_on"), "c1") == !gone);
        must(run({"upgrade"}), "upgrade the model change");
        auto after = run({"check"});
        CHECK_MESSAGE(after.exit_code == 0, after.out << after.err);
        check_constraints_kept(p);
        CHECK(p.sql("SELECT count(*) FROM item") == "1\n");
    }
};

} // namespace

TEST_SUITE("ownership") {
    TEST_CASE("constraints an SQL-only branch or a gone plugin adds to a modelled table stay theirs") {
        for (const auto& dialect : k_dialects) {
            for (const std::string& who : {"sql-only", "gone"}) {
                SUBCASE((dialect + " " + who).c_str()) {
                    ModelProject p(dialect);
                    TempDir libraries;
                    for (const char* name : {"json_models.so", "json_models_child.so"})
                        std::filesystem::copy_file(
                            std::filesystem::path(TRELLIS_TEST_PLUGIN_DIR) / "json_models" / name, libraries / name);
                    auto run = [&](std::vector<std::string> args) {
                        args.insert(args.begin(), {"--plugin-path", libraries.path().string()});
                        return p.run(args);
                    };
                    Table person = table("person", {column("name", types::text())});
                    Table item = table("item", {column("code", types::text()), column("owner_id", types::integer())});
                    p.set_models({{person, item}, {}});
                    must(run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "first"}), "first");
                    must(run({"upgrade"}), "upgrade");
                    p.execute("INSERT INTO person (id, name) VALUES (1, 'p');"
                              "INSERT INTO item (id, code, owner_id) VALUES (1, 'a', 1);");
                    auto first = header(read_file(revision_files(p.versions("json_models")).front()), "revision");
                    auto created = dialect == "sqlite" ? p.sql("SELECT sql FROM sqlite_master WHERE name = 'item'")
                                                       : std::string("(id INTEGER, code TEXT, owner_id INTEGER)");
                    std::string branch = who == "sql-only" ? "extra" : "json_models_child";
                    auto directory = who == "sql-only" ? p.dir() / "extra" : p.versions("json_models_child");
                    if (who == "sql-only")
                        write_file(p.dir() / "trellis.ini", read_file(p.dir() / "trellis.ini") +
                                                                "\n[plugin.extra]\nsql_only = true\nversion_path = "
                                                                "extra\n");
                    write_file(directory / "c1_constraints.sql", constraints_revision(branch, first, created));
                    must(run({"upgrade"}), "upgrade the constraints");
                    check_constraints_kept(p);
                    std::string note = "No differences";
                    if (who == "gone") {
                        std::filesystem::remove(libraries / "json_models_child.so");
                        note = "created by plugin `json_models_child`, which is gone";
                    }
                    Scenario{p, run, item, {person}}.assert_left_alone(note, who == "gone");
                }
            }
        }
    }

    TEST_CASE("a SQLite rebuild runs after the revisions of the other plugins' columns it copies") {
        ModelProject p("sqlite");
        Table item = table("item", {column("code", types::text())});
        p.set_models({{item}, {}});
        Models child;
        child.extensions.push_back({"item", {column("note", types::text())}});
        p.set_child_models(child);
        must(p.run({"revision", "--autogenerate", "--all-plugins", "-m", "first"}), "first");
        must(p.run({"upgrade"}), "upgrade");
        auto note = header(read_file(revision_files(p.versions("json_models_child")).front()), "revision");
        item.columns[1].server_default = "'none'"; // a rebuild of item, which copies the child's note
        p.set_models({{item}, {}});
        must(p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "default"}), "default");
        std::string written;
        for (const auto& file : revision_files(p.versions("json_models")))
            if (header(read_file(file), "message") == "default")
                written = read_file(file);
        CHECK(contains(header(written, "depends_on"), note));
        // A fresh database runs the child's ADD COLUMN before the rebuild that copies the column.
        must(p.run_on("sqlite:///" + (p.dir() / "fresh.db").string(), {"upgrade"}), "fresh upgrade");
    }
}
