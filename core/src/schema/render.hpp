// SQL for schema operations: the upgrade and its inverse downgrade, for one dialect. One renderer;
// the dialects differ only in hooks (types, SQLite's table rebuild where ALTER cannot make a
// change: schema/sqlite_rebuild.hpp). Tables are created and dropped in foreign-key order
// (schema/table_order.hpp). No statement cuts data: a narrowing change is guarded, a NOT NULL
// foreign key is never filled with an invented value.
#pragma once

#include "schema/diff.hpp"

namespace trellis {

struct RenderedChange {
    std::string upgrade, downgrade;
};

// `before` is the database's schema (the tables as they are now).
RenderedChange render(const std::vector<Operation>& operations, const Schema& before, Dialect dialect);

// CREATE TABLE for each of `tables` (with their indexes), every table after those it refers to;
// on PostgreSQL the keys of a cycle are added once all its tables exist.
std::string create_tables_sql(const std::vector<const Table*>& tables, Dialect dialect);
// DROP TABLE for each of `tables`, referring tables first; on PostgreSQL a cycle's keys go first.
// `dropped` receives the tables in the order they are dropped.
std::string drop_tables_sql(const std::vector<const Table*>& tables, Dialect dialect,
                            std::vector<std::string>* dropped = nullptr);

} // namespace trellis
