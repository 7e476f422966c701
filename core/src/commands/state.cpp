#include "commands/state.hpp"

#include "util/error.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <unordered_map>

namespace trellis {

namespace {

constexpr std::string_view k_irreversible = "-- +irreversible";

Revision ghost_of(const LedgerRow& row) {
    Revision r;
    r.id = row.revision;
    r.down_revisions = row.down_revisions;
    r.depends_on = row.depends_on;
    r.message = "(file gone: reverted from the ledger's stored downgrade)";
    r.create_date = row.applied_at;
    r.stored_checksum = row.checksum;
    r.from_ledger = true;
    r.path = fmt::format("<ledger:{}>", row.revision);
    bool irreversible = std::string_view(row.downgrade_sql).starts_with(k_irreversible);
    r.sections.push_back({SectionKind::upgrade, "", 0, ""});
    r.sections.push_back({irreversible ? SectionKind::irreversible : SectionKind::downgrade, "", 1,
                          irreversible ? "" : row.downgrade_sql});
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
    for (const auto* row : ghosts) {
        auto it = by_label.find(row->branch);
        if (it == by_label.end()) {
            it = by_label.emplace(row->branch, specs.size()).first;
            specs.push_back({row->branch, {}, {}, "the ledger (plugin no longer loaded)"});
            revisions.emplace_back();
        }
        revisions[it->second].push_back(ghost_of(*row));
        branch_of[row->revision] = row->branch;
    }
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

DatabaseState read_state(Context& context, Database& db, const Ledger& ledger) {
    DatabaseState state;
    state.ledger_exists = db.table_exists(ledger.qualified());
    if (state.ledger_exists)
        state.rows = ledger.read(db);
    std::vector<const LedgerRow*> ghosts;
    for (const auto& row : state.rows)
        if (!context.graph().find(row.revision))
            ghosts.push_back(&row);
    if (!ghosts.empty())
        context.set_graph(with_ghosts(context.graph(), ghosts));
    const auto& graph = context.graph();
    state.applied.assign(graph.size(), false);
    for (const auto& row : state.rows) {
        int i = *graph.find(row.revision);
        state.applied[i] = true;
        if (graph.revision(i).from_ledger)
            state.gone.push_back(i);
        else if (graph.revision(i).checksum() != row.checksum)
            state.changed.push_back(i);
    }
    return state;
}

void check_checksums(const Graph& graph, const DatabaseState& state, bool ignore) {
    if (ignore || state.changed.empty())
        return;
    const auto& r = graph.revision(state.changed.front());
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

} // namespace trellis
