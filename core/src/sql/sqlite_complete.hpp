// SQLite's own answer to "does this text end a statement?" (sqlite3_complete): it knows SQLite's
// quotes ('', "", ``, []), its comments and its trigger bodies (CREATE TRIGGER ... BEGIN ... END,
// with semicolons inside), so the statements of a SQLite section end where SQLite itself ends them.
#pragma once

#include <string_view>

namespace trellis::sql {

// Whether `sql`, from a statement's start through a semicolon, is one complete statement.
bool sqlite_statement_ends(std::string_view sql);

} // namespace trellis::sql
