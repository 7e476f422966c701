// The `create_date` header: a calendar date and, optionally, a time of day, in the ISO form trellis
// writes (`2026-11-22T23:04:11Z`) or the form Alembic writes (`2020-07-21 15:51:55.334506`). The
// value orders revisions, so a date that names no real day would order them by accident.
#pragma once

#include <string>
#include <string_view>

namespace trellis {

// What is wrong with `value` as a create_date (`month 13 does not exist`), or "" when it is one:
// `YYYY-MM-DD`, then optionally `T` or a space and `HH:MM[:SS[.fraction]]`, then optionally `Z`
// or an offset `+HH:MM` / `-HH:MM`.
std::string create_date_problem(std::string_view value);

} // namespace trellis
