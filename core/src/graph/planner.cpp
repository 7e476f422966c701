#include "graph/planner.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>

namespace trellis {

namespace {

// The first few revisions of `indices`, then how many more: a 500-way fork is one short line.
std::string ids(const Graph& graph, const std::vector<int>& indices) {
    constexpr std::size_t k_shown = 5;
    std::vector<std::string> names;
    for (std::size_t k = 0; k < indices.size() && k < k_shown; ++k)
        names.push_back(
            fmt::format("{} ({})", graph.revision(indices[k]).id, graph.branch(graph.branch_of(indices[k])).label()));
    if (indices.size() > k_shown)
        names.push_back(fmt::format("and {} more", indices.size() - k_shown));
    return names.empty() ? "none" : text::join(names, ", ");
}

class Resolver {
public:
    Resolver(const Graph& graph, const AppliedSet& applied)
        : m_graph(graph)
        , m_applied(applied) {}

    int branch(const std::string& label) const { return m_graph.branch_named(label); }

    int revision_in(const std::optional<std::string>& label, const std::string& id) const {
        int i = m_graph.resolve_id(id);
        if (label && m_graph.branch_of(i) != branch(*label))
            throw input_error("revision {} is in branch `{}`, not `{}`", m_graph.revision(i).id,
                              m_graph.branch(m_graph.branch_of(i)).label(), *label);
        return i;
    }

    int only_head(const std::vector<int>& heads, std::string_view what, std::string_view hint) const {
        if (heads.size() == 1)
            return heads.front();
        if (heads.empty())
            throw input_error("{} has no revisions", what);
        throw input_error("{} has {} heads: {}; {}", what, heads.size(), ids(m_graph, heads), hint);
    }

    std::vector<int> applied_heads_of(std::optional<int> b) const {
        auto heads = applied_heads(m_graph, m_applied);
        if (b)
            std::erase_if(heads, [&](int i) { return m_graph.branch_of(i) != *b; });
        return heads;
    }

    // Where a relative step starts: a revision, or nullopt for "before the first revision".
    std::optional<int> relative_start(const Target& parts) const {
        std::optional<int> b;
        if (parts.label)
            b = branch(*parts.label);
        if (parts.kind != Target::Kind::current)
            return revision_in(parts.label, parts.word);
        auto heads = applied_heads_of(b);
        if (heads.empty())
            return std::nullopt;
        auto scope = parts.label ? fmt::format("branch `{}`", *parts.label) : std::string("the database");
        return only_head(heads, fmt::format("{} (applied)", scope), "name the branch: `<label>@+N` / `<label>@-N`");
    }

    bool in_scope(int i, const Target& parts) const {
        return !parts.label || m_graph.branch_of(i) == branch(*parts.label);
    }

    // The revision `step` revisions above `start`; from "nothing applied" the first step lands on
    // the single base in scope.
    int walk_up(std::optional<int> start, const Target& parts, const std::string& target) const {
        std::optional<int> at = start;
        for (int k = 0; k < parts.step; ++k) {
            std::vector<int> next;
            if (!at && parts.label) {
                // A branch's first revision may build on another branch (graphs from Alembic).
                next = m_graph.branch(branch(*parts.label)).bases;
            } else if (!at) {
                for (const auto& br : m_graph.branches())
                    for (int base : br.bases)
                        if (m_graph.parents(base).empty())
                            next.push_back(base);
            } else {
                for (int c : m_graph.children(*at))
                    if (in_scope(c, parts))
                        next.push_back(c);
            }
            if (next.empty())
                throw input_error("target `{}`: only {} revision(s) above {}", target, k,
                                  start ? m_graph.revision(*start).id : std::string("base"));
            if (next.size() > 1)
                throw input_error("target `{}` steps across a {}-way fork after {}: {}; name the revision instead",
                                  target, next.size(), at ? m_graph.revision(*at).id : std::string("base"),
                                  ids(m_graph, next));
            at = next.front();
        }
        return *at;
    }

    // The revisions a downward step of `-step` passes, start included.
    std::vector<int> walk_down(int start, const Target& parts, const std::string& target) const {
        std::vector<int> passed{start};
        int at = start;
        for (int k = 1; k < -parts.step; ++k) {
            std::vector<int> below;
            for (int p : m_graph.parents(at))
                if (in_scope(p, parts))
                    below.push_back(p);
            if (below.empty())
                throw input_error("target `{}`: only {} revision(s) at or below {}", target, k,
                                  m_graph.revision(start).id);
            if (below.size() > 1)
                throw input_error("target `{}` steps across a {}-way merge at {}: {}; name the revision instead",
                                  target, below.size(), m_graph.revision(at).id, ids(m_graph, below));
            at = below.front();
            passed.push_back(at);
        }
        return passed;
    }

    std::vector<int> named(const Target& parts) const {
        using Kind = Target::Kind;
        if (!parts.label) {
            switch (parts.kind) {
            case Kind::heads:
                return m_graph.heads();
            case Kind::head:
                return {only_head(m_graph.heads(), "the graph", "use `heads`, or `<label>@head` for one branch")};
            case Kind::base:
                return {};
            case Kind::current:
                return applied_heads_of(std::nullopt);
            case Kind::revision:
                return {revision_in(parts.label, parts.word)};
            }
        }
        int b = branch(*parts.label);
        const auto& br = m_graph.branch(b);
        switch (parts.kind) {
        case Kind::heads:
            return br.heads;
        case Kind::head:
            return {only_head(br.heads, fmt::format("branch `{}`", br.label()),
                              fmt::format("use `{0}@heads`, or `trellis merge {0}@heads -m MESSAGE`", br.label()))};
        case Kind::base:
            return {};
        case Kind::current:
            return applied_heads_of(b);
        case Kind::revision:
            break;
        }
        const auto& what = parts.word;
        if (auto keyword = near_keyword(what); keyword && (what.size() < 4 || m_graph.match_prefix(what).empty()))
            throw input_error("unknown target `{}`: did you mean `{}@{}`?", parts.text, br.label(), *keyword);
        return {revision_in(parts.label, what)};
    }

    // `head`, `heads`, `base` or `current` when `word` is a typo of one (at most two edits).
    static std::optional<std::string> near_keyword(const std::string& word) {
        for (std::string keyword : {"head", "heads", "base", "current"}) {
            std::vector<std::size_t> row(keyword.size() + 1);
            for (std::size_t j = 0; j < row.size(); ++j)
                row[j] = j;
            for (std::size_t i = 1; i <= word.size(); ++i) {
                std::size_t diagonal = row[0];
                row[0] = i;
                for (std::size_t j = 1; j <= keyword.size(); ++j) {
                    auto above = row[j];
                    row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] != keyword[j - 1])});
                    diagonal = above;
                }
            }
            if (row.back() <= 2 && word != keyword)
                return keyword;
        }
        return std::nullopt;
    }

    const Graph& m_graph;
    const AppliedSet& m_applied;
};

// Every revision reachable from `roots` through `next` (roots included).
template <typename Next> std::vector<int> reach(const Graph& graph, const std::vector<int>& roots, Next next) {
    std::vector<bool> seen(graph.size(), false);
    std::vector<int> stack, found;
    for (int r : roots)
        if (!seen[r])
            seen[r] = true, stack.push_back(r);
    while (!stack.empty()) {
        int at = stack.back();
        stack.pop_back();
        found.push_back(at);
        next(at, [&](int to) {
            if (!seen[to])
                seen[to] = true, stack.push_back(to);
        });
    }
    return found;
}

} // namespace

std::vector<int> descendants(const Graph& graph, const std::vector<int>& roots) {
    return reach(graph, roots, [&](int at, auto&& visit) {
        for (int c : graph.children(at))
            visit(c);
        for (int d : graph.dependants(at))
            visit(d);
    });
}

std::vector<int> ancestors(const Graph& graph, const std::vector<int>& roots) {
    return reach(graph, roots, [&](int at, auto&& visit) {
        for (int p : graph.parents(at))
            visit(p);
        for (int d : graph.depends(at))
            visit(d);
    });
}

std::vector<int> applied_heads(const Graph& graph, const AppliedSet& applied) {
    std::vector<int> heads;
    for (int i : graph.order()) {
        if (!applied[i])
            continue;
        bool built_on = std::any_of(graph.children(i).begin(), graph.children(i).end(),
                                    [&](int c) { return applied[c] && graph.branch_of(c) == graph.branch_of(i); });
        if (!built_on)
            heads.push_back(i);
    }
    std::stable_sort(heads.begin(), heads.end(), [&](int a, int b) { return graph.branch_of(a) < graph.branch_of(b); });
    return heads;
}

std::vector<int> resolve_upgrade_target(const Graph& graph, const Target& target, const AppliedSet& applied) {
    Resolver resolver(graph, applied);
    if (target.step < 0)
        throw input_error("target `{}` goes down: use `trellis downgrade {}`", target.text, target.text);
    if (target.step > 0)
        return {resolver.walk_up(resolver.relative_start(target), target, target.text)};
    return resolver.named(target);
}

std::vector<int> resolve_upgrade_target(const Graph& graph, const std::string& target, const AppliedSet& applied) {
    return resolve_upgrade_target(graph, parse_target(target), applied);
}

Plan plan_upgrade(const Graph& graph, const std::vector<Target>& targets, const AppliedSet& applied) {
    std::vector<int> roots;
    for (const auto& target : targets) {
        auto named = resolve_upgrade_target(graph, target, applied);
        roots.insert(roots.end(), named.begin(), named.end());
    }
    auto needed = ancestors(graph, roots);
    std::erase_if(needed, [&](int i) { return applied[i]; });
    return {Direction::upgrade, graph.sort(needed)};
}

Plan plan_upgrade(const Graph& graph, const std::vector<std::string>& targets, const AppliedSet& applied) {
    std::vector<Target> parsed;
    for (const auto& text : targets)
        parsed.push_back(parse_target(text));
    return plan_upgrade(graph, parsed, applied);
}

Plan plan_downgrade(const Graph& graph, const std::string& target, const AppliedSet& applied) {
    return plan_downgrade(graph, parse_target(target), applied);
}

AppliedSet assumed_applied(const Graph& graph, const std::optional<Target>& from) {
    AppliedSet applied(graph.size(), false);
    if (!from || (from->kind == Target::Kind::base && !from->label && from->step == 0))
        return applied;
    std::vector<int> roots;
    std::optional<int> skipped; // the branch whose first revisions are not applied (`label@base`)
    if (from->kind == Target::Kind::base && from->step == 0) {
        skipped = Resolver(graph, applied).branch(*from->label);
        roots = graph.branch(*skipped).bases;
    } else {
        roots = resolve_upgrade_target(graph, *from, applied);
    }
    for (int i : ancestors(graph, roots))
        applied[i] = !skipped || graph.branch_of(i) != *skipped;
    return applied;
}

Plan plan_downgrade(const Graph& graph, const Target& parts, const AppliedSet& applied) {
    Resolver resolver(graph, applied);
    const auto& target = parts.text;
    std::vector<int> going; // the revisions that go; what depends on them goes too
    std::vector<int> kept;  // a named target and everything it needs stay
    if (parts.step > 0) {
        throw input_error("target `{}` goes up: use `trellis upgrade {}`", target, target);
    } else if (parts.step < 0) {
        auto start = resolver.relative_start(parts);
        if (!start)
            throw input_error("target `{}`: nothing is applied{}", target,
                              parts.label ? fmt::format(" in branch `{}`", *parts.label) : std::string());
        going = resolver.walk_down(*start, parts, target);
    } else if (parts.kind == Target::Kind::base) {
        if (parts.label)
            going = graph.branch(resolver.branch(*parts.label)).revisions;
        else
            going = graph.order();
    } else {
        auto named = resolver.named(parts);
        for (int keep : named)
            for (int c : graph.children(keep))
                going.push_back(c);
        kept = ancestors(graph, named);
    }
    std::vector<bool> stays(graph.size(), false);
    for (int i : kept)
        stays[i] = true;
    auto reverted = descendants(graph, going);
    std::erase_if(reverted, [&](int i) { return !applied[i] || stays[i]; });
    auto order = graph.sort(reverted);
    std::reverse(order.begin(), order.end());
    return {Direction::downgrade, order};
}

} // namespace trellis
