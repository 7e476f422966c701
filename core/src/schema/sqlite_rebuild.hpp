// SQLite's hook in the renderer: what ALTER TABLE can do there, and the table rebuild for the
// rest (new table, copy, drop, rename, indexes again, rows kept). A rebuild also drops and
// re-creates the views and triggers that name the table (SQLite's RENAME refuses a view whose
// table is gone, and DROP TABLE takes the table's triggers with it), refuses to cut a value that
// no longer fits, and ends with a foreign-key check, since the copy runs with keys unchecked.
#pragma once

#include "schema/diff.hpp"

#include <string>
#include <vector>

namespace trellis {

// Whether ALTER TABLE ADD COLUMN can put `c` into `table`: also what reverting its drop needs.
bool sqlite_adds(const Table& table, const Column& c);
// Whether SQLite's ALTER TABLE makes `op` on `before` (else the table is rebuilt).
bool sqlite_alters(const Operation& op, const Table& before);
// Whether `operations` (on one table, `before`) make a rebuild of it on SQLite.
bool sqlite_rebuilds(const std::vector<Operation>& operations, const Table& before);

// The rows of `from` copied into a table shaped like `to`, which then takes `from`'s place.
// The views and triggers read from `dialect` that name `table`, and those that name them, in
// creation order.
std::vector<const SchemaObject*> dependents(const std::string& table, const std::vector<SchemaObject>& objects,
                                            Dialect dialect);

std::string rebuild(const Table& from, const Table& to, const std::vector<SchemaObject>& objects);

} // namespace trellis
