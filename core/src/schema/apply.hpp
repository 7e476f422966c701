// Operations made on a schema without a database: what a table or schema looks like once a diff's
// operations have run. The renderer rebuilds SQLite tables into it, and a run that writes several
// revisions starts each from the schema the previous ones leave.
#pragma once

#include "schema/diff.hpp"

namespace trellis {

// `table` after `operations` (those on it) are applied.
Table apply(const Table& table, const std::vector<Operation>& operations);
// `schema` after `operations`: what the next revision written in the same run starts from.
Schema apply(const Schema& schema, const std::vector<Operation>& operations);

} // namespace trellis
