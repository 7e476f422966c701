// The names PostgreSQL gives constraints written without one, which trellis uses for them on both
// databases (SQLite keeps no name), so that a constraint read from a revision's SQL, reflected
// from either database and re-created by a SQLite rebuild is one thing under one name:
// `<table>_<columns>_fkey`, `<table>_<columns>_key`, and for a check `<table>_<column>_check`
// when its expression uses exactly one column of the table, else `<table>_check`. (PostgreSQL
// also shortens names past 63 bytes and numbers clashes; trellis does neither.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trellis {

// `kind`: "fkey" or "key".
std::string default_key_name(const std::string& table, const std::vector<std::string>& columns, std::string_view kind);
// The columns of the table a check's expression uses (a name followed by `(` is a function).
std::vector<std::string> check_columns(std::string_view expression, const std::vector<std::string>& table_columns);
std::string default_check_name(const std::string& table, std::string_view expression,
                               const std::vector<std::string>& table_columns);

} // namespace trellis
