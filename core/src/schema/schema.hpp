// A database schema as trellis compares it: tables with typed columns, keys, indexes and checks,
// in one normalised form whether it comes from the plugins' models or from reflecting a live
// database, so that `character varying(255)` and `VARCHAR(255)` compare equal. Knows nothing of
// plugins: owners are plain names.
#pragma once

#include "db/url.hpp"
#include "trellis/model.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace trellis {

// A view or a trigger as SQLite keeps it: a table rebuild drops and re-creates the ones that
// name the table, since SQLite's RENAME refuses a view whose table is gone.
struct SchemaObject {
    std::string kind; // "view" or "trigger"
    std::string name, table, sql;
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

// Types: a declared or catalog type name (either dialect) to a ColumnType, and back. parse_type
// gives nullopt for a type trellis does not model; column_type carries it by its spelling.
std::optional<ColumnType> parse_type(std::string_view declared);
ColumnType column_type(std::string_view declared);
// One type, however spelled (a type carried by its spelling compares by it, case aside).
bool same_type(const ColumnType& a, const ColumnType& b);
std::string render_type(const ColumnType& type, Dialect dialect);
// `VARCHAR(255)`, `NUMERIC(10, 2)`, ... for messages.
std::string type_name(const ColumnType& type);
// True when every value of `from` fits in `to` (no narrowing).
bool widens_or_keeps(const ColumnType& from, const ColumnType& to);

// A server default in one form for both sources: casts, outer parentheses and case dropped,
// `now()` as CURRENT_TIMESTAMP, booleans as true/false. nullopt stays nullopt.
std::optional<std::string> normalize_default(const std::optional<std::string>& expression, ColumnKind kind);

// An expression as PostgreSQL deparses it, without its casts and outer parentheses:
// `((id <> '-1'::integer))` -> `id <> '-1'`. How a reflected check is written back, on either
// dialect.
std::string plain_expression(std::string_view expression);

// An expression in the one form both sources compare by (index expressions and predicates,
// generated columns): no casts, parentheses, spaces or name quotes; lowercase outside strings.
// `lower((email)::text)` and `LOWER("email")` are both `lower(email)` without the parentheses.
std::string normalize_expression(std::string_view expression);

std::string action_sql(ReferentialAction action);
ReferentialAction parse_action(std::string_view text);

} // namespace trellis
