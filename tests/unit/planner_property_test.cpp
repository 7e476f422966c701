// Property tests of the graph order and the planner (SPEC.md, "Graph rules") over a few hundred
// random graphs from fixed seeds (random_graph.hpp): every plan respects every edge, plans do not
// depend on the order of the input, an upgrade and the downgrade back restore the applied set,
// and ties go by plugin order, then create_date, then id. The expectations come from the oracle,
// never from the planner's own helpers. A failure prints the seed and the graph.
#include "graph/graph.hpp"
#include "graph/planner.hpp"
#include "random_graph.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>

namespace trellis::test {

namespace {

constexpr int k_graphs = 300;

using Random = std::mt19937;

template <typename T> const T& pick(Random& random, const std::vector<T>& from) {
    return from[random() % from.size()];
}

IdSet set_of(const Ids& ids) {
    return {ids.begin(), ids.end()};
}

IdSet minus(IdSet from, const IdSet& taken) {
    std::erase_if(from, [&](const std::string& id) { return taken.count(id) > 0; });
    return from;
}

// Sequences as text, so a failing comparison shows both sides.
std::string text(const Ids& ids) {
    return fmt::format("[{}]", fmt::join(ids, ", "));
}
std::string text(const IdSet& ids) {
    return fmt::format("{{{}}}", fmt::join(ids, ", "));
}

Ids ids_of(const Graph& graph, const std::vector<int>& indices) {
    Ids ids;
    for (int i : indices)
        ids.push_back(graph.revision(i).id);
    return ids;
}

Ids labels_of(const Graph& graph) {
    Ids labels;
    for (const auto& branch : graph.branches())
        labels.push_back(branch.label());
    return labels;
}

AppliedSet applied_set(const Graph& graph, const IdSet& ids) {
    AppliedSet applied(graph.size(), false);
    for (const auto& id : ids)
        applied[*graph.find(id)] = true;
    return applied;
}

Ids upgrade_plan(const Graph& graph, const std::string& target, const IdSet& state) {
    return ids_of(graph, plan_upgrade(graph, {target}, applied_set(graph, state)).steps);
}

Ids downgrade_plan(const Graph& graph, const std::string& target, const IdSet& state) {
    return ids_of(graph, plan_downgrade(graph, target, applied_set(graph, state)).steps);
}

// Each step of an upgrade finds what it needs applied already or earlier in the plan.
bool upgrade_respects_edges(const Oracle& oracle, IdSet state, const Ids& steps) {
    for (const auto& id : steps) {
        state.insert(id);
        if (!oracle.consistent(state))
            return false;
    }
    return true;
}

// Each step of a downgrade leaves nothing applied that needs it.
bool downgrade_respects_edges(const Oracle& oracle, IdSet state, const Ids& steps) {
    for (const auto& id : steps) {
        state.erase(id);
        if (!oracle.consistent(state))
            return false;
    }
    return true;
}

// A closed database state: what a few random revisions need (possibly nothing).
IdSet random_state(Random& random, const RandomGraph& graph, const Oracle& oracle) {
    Ids roots;
    for (auto k = random() % 4; k > 0; --k)
        roots.push_back(pick(random, graph.creation));
    return oracle.closure(roots);
}

// The same revisions built again with the branches and, inside each, the revisions shuffled:
// what a different file system would return.
Graph shuffled_build(const RandomGraph& generated, Random& random) {
    auto lists = generated.revisions();
    std::vector<std::size_t> permutation(generated.specs.size());
    for (std::size_t k = 0; k < permutation.size(); ++k)
        permutation[k] = k;
    std::shuffle(permutation.begin(), permutation.end(), random);
    std::vector<BranchSpec> specs;
    std::vector<std::vector<Revision>> revisions;
    for (auto k : permutation) {
        specs.push_back(generated.specs[k]);
        std::shuffle(lists[k].begin(), lists[k].end(), random);
        revisions.push_back(std::move(lists[k]));
    }
    return Graph::build(std::move(specs), std::move(revisions));
}

// An upgrade target and the revisions it names (before the closure), by the rules of SPEC.md.
struct UpgradeTarget {
    std::string target;
    Ids roots;
};

UpgradeTarget random_upgrade_target(Random& random, const RandomGraph& generated, const Oracle& oracle) {
    switch (random() % 3) {
    case 0: {
        Ids heads;
        for (const auto& spec : generated.specs)
            for (const auto& head : oracle.heads(spec.label))
                heads.push_back(head);
        return {"heads", heads};
    }
    case 1: {
        const auto& label = pick(random, generated.specs).label;
        return {label + "@heads", oracle.heads(label)};
    }
    default: {
        const auto& id = pick(random, generated.creation);
        return {id, {id}};
    }
    }
}

// A downgrade target and what it reverts from `state`, by the rules of SPEC.md.
struct DowngradeTarget {
    std::string target;
    IdSet reverted;
};

DowngradeTarget random_downgrade_target(Random& random, const RandomGraph& generated, const Oracle& oracle,
                                        const IdSet& state) {
    auto only_applied = [&](IdSet ids) {
        std::erase_if(ids, [&](const std::string& id) { return !state.count(id); });
        return ids;
    };
    switch (random() % 4) {
    case 0:
        return {"base", state};
    case 1: {
        // The whole branch and everything that depends on it.
        const auto& label = pick(random, generated.specs).label;
        return {label + "@base", only_applied(oracle.downstream(oracle.branch_revisions(label)))};
    }
    default:
        // What has T as an ancestor through down_revision, and what needs that; T stays, and
        // so does what merely depends on T.
        auto id = pick(random, Ids(state.begin(), state.end()));
        return {id, only_applied(oracle.downstream(oracle.strict_descendants(id)))};
    }
}

template <typename Check> void for_each_random_graph(unsigned first_seed, Check check) {
    GraphGenerator generator;
    for (unsigned seed = first_seed; seed < first_seed + k_graphs; ++seed) {
        auto generated = generator.generate(seed);
        auto graph = Graph::build(generated.specs, generated.revisions());
        Oracle oracle(generated, graph);
        INFO(generated.describe());
        Random random(seed);
        check(generated, graph, oracle, random);
    }
}

void check_plugin_order(const RandomGraph& generated, const Graph& graph) {
    std::map<std::string, int> rank;
    for (const auto& branch : graph.branches())
        rank[branch.label()] = branch.rank;
    for (const auto& spec : generated.specs)
        for (const auto& dep : spec.depends)
            REQUIRE_MESSAGE(rank[dep] < rank[spec.label], dep << " must come before " << spec.label);
}

void check_same_plans(const Graph& graph, const Graph& again, const RandomGraph& generated, const Oracle& oracle,
                      Random& random) {
    REQUIRE(text(labels_of(again)) == text(labels_of(graph)));
    REQUIRE(text(ids_of(again, again.order())) == text(ids_of(graph, graph.order())));
    REQUIRE(text(upgrade_plan(again, "heads", {})) == text(upgrade_plan(graph, "heads", {})));
    auto state = random_state(random, generated, oracle);
    const auto& target = pick(random, generated.creation);
    REQUIRE(text(upgrade_plan(again, target, state)) == text(upgrade_plan(graph, target, state)));
    REQUIRE(text(downgrade_plan(again, "base", state)) == text(downgrade_plan(graph, "base", state)));
}

void check_upgrade(const Graph& graph, const Oracle& oracle, const IdSet& state, const UpgradeTarget& target) {
    CAPTURE(target.target);
    auto steps = upgrade_plan(graph, target.target, state);
    auto expected = minus(oracle.closure(target.roots), state);
    REQUIRE(text(set_of(steps)) == text(expected));
    REQUIRE(upgrade_respects_edges(oracle, state, steps));
    REQUIRE(text(steps) == text(oracle.order(expected)));
}

void check_downgrade(const Graph& graph, const Oracle& oracle, const IdSet& state, const DowngradeTarget& target) {
    CAPTURE(target.target);
    auto steps = downgrade_plan(graph, target.target, state);
    REQUIRE(text(set_of(steps)) == text(target.reverted));
    REQUIRE(downgrade_respects_edges(oracle, state, steps));
    auto order = oracle.order(target.reverted);
    std::reverse(order.begin(), order.end());
    REQUIRE(text(steps) == text(order));
    REQUIRE(std::find(steps.begin(), steps.end(), target.target) == steps.end());
}

// From nothing: upgrade T, then `downgrade base` reverts exactly that plan, reversed.
void check_round_trip_from_nothing(const Graph& graph, const std::string& target) {
    CAPTURE(target);
    auto up = upgrade_plan(graph, target, {});
    auto down = downgrade_plan(graph, "base", set_of(up));
    std::reverse(down.begin(), down.end());
    REQUIRE(text(down) == text(up));
}

// From `base` applied: upgrade to `top`, built on it, then downgrade to `base`. What the upgrade
// added goes again, unless `base`'s line does not lead to it (a dependency in another branch),
// which a downgrade to `base` has no reason to revert. True when the state is restored.
bool check_round_trip_from(const Graph& graph, const Oracle& oracle, const std::string& base, const std::string& top) {
    CAPTURE(base);
    CAPTURE(top);
    auto before = oracle.closure({base});
    auto added = upgrade_plan(graph, top, before);
    auto now = before;
    now.insert(added.begin(), added.end());
    for (const auto& id : downgrade_plan(graph, base, now))
        now.erase(id);
    REQUIRE(oracle.consistent(now));
    REQUIRE(std::includes(now.begin(), now.end(), before.begin(), before.end()));
    auto line = oracle.downstream(oracle.strict_descendants(base));
    if (!std::all_of(added.begin(), added.end(), [&](auto& id) { return line.count(id) > 0; }))
        return false;
    REQUIRE(text(now) == text(before));
    return true;
}

} // namespace

TEST_CASE("planner properties: the graph order follows plugin order, then create_date, then id") {
    for_each_random_graph(1000, [](const RandomGraph& generated, const Graph& graph, const Oracle& oracle, Random&) {
        check_plugin_order(generated, graph);
        auto all = set_of(generated.creation);
        REQUIRE(text(ids_of(graph, graph.order())) == text(oracle.order(all)));
    });
}

TEST_CASE("planner properties: plans do not depend on the order the revisions are given in") {
    for_each_random_graph(2000,
                          [](const RandomGraph& generated, const Graph& graph, const Oracle& oracle, Random& random) {
                              for (int round = 0; round < 3; ++round)
                                  check_same_plans(graph, shuffled_build(generated, random), generated, oracle, random);
                          });
}

TEST_CASE("planner properties: upgrade plans are closure(T) minus the applied set, edges first") {
    for_each_random_graph(3000,
                          [](const RandomGraph& generated, const Graph& graph, const Oracle& oracle, Random& random) {
                              for (int round = 0; round < 6; ++round) {
                                  auto state = random_state(random, generated, oracle);
                                  check_upgrade(graph, oracle, state, random_upgrade_target(random, generated, oracle));
                              }
                          });
}

TEST_CASE("planner properties: downgrade plans revert what comes after T and what needs it") {
    for_each_random_graph(
        4000, [](const RandomGraph& generated, const Graph& graph, const Oracle& oracle, Random& random) {
            for (int round = 0; round < 6; ++round) {
                auto state = random_state(random, generated, oracle);
                if (!state.empty())
                    check_downgrade(graph, oracle, state, random_downgrade_target(random, generated, oracle, state));
            }
        });
}

TEST_CASE("planner properties: an upgrade to T and the downgrade back restore the applied set") {
    int restored = 0;
    for_each_random_graph(5000,
                          [&](const RandomGraph& generated, const Graph& graph, const Oracle& oracle, Random& random) {
                              for (int round = 0; round < 4; ++round) {
                                  check_round_trip_from_nothing(graph, pick(random, generated.creation));
                                  const auto& base = pick(random, generated.creation);
                                  auto above = oracle.strict_descendants(base);
                                  if (!above.empty() && check_round_trip_from(graph, oracle, base, pick(random, above)))
                                      ++restored;
                              }
                          });
    // The generator must make the restoring case common, or the property says little.
    CHECK(restored > k_graphs / 2);
}

} // namespace trellis::test
