// Plans (SPEC.md, "Graph rules"): targets (target.hpp) resolved against a graph. Pure functions
// of a graph and the set of applied revisions: no database, no files. A bad target is an input
// error naming the candidates.
#pragma once

#include "graph/graph.hpp"
#include "graph/target.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trellis {

// Which revisions of the graph are applied, by index.
using AppliedSet = std::vector<bool>;

struct Plan {
    Direction direction = Direction::upgrade;
    std::vector<int> steps; // in the order they run
};

// upgrade T: closure(T) over both edge kinds, minus what is applied, in the deterministic order.
// Several targets plan their union.
Plan plan_upgrade(const Graph& graph, const std::vector<Target>& targets, const AppliedSet& applied);
Plan plan_upgrade(const Graph& graph, const std::vector<std::string>& targets, const AppliedSet& applied);

// downgrade T: the applied revisions that have T as an ancestor through down_revision edges, and
// everything applied that depends on those through either edge kind; T itself stays. `base`
// reverts everything, `<label>@base` a whole branch and what depends on it. Reverse order.
Plan plan_downgrade(const Graph& graph, const Target& target, const AppliedSet& applied);
Plan plan_downgrade(const Graph& graph, const std::string& target, const AppliedSet& applied);

// What the lower side of a range stands for when no database is asked (`upgrade A:B --sql`,
// `downgrade B:A --sql`, Alembic's offline mode): A and everything it needs applied; `base` or
// none, nothing; `label@base`, what that branch's first revisions need, the branch itself not.
AppliedSet assumed_applied(const Graph& graph, const std::optional<Target>& from);

// The revisions `target` names for an upgrade (before the closure): for tests and `show`-like use.
std::vector<int> resolve_upgrade_target(const Graph& graph, const Target& target, const AppliedSet& applied);
std::vector<int> resolve_upgrade_target(const Graph& graph, const std::string& target, const AppliedSet& applied);

// The applied revisions that no applied revision of the same branch builds on, per branch order.
std::vector<int> applied_heads(const Graph& graph, const AppliedSet& applied);

// Everything `roots` needs first (both edge kinds), roots included.
std::vector<int> ancestors(const Graph& graph, const std::vector<int>& roots);
// Everything that builds on `roots` or needs them (both edge kinds), roots included.
std::vector<int> descendants(const Graph& graph, const std::vector<int>& roots);

} // namespace trellis
