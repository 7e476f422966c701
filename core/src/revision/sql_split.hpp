// Splits a section's SQL into statements, so that each runs on its own and a failure names its
// line. One splitter serves both dialects: it understands single, double and dollar quotes
// (E'' escapes included), line and nested block comments, trigger bodies (`BEGIN ... END`) and
// SQL-standard function bodies (`BEGIN ATOMIC ... END`), and `-- +call plugin:step` lines. A
// SQLite section (`-- +upgrade sqlite`) is read with SQLite's quoting, and each statement ends
// where sqlite3_complete says it does.
#pragma once

#include "revision/revision.hpp"

#include <string>
#include <vector>

namespace trellis {

struct Statement {
    std::string sql;  // without the terminating semicolon; empty for a step call
    std::string call; // `plugin:step` for a `-- +call` line
    int line = 0;     // file line of the statement's first character
};

std::vector<Statement> split_statements(const Section& section);

} // namespace trellis
