// PostgreSQL refuses to change the type of a column a view uses (0A000): the views on the
// tables whose columns change type are kept aside while the types change.
#pragma once

#include "schema/diff.hpp"
#include "schema/sql_step.hpp"

#include <vector>

namespace trellis {

// `up` keeps the views on the retyped tables aside in a temporary table and drops them, `down`
// makes them again from what was kept; a revision runs `up` first and `down` last, in both
// directions. Empty when no column a view may use changes type.
SqlStep views_around_retypes(const std::vector<const Operation*>& ordered, const Schema& before);

} // namespace trellis
