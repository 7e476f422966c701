// T603: a statement that names one column twice where PostgreSQL wants each once, found in the
// parse tree wherever it sits (a CTE, a MERGE branch, ON CONFLICT): UPDATE ... SET and ON
// CONFLICT DO UPDATE assigning it twice (42601), INSERT and MERGE ... INSERT listing it twice,
// CREATE [FOREIGN] TABLE declaring it twice, and a view, SELECT INTO or CREATE TABLE AS whose
// output has two columns of one name (42701), including names PostgreSQL infers (`?column?`).
// Assignments to different parts of one column (`a.x`, `a.y`, `a[1]`) are fine; the whole
// column beside a part is not.
#pragma once

#include "lint/pg_rules.hpp"

namespace trellis::lint {

void duplicate_columns(const sql::Node& stmt, const Report& report);

} // namespace trellis::lint
