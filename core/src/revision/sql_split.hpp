// Splits a section's SQL into statements, so that each runs on its own and a failure names its
// line. One splitter serves both dialects: it understands single, double and dollar quotes
// (E'' escapes included), line and nested block comments, trigger bodies (`BEGIN ... END`) and
// SQL-standard function bodies (`BEGIN ATOMIC ... END`), and `-- +call plugin:step` lines. SQL
// that runs on SQLite (a `-- +upgrade sqlite` section, or the generic section on SQLite) is read
// with SQLite's quoting, and each statement ends where sqlite3_complete says it does.
#pragma once

#include "revision/revision.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trellis {

struct Statement {
    std::string sql;  // without the terminating semicolon; empty for a step call
    std::string call; // `plugin:step` for a `-- +call` line
    int line = 0;     // file line of the statement's first character
};

// `dialect`: the database the section runs on (`sqlite`, `postgresql`). A dialect section runs
// only on its own; the generic section runs on either and is split as that database reads it.
std::vector<Statement> split_statements(const Section& section, std::string_view dialect);

} // namespace trellis
