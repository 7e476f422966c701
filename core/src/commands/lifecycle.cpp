#include "commands/lifecycle.hpp"

#include "commands/compare.hpp"
#include "commands/migrate.hpp"
#include "commands/ownership.hpp"
#include "commands/runner.hpp"
#include "commands/state.hpp"
#include "commands/writing.hpp"
#include "db/database.hpp"
#include "plugin/loader.hpp"
#include "revision/sql_split.hpp"
#include "schema/identifier.hpp"
#include "schema/reflect.hpp"
#include "schema/table_order.hpp"
#include "schema/table_steps.hpp"
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
    context.graph();
    auto models = model_schema(context);
    auto& db = context.database();
    auto ledger = context.ledger(db);
    Writing writing(context, db, ledger, "drop-db");
    // A gone plugin's revisions are in the state's graph: its tables are owned too.
    auto state = read_state(context, db, ledger);
    Ownership ownership(*state.graph, context.plugins(), state.applied_in_order(), state.gone);
    auto present = reflect(db, ledger.table(), {});
    DropResult result;
    std::vector<const Table*> owned;
    for (const auto& table : present.tables) {
        if (excluded(table.name, ledger.table(), context.config().exclude_tables))
            result.excluded.push_back(table.name);
        else if (models.find(table.name) || !ownership.table_origin(table.name).empty())
            owned.push_back(&table);
        else
            result.unowned.push_back(table.name);
    }
    // Referring tables first; on PostgreSQL the keys of a cycle go before its tables.
    std::vector<std::string> statements;
    for (const auto& statement :
         split_statements({SectionKind::upgrade, "", 1, drop_tables_sql(owned, db.kind(), &result.dropped)},
                          dialect_name(db.kind())))
        statements.push_back(statement.sql);
    // The models' enum types go with their tables (reset-db creates them again).
    std::set<std::string> types;
    for (const auto& table : models.tables)
        for (const auto& column : table.columns)
            if (column.type.kind == ColumnKind::enumeration && db.kind() == Dialect::postgresql &&
                types.insert(column.type.spelling).second)
                statements.push_back("DROP TYPE IF EXISTS " + quote(column.type.spelling));
    if (db.table_exists(ledger.qualified())) {
        statements.push_back("DROP TABLE " + ledger.qualified());
        result.dropped.push_back(ledger.table());
    }
    // The lock's table goes last; this command's lock goes with it (its release finds no row).
    statements.push_back("DROP TABLE IF EXISTS " + ledger.qualified_lock_table());
    // The ledger goes, and with it the gone plugins' revisions: what comes next (reset-db's stamp
    // and upgrade) reads a state of its own, which has none.
    writing.execute_all(statements, "drop-db");
    return result;
}

std::vector<std::string> models_sql(const Schema& models, Dialect dialect) {
    std::vector<const Table*> tables;
    for (const auto& table : models.tables)
        tables.push_back(&table);
    // Every table after those it refers to; on PostgreSQL a cycle's keys once its tables exist.
    std::vector<std::string> statements;
    for (const auto& statement :
         split_statements({SectionKind::upgrade, "", 1, create_tables_sql(tables, dialect)}, dialect_name(dialect)))
        statements.push_back(statement.sql);
    return statements;
}

namespace {

// The `P@heads` targets of the plugins with models: what the models' tables stand for. Refuses a
// plugin with models that builds on a branch without: its tables cannot come from models alone.
std::vector<std::string> modelled_targets(Context& context) {
    const auto& graph = context.graph();
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
    return targets;
}

} // namespace

void build_from_models(Context& context, Database& db) {
    const auto& graph = context.graph();
    auto statements = models_sql(model_schema(context), db.kind());
    Ledger ledger(db.kind(), context.version_table());
    statements.push_back(ledger.create_sql());
    AppliedSet applied(graph.size(), false);
    auto targets = modelled_targets(context);
    if (!targets.empty())
        for (int i : plan_upgrade(graph, targets, applied).steps) {
            applied[i] = true;
            statements.push_back(ledger.insert_sql(row_for(graph, i, db.kind())));
        }
    execute_all(db, statements, "creating the models' tables on a scratch database");
    run_plan(context, db, Direction::upgrade, plan_upgrade(graph, {"heads"}, applied));
}

CreateResult create_from_models(Context& context) {
    auto models = model_schema(context);
    auto& db = context.database();
    CreateResult result;
    std::vector<const Table*> tables;
    for (const auto& table : models.tables)
        tables.push_back(&table);
    for (const auto* table : creation_plan(tables).tables) {
        if (db.table_exists(table->name))
            throw input_error("table `{}` exists already: the database is not empty (drop-db, or upgrade it)",
                              table->name);
        result.created.push_back(table->name);
    }
    // What the models make is applied: the heads of every branch whose plugin has models.
    auto targets = modelled_targets(context);
    execute_all(db, models_sql(models, db.kind()), "creating the tables from the models");
    if (!targets.empty())
        result.stamped = stamp(context, targets, Purge::no).added.size();
    // Plugins without models (SQL-only) make their tables the only way they can: their revisions.
    result.upgraded = migrate(context, Direction::upgrade, {"heads"}, {}, {}).plan.steps.size();
    return result;
}

PrepareResult prepare(Context& context) {
    auto models = model_schema(context);
    auto& db = context.database();
    auto ledger = context.ledger(db);
    PrepareResult result;
    bool ledger_empty = ledger.read(db).empty(); // none when the table does not exist yet
    result.was_empty = ledger_empty && std::none_of(models.tables.begin(), models.tables.end(),
                                                    [&](const Table& t) { return db.table_exists(t.name); });
    if (result.was_empty)
        result.created = create_from_models(context);
    else
        result.upgraded = migrate(context, Direction::upgrade, {"heads"}, {}, {}).plan.steps.size();
    return result;
}

} // namespace trellis
