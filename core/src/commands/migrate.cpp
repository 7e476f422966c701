#include "commands/migrate.hpp"

#include "commands/runner.hpp"
#include "commands/state.hpp"
#include "commands/writing.hpp"
#include "db/database.hpp"
#include "db/url.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

namespace trellis {

namespace {

// A C++ step runs only online: a script that went on past it, with the ledger row claiming the
// revision done, would record a step that never ran.
void refuse_step_calls(const Revision& r, const std::vector<Statement>& statements) {
    for (const auto& s : statements)
        if (!s.call.empty())
            throw input_error("{}:{}: revision {} calls the C++ step `{}`, which a SQL script cannot run; run "
                              "this revision online, without --sql",
                              files::display(r.path), s.line, r.id, s.call);
}

Plan make_plan(const Graph& graph, Direction direction, const std::vector<Target>& targets, const AppliedSet& applied) {
    if (direction == Direction::upgrade)
        return plan_upgrade(graph, targets, applied);
    return plan_downgrade(graph, targets.front(), applied);
}

} // namespace

PlanResult plan_for(Context& context, Direction direction, const std::vector<std::string>& targets,
                    const MigrateOptions& options) {
    auto parsed = parse_targets(direction, targets);
    auto& db = context.database(OpenMode::read_only);
    auto ledger = context.ledger(db);
    auto state = read_state(context, db, ledger);
    check_checksums(state, options.ignore_checksums);
    PlanResult result{state.graph, make_plan(*state.graph, direction, parsed, state.applied)};
    // A dry run refuses what the real run would refuse (an irreversible revision, a missing
    // section or step) before it would touch anything.
    MigrateEvents none;
    Runner runner(context, db, ledger, direction, none);
    if (direction == Direction::downgrade)
        runner.run_instead(ledger_downgrades(context, state, result.plan.steps, db.kind(), options.file_downgrades));
    runner.prepare(*state.graph, result.plan);
    return result;
}

PlanResult migrate(Context& context, Direction direction, const std::vector<std::string>& targets,
                   const MigrateOptions& options, const MigrateEvents& events) {
    auto parsed = parse_targets(direction, targets);
    context.graph(); // bad files and plugins stop the command before it connects
    auto& db = context.database();
    auto ledger = context.ledger(db);
    {
        // A database already at the target is known before the lock, and writes nothing, so it
        // needs none: a rerun (of a deploy, of a fan-out over many databases) costs one ledger
        // read instead of the lock row's two commits. What it read is a committed state, and
        // doing nothing was right for it; anything to do is planned again under the lock, on
        // the state read there.
        auto state = read_state(context, db, ledger);
        check_checksums(state, options.ignore_checksums);
        auto plan = make_plan(*state.graph, direction, parsed, state.applied);
        if (plan.steps.empty())
            return {state.graph, plan};
    }
    Writing writing(context, db, ledger, direction == Direction::upgrade ? "upgrade" : "downgrade");
    auto state = read_state(context, db, ledger);
    const auto& graph = *state.graph;
    check_checksums(state, options.ignore_checksums);
    PlanResult result{state.graph, make_plan(graph, direction, parsed, state.applied)};
    Runner runner(context, db, ledger, direction, events, writing.run_settings());
    if (direction == Direction::downgrade)
        runner.run_instead(ledger_downgrades(context, state, result.plan.steps, db.kind(), options.file_downgrades));
    auto prepared = runner.prepare(graph, result.plan);
    result.plan.steps = runner.run(graph, prepared, state.ledger_exists);
    return result;
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

namespace {

// What a script prints: the plan on one dialect, and whether the ledger is already there.
struct Script {
    Plan plan;
    Dialect dialect;
    Ledger ledger;
    bool ledger_exists = false;
    std::map<int, Section> instead; // downgrades stored in the ledger, by revision
    std::string title;
};

std::string render_script(const Graph& graph, Script& script) {
    bool up = script.plan.direction == Direction::upgrade;
    std::string out = script.title;
    for (int i : script.plan.steps) {
        const auto& r = graph.revision(i);
        auto statements = statements_of(graph, i, script.plan.direction, script.dialect, script.instead);
        refuse_step_calls(r, statements);
        out += fmt::format("\n-- {} {} ({}): {}{}\n", up ? "upgrade" : "downgrade", r.id,
                           graph.branch(graph.branch_of(i)).label(), r.message,
                           script.instead.count(i) ? " (the downgrade stored in the ledger)" : "");
        if (r.transactional)
            out += "BEGIN;\n";
        for (const auto& s : statements)
            out += s.sql + ";\n";
        if (!r.transactional)
            out += "BEGIN;\n";
        if (up && !script.ledger_exists) {
            out += script.ledger.create_sql() + ";\n";
            script.ledger_exists = true;
        }
        out += (up ? script.ledger.insert_sql(row_for(graph, i, script.dialect)) : script.ledger.delete_sql(r.id)) +
               ";\nCOMMIT;\n";
    }
    return out;
}

// `upgrade A:B --sql`, `downgrade B:A --sql`: Alembic's offline mode. No database is opened: the
// range's first side says what the script assumes applied (base or none: nothing, and the ledger
// is created), the URL only the dialect; downgrades are the files' own.
std::string offline_script(Context& context, Direction direction, const std::string& text, TargetRange range) {
    const auto& graph = context.graph();
    bool up = direction == Direction::upgrade;
    if (!up && !range.upper)
        throw input_error("downgrade `{}` --sql: name where it ends, `FROM:TO` (heads:base, {}:base)", text, text);
    if (!up && !range.lower)
        range.lower = parse_target("heads");
    auto dialect = parse_url(context.url(), std::filesystem::current_path()).dialect;
    auto schema = dialect == Dialect::postgresql ? context.config().version_schema.value_or("") : "";
    auto applied = assumed_applied(graph, range.lower);
    auto to = range.upper ? *range.upper : parse_target("heads");
    Script script{up ? plan_upgrade(graph, std::vector<Target>{to}, applied) : plan_downgrade(graph, to, applied),
                  dialect,
                  Ledger(dialect, context.version_table(), schema),
                  std::find(applied.begin(), applied.end(), true) != applied.end(),
                  {},
                  {}};
    script.title = fmt::format("-- trellis {} {}: {} revision(s) on {}, offline (no database read)\n",
                               up ? "upgrade" : "downgrade", text, script.plan.steps.size(), dialect_name(dialect));
    return render_script(graph, script);
}

} // namespace

std::string migrate_script(Context& context, Direction direction, const std::vector<std::string>& targets,
                           const MigrateOptions& options) {
    if (targets.size() == 1)
        if (auto range = parse_range(targets.front()))
            return offline_script(context, direction, targets.front(), *range);
    auto parsed = parse_targets(direction, targets);
    auto& db = context.database(OpenMode::read_only);
    auto ledger = context.ledger(db);
    auto state = read_state(context, db, ledger);
    const auto& graph = *state.graph;
    check_checksums(state, options.ignore_checksums);
    Script script{make_plan(graph, direction, parsed, state.applied), db.kind(), ledger, state.ledger_exists, {}, {}};
    if (direction == Direction::downgrade)
        script.instead = ledger_downgrades(context, state, script.plan.steps, db.kind(), options.file_downgrades);
    script.title = fmt::format(
        "-- trellis {} {}: {} revision(s) on {}\n", direction == Direction::upgrade ? "upgrade" : "downgrade",
        targets.empty() ? "heads" : text::join(targets, " "), script.plan.steps.size(), dialect_name(db.kind()));
    return render_script(graph, script);
}

StampResult stamp(Context& context, const std::vector<std::string>& targets, Purge purge) {
    if (targets.empty())
        throw input_error("stamp needs at least one target (heads, base, a revision, <label>@head, ...)");
    std::vector<Target> parsed;
    for (const auto& text : targets)
        parsed.push_back(parse_target(text));
    return stamp_with(context, [&](Database&, const Graph& graph, const AppliedSet& current) {
        StampChoice choice;
        choice.purge = purge == Purge::yes;
        choice.applied = choice.purge ? AppliedSet(graph.size(), false) : current;
        auto& applied = choice.applied;
        for (const auto& target : parsed) {
            // Stamping T leaves exactly T and what it needs applied in T's line: an upgrade's
            // closure is added, and a downgrade's reverts are removed.
            if (!target.down_only())
                for (int i : plan_upgrade(graph, {target}, applied).steps)
                    applied[i] = true;
            for (int i : plan_downgrade(graph, target, applied).steps)
                applied[i] = false;
        }
        return choice;
    });
}

namespace {

// The ledger row a stamp writes for revision `i`: the one the ledger kept for a revision whose
// file is gone (a purge writes it again), else the file's.
LedgerRow stamped_row(const DatabaseState& state, int i, Dialect dialect) {
    if (!state.file_gone(i))
        return row_for(*state.graph, i, dialect);
    auto row = *state.row(state.graph->revision(i).id);
    row.duration_ms = 0;
    return row;
}

} // namespace

StampResult stamp_with(Context& context, const StampChooser& choose) {
    context.graph();
    auto& db = context.database();
    auto ledger = context.ledger(db);
    Writing writing(context, db, ledger, "stamp");
    auto state = read_state(context, db, ledger);
    const auto& graph = *state.graph;
    auto choice = choose(db, graph, state.applied);
    const auto& applied = choice.applied;
    bool purge = choice.purge;
    StampResult result{state.graph, {}, {}};
    std::vector<std::string> statements;
    if (purge && state.ledger_exists)
        statements.push_back(ledger.delete_all_sql());
    if (!state.ledger_exists)
        statements.push_back(ledger.create_sql());
    for (int i : graph.order()) {
        bool was = state.applied[i] && !purge;
        if (applied[i] && !was) {
            result.added.push_back(i);
            statements.push_back(ledger.insert_sql(stamped_row(state, i, db.kind())));
        } else if (!applied[i] && state.applied[i]) {
            result.removed.push_back(i);
            if (!purge)
                statements.push_back(ledger.delete_sql(graph.revision(i).id));
        }
    }
    statements.insert(statements.end(), choice.also.begin(), choice.also.end());
    writing.execute_all(statements, "stamp");
    return result;
}

RepairResult repair(Context& context) {
    context.graph();
    auto& db = context.database();
    auto ledger = context.ledger(db);
    Writing writing(context, db, ledger, "repair");
    auto state = read_state(context, db, ledger);
    const auto& graph = *state.graph;
    RepairResult result{state.graph, state.changed};
    if (state.changed.empty())
        return result;
    std::vector<std::string> statements;
    // The stored downgrade stays: it is the one that matches what the database holds, and
    // `downgrade` runs it (ledger_downgrades) until the revision is applied again.
    for (int i : state.changed)
        statements.push_back(ledger.update_checksum_sql(graph.revision(i).id, graph.revision(i).checksum(),
                                                        state.row(graph.revision(i).id)->downgrade_sql));
    for (int i : edited_downgrades(state, state.changed, db.kind()))
        context.notice(fmt::format("note: {}: the ledger keeps the downgrade stored when it was applied, which matches "
                                   "the database, and `downgrade` runs it (--file-downgrade runs the file's)",
                                   graph.revision(i).id));
    writing.execute_all(statements, "repair");
    return result;
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
