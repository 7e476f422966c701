// The type system trellis compares schemas by: a declared or catalog type name of either dialect
// parsed into a ColumnType (trellis/model.hpp), rendered back for one dialect, two compared, and
// whether a change of type can lose values. A type trellis does not model is carried by its
// spelling and compared by it; an enum by its name and, where both sides know them, its labels.
#pragma once

#include "db/dialect.hpp"
#include "trellis/model.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace trellis {

// A declared or catalog type name (either dialect) to a ColumnType. parse_type gives nullopt for a type trellis does
// not model; column_type carries it by its spelling.
std::optional<ColumnType> parse_type(std::string_view declared);
ColumnType column_type(std::string_view declared);
// One type, however spelled (a type carried by its spelling compares by it, case aside).
bool same_type(const ColumnType& a, const ColumnType& b);
std::string render_type(const ColumnType& type, Dialect dialect);
// `VARCHAR(255)`, `NUMERIC(10, 2)`, ... for messages.
std::string type_name(const ColumnType& type);
// True when every value of `from` fits in `to` (no narrowing).
bool widens_or_keeps(const ColumnType& from, const ColumnType& to);

} // namespace trellis
