#include "graph/graph.hpp"

#include "graph/branch_order.hpp"
#include "graph/loader.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <queue>

namespace trellis {

namespace {

std::uint64_t date_number(std::string_view date) {
    std::uint64_t value = 0;
    int digits = 0;
    for (char c : date) {
        if (c >= '0' && c <= '9' && digits < 19) {
            value = value * 10 + static_cast<std::uint64_t>(c - '0');
            ++digits;
        }
    }
    for (; digits < 19; ++digits)
        value *= 10;
    return value;
}

std::string where(const Revision& r, int line) {
    return fmt::format("{}:{}", files::display(r.path), line);
}

// `error`, about revision `r` at `line` of its file, with those facts as fields.
Error about(Error error, const Revision& r, int line) {
    error.at(files::display(r.path), line).revision(r.id);
    return error;
}

} // namespace

Graph Graph::load(std::vector<BranchSpec> specs, RevisionContent content) {
    std::vector<BranchSpec> ranked;
    for (int b : order_branches(specs))
        ranked.push_back(std::move(specs[b]));
    auto files = load_revision_files(ranked, content);
    auto graph = assemble(std::move(ranked), std::move(files.revisions), std::move(files.branch_of));
    graph.m_content = content;
    return graph;
}

Graph Graph::build(std::vector<BranchSpec> specs, std::vector<std::vector<Revision>> revisions) {
    std::vector<BranchSpec> ranked;
    std::vector<Revision> flat;
    std::vector<int> branch_of;
    for (int b : order_branches(specs)) {
        for (auto& r : revisions[b]) {
            flat.push_back(std::move(r));
            branch_of.push_back(static_cast<int>(ranked.size()));
        }
        ranked.push_back(std::move(specs[b]));
    }
    return assemble(std::move(ranked), std::move(flat), std::move(branch_of));
}

Graph Graph::assemble(std::vector<BranchSpec> specs, std::vector<Revision> revisions, std::vector<int> branch_of) {
    Graph graph;
    for (int rank = 0; rank < static_cast<int>(specs.size()); ++rank) {
        Branch branch;
        branch.spec = std::move(specs[rank]);
        branch.rank = rank;
        graph.m_branches.push_back(std::move(branch));
    }
    graph.m_revisions = std::move(revisions);
    graph.m_branch_of = std::move(branch_of);
    graph.index_branches();
    graph.index_revisions();
    graph.link();
    graph.check_acyclic();
    graph.finish();
    return graph;
}

void Graph::index_branches() {
    for (int b = 0; b < static_cast<int>(m_branches.size()); ++b) {
        m_branch_by_label.emplace(m_branches[b].label(), b);
        for (const auto& dep : m_branches[b].spec.depends)
            m_branches[b].depends.push_back(m_branch_by_label.at(dep));
    }
}

void Graph::index_revisions() {
    std::unordered_map<std::string, int> label_claimed_by; // extra labels -> revision
    m_by_id.reserve(m_revisions.size() * 2);
    for (int i = 0; i < static_cast<int>(m_revisions.size()); ++i) {
        const auto& r = m_revisions[i];
        auto [it, inserted] = m_by_id.emplace(r.id, i);
        if (!inserted)
            throw about(input_error("duplicate revision id `{}` in {} and {}", r.id,
                                    where(m_revisions[it->second], m_revisions[it->second].revision_line),
                                    where(r, r.revision_line)),
                        r, r.revision_line);
        for (const auto& label : r.branch_labels) {
            auto owner = m_branch_by_label.find(label);
            if (owner != m_branch_by_label.end() && owner->second != m_branch_of[i])
                throw about(
                    input_error("{}: branch label `{}` is claimed by branch `{}` and by this file of branch `{}`",
                                where(r, r.branch_labels_line), label, m_branches[owner->second].label(),
                                m_branches[m_branch_of[i]].label()),
                    r, r.branch_labels_line);
            auto [claim, fresh] = label_claimed_by.emplace(label, i);
            if (!fresh && m_branch_of[claim->second] != m_branch_of[i])
                throw input_error("branch label `{}` is claimed by two branches: {} and {}", label,
                                  where(m_revisions[claim->second], m_revisions[claim->second].branch_labels_line),
                                  where(r, r.branch_labels_line));
        }
    }
    for (const auto& [label, i] : label_claimed_by)
        m_branch_by_label.emplace(label, m_branch_of[i]);
}

Graph::Edges::Edges(std::size_t revisions, const std::vector<std::pair<int, int>>& pairs)
    : m_start(revisions + 1, 0)
    , m_targets(pairs.size()) {
    // A counting sort by `from`, stable: each revision's edges keep the order they came in.
    for (auto [from, to] : pairs)
        ++m_start[from + 1];
    for (std::size_t i = 0; i < revisions; ++i)
        m_start[i + 1] += m_start[i];
    auto next = m_start;
    for (auto [from, to] : pairs)
        m_targets[next[from]++] = to;
}

void Graph::link() {
    auto n = m_revisions.size();
    std::vector<std::pair<int, int>> down, depends; // (revision, the one it names)
    down.reserve(n);
    for (int i = 0; i < static_cast<int>(n); ++i) {
        const auto& r = m_revisions[i];
        for (const auto& id : r.down_revisions) {
            auto parent = find(id);
            if (!parent)
                throw about(
                    input_error("{}: unknown down_revision `{}`{}", where(r, r.down_revision_line), id, suggest(id)), r,
                    r.down_revision_line);
            down.emplace_back(i, *parent);
        }
        for (const auto& id : r.depends_on) {
            int target;
            try {
                target = resolve_id(id);
            } catch (const Error& e) {
                throw about(input_error("{}: depends_on: {}", where(r, r.depends_on_line), e.what()), r,
                            r.depends_on_line);
            }
            depends.emplace_back(i, target);
        }
    }
    m_parents = Edges(n, down);
    m_depends = Edges(n, depends);
    // Reversed, the pairs are in order of the revision naming: each list ascends.
    auto reversed = [](std::vector<std::pair<int, int>> pairs) {
        for (auto& [from, to] : pairs)
            std::swap(from, to);
        return pairs;
    };
    m_children = Edges(n, reversed(std::move(down)));
    m_dependants = Edges(n, reversed(std::move(depends)));
}

void Graph::check_acyclic() const {
    // Iterative three-colour depth-first search over both edge kinds.
    enum : char { white, grey, black };
    std::vector<char> colour(m_revisions.size(), white);
    std::vector<int> parent_in_walk(m_revisions.size(), -1);
    for (int root = 0; root < static_cast<int>(m_revisions.size()); ++root) {
        if (colour[root] != white)
            continue;
        std::vector<std::pair<int, std::size_t>> stack{{root, 0}};
        colour[root] = grey;
        while (!stack.empty()) {
            auto& [at, next] = stack.back();
            auto ps = m_parents[at];
            auto ds = m_depends[at];
            if (next == ps.size() + ds.size()) {
                colour[at] = black;
                stack.pop_back();
                continue;
            }
            int to = next < ps.size() ? ps[next] : ds[next - ps.size()];
            ++next;
            if (colour[to] == grey) {
                // The walk went from each revision on the stack to the next through one of its
                // edges: name each file at the line of that edge.
                auto edge_line = [&](int from, int next_index) {
                    const auto& r = m_revisions[from];
                    bool by_parent =
                        std::find(m_parents[from].begin(), m_parents[from].end(), next_index) != m_parents[from].end();
                    return fmt::format("{} ({})", r.id, where(r, by_parent ? r.down_revision_line : r.depends_on_line));
                };
                std::vector<std::string> cycle;
                auto first =
                    std::find_if(stack.begin(), stack.end(), [&](const auto& entry) { return entry.first == to; });
                for (auto it = first; it != stack.end(); ++it) {
                    auto next_it = std::next(it);
                    cycle.push_back(edge_line(it->first, next_it == stack.end() ? to : next_it->first));
                }
                cycle.push_back(m_revisions[to].id);
                throw input_error("revision cycle: {} (each needs the next applied first)", fmt::join(cycle, " -> "));
            }
            if (colour[to] == white) {
                colour[to] = grey;
                stack.emplace_back(to, 0);
            }
        }
    }
}

void Graph::finish() {
    // Sort keys once: plugin order, then create_date, then id. Dates compare as numbers, so the
    // ISO form trellis writes and the `2020-07-21 15:51:55.334506` form Alembic writes mix.
    struct Key {
        int branch;
        std::uint64_t date;
        int revision;
    };
    std::vector<Key> keys(m_revisions.size());
    for (int i = 0; i < static_cast<int>(keys.size()); ++i)
        keys[i] = {m_branch_of[i], date_number(m_revisions[i].create_date), i};
    std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
        if (a.branch != b.branch)
            return a.branch < b.branch;
        if (a.date != b.date)
            return a.date < b.date;
        return m_revisions[a.revision].id < m_revisions[b.revision].id;
    });
    m_priority.assign(m_revisions.size(), 0);
    for (int k = 0; k < static_cast<int>(keys.size()); ++k)
        m_priority[keys[k].revision] = k;

    std::vector<int> all(m_revisions.size());
    for (int i = 0; i < static_cast<int>(all.size()); ++i)
        all[i] = i;
    m_order = sort(all);
    for (int i : m_order) {
        auto& branch = m_branches[m_branch_of[i]];
        branch.revisions.push_back(i);
    }
    for (auto& branch : m_branches) {
        for (int i : branch.revisions) {
            auto same_branch = [&](int other) { return m_branch_of[other] == m_branch_of[i]; };
            if (std::none_of(m_children[i].begin(), m_children[i].end(), same_branch))
                branch.heads.push_back(i);
            if (std::none_of(m_parents[i].begin(), m_parents[i].end(), same_branch))
                branch.bases.push_back(i);
        }
    }
}

std::optional<int> Graph::find(std::string_view id) const {
    auto it = m_by_id.find(id);
    if (it == m_by_id.end())
        return std::nullopt;
    return it->second;
}

const std::vector<int>& Graph::sorted_ids() const {
    std::call_once(m_prefix_index->built, [&] {
        auto& sorted = m_prefix_index->sorted;
        sorted.resize(m_revisions.size());
        for (int i = 0; i < static_cast<int>(sorted.size()); ++i)
            sorted[i] = i;
        std::sort(sorted.begin(), sorted.end(), [&](int a, int b) { return m_revisions[a].id < m_revisions[b].id; });
    });
    return m_prefix_index->sorted;
}

std::vector<int> Graph::match_prefix(std::string_view prefix) const {
    std::vector<int> found;
    const auto& sorted = sorted_ids();
    auto it = std::lower_bound(sorted.begin(), sorted.end(), prefix,
                               [&](int entry, std::string_view p) { return m_revisions[entry].id < p; });
    for (; it != sorted.end() && std::string_view(m_revisions[*it].id).starts_with(prefix); ++it)
        found.push_back(*it);
    return found;
}

int Graph::resolve_id(std::string_view id) const {
    if (auto exact = find(id))
        return *exact;
    if (id.size() < 4)
        throw input_error("unknown revision `{}`{} (a prefix needs at least 4 characters)", id, suggest(id));
    auto found = match_prefix(id);
    if (found.empty())
        throw input_error("unknown revision `{}`{}", id, suggest(id));
    if (found.size() > 1) {
        std::vector<std::string> ids;
        for (int i : found)
            ids.push_back(m_revisions[i].id);
        throw input_error("ambiguous revision prefix `{}`: {}", id, fmt::join(ids, ", "));
    }
    return found.front();
}

std::optional<int> Graph::find_branch(std::string_view label) const {
    auto it = m_branch_by_label.find(std::string(label));
    if (it == m_branch_by_label.end())
        return std::nullopt;
    return it->second;
}

int Graph::branch_named(std::string_view label) const {
    auto b = find_branch(label);
    if (!b)
        throw input_error("unknown branch `{}` (known branches: {})", label, known_branches());
    return *b;
}

std::string Graph::known_branches() const {
    std::string out;
    for (const auto& b : m_branches)
        out += (out.empty() ? "" : ", ") + b.label();
    return out.empty() ? "none" : out;
}

std::vector<int> Graph::heads() const {
    std::vector<int> all;
    for (const auto& branch : m_branches)
        all.insert(all.end(), branch.heads.begin(), branch.heads.end());
    return all;
}

std::string Graph::suggest(std::string_view id) const {
    std::string best;
    std::size_t best_distance = std::string::npos;
    for (int index : sorted_ids()) {
        const auto& known = m_revisions[index].id;
        auto distance = text::edit_distance(id, std::string_view(known).substr(0, std::max(id.size(), std::size_t{4})));
        if (distance < best_distance) {
            best_distance = distance;
            best = known;
        }
    }
    if (best.empty() || best_distance > std::max<std::size_t>(2, id.size() / 3))
        return "";
    return fmt::format(" (did you mean `{}`?)", best);
}

std::vector<int> Graph::sort(const std::vector<int>& subset) const {
    return sort(subset, m_priority);
}

std::vector<int> Graph::sort(const std::vector<int>& subset, const std::vector<int>& rank) const {
    // Kahn's algorithm over the subset, with a heap keyed by the precomputed priority.
    // waiting[i]: -1 outside the subset, else its parents in the subset not yet placed.
    std::vector<int> waiting(m_revisions.size(), -1);
    for (int i : subset)
        waiting[i] = 0;
    for (int i : subset) {
        for (int p : m_parents[i])
            waiting[i] += waiting[p] >= 0 ? 1 : 0;
        for (int d : m_depends[i])
            waiting[i] += waiting[d] >= 0 ? 1 : 0;
    }
    auto later = [&](int a, int b) { return rank[a] > rank[b]; };
    std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
    for (int i : subset)
        if (waiting[i] == 0)
            ready.push(i);
    std::vector<int> order;
    order.reserve(subset.size());
    auto release = [&](int to) {
        if (waiting[to] > 0 && --waiting[to] == 0)
            ready.push(to);
    };
    while (!ready.empty()) {
        int at = ready.top();
        ready.pop();
        order.push_back(at);
        for (int c : m_children[at])
            release(c);
        for (int d : m_dependants[at])
            release(d);
    }
    return order;
}

} // namespace trellis
