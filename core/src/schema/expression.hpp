// SQL expressions in the one form both sources compare by: a model's default, check, index
// expression or generated column as written, and the same reflected from a database (which adds
// casts and parentheses and rewrites `now()`), so that each compares equal to itself.
#pragma once

#include "trellis/model.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace trellis {

// A server default in one form for both sources: casts, outer parentheses and case dropped,
// `now()` as CURRENT_TIMESTAMP, booleans as true/false. nullopt stays nullopt.
std::optional<std::string> normalize_default(const std::optional<std::string>& expression, ColumnKind kind);

// An expression as PostgreSQL deparses it, without its casts and outer parentheses:
// `((id <> '-1'::integer))` -> `id <> '-1'`. How a reflected check is written back, on either
// dialect.
std::string plain_expression(std::string_view expression);

// An expression in the one form both sources compare by (index expressions and predicates,
// generated columns): no casts, parentheses, spaces or name quotes; lowercase outside strings.
// `lower((email)::text)` and `LOWER("email")` are both `lower(email)` without the parentheses.
std::string normalize_expression(std::string_view expression);

} // namespace trellis
