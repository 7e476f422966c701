#include "graph/graph.hpp"

#include "graph/branch_order.hpp"
#include "revision/revision_file.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <queue>
#include <thread>

namespace trellis {

namespace {

std::vector<std::filesystem::path> list_revision_files(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> paths;
    std::error_code error;
    if (!std::filesystem::is_directory(directory, error))
        return paths;
    for (const auto& entry : std::filesystem::directory_iterator(directory, error))
        if (entry.path().extension() == ".sql" && entry.is_regular_file(error))
            paths.push_back(entry.path());
    // Sorted, so that what the file system returns never shows in any output.
    std::sort(paths.begin(), paths.end());
    return paths;
}

// Parses files on every core: loading is the fixed cost of every command.
std::vector<Revision> parse_all(const std::vector<std::filesystem::path>& paths) {
    std::vector<Revision> revisions(paths.size());
    std::vector<std::string> errors(paths.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (auto i = next++; i < paths.size(); i = next++) {
            try {
                revisions[i] = revision_file::load(paths[i]);
            } catch (const Error& e) {
                errors[i] = e.what();
            }
        }
    };
    unsigned workers = paths.size() < 256 ? 1 : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < workers; ++t)
        threads.emplace_back(work);
    work();
    for (auto& t : threads)
        t.join();
    for (const auto& error : errors)
        if (!error.empty())
            throw input_error("{}", error);
    return revisions;
}

std::string where(const Revision& r, int line) { return fmt::format("{}:{}", files::display(r.path), line); }

} // namespace

Graph Graph::load(std::vector<BranchSpec> specs) {
    std::vector<std::filesystem::path> paths;
    std::vector<std::size_t> first_of_branch;
    for (const auto& spec : specs) {
        first_of_branch.push_back(paths.size());
        auto found = list_revision_files(spec.version_path);
        paths.insert(paths.end(), found.begin(), found.end());
    }
    first_of_branch.push_back(paths.size());
    auto parsed = parse_all(paths);
    std::vector<std::vector<Revision>> per_branch(specs.size());
    for (std::size_t b = 0; b < specs.size(); ++b)
        per_branch[b].assign(std::make_move_iterator(parsed.begin() + first_of_branch[b]),
                             std::make_move_iterator(parsed.begin() + first_of_branch[b + 1]));
    return build(std::move(specs), std::move(per_branch));
}

Graph Graph::build(std::vector<BranchSpec> specs, std::vector<std::vector<Revision>> revisions) {
    Graph graph;
    auto order = order_branches(specs);
    for (int rank = 0; rank < static_cast<int>(order.size()); ++rank) {
        Branch branch;
        branch.spec = std::move(specs[order[rank]]);
        branch.rank = rank;
        graph.m_branches.push_back(std::move(branch));
        for (auto& r : revisions[order[rank]]) {
            graph.m_revisions.push_back(std::move(r));
            graph.m_branch_of.push_back(rank);
        }
    }
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
            throw input_error("duplicate revision id `{}` in {} and {}", r.id, files::display(m_revisions[it->second].path),
                              files::display(r.path));
        for (const auto& label : r.branch_labels) {
            auto owner = m_branch_by_label.find(label);
            if (owner != m_branch_by_label.end() && owner->second != m_branch_of[i])
                throw input_error("{}: branch label `{}` is claimed by branch `{}` and by this file of branch `{}`",
                                  where(r, r.branch_labels_line), label, m_branches[owner->second].label(),
                                  m_branches[m_branch_of[i]].label());
            auto [claim, fresh] = label_claimed_by.emplace(label, i);
            if (!fresh && m_branch_of[claim->second] != m_branch_of[i])
                throw input_error("branch label `{}` is claimed by two branches: {} and {}", label,
                                  files::display(m_revisions[claim->second].path), files::display(r.path));
        }
    }
    for (const auto& [label, i] : label_claimed_by)
        m_branch_by_label.emplace(label, m_branch_of[i]);
    m_sorted_ids.reserve(m_revisions.size());
    for (int i = 0; i < static_cast<int>(m_revisions.size()); ++i)
        m_sorted_ids.emplace_back(m_revisions[i].id, i);
    std::sort(m_sorted_ids.begin(), m_sorted_ids.end());
}

void Graph::link() {
    auto n = m_revisions.size();
    m_parents.assign(n, {});
    m_depends.assign(n, {});
    m_children.assign(n, {});
    m_dependants.assign(n, {});
    for (int i = 0; i < static_cast<int>(n); ++i) {
        const auto& r = m_revisions[i];
        for (const auto& id : r.down_revisions) {
            auto parent = find(id);
            if (!parent && r.from_ledger)
                continue;
            if (!parent)
                throw input_error("{}: unknown down_revision `{}`{}", where(r, r.down_revision_line), id, suggest(id));
            m_parents[i].push_back(*parent);
            m_children[*parent].push_back(i);
        }
        for (const auto& id : r.depends_on) {
            if (r.from_ledger && !find(id))
                continue;
            int target;
            try {
                target = resolve_id(id);
            } catch (const Error& e) {
                throw input_error("{}: depends_on: {}", where(r, r.depends_on_line), e.what());
            }
            m_depends[i].push_back(target);
            m_dependants[target].push_back(i);
        }
    }
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
            const auto& ps = m_parents[at];
            const auto& ds = m_depends[at];
            if (next == ps.size() + ds.size()) {
                colour[at] = black;
                stack.pop_back();
                continue;
            }
            int to = next < ps.size() ? ps[next] : ds[next - ps.size()];
            ++next;
            if (colour[to] == grey) {
                std::vector<std::string> cycle{fmt::format("{} ({})", m_revisions[to].id, files::display(m_revisions[to].path))};
                for (auto it = stack.rbegin(); it != stack.rend() && it->first != to; ++it)
                    cycle.push_back(fmt::format("{} ({})", m_revisions[it->first].id, files::display(m_revisions[it->first].path)));
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
    // Sort keys once: plugin order, then create_date, then id.
    std::vector<int> by_key(m_revisions.size());
    for (int i = 0; i < static_cast<int>(by_key.size()); ++i)
        by_key[i] = i;
    std::sort(by_key.begin(), by_key.end(), [&](int a, int b) {
        const auto& ra = m_revisions[a];
        const auto& rb = m_revisions[b];
        if (m_branch_of[a] != m_branch_of[b])
            return m_branch_of[a] < m_branch_of[b];
        if (ra.create_date != rb.create_date)
            return ra.create_date < rb.create_date;
        return ra.id < rb.id;
    });
    m_priority.assign(m_revisions.size(), 0);
    for (int k = 0; k < static_cast<int>(by_key.size()); ++k)
        m_priority[by_key[k]] = k;

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
    auto it = m_by_id.find(std::string(id));
    if (it == m_by_id.end())
        return std::nullopt;
    return it->second;
}

std::vector<int> Graph::match_prefix(std::string_view prefix) const {
    std::vector<int> found;
    auto it = std::lower_bound(m_sorted_ids.begin(), m_sorted_ids.end(), prefix,
                               [](const auto& entry, std::string_view p) { return entry.first < p; });
    for (; it != m_sorted_ids.end() && std::string_view(it->first).starts_with(prefix); ++it)
        found.push_back(it->second);
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

std::vector<int> Graph::heads() const {
    std::vector<int> all;
    for (const auto& branch : m_branches)
        all.insert(all.end(), branch.heads.begin(), branch.heads.end());
    return all;
}

std::string Graph::suggest(std::string_view id) const {
    std::string best;
    std::size_t best_distance = std::string::npos;
    for (const auto& [known, index] : m_sorted_ids) {
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
    // Kahn's algorithm over the subset, with a heap keyed by the precomputed priority.
    std::unordered_map<int, int> waiting; // revision -> parents in the subset not yet placed
    waiting.reserve(subset.size() * 2);
    for (int i : subset)
        waiting.emplace(i, 0);
    for (int i : subset) {
        for (int p : m_parents[i])
            waiting[i] += waiting.count(p) ? 1 : 0;
        for (int d : m_depends[i])
            waiting[i] += waiting.count(d) ? 1 : 0;
    }
    auto later = [&](int a, int b) { return m_priority[a] > m_priority[b]; };
    std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
    for (const auto& [i, count] : waiting)
        if (count == 0)
            ready.push(i);
    std::vector<int> order;
    order.reserve(subset.size());
    auto release = [&](int to) {
        auto it = waiting.find(to);
        if (it != waiting.end() && --it->second == 0)
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
