#include "commands/history.hpp"

#include "util/error.hpp"

#include <algorithm>

namespace trellis {

namespace {

// Keeps what `keep` holds.
void intersect(std::vector<bool>& in_range, const std::vector<int>& keep) {
    std::vector<bool> kept(in_range.size(), false);
    for (int i : keep)
        kept[i] = true;
    for (std::size_t i = 0; i < in_range.size(); ++i)
        in_range[i] = in_range[i] && kept[i];
}

std::vector<bool> in_range(const Graph& graph, const std::string& text, const AppliedSet& applied) {
    auto range = parse_range(text);
    if (!range)
        throw input_error("bad range `{}`: expected A:B (either side may be empty)", text);
    using Kind = Target::Kind;
    const auto &lower = range->lower, &upper = range->upper;
    // No bound: an empty side, a bare `base` below, a bare `heads` above.
    auto bare = [](const std::optional<Target>& t, Kind kind) {
        return !t || (t->kind == kind && !t->label && t->step == 0);
    };
    std::vector<bool> shown(graph.size(), true);
    if (!bare(upper, Kind::heads))
        intersect(shown, ancestors(graph, resolve_upgrade_target(graph, *upper, applied)));
    if (!bare(lower, Kind::base)) {
        auto from = lower->kind == Kind::base && lower->step == 0
                        ? graph.branch(graph.branch_named(*lower->label)).bases
                        : resolve_upgrade_target(graph, *lower, applied);
        intersect(shown, descendants(graph, from));
    }
    if (lower && upper && lower->label && lower->label == upper->label) {
        int b = graph.branch_named(*lower->label);
        for (std::size_t i = 0; i < shown.size(); ++i)
            shown[i] = shown[i] && graph.branch_of(static_cast<int>(i)) == b;
    }
    return shown;
}

} // namespace

std::vector<int> history_revisions(const Graph& graph, const std::string& range,
                                   const std::optional<std::string>& plugin, const AppliedSet& applied) {
    std::vector<int> shown = graph.order();
    if (!range.empty()) {
        auto keep = in_range(graph, range, applied);
        std::erase_if(shown, [&](int i) { return !keep[i]; });
    }
    if (plugin)
        std::erase_if(shown, [&, b = graph.branch_named(*plugin)](int i) { return graph.branch_of(i) != b; });
    std::reverse(shown.begin(), shown.end()); // newest first, as Alembic prints
    return shown;
}

} // namespace trellis
