// The differences between two schemas (the models, the database) as operations that turn the
// database into the models. Each operation carries its owner (the plugin that owns the table or
// column), what it looks like before and after, and whether it loses data.
#pragma once

#include "schema/schema.hpp"

#include <string>
#include <vector>

namespace trellis {

enum class OpKind {
    create_table,
    drop_table,
    add_column,
    drop_column,
    alter_column,
    alter_primary_key,
    create_index,
    drop_index,
    add_unique,
    drop_unique,
    add_foreign_key,
    drop_foreign_key,
    add_check,
    drop_check
};

struct Operation {
    OpKind kind;
    std::string table;
    std::string owner;        // empty: nobody loaded owns it (a table or column only the database has)
    Table before, after;      // the whole table before and after (empty name when absent)
    std::string subject;      // the column, index or constraint the operation is about
    bool destructive = false; // drops data: a table, a column, a narrowing type change
    std::string rename_from;  // add_column: a dropped column of the same type in this table

    // One line for humans: `add column attendee.pronouns VARCHAR(255) NOT NULL`.
    std::string describe() const;
    const char* code() const; // stable name of the kind: "add_column", ...
};

// Tables only the database has: nobody loaded owns them.
enum class UnownedTables { keep, drop };

// What turns `database` into `models`. Tables only the database has are dropped only with
// `UnownedTables::drop`; columns only the database has are dropped.
std::vector<Operation> diff(const Schema& models, const Schema& database, UnownedTables unowned);

// Whether two foreign keys are the same key. SQLite forgets keys' names, so names count only where
// both sides have one: a rebuild that renamed a key is a difference.
bool same_foreign_key(const ForeignKey& a, const ForeignKey& b);
// What an operation on `key` names as its subject: the key's name, or its columns when unnamed.
std::string foreign_key_subject(const ForeignKey& key);

} // namespace trellis
