#include "commands/history.hpp"

#include "util/error.hpp"

#include <algorithm>

namespace trellis {

namespace {

// The label of `LABEL@...`, or empty.
std::string label_of(const std::string& side) {
    auto at = side.find('@');
    return at == std::string::npos ? "" : side.substr(0, at);
}

// Keeps what `keep` holds.
void intersect(std::vector<bool>& in_range, const std::vector<int>& keep) {
    std::vector<bool> kept(in_range.size(), false);
    for (int i : keep)
        kept[i] = true;
    for (std::size_t i = 0; i < in_range.size(); ++i)
        in_range[i] = in_range[i] && kept[i];
}

std::vector<bool> in_range(const Graph& graph, const std::string& range, const AppliedSet& applied) {
    auto colon = range.find(':');
    if (colon == std::string::npos)
        throw input_error("bad range `{}`: expected A:B (either side may be empty)", range);
    auto lower = range.substr(0, colon), upper = range.substr(colon + 1);
    std::vector<bool> shown(graph.size(), true);
    if (!upper.empty() && upper != "heads")
        intersect(shown, ancestors(graph, resolve_upgrade_target(graph, upper, applied)));
    if (!lower.empty() && lower != "base") {
        auto from = lower.ends_with("@base") ? graph.branch(scoped_branch(graph, label_of(lower))).bases
                                             : resolve_upgrade_target(graph, lower, applied);
        intersect(shown, descendants(graph, from));
    }
    if (auto label = label_of(lower); !label.empty() && label == label_of(upper)) {
        int b = scoped_branch(graph, label);
        for (std::size_t i = 0; i < shown.size(); ++i)
            shown[i] = shown[i] && graph.branch_of(static_cast<int>(i)) == b;
    }
    return shown;
}

} // namespace

int scoped_branch(const Graph& graph, const std::string& label) {
    auto b = graph.find_branch(label);
    if (!b)
        throw input_error("--plugin {}: no branch of that name", label);
    return *b;
}

std::vector<int> history_revisions(const Graph& graph, const std::string& range,
                                   const std::optional<std::string>& plugin, const AppliedSet& applied) {
    std::vector<int> shown = graph.order();
    if (!range.empty()) {
        auto keep = in_range(graph, range, applied);
        std::erase_if(shown, [&](int i) { return !keep[i]; });
    }
    if (plugin)
        std::erase_if(shown, [&, b = scoped_branch(graph, *plugin)](int i) { return graph.branch_of(i) != b; });
    std::reverse(shown.begin(), shown.end()); // newest first, as Alembic prints
    return shown;
}

} // namespace trellis
