// SQL for schema operations: the upgrade and its inverse downgrade, for one dialect. One renderer;
// the dialects differ only in hooks (types, SQLite's table rebuild where ALTER cannot make a
// change: schema/sqlite_rebuild.hpp). Whole tables are created and dropped in foreign-key order
// (schema/table_steps.hpp), a column's change is schema/column_sql.hpp's, the views around a
// type change schema/retype_views.hpp's. No statement cuts data: a narrowing change is guarded,
// a NOT NULL foreign key is never filled with an invented value.
#pragma once

#include "schema/diff.hpp"

namespace trellis {

struct RenderedChange {
    std::string upgrade, downgrade;
};

// `before` is the database's schema (the tables as they are now).
RenderedChange render(const std::vector<Operation>& operations, const Schema& before, Dialect dialect);

} // namespace trellis
