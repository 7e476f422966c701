// Statements that end or nest the transaction trellis runs a transactional revision in: BEGIN,
// START TRANSACTION, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION. Run
// inside the revision's transaction they commit half of it, or throw it away while its ledger row
// is still written. A small function over the splitter's statements, so that it moves with them
// when the splitter is replaced: `BEGIN` inside a trigger body, `BEGIN ATOMIC`, a `$$` body or a
// PL/pgSQL block is inside a statement, never the first word of one. This check at load is the
// early, readable refusal; on SQLite the revision's connection refuses them as well, as SQLite
// parses them (db/transaction_seal.hpp), which no reading of the text can get wrong.
#pragma once

#include "revision/revision.hpp"
#include "revision/sql_split.hpp"

#include <string>
#include <vector>

namespace trellis {

// The first statement of `statements` that is transaction control, or nullptr.
const Statement* find_transaction_control(const std::vector<Statement>& statements);

// For a transactional revision: throws an input error `path:line: ...` naming the first statement
// of any section that is transaction control, the generic section split as PostgreSQL and (where
// it runs on SQLite) as SQLite splits it. A `transactional: false` revision may hold them.
void check_no_transaction_control(const Revision& revision);

} // namespace trellis
