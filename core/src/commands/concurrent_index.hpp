// CREATE INDEX CONCURRENTLY in a `transactional: false` revision (PostgreSQL). When it fails
// half-way (a duplicate for a unique index, a cancel, a deadlock) it leaves an INVALID index of
// its name behind: the index is maintained on every write but never used, and the same statement
// run again fails with "already exists" (or, with IF NOT EXISTS, keeps the broken index). The
// runner reports such an index with the statement that drops it, and drops it itself before it
// runs the statement again, so the rerun succeeds.
#pragma once

#include "db/database.hpp"

#include <optional>
#include <string>

namespace trellis {

// The index a `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ...` statement builds, as
// PostgreSQL names it (unquoted names folded to lower case); none for any other statement.
std::optional<std::string> concurrent_index_name(const std::string& sql);

// The INVALID index `name` in the connection's schemas, qualified and quoted, if there is one.
std::optional<std::string> invalid_index(Database& db, const std::string& name);

// The statement that drops it without blocking writers.
std::string drop_invalid_index_sql(const std::string& qualified);

} // namespace trellis
