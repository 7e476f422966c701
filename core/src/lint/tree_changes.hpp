// What a statement does to the schema (lint/sql_changes.hpp), read from PostgreSQL's parse tree
// instead of tokens: the statement kind, the table and the options are the parser's, so quoting,
// schemas, comments and odd spellings cannot mislead the rules that follow tables and columns
// (T101 to T302). The token reader stays for SQLite sections and for SQL the parser rejects.
#pragma once

#include "lint/sql_changes.hpp"
#include "sql/node.hpp"

#include <vector>

namespace trellis::lint {

// `stmt` is one statement's node wrapper (`{"AlterTableStmt": {...}}`).
std::vector<Change> tree_changes(const sql::Node& stmt);

} // namespace trellis::lint
