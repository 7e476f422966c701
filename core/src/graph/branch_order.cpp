#include "graph/branch_order.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <queue>
#include <set>

namespace trellis {

namespace {

std::map<std::string, int> index_labels(const std::vector<BranchSpec>& specs) {
    std::map<std::string, int> by_label;
    for (int i = 0; i < static_cast<int>(specs.size()); ++i) {
        auto [it, inserted] = by_label.emplace(specs[i].label, i);
        if (!inserted)
            throw input_error("plugin `{}` is declared twice: by {} and by {}", specs[i].label,
                              specs[it->second].source, specs[i].source);
    }
    return by_label;
}

[[noreturn]] void report_cycle(const std::vector<BranchSpec>& specs, const std::vector<std::vector<int>>& deps,
                               const std::vector<int>& indegree_left) {
    // Walk dependencies from any plugin left over until one repeats: that is a cycle.
    int start = static_cast<int>(std::find_if(indegree_left.begin(), indegree_left.end(), [](int d) { return d > 0; }) -
                                 indegree_left.begin());
    std::vector<int> path;
    std::vector<int> seen_at(specs.size(), -1);
    int at = start;
    while (seen_at[at] < 0) {
        seen_at[at] = static_cast<int>(path.size());
        path.push_back(at);
        at = *std::find_if(deps[at].begin(), deps[at].end(), [&](int d) { return indegree_left[d] > 0; });
    }
    std::vector<std::string> names;
    for (auto i = static_cast<std::size_t>(seen_at[at]); i < path.size(); ++i)
        names.push_back(fmt::format("{} ({})", specs[path[i]].label, specs[path[i]].source));
    names.push_back(specs[at].label);
    throw input_error("plugin dependency cycle: {}", fmt::join(names, " -> "));
}

// Each plugin's dependencies and dependants, by index into the specs.
struct Edges {
    std::vector<std::vector<int>> deps, dependants;
};

Edges dependency_edges(const std::vector<BranchSpec>& specs) {
    auto by_label = index_labels(specs);
    auto n = specs.size();
    Edges edges{std::vector<std::vector<int>>(n), std::vector<std::vector<int>>(n)};
    for (std::size_t i = 0; i < n; ++i) {
        for (const auto& name : specs[i].depends) {
            auto it = by_label.find(name);
            if (it == by_label.end())
                throw input_error("plugin `{}` ({}) depends on `{}`, which is not loaded", specs[i].label,
                                  specs[i].source, name);
            edges.deps[i].push_back(it->second);
            edges.dependants[it->second].push_back(static_cast<int>(i));
        }
    }
    return edges;
}

// Descendant counts (distinct, so a diamond counts once), for the sibling order.
std::vector<int> descendant_counts(const Edges& edges) {
    auto n = edges.dependants.size();
    std::vector<int> descendants(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        std::set<int> seen;
        std::function<void(int)> visit = [&](int at) {
            for (int d : edges.dependants[at])
                if (seen.insert(d).second)
                    visit(d);
        };
        visit(static_cast<int>(i));
        descendants[i] = static_cast<int>(seen.size());
    }
    return descendants;
}

// Preorder of the tree, siblings by `before`; a plugin with several parents sits under the first
// one reached.
std::vector<int> preorder_ranks(const Edges& edges, const std::function<bool(int, int)>& before) {
    int n = static_cast<int>(edges.deps.size());
    std::vector<int> preorder_rank(n, -1);
    int next_rank = 0;
    std::function<void(int)> visit = [&](int at) {
        if (preorder_rank[at] >= 0)
            return;
        preorder_rank[at] = next_rank++;
        auto children = edges.dependants[at];
        std::sort(children.begin(), children.end(), before);
        for (int c : children)
            visit(c);
    };
    std::vector<int> roots;
    for (int i = 0; i < n; ++i)
        if (edges.deps[i].empty())
            roots.push_back(i);
    std::sort(roots.begin(), roots.end(), before);
    for (int r : roots)
        visit(r);
    return preorder_rank;
}

} // namespace

std::vector<int> order_branches(const std::vector<BranchSpec>& specs) {
    auto edges = dependency_edges(specs);
    int n = static_cast<int>(specs.size());
    auto descendants = descendant_counts(edges);
    auto preorder_rank = preorder_ranks(edges, [&](int a, int b) {
        if (descendants[a] != descendants[b])
            return descendants[a] > descendants[b];
        return specs[a].label < specs[b].label;
    });

    // Kahn's algorithm, ready plugins by preorder rank: parents always first, tree order otherwise.
    std::vector<int> indegree(n);
    for (int i = 0; i < n; ++i)
        indegree[i] = static_cast<int>(edges.deps[i].size());
    auto later = [&](int a, int b) { return preorder_rank[a] > preorder_rank[b]; };
    std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
    for (int i = 0; i < n; ++i)
        if (indegree[i] == 0)
            ready.push(i);
    std::vector<int> order;
    while (!ready.empty()) {
        int at = ready.top();
        ready.pop();
        order.push_back(at);
        for (int d : edges.dependants[at])
            if (--indegree[d] == 0)
                ready.push(d);
    }
    if (static_cast<int>(order.size()) != n)
        report_cycle(specs, edges.deps, indegree);
    return order;
}

} // namespace trellis
