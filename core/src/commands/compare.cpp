#include "commands/compare.hpp"

#include "commands/authoring.hpp"
#include "commands/ownership.hpp"
#include "commands/state.hpp"
#include "db/database.hpp"
#include "graph/planner.hpp"
#include "plugin/loader.hpp"
#include "revision/revision_file.hpp"
#include "revision/sql_split.hpp"
#include "schema/apply.hpp"
#include "schema/identifier.hpp"
#include "schema/reflect.hpp"
#include "schema/render.hpp"
#include "schema/sqlite_rebuild.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace trellis {

namespace {

std::string pending_list(const Graph& graph, const std::vector<int>& pending) {
    std::vector<std::string> ids;
    for (std::size_t k = 0; k < pending.size() && k < 5; ++k)
        ids.push_back(graph.revision(pending[k]).id);
    return text::join(ids, ", ") + (pending.size() > 5 ? ", ..." : "");
}

// On SQLite a rebuild of a table copies what other branches added to it (their columns,
// constraints, indexes), so the revision must run after those branches' revisions on a fresh
// database too: it depends on their heads. (A gone plugin's are not in the graph: nothing to
// depend on.)
std::vector<std::string> rebuilt_over(const Graph& graph, const Comparison& comparison, const Schema& schema,
                                      const std::vector<Operation>& mine, const std::string& owner) {
    std::vector<std::string> branches; // the other branches whose share a rebuild copies
    auto rebuilt = [&](const std::string& table) {
        std::vector<Operation> on_table;
        for (const auto& op : mine)
            if (op.table == table)
                on_table.push_back(op);
        const auto* before = schema.find(table);
        return !on_table.empty() && before && sqlite_rebuilds(on_table, *before);
    };
    for (const auto& table : schema.tables)
        if (rebuilt(table.name))
            for (const auto& c : table.columns)
                if (auto o = comparison.models.owner(table.name, c.name); !o.empty() && o != owner)
                    branches.push_back(o);
    for (const auto& kept : comparison.kept)
        if (kept.kind != OwnerKind::gone && !kept.table.empty() && rebuilt(kept.table))
            branches.push_back(kept.owner);
    std::vector<std::string> out;
    for (const auto& branch : graph.branches())
        if (std::find(branches.begin(), branches.end(), branch.label()) != branches.end())
            for (int h : branch.heads)
                out.push_back(graph.revision(h).id);
    return out;
}

} // namespace

Schema model_schema(Context& context) {
    std::vector<OwnedModels> models;
    for (const auto& plugin : context.plugins())
        models.push_back({plugin.descriptor.name, &plugin.descriptor.models});
    return schema_from_models(models);
}

Comparison compare(Context& context) {
    Comparison c;
    c.models = model_schema(context);
    auto& db = context.database(OpenMode::read_only);
    auto ledger = context.ledger(db);
    auto state = read_state(context, db, ledger);
    c.graph = state.graph;
    const auto& graph = *state.graph;
    c.pending = plan_upgrade(graph, {"heads"}, state.applied).steps;
    c.database = reflect(db, ledger.table(), context.config().exclude_tables);
    c.operations = diff(c.models, c.database, UnownedTables::drop);
    Ownership(graph, context.plugins(), state.applied_in_order(), state.gone)
        .leave_alone(c.operations, c.kept, c.unowned_tables);
    return c;
}

AutogenerateResult autogenerate(Context& context, const AutogenerateRequest& request) {
    auto comparison = compare(context);
    const auto& graph = *comparison.graph;
    if (!comparison.pending.empty())
        throw input_error("the database is not at heads: {} revision(s) pending ({}); run `trellis upgrade` first, "
                          "then autogenerate",
                          comparison.pending.size(), pending_list(graph, comparison.pending));
    std::vector<std::string> owners; // in plugin order
    for (const auto& branch : graph.branches())
        if (std::any_of(comparison.operations.begin(), comparison.operations.end(),
                        [&](auto& op) { return op.owner == branch.label(); }))
            owners.push_back(branch.label());
    std::vector<std::string> chosen = owners;
    if (!request.all_plugins)
        chosen = {chosen_plugin(context, request.plugin)};

    AutogenerateResult result;
    for (const auto& line : gone_notes(comparison.kept))
        context.notice(line);
    for (const auto& owner : owners)
        if (std::find(chosen.begin(), chosen.end(), owner) == chosen.end())
            result.others.emplace_back(owner, std::count_if(comparison.operations.begin(), comparison.operations.end(),
                                                            [&](auto& op) { return op.owner == owner; }));
    // Each revision starts from the schema the ones before it in this run leave: a table two
    // plugins change is rebuilt by the second from what the first made of it.
    auto schema = comparison.database;
    auto files = context.shared_graph(); // read again after each revision written
    for (const auto& owner : chosen) {
        std::vector<Operation> mine;
        for (const auto& op : comparison.operations)
            if (op.owner == owner)
                mine.push_back(op);
        if (mine.empty())
            continue;
        auto sqlite = render(mine, schema, Dialect::sqlite);
        auto postgresql = render(mine, schema, Dialect::postgresql);
        auto depends_on = rebuilt_over(*files, comparison, schema, mine, owner);
        schema = trellis::apply(schema, mine);
        RevisionRequest revision;
        revision.message = request.message;
        revision.plugin = owner;
        revision.rev_id = chosen.size() == 1 ? request.rev_id : std::nullopt;
        revision.version_path = chosen.size() == 1 ? request.version_path : std::nullopt;
        revision.depends_on = depends_on;
        revision.body =
            revision_file::new_body(sqlite.upgrade, sqlite.downgrade, postgresql.upgrade, postgresql.downgrade);
        result.written.push_back({create_revision(context, *files, revision), owner, std::move(mine)});
        // The next plugin's revision depends on this one when its plugin depends on this plugin.
        files = std::make_shared<const Graph>(Graph::load(context.branch_specs()));
    }
    return result;
}

} // namespace trellis
