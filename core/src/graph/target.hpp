// The target grammar (SPEC.md, "Targets"; Alembic's A:B ranges): what a user writes after
// upgrade, downgrade, stamp or history -r, parsed once into a value. Parsing needs no graph and
// knows no revision; the planner (planner.hpp) resolves a Target against a graph.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace trellis {

enum class Direction { upgrade, downgrade };

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

} // namespace trellis
