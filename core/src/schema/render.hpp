// SQL for schema operations: the upgrade and its inverse downgrade, for one dialect. One renderer;
// the dialects differ only in hooks (types, and SQLite's table rebuild where ALTER cannot make a
// change: new table, copy, drop, rename, indexes again, rows kept).
#pragma once

#include "schema/diff.hpp"

namespace trellis {

struct RenderedChange {
    std::string upgrade, downgrade;
};

// `before` is the database's schema (the tables as they are now).
RenderedChange render(const std::vector<Operation>& operations, const Schema& before, Dialect dialect);

// `tables` with every table after the tables it refers to (among `tables`): the order to create
// them in, and the reverse of the order to drop them in. A cycle keeps the rest as given.
std::vector<const Table*> creation_order(const std::vector<const Table*>& tables);

// CREATE TABLE and its indexes.
std::string create_table_sql(const Table& table, Dialect dialect);

} // namespace trellis
