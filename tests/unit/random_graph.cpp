#include "random_graph.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>

namespace trellis::test {

std::vector<std::vector<Revision>> RandomGraph::revisions() const {
    std::vector<std::vector<Revision>> lists(specs.size());
    for (const auto& id : creation) {
        const auto& node = nodes.at(id);
        auto spec =
            std::find_if(specs.begin(), specs.end(), [&](const BranchSpec& s) { return s.label == node.branch; });
        Revision r;
        r.id = node.id;
        r.down_revisions = node.parents;
        r.depends_on = node.depends;
        r.create_date = node.date;
        r.path = fmt::format("{}/{}.sql", node.branch, node.id);
        lists[static_cast<std::size_t>(spec - specs.begin())].push_back(std::move(r));
    }
    return lists;
}

std::string RandomGraph::describe() const {
    std::string out = fmt::format("seed {}\n", seed);
    for (const auto& spec : specs)
        out += fmt::format("branch {} : {}\n", spec.label, fmt::join(spec.depends, ", "));
    for (const auto& id : creation) {
        const auto& n = nodes.at(id);
        out += fmt::format("  {} [{}] <- {} depends {} date {}\n", n.id, n.branch, fmt::join(n.parents, ", "),
                           fmt::join(n.depends, ", "), n.date);
    }
    return out;
}

// --- GraphGenerator ------------------------------------------------------------------------

RandomGraph GraphGenerator::generate(unsigned seed) {
    m_random.seed(seed);
    RandomGraph graph;
    graph.seed = seed;
    add_branches(graph);
    int count = between(4, 28);
    for (int k = 0; k < count; ++k)
        add_revision(graph);
    return graph;
}

int GraphGenerator::between(int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(m_random);
}

bool GraphGenerator::chance(double p) {
    return std::bernoulli_distribution(p)(m_random);
}

const std::string& GraphGenerator::pick(const Ids& from) {
    return from[static_cast<std::size_t>(between(0, static_cast<int>(from.size()) - 1))];
}

// Branch k may depend on earlier branches only, so plugin dependencies never cycle; a branch
// without dependencies is one more root.
void GraphGenerator::add_branches(RandomGraph& graph) {
    Ids names = {"uber", "panels", "guests", "tabletop", "magprime", "mivs", "reports"};
    std::shuffle(names.begin(), names.end(), m_random);
    auto count = static_cast<std::size_t>(between(2, 5));
    m_reach.assign(count, {});
    for (std::size_t k = 0; k < count; ++k) {
        BranchSpec spec{names[k], {}, {}, "random graph"};
        m_reach[k].insert(static_cast<int>(k));
        for (std::size_t d = 0; d < k; ++d) {
            if (spec.depends.size() < 2 && chance(0.4)) {
                spec.depends.push_back(names[d]);
                m_reach[k].insert(m_reach[d].begin(), m_reach[d].end());
            }
        }
        graph.specs.push_back(std::move(spec));
    }
    m_by_branch.assign(count, {});
}

std::string GraphGenerator::fresh_id(const RandomGraph& graph) {
    static const char* k_hex = "0123456789abcdef";
    while (true) {
        std::string id;
        for (int c = 0; c < 12; ++c)
            id += k_hex[between(0, 15)];
        if (!graph.nodes.count(id))
            return id;
    }
}

// A revision of a branch this one depends on (transitively), anywhere in its line.
std::optional<std::string> GraphGenerator::upstream_revision(int branch) {
    Ids candidates;
    for (int b : m_reach[static_cast<std::size_t>(branch)])
        if (b != branch) {
            const auto& theirs = m_by_branch[static_cast<std::size_t>(b)];
            candidates.insert(candidates.end(), theirs.begin(), theirs.end());
        }
    if (candidates.empty())
        return std::nullopt;
    return pick(candidates);
}

// Every reference goes to a revision generated earlier: the graph is acyclic by construction.
void GraphGenerator::add_revision(RandomGraph& graph) {
    int branch = between(0, static_cast<int>(graph.specs.size()) - 1);
    auto& mine = m_by_branch[static_cast<std::size_t>(branch)];
    Node node;
    node.id = fresh_id(graph);
    node.branch = graph.specs[static_cast<std::size_t>(branch)].label;
    node.date = fmt::format("2026-01-0{}T00:00:00Z", between(1, 3));
    if (mine.empty() || chance(0.12)) {
        auto upstream = upstream_revision(branch);
        if (upstream && chance(0.3))
            node.parents.push_back(*upstream); // the Alembic form of a plugin's base
        else if (upstream && chance(0.7))
            node.depends.push_back(*upstream);
    } else {
        // Mostly build on one of the latest revisions, so lines grow long; sometimes merge.
        auto recent = static_cast<int>(mine.size());
        auto latest = between(std::max(0, recent - 3), recent - 1);
        node.parents.push_back(mine[static_cast<std::size_t>(latest)]);
        const auto& second = pick(mine);
        if (chance(0.2) && second != node.parents.front())
            node.parents.push_back(second);
        if (chance(0.25))
            if (auto upstream = upstream_revision(branch))
                node.depends.push_back(*upstream);
        // Rarely, against the plugin order: a revision of any other branch (an imported graph
        // may do this), so an earlier plugin's revision has to wait for a later plugin's.
        const auto& anywhere = pick(graph.creation);
        if (chance(0.08) && graph.nodes.at(anywhere).branch != node.branch)
            node.depends.push_back(anywhere);
    }
    mine.push_back(node.id);
    graph.creation.push_back(node.id);
    graph.nodes.emplace(node.id, std::move(node));
}

// --- Oracle --------------------------------------------------------------------------------

Oracle::Oracle(const RandomGraph& random, const Graph& graph)
    : m_nodes(random.nodes) {
    for (const auto& branch : graph.branches())
        m_rank[branch.label()] = branch.rank;
    for (const auto& [id, node] : m_nodes) {
        for (const auto& p : node.parents)
            m_children[p].push_back(id);
        for (const auto& d : node.depends)
            m_dependants[d].push_back(id);
    }
}

namespace {

// `roots` and every id reached from them; `push_next(id, stack)` pushes an id's neighbours.
template <typename PushNext> IdSet reach(const Ids& roots, PushNext push_next) {
    IdSet seen;
    Ids stack = roots;
    while (!stack.empty()) {
        auto id = stack.back();
        stack.pop_back();
        if (seen.insert(id).second)
            push_next(id, stack);
    }
    return seen;
}

} // namespace

IdSet Oracle::closure(const Ids& roots) const {
    return reach(roots, [&](const std::string& id, Ids& stack) {
        const auto& n = m_nodes.at(id);
        stack.insert(stack.end(), n.parents.begin(), n.parents.end());
        stack.insert(stack.end(), n.depends.begin(), n.depends.end());
    });
}

IdSet Oracle::downstream(const Ids& roots) const {
    return reach(roots, [&](const std::string& id, Ids& stack) {
        for (const auto* next : {&m_children, &m_dependants})
            if (auto it = next->find(id); it != next->end())
                stack.insert(stack.end(), it->second.begin(), it->second.end());
    });
}

Ids Oracle::strict_descendants(const std::string& id) const {
    IdSet seen;
    Ids stack{id};
    while (!stack.empty()) {
        auto at = stack.back();
        stack.pop_back();
        if (auto it = m_children.find(at); it != m_children.end())
            for (const auto& c : it->second)
                if (seen.insert(c).second)
                    stack.push_back(c);
    }
    return {seen.begin(), seen.end()};
}

Ids Oracle::heads(const std::string& branch) const {
    Ids found;
    for (const auto& [id, n] : m_nodes) {
        if (n.branch != branch)
            continue;
        auto it = m_children.find(id);
        bool built_on =
            it != m_children.end() && std::any_of(it->second.begin(), it->second.end(),
                                                  [&](const std::string& c) { return node(c).branch == branch; });
        if (!built_on)
            found.push_back(id);
    }
    return found;
}

Ids Oracle::branch_revisions(const std::string& branch) const {
    Ids found;
    for (const auto& [id, n] : m_nodes)
        if (n.branch == branch)
            found.push_back(id);
    return found;
}

Ids Oracle::order(const IdSet& subset) const {
    Ids placed;
    IdSet done;
    auto waiting = [&](const Ids& edges) {
        return std::any_of(edges.begin(), edges.end(),
                           [&](const std::string& e) { return subset.count(e) && !done.count(e); });
    };
    while (placed.size() < subset.size()) {
        const Node* best = nullptr;
        for (const auto& id : subset) {
            const auto& n = node(id);
            if (done.count(id) || waiting(n.parents) || waiting(n.depends))
                continue;
            if (!best || key(n) < key(*best))
                best = &n;
        }
        REQUIRE_MESSAGE(best, "the oracle found no ready revision: the generated graph has a cycle");
        placed.push_back(best->id);
        done.insert(best->id);
    }
    return placed;
}

bool Oracle::consistent(const IdSet& state) const {
    auto in = [&](const std::string& e) { return state.count(e) > 0; };
    return std::all_of(state.begin(), state.end(), [&](const std::string& id) {
        const auto& n = node(id);
        return std::all_of(n.parents.begin(), n.parents.end(), in) &&
               std::all_of(n.depends.begin(), n.depends.end(), in);
    });
}

std::tuple<int, std::string, std::string> Oracle::key(const Node& n) const {
    return {m_rank.at(n.branch), n.date, n.id};
}

} // namespace trellis::test
