// Targets and plans (SPEC.md, "Graph rules"). Pure functions of a graph and the set of applied
// revisions: no database, no files. A bad target is an input error naming the candidates.
#pragma once

#include "graph/graph.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trellis {

enum class Direction { upgrade, downgrade };

// Which revisions of the graph are applied, by index.
using AppliedSet = std::vector<bool>;

struct Plan {
    Direction direction = Direction::upgrade;
    std::vector<int> steps; // in the order they run
};

// One target of the grammar (SPEC.md, "Targets"), parsed: `[label@]word[+N|-N]`. Parsing needs no
// graph; resolving the word to revisions does (plan_upgrade, plan_downgrade).
struct Target {
    enum class Kind { heads, head, base, current, revision };
    std::string text;                 // as written, for messages
    std::optional<std::string> label; // `label@...`
    Kind kind = Kind::revision;
    std::string word; // what names the revisions: a keyword, an id or prefix (empty: current)
    int step = 0;     // +N / -N; 0 when none

    // Only reverts when stamped or downgraded to: base, label@base, -N, label@-N.
    bool down_only() const { return (kind == Kind::base && step == 0) || step < 0; }
};
// Throws an input error on an empty target or a bad relative step.
Target parse_target(const std::string& text);

// `A:B`, Alembic's range: either side may be empty (history: no bound; --sql: base and heads).
struct TargetRange {
    std::optional<Target> lower, upper;
};
// The range `text` spells, or nullopt when it holds no `:`.
std::optional<TargetRange> parse_range(const std::string& text);

// The targets of a command, checked once: upgrade takes any number (none: heads), downgrade
// exactly one. A range (`A:B`) is one target of its own: offline --sql only, see assumed_applied.
std::vector<Target> parse_targets(Direction direction, const std::vector<std::string>& texts);

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
