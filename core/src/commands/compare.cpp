#include "commands/compare.hpp"

#include "commands/authoring.hpp"
#include "commands/state.hpp"
#include "db/database.hpp"
#include "graph/planner.hpp"
#include "plugin/loader.hpp"
#include "revision/revision_file.hpp"
#include "revision/sql_split.hpp"
#include "schema/reflect.hpp"
#include "schema/render.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace trellis {

namespace {} // namespace

std::string table_origin(const Graph& graph, const std::string& table, const std::string& column) {
    auto words = [](const std::string& sql) {
        std::vector<std::string> out;
        for (const auto& w : text::split_list(text::to_lower(sql), ' '))
            for (const auto& piece : text::split_list(w, '('))
                out.push_back(std::string(text::trim(piece)));
        return out;
    };
    for (int i : graph.order()) {
        const auto& r = graph.revision(i);
        for (const auto& section : r.sections) {
            if (section.kind != SectionKind::upgrade)
                continue;
            for (const auto& s : split_statements(section)) {
                auto sql = s.sql;
                std::replace(sql.begin(), sql.end(), '\n', ' ');
                auto w = words(sql);
                auto has = [&](std::size_t at, std::initializer_list<const char*> expected) {
                    for (const char* e : expected)
                        if (at >= w.size() || w[at++] != e)
                            return false;
                    return true;
                };
                if (column.empty() && w.size() > 2 && has(0, {"create", "table"}) &&
                    (w[2] == table || (has(2, {"if", "not", "exists"}) && w.size() > 5 && w[5] == table)))
                    return graph.branch(graph.branch_of(i)).label();
                if (!column.empty() && has(0, {"alter", "table"}) && w.size() > 2 && w[2] == table &&
                    std::find(w.begin(), w.end(), column) != w.end() && std::find(w.begin(), w.end(), "add") != w.end())
                    return graph.branch(graph.branch_of(i)).label();
            }
        }
    }
    return "";
}

namespace {

// An index or a key on a column that goes away belongs to the plugin that added the column, which
// the models no longer say: its revision drops them together.
void follow_dropped_columns(std::vector<Operation>& operations) {
    std::map<std::string, std::string> dropped; // "table.column" -> owner
    for (const auto& op : operations)
        if (op.kind == OpKind::drop_column)
            dropped[op.table + "." + op.subject] = op.owner;
    for (auto& op : operations) {
        std::vector<std::string> columns;
        if (op.kind == OpKind::drop_index)
            for (const auto& i : op.before.indexes)
                if (i.name == op.subject)
                    columns = i.columns;
        if (op.kind == OpKind::drop_foreign_key)
            for (const auto& f : op.before.foreign_keys)
                if ((f.name.empty() ? text::join(f.columns, ",") : f.name) == op.subject)
                    columns = f.columns;
        for (const auto& column : columns)
            if (auto it = dropped.find(op.table + "." + column); it != dropped.end() && !it->second.empty()) {
                op.owner = it->second;
                break;
            }
    }
}

std::string pending_list(const Graph& graph, const std::vector<int>& pending) {
    std::vector<std::string> ids;
    for (std::size_t k = 0; k < pending.size() && k < 5; ++k)
        ids.push_back(graph.revision(pending[k]).id);
    return text::join(ids, ", ") + (pending.size() > 5 ? ", ..." : "");
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
    const auto& graph = context.graph();
    c.pending = plan_upgrade(graph, {"heads"}, state.applied).steps;
    c.database = reflect(db, ledger.table(), context.config().exclude_tables);
    c.operations = diff(c.models, c.database, true);
    std::erase_if(c.operations, [&](Operation& op) {
        if (op.kind == OpKind::drop_table) {
            op.owner = table_origin(graph, op.table);
            if (op.owner.empty()) {
                c.unowned_tables.push_back(op.table);
                return true;
            }
        } else if (op.kind == OpKind::drop_column) {
            auto added_by = table_origin(graph, op.table, op.subject);
            if (!added_by.empty())
                op.owner = added_by;
        }
        return false;
    });
    follow_dropped_columns(c.operations);
    return c;
}

AutogenerateResult autogenerate(Context& context, const AutogenerateRequest& request) {
    auto comparison = compare(context);
    const auto& graph = context.graph();
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
    for (const auto& owner : owners)
        if (std::find(chosen.begin(), chosen.end(), owner) == chosen.end())
            result.others.emplace_back(owner, std::count_if(comparison.operations.begin(), comparison.operations.end(),
                                                            [&](auto& op) { return op.owner == owner; }));
    // Each revision starts from the schema the ones before it in this run leave: a table two
    // plugins change is rebuilt by the second from what the first made of it.
    auto schema = comparison.database;
    for (const auto& owner : chosen) {
        std::vector<Operation> mine;
        for (const auto& op : comparison.operations)
            if (op.owner == owner)
                mine.push_back(op);
        if (mine.empty())
            continue;
        auto sqlite = render(mine, schema, Dialect::sqlite);
        auto postgresql = render(mine, schema, Dialect::postgresql);
        schema = trellis::apply(schema, mine);
        RevisionRequest revision;
        revision.message = request.message;
        revision.plugin = owner;
        revision.rev_id = chosen.size() == 1 ? request.rev_id : std::nullopt;
        revision.body =
            revision_file::new_body(sqlite.upgrade, sqlite.downgrade, postgresql.upgrade, postgresql.downgrade);
        result.written.push_back(create_revision(context, revision));
        // The next plugin's revision depends on this one when its plugin depends on this plugin.
        context.reload_graph();
    }
    return result;
}

} // namespace trellis
