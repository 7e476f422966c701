#include "commands/lifecycle.hpp"

#include "commands/compare.hpp"
#include "commands/migrate.hpp"
#include "commands/runner.hpp"
#include "commands/state.hpp"
#include "commands/writing.hpp"
#include "db/database.hpp"
#include "plugin/loader.hpp"
#include "revision/sql_split.hpp"
#include "schema/reflect.hpp"
#include "schema/render.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace trellis {

void check_dev_guard(Context& context, bool yes, std::string_view command) {
    if (yes || context.config().dev.value_or(false))
        return;
    throw input_error("`{}` drops tables: it runs only where trellis.ini says `dev = true` (development databases), "
                      "or with --yes",
                      command);
}

DropResult drop_db(Context& context) {
    const auto& graph = context.graph();
    auto models = model_schema(context);
    auto& db = context.database();
    auto ledger = context.ledger(db);
    Writing writing(context, db, ledger, "drop-db");
    auto present = reflect(db, ledger.table(), {});
    DropResult result;
    std::vector<const Table*> owned;
    for (const auto& table : present.tables) {
        if (excluded(table.name, ledger.table(), context.config().exclude_tables))
            result.excluded.push_back(table.name);
        else if (models.find(table.name) || !table_origin(graph, table.name).empty())
            owned.push_back(&table);
        else
            result.unowned.push_back(table.name);
    }
    auto order = creation_order(owned);
    std::reverse(order.begin(), order.end()); // referring tables go first
    std::vector<std::string> statements;
    for (const auto* table : order) {
        statements.push_back("DROP TABLE " + table->name);
        result.dropped.push_back(table->name);
    }
    if (db.table_exists(ledger.qualified())) {
        statements.push_back("DROP TABLE " + ledger.qualified());
        result.dropped.push_back(ledger.table());
    }
    // The lock's table goes last; this command's lock goes with it (its release finds no row).
    statements.push_back("DROP TABLE IF EXISTS " + ledger.qualified_lock_table());
    writing.execute_all(statements, "drop-db");
    return result;
}

CreateResult create_from_models(Context& context) {
    const auto& graph = context.graph();
    auto models = model_schema(context);
    auto& db = context.database();
    CreateResult result;
    std::vector<const Table*> tables;
    for (const auto& table : models.tables)
        tables.push_back(&table);
    std::vector<std::string> statements;
    for (const auto* table : creation_order(tables)) {
        if (db.table_exists(table->name))
            throw input_error("table `{}` exists already: the database is not empty (drop-db, or upgrade it)",
                              table->name);
        for (const auto& statement :
             split_statements({SectionKind::upgrade, "", 1, create_table_sql(*table, db.kind())}))
            statements.push_back(statement.sql);
        result.created.push_back(table->name);
    }
    execute_all(db, statements, "creating the tables from the models");

    // What the models made is applied: the heads of every branch whose plugin has models.
    std::vector<std::string> targets;
    std::set<std::string> modelled;
    for (const auto& plugin : context.plugins())
        if (plugin.has_models()) {
            targets.push_back(plugin.descriptor.name + "@heads");
            modelled.insert(plugin.descriptor.name);
        }
    AppliedSet none(graph.size(), false);
    for (int i : plan_upgrade(graph, targets, none).steps)
        if (!modelled.count(graph.branch(graph.branch_of(i)).label()))
            throw input_error(
                "plugin `{}` has no models but a plugin with models builds on its revision {}: its tables "
                "cannot be made from models; use `trellis upgrade` instead",
                graph.branch(graph.branch_of(i)).label(), graph.revision(i).id);
    if (!targets.empty())
        result.stamped = stamp(context, targets, false).added.size();
    // Plugins without models (SQL-only) make their tables the only way they can: their revisions.
    result.upgraded = migrate(context, Direction::upgrade, {"heads"}, {}, {}).steps.size();
    return result;
}

PrepareResult prepare(Context& context) {
    auto models = model_schema(context);
    auto& db = context.database();
    auto ledger = context.ledger(db);
    PrepareResult result;
    bool ledger_empty = !db.table_exists(ledger.qualified()) || ledger.read(db).empty();
    result.was_empty = ledger_empty && std::none_of(models.tables.begin(), models.tables.end(),
                                                    [&](const Table& t) { return db.table_exists(t.name); });
    if (result.was_empty)
        result.created = create_from_models(context);
    else
        result.upgraded = migrate(context, Direction::upgrade, {"heads"}, {}, {}).steps.size();
    return result;
}

} // namespace trellis
