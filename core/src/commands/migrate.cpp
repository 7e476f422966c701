#include "commands/migrate.hpp"

#include "commands/runner.hpp"
#include "commands/state.hpp"
#include "commands/writing.hpp"
#include "db/database.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace trellis {

namespace {

Plan make_plan(const Graph& graph, Direction direction, const std::vector<std::string>& targets,
               const AppliedSet& applied) {
    if (direction == Direction::upgrade)
        return plan_upgrade(graph, targets.empty() ? std::vector<std::string>{"heads"} : targets, applied);
    if (targets.size() != 1)
        throw input_error("downgrade takes one target (a revision, <label>@base, base or -N)");
    return plan_downgrade(graph, targets.front(), applied);
}

} // namespace

Plan plan_for(Context& context, Direction direction, const std::vector<std::string>& targets,
              const MigrateOptions& options) {
    auto& db = context.database(OpenMode::read_only);
    auto ledger = context.ledger(db);
    auto state = read_state(context, db, ledger);
    check_checksums(context.graph(), state, options.ignore_checksums);
    auto plan = make_plan(context.graph(), direction, targets, state.applied);
    // A dry run refuses what the real run would refuse (an irreversible revision, a missing
    // section or step) before it would touch anything.
    MigrateEvents none;
    Runner(context, db, ledger, direction, none).prepare(context.graph(), plan);
    return plan;
}

Plan migrate(Context& context, Direction direction, const std::vector<std::string>& targets,
             const MigrateOptions& options, const MigrateEvents& events) {
    context.graph(); // bad files and plugins stop the command before it connects
    auto& db = context.database();
    auto ledger = context.ledger(db);
    Writing writing(context, db, ledger, direction == Direction::upgrade ? "upgrade" : "downgrade");
    auto state = read_state(context, db, ledger);
    const auto& graph = context.graph();
    check_checksums(graph, state, options.ignore_checksums);
    auto plan = make_plan(graph, direction, targets, state.applied);
    Runner runner(context, db, ledger, direction, events, writing.run_settings());
    auto prepared = runner.prepare(graph, plan);
    plan.steps = runner.run(graph, prepared, state.ledger_exists);
    return plan;
}

void run_plan(Context& context, Database& db, Direction direction, const Plan& plan) {
    auto ledger = context.ledger(db);
    MigrateEvents none;
    RunSettings settings{
        nullptr, {context.ddl_lock_timeout(), context.statement_timeout()}, context.ddl_retry_budget()};
    Runner runner(context, db, ledger, direction, none, settings);
    auto prepared = runner.prepare(context.graph(), plan);
    runner.run(context.graph(), prepared, db.table_exists(ledger.qualified()));
}

std::string migrate_script(Context& context, Direction direction, const std::vector<std::string>& targets,
                           const MigrateOptions& options) {
    auto& db = context.database(OpenMode::read_only);
    auto ledger = context.ledger(db);
    auto state = read_state(context, db, ledger);
    const auto& graph = context.graph();
    check_checksums(graph, state, options.ignore_checksums);
    auto plan = make_plan(graph, direction, targets, state.applied);
    bool up = direction == Direction::upgrade;
    std::string out =
        fmt::format("-- trellis {} {}: {} revision(s) on {}\n", up ? "upgrade" : "downgrade",
                    targets.empty() ? "heads" : text::join(targets, " "), plan.steps.size(), dialect_name(db.kind()));
    bool ledger_exists = state.ledger_exists;
    for (int i : plan.steps) {
        const auto& r = graph.revision(i);
        auto statements = statements_of(graph, i, direction, db.kind());
        out += fmt::format("\n-- {} {} ({}): {}\n", up ? "upgrade" : "downgrade", r.id,
                           graph.branch(graph.branch_of(i)).label(), r.message);
        if (r.transactional)
            out += "BEGIN;\n";
        for (const auto& s : statements)
            out +=
                s.call.empty() ? s.sql + ";\n" : fmt::format("-- +call {} (a C++ step: it runs only online)\n", s.call);
        if (!r.transactional)
            out += "BEGIN;\n";
        if (up && !ledger_exists) {
            out += ledger.create_sql() + ";\n";
            ledger_exists = true;
        }
        out += (up ? ledger.insert_sql(row_for(graph, i, db.kind())) : ledger.delete_sql(r.id)) + ";\nCOMMIT;\n";
    }
    return out;
}

StampResult stamp(Context& context, const std::vector<std::string>& targets, bool purge) {
    if (targets.empty())
        throw input_error("stamp needs at least one target (heads, base, a revision, <label>@head, ...)");
    context.graph();
    auto& db = context.database();
    auto ledger = context.ledger(db);
    Writing writing(context, db, ledger, "stamp");
    auto state = read_state(context, db, ledger);
    const auto& graph = context.graph();
    auto applied = state.applied;
    if (purge)
        applied.assign(graph.size(), false);
    for (const auto& target : targets) {
        // Stamping T leaves exactly T and what it needs applied in T's line: an upgrade's closure
        // is added, and a downgrade's reverts are removed.
        bool down_only = target == "base" || target.ends_with("@base") || target.starts_with("-") ||
                         target.find("@-") != std::string::npos;
        if (!down_only)
            for (int i : plan_upgrade(graph, {target}, applied).steps)
                applied[i] = true;
        for (int i : plan_downgrade(graph, target, applied).steps)
            applied[i] = false;
    }
    StampResult result;
    std::vector<std::string> statements;
    if (purge && state.ledger_exists)
        statements.push_back(ledger.delete_all_sql());
    if (!state.ledger_exists)
        statements.push_back(ledger.create_sql());
    for (int i : graph.order()) {
        bool was = state.applied[i] && !purge;
        if (applied[i] && !was) {
            result.added.push_back(i);
            statements.push_back(ledger.insert_sql(row_for(graph, i, db.kind())));
        } else if (!applied[i] && state.applied[i]) {
            result.removed.push_back(i);
            if (!purge)
                statements.push_back(ledger.delete_sql(graph.revision(i).id));
        }
    }
    writing.execute_all(statements, "stamp");
    return result;
}

std::vector<int> repair(Context& context) {
    context.graph();
    auto& db = context.database();
    auto ledger = context.ledger(db);
    Writing writing(context, db, ledger, "repair");
    auto state = read_state(context, db, ledger);
    const auto& graph = context.graph();
    if (state.changed.empty())
        return {};
    std::vector<std::string> statements;
    for (int i : state.changed)
        statements.push_back(ledger.update_checksum_sql(graph.revision(i).id, graph.revision(i).checksum(),
                                                        stored_downgrade(graph.revision(i), db.kind())));
    writing.execute_all(statements, "repair");
    return state.changed;
}

std::optional<LockHolder> unlock(Context& context, bool yes) {
    auto& db = context.database();
    auto ledger = context.ledger(db);
    auto holder = read_lock(db, ledger.qualified_lock_table());
    if (!holder)
        return std::nullopt;
    if (holder->expires_in > 0 && !yes)
        throw input_error("the migration lock is {}: its holder renews it, so it is probably still running; make "
                          "sure it is gone, then `trellis unlock --yes`",
                          holder->describe());
    release_lock(db, ledger.qualified_lock_table());
    return holder;
}

} // namespace trellis
