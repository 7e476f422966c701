// Random revision graphs for property tests, and an oracle: the rules of SPEC.md ("Graph rules")
// computed the slow, obvious way on the generated data, sharing no code with the graph or the
// planner. The same seed makes the same graph on every machine (std::mt19937 is specified).
#pragma once

#include "graph/graph.hpp"

#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace trellis::test {

using Ids = std::vector<std::string>;
using IdSet = std::set<std::string>;

// One generated revision, as plain data.
struct Node {
    std::string id, branch, date;
    Ids parents, depends; // down_revision, depends_on
};

struct RandomGraph {
    unsigned seed = 0;
    std::vector<BranchSpec> specs;
    std::map<std::string, Node> nodes; // by id
    Ids creation;                      // ids in the order they were generated

    // The revisions as Graph::build takes them: one list per spec.
    std::vector<std::vector<Revision>> revisions() const;
    // The seed and every branch and revision, for a failure report.
    std::string describe() const;
};

// Several branches (2 to 5) with plugin dependencies on earlier ones, some without any (several
// roots); 4 to 28 revisions with forks, merges, several bases per branch, Alembic-style
// down_revision into a dependency's branch, depends_on anywhere in a dependency's line (and,
// rarely, in any other branch), and only three create_dates, so ties are common. Acyclic by
// construction.
class GraphGenerator {
public:
    RandomGraph generate(unsigned seed);

private:
    int between(int low, int high);
    bool chance(double p);
    const std::string& pick(const Ids& from);
    void add_branches(RandomGraph& graph);
    std::string fresh_id(const RandomGraph& graph);
    std::optional<std::string> upstream_revision(int branch);
    void add_revision(RandomGraph& graph);

    std::mt19937 m_random;
    std::vector<std::set<int>> m_reach; // branches each branch depends on, itself included
    std::vector<Ids> m_by_branch;
};

class Oracle {
public:
    // The plugin order is taken from `graph` (its own properties are checked separately).
    Oracle(const RandomGraph& random, const Graph& graph);

    // Everything `roots` needs first, through both edge kinds, roots included.
    IdSet closure(const Ids& roots) const;
    // `roots` and everything that needs them, through both edge kinds.
    IdSet downstream(const Ids& roots) const;
    // The revisions that have `id` as a strict ancestor through down_revision edges only.
    Ids strict_descendants(const std::string& id) const;
    // The revisions of `branch` that no revision of the same branch names as down_revision.
    Ids heads(const std::string& branch) const;
    Ids branch_revisions(const std::string& branch) const;
    // `subset` in the deterministic order: repeatedly, of the revisions whose parents and
    // dependencies inside the subset are all placed, the first by plugin order, then
    // create_date, then id.
    Ids order(const IdSet& subset) const;
    // True when every revision of `state` has its parents and dependencies in `state`.
    bool consistent(const IdSet& state) const;
    const Node& node(const std::string& id) const { return m_nodes.at(id); }

private:
    std::tuple<int, std::string, std::string> key(const Node& node) const;

    const std::map<std::string, Node>& m_nodes;
    std::map<std::string, int> m_rank;
    std::map<std::string, Ids> m_children, m_dependants;
};

} // namespace trellis::test
