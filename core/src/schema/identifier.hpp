// Identifiers in the SQL trellis writes and reads. One rule on both dialects: a name is used
// exactly as the models (or the catalog) spell it, and quoted exactly when it needs it: when it is
// not lowercase letters, digits and `_` starting with a letter or `_`, or when it is a keyword of
// either database. So `attendee` stays `attendee`, `Artist` is `"Artist"` (PostgreSQL would fold
// it to `artist` otherwise) and a column `order` is `"order"`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trellis {

// `name`, or `"name"` with inner quotes doubled.
std::string quote(std::string_view name);
// Quoted names joined by ", ".
std::string quote_list(const std::vector<std::string>& names);
// The name inside `"name"`, `` `name` `` or `[name]` (SQLite accepts all three); else `name`.
std::string unquote(std::string_view name);
// Whether `word` names a table in SQL text, however it is quoted (case-insensitively, as SQLite
// and an unquoted PostgreSQL name compare).
bool names_table(std::string_view word, std::string_view table);

} // namespace trellis
