// Which revisions the read-only views show: `history -r A:B` as Alembic reads a range, and the
// branch the global `--plugin NAME` scopes `heads`, `history` and `status` to.
#pragma once

#include "graph/graph.hpp"
#include "graph/planner.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trellis {

// The revisions of `history`, newest first. `range` is `A:B` (empty: all): from A (and what
// builds on it) up to B (and what it needs); either side may be empty, `base` or `heads`;
// `LABEL@base` starts at that branch's bases, and when both sides name one branch only that
// branch is shown (`panels@base:panels@head`). `plugin` keeps one branch. `applied` resolves
// relative targets (`current`, `-1`).
std::vector<int> history_revisions(const Graph& graph, const std::string& range,
                                   const std::optional<std::string>& plugin, const AppliedSet& applied);

} // namespace trellis
