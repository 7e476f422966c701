// What a DDL statement creates, as ownership and SQLite reflection read it (schema/ddl_read.hpp):
// constraints named or not, at table level, inline on a column and in an ADD COLUMN, with the
// names PostgreSQL gives those written without one; keywords inside strings and comments are not
// SQL; a downgrade's DROP CONSTRAINT and rebuilds.
#include "schema/constraint_names.hpp"
#include "schema/ddl_read.hpp"

#include <doctest/doctest.h>

using namespace trellis;

namespace {

std::string describe(const ConstraintFound& c) {
    std::string columns;
    for (const auto& column : c.columns)
        columns += (columns.empty() ? "" : ",") + column;
    return c.table + " " + c.kind + " " + (c.name.empty() ? "-" : c.name) + " (" + columns + c.expression + ")";
}

std::vector<std::string> constraints(const std::vector<ConstraintFound>& found) {
    std::vector<std::string> out;
    for (const auto& c : found)
        out.push_back(describe(c));
    return out;
}

} // namespace

TEST_SUITE("ddl_read") {
    TEST_CASE("a CREATE TABLE gives its columns and every constraint, named or not, on a column or the table") {
        SqlFound found;
        read_statement("CREATE TABLE IF NOT EXISTS public.\"Item\" (\n"
                       "  id INTEGER PRIMARY KEY, -- a comment with CHECK (no) in it\n"
                       "  code VARCHAR(40) DEFAULT 'unique, check (x)' UNIQUE,\n"
                       "  owner_id INTEGER CONSTRAINT fk_owner REFERENCES person (id) ON DELETE CASCADE,\n"
                       "  rank INTEGER CHECK (rank >= 0) CONSTRAINT ck_rank_small CHECK (rank < 10),\n"
                       "  CONSTRAINT uq_pair UNIQUE (code, rank),\n"
                       "  FOREIGN KEY (rank) REFERENCES ranks (id),\n"
                       "  CHECK (length(code) > 0 AND rank IS NOT NULL),\n"
                       "  PRIMARY KEY (id)\n)",
                       false, found);
        REQUIRE(found.tables == std::vector<std::string>{"Item"});
        const auto& item = found.created.at("Item");
        CHECK(item.columns == std::vector<std::string>{"id", "code", "owner_id", "rank"});
        CHECK(constraints(item.constraints) ==
              std::vector<std::string>{"Item unique - (code)", "Item foreign fk_owner (owner_id)",
                                       "Item check - (rank >= 0)", "Item check ck_rank_small (rank < 10)",
                                       "Item unique uq_pair (code,rank)", "Item foreign - (rank)",
                                       "Item check - (length(code) > 0 AND rank IS NOT NULL)"});
        CHECK(default_check_name("Item", "rank >= 0", item.columns) == "Item_rank_check");
        CHECK(default_check_name("Item", "length(code) > 0 AND rank IS NOT NULL", item.columns) == "Item_check");
        CHECK(default_key_name("Item", {"code"}, "key") == "Item_code_key");
    }

    TEST_CASE("ALTER TABLE adds constraints and columns with theirs; a downgrade drops them by name") {
        SqlFound up;
        read_statement("ALTER TABLE ONLY item ADD CONSTRAINT fk_item_owner FOREIGN KEY (owner_id) REFERENCES "
                       "person (id), ADD UNIQUE (code), ADD CHECK (length(code) > 0), ADD COLUMN IF NOT EXISTS rank "
                       "INTEGER CONSTRAINT ck_item_rank CHECK (rank >= 0) REFERENCES person (id)",
                       false, up);
        CHECK(up.columns == std::vector<std::string>{"item.rank"});
        CHECK(constraints(up.constraints) ==
              std::vector<std::string>{"item foreign fk_item_owner (owner_id)", "item unique - (code)",
                                       "item check - (length(code) > 0)", "item check ck_item_rank (rank >= 0)",
                                       "item foreign - (rank)"});

        SqlFound down;
        read_statement("ALTER TABLE item DROP CONSTRAINT IF EXISTS item_code_key, DROP COLUMN rank", true, down);
        CHECK(constraints(down.constraints) == std::vector<std::string>{"item  item_code_key ()"});
        CHECK(down.columns == std::vector<std::string>{"item.rank"});
    }

    TEST_CASE("a rebuild: the new table's constraints, and the name it takes") {
        SqlFound found;
        for (const char* statement : {"CREATE TABLE _x_item (id INTEGER, code TEXT, CONSTRAINT uq UNIQUE (code))",
                                      "INSERT INTO _x_item (id, code) SELECT id, code FROM item", "DROP TABLE item",
                                      "ALTER TABLE _x_item RENAME TO item"})
            read_statement(statement, false, found);
        CHECK(found.renamed.at("_x_item") == "item");
        CHECK(constraints(found.created.at("_x_item").constraints) ==
              std::vector<std::string>{"_x_item unique uq (code)"});
        CHECK(found.tables == std::vector<std::string>{"_x_item"}); // an upgrade's DROP TABLE made nothing
    }
}
