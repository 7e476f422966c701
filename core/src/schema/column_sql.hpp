// The SQL of one column's change: ADD COLUMN (a NOT NULL one filled for the rows already there)
// on both dialects, ALTER COLUMN on PostgreSQL (SQLite rebuilds the table for any change of a
// column: schema/sqlite_rebuild.hpp). No statement cuts data: a narrowing type change is
// guarded, and a NOT NULL column of a foreign key is never filled with an invented reference.
#pragma once

#include "schema/schema.hpp"

#include <string>

namespace trellis {

// `ALTER TABLE ... ADD COLUMN c`, with a TODO comment where a NOT NULL column of a foreign key
// would need a value trellis does not invent.
std::string add_column_sql(const Table& table, const Column& c, Dialect dialect);

// PostgreSQL: the statements that turn column `from` of `table` into `to` (generation, type,
// identity, default, nullability), in an order PostgreSQL accepts.
std::string alter_column_sql(const Table& table, const Column& from, const Column& to);

} // namespace trellis
