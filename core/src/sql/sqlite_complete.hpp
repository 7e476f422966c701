// SQLite's own answer to "does this text end a statement?" (sqlite3_complete): it knows SQLite's
// quotes ('', "", ``, []), its comments and its trigger bodies (CREATE TRIGGER ... BEGIN ... END,
// with semicolons inside), so the statements of a SQLite section end where SQLite itself ends them.
// And SQLite's parser, to tell SQL that SQLite reads from SQL it cannot (a PostgreSQL `$$` body).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace trellis::sql {

// Whether `sql`, from a statement's start through a semicolon, is one complete statement.
bool sqlite_statement_ends(std::string_view sql);

// Whether SQLite's parser reads every one of `statements` (prepared on an empty in-memory
// database: a table or column it does not know is no parse error; a syntax error, an
// unrecognised token or incomplete input is).
bool sqlite_parses(std::span<const std::string> statements);

} // namespace trellis::sql
