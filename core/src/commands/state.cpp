#include "commands/state.hpp"

#include "db/database.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <unordered_map>

namespace trellis {

namespace {

constexpr std::string_view k_irreversible = "-- +irreversible";

Section stored_section(const std::string& downgrade_sql) {
    bool irreversible = std::string_view(downgrade_sql).starts_with(k_irreversible);
    return {irreversible ? SectionKind::irreversible : SectionKind::downgrade, "", 1,
            irreversible ? "" : downgrade_sql};
}

// Line endings and trailing blanks do not make two downgrades differ (the checksum's rule).
std::string normalised(const std::string& sql) {
    std::string out;
    for (std::size_t start = 0; start <= sql.size();) {
        auto end = std::min(sql.find('\n', start), sql.size());
        out += std::string(text::trim_right(std::string_view(sql).substr(start, end - start))) + "\n";
        start = end + 1;
    }
    while (out.starts_with("\n"))
        out.erase(0, 1);
    while (out.ends_with("\n\n"))
        out.pop_back();
    return out;
}

Revision ghost_of(const LedgerRow& row) {
    Revision r;
    r.id = row.revision;
    r.down_revisions = row.down_revisions;
    r.depends_on = row.depends_on;
    r.message = "(file gone; the ledger keeps its downgrade)";
    r.create_date = row.applied_at;
    r.path = fmt::format("<ledger:{}>", row.revision);
    r.sections.push_back({SectionKind::upgrade, "", 0, ""});
    r.sections.push_back(stored_section(row.downgrade_sql));
    return r;
}

Graph with_ghosts(const Graph& graph, const std::vector<const LedgerRow*>& ghosts) {
    std::vector<BranchSpec> specs;
    std::vector<std::vector<Revision>> revisions;
    std::unordered_map<std::string, std::size_t> by_label;
    std::unordered_map<std::string, std::string> branch_of; // revision id -> label
    for (const auto& branch : graph.branches()) {
        by_label[branch.label()] = specs.size();
        specs.push_back(branch.spec);
        revisions.emplace_back();
        for (int i : branch.revisions) {
            revisions.back().push_back(graph.revision(i));
            branch_of[graph.revision(i).id] = branch.label();
        }
    }
    std::size_t first_ghost_branch = specs.size();
    std::vector<std::pair<std::size_t, std::size_t>> ghost_at; // (branch, position) of each
    for (const auto* row : ghosts) {
        auto it = by_label.find(row->branch);
        if (it == by_label.end()) {
            it = by_label.emplace(row->branch, specs.size()).first;
            specs.push_back({row->branch, {}, {}, "the ledger (plugin no longer loaded)"});
            revisions.emplace_back();
        }
        ghost_at.emplace_back(it->second, revisions[it->second].size());
        revisions[it->second].push_back(ghost_of(*row));
        branch_of[row->revision] = row->branch;
    }
    // A stored edge to a revision nobody knows any more (its ledger row gone too) is dropped
    // rather than refused: the graph checks files, and these are not files.
    for (auto [b, k] : ghost_at)
        for (auto* ids : {&revisions[b][k].down_revisions, &revisions[b][k].depends_on})
            std::erase_if(*ids, [&](const std::string& id) { return !branch_of.contains(id); });
    // A branch known only from the ledger depends on the branches its stored edges point into,
    // so it keeps its place in the plugin order (a plugin and the plugins built on it, uninstalled
    // together, revert dependants first).
    for (auto b = first_ghost_branch; b < specs.size(); ++b)
        for (const auto& r : revisions[b])
            for (const auto* ids : {&r.down_revisions, &r.depends_on})
                for (const auto& id : *ids) {
                    auto owner = branch_of.find(id);
                    auto& depends = specs[b].depends;
                    if (owner != branch_of.end() && owner->second != specs[b].label &&
                        std::find(depends.begin(), depends.end(), owner->second) == depends.end())
                        depends.push_back(owner->second);
                }
    return Graph::build(std::move(specs), std::move(revisions));
}

} // namespace

const LedgerRow* DatabaseState::row(const std::string& revision) const {
    for (const auto& r : rows)
        if (r.revision == revision)
            return &r;
    return nullptr;
}

bool DatabaseState::file_gone(int i) const {
    return std::binary_search(gone.begin(), gone.end(), i);
}

std::string DatabaseState::checksum(int i) const {
    return file_gone(i) ? row(graph->revision(i).id)->checksum : graph->revision(i).checksum();
}

std::vector<std::string> DatabaseState::applied_in_order() const {
    std::vector<std::string> ids;
    for (const auto& r : rows)
        ids.push_back(r.revision);
    return ids;
}

AppliedSet DatabaseState::applied_over(const Graph& other) const {
    AppliedSet out(other.size(), false);
    for (const auto& r : rows)
        if (auto i = other.find(r.revision))
            out[*i] = true;
    return out;
}

DatabaseState read_state(Context& context, Database& db, const Ledger& ledger) {
    DatabaseState state;
    state.database = db.url().display();
    state.ledger_exists = ledger.read(db, state.rows);
    state.graph = context.shared_graph();
    std::vector<const LedgerRow*> ghosts;
    for (const auto& row : state.rows)
        if (!state.graph->find(row.revision))
            ghosts.push_back(&row);
    if (!ghosts.empty())
        state.graph = std::make_shared<const Graph>(with_ghosts(*state.graph, ghosts));
    const auto& graph = *state.graph;
    state.applied.assign(graph.size(), false);
    for (const auto* row : ghosts)
        state.gone.push_back(*graph.find(row->revision));
    std::sort(state.gone.begin(), state.gone.end());
    for (const auto& row : state.rows) {
        int i = *graph.find(row.revision);
        state.applied[i] = true;
        if (!state.file_gone(i) && graph.revision(i).checksum() != row.checksum)
            state.changed.push_back(i);
    }
    return state;
}

void check_checksums(const DatabaseState& state, bool ignore) {
    if (ignore || state.changed.empty())
        return;
    const auto& r = state.graph->revision(state.changed.front());
    throw input_error("{}: revision {} changed since it was applied (checksum differs from the ledger{}); review the "
                      "change, then run `trellis repair`, or pass --ignore-checksums",
                      files::display(r.path), r.id,
                      state.changed.size() > 1 ? fmt::format(", and {} other file(s)", state.changed.size() - 1) : "");
}

std::string stored_downgrade(const Revision& revision, Dialect dialect) {
    const auto* section = revision.section_for(SectionKind::downgrade, dialect_name(dialect));
    if (!section)
        return "";
    if (section->kind == SectionKind::irreversible)
        return std::string(k_irreversible);
    return section->text;
}

DatabaseState read_database_state(Context& context) {
    context.graph(); // bad files and plugins stop the command before it connects
    auto& db = context.database(OpenMode::read_only);
    auto ledger = context.ledger(db);
    return read_state(context, db, ledger);
}

std::vector<BranchStatus> branch_statuses(const DatabaseState& state) {
    const auto& graph = *state.graph;
    std::vector<bool> changed(graph.size(), false);
    for (int i : state.changed)
        changed[i] = true;
    std::vector<BranchStatus> out;
    for (int b = 0; b < static_cast<int>(graph.branches().size()); ++b) {
        BranchStatus status{b, 0, {}, {}, {}};
        for (int i : graph.branch(b).revisions) {
            if (!state.applied[i])
                status.pending.push_back(i);
            else
                ++status.applied;
            if (state.file_gone(i))
                status.gone.push_back(i);
            if (changed[i])
                status.changed.push_back(i);
        }
        out.push_back(std::move(status));
    }
    return out;
}

std::vector<std::size_t> applied_per_branch(const Graph& graph, const AppliedSet& applied) {
    std::vector<std::size_t> counts(graph.branches().size(), 0);
    for (std::size_t b = 0; b < counts.size(); ++b)
        for (int i : graph.branch(static_cast<int>(b)).revisions)
            counts[b] += applied[i] ? 1 : 0;
    return counts;
}

std::optional<DatabaseState> state_if_reachable(Context& context, std::string& why) {
    if (!context.has_url()) {
        why = "no database configured";
        return std::nullopt;
    }
    try {
        return read_database_state(context);
    } catch (const Error& e) {
        if (e.code() != ExitCode::database)
            throw;
        why = e.what();
        return std::nullopt;
    }
}

} // namespace trellis

namespace trellis {

std::vector<int> edited_downgrades(const DatabaseState& state, const std::vector<int>& revisions, Dialect dialect) {
    std::vector<int> out;
    for (int i : revisions) {
        const auto& r = state.graph->revision(i);
        const auto* row = state.row(r.id);
        if (!state.file_gone(i) && row && normalised(row->downgrade_sql) != normalised(stored_downgrade(r, dialect)))
            out.push_back(i);
    }
    return out;
}

std::map<int, Section> ledger_downgrades(Context& context, const DatabaseState& state, const std::vector<int>& plan,
                                         Dialect dialect, bool from_files) {
    std::map<int, Section> out;
    const auto& graph = *state.graph;
    for (int i : edited_downgrades(state, plan, dialect)) {
        const auto& r = graph.revision(i);
        if (from_files) {
            context.notice(fmt::format("note: {}: runs the downgrade of {} as the file has it now (--file-downgrade), "
                                       "not the one stored when it was applied",
                                       r.id, files::display(r.path)));
            continue;
        }
        context.notice(fmt::format("note: {}: runs the downgrade stored in the ledger when it was applied, which "
                                   "matches the database; {} has another one now (--file-downgrade runs that)",
                                   r.id, files::display(r.path)));
        out.emplace(i, stored_section(state.row(r.id)->downgrade_sql));
    }
    return out;
}

} // namespace trellis
