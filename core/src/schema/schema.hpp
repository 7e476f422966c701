// A database schema as trellis compares it: tables with typed columns, keys, indexes and checks,
// in one normalised form whether it comes from the plugins' models or from reflecting a live
// database, so that `character varying(255)` and `VARCHAR(255)` compare equal. Knows nothing of
// plugins: owners are plain names.
#pragma once

#include "db/dialect.hpp"
#include "trellis/model.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace trellis {

// A view or a trigger, with the SQL that creates it in the dialect it was read from. A SQLite
// table rebuild drops and re-creates the ones that name the table, since SQLite's RENAME refuses
// a view whose table is gone; PostgreSQL refuses to change the type of a column a view uses, so
// its views on such a column are dropped and re-created around the change.
struct SchemaObject {
    std::string kind; // "view" or "trigger"
    std::string name, table, sql;
    Dialect dialect = Dialect::sqlite;
};

struct Schema {
    std::vector<Table> tables;         // sorted by name
    std::vector<SchemaObject> objects; // SQLite: views and triggers, in creation order
    // Who owns what: "table" and "table.column" map to a plugin name (models only).
    std::map<std::string, std::string> owners;

    const Table* find(std::string_view name) const;
    Table* find(std::string_view name);
    // The owner of a table, or of a column when `column` is given; empty when unknown.
    std::string owner(const std::string& table, const std::string& column = "") const;
    void sort();
};

// The column `name` of `table`, or nullptr.
const Column* find_column(const Table& table, std::string_view name);
// Whether `column` is part of `table`'s primary key.
bool in_primary_key(const Table& table, std::string_view column);

// An index entry: a column, or an expression (it holds a parenthesis), maybe ` DESC`.
struct IndexKey {
    std::string text; // the column name, or the expression without its outer parentheses
    bool expression = false;
    bool descending = false;

    // What two spellings of one key share: `lower(email) DESC` and `lower((email)::text) desc`.
    std::string normalized() const;
    // The entry as reflection records it: the name, or `(expression)`, then ` DESC`.
    std::string entry() const;
};
IndexKey index_key(std::string_view entry);

// Whether `column` is one of the columns of a foreign key of `table`.
bool in_foreign_key(const Table& table, std::string_view column);

struct OwnedModels {
    std::string owner;
    const Models* models;
};

// The schema the models declare, with owners; extensions land on their tables. Throws an input
// error when two plugins declare one table or column, or an extension names an unknown table.
Schema schema_from_models(const std::vector<OwnedModels>& models);

std::string action_sql(ReferentialAction action);
ReferentialAction parse_action(std::string_view text);

} // namespace trellis
