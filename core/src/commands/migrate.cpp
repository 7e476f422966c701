#include "commands/migrate.hpp"

#include "commands/state.hpp"
#include "db/database.hpp"
#include "plugin/loader.hpp"
#include "revision/sql_split.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace trellis {

namespace {

using Clock = std::chrono::steady_clock;

SectionKind kind_of(Direction direction) {
    return direction == Direction::upgrade ? SectionKind::upgrade : SectionKind::downgrade;
}

// The statements a revision runs in `direction` on `dialect` (or those of `instead`, a downgrade
// stored in the ledger), checked before anything runs.
std::vector<Statement> statements_of(const Graph& graph, int i, Direction direction, Dialect dialect,
                                     const std::map<int, Section>& instead = {}) {
    const auto& r = graph.revision(i);
    auto replaced = instead.find(i);
    const auto* section =
        replaced != instead.end() ? &replaced->second : r.section_for(kind_of(direction), dialect_name(dialect));
    if (!section)
        throw input_error("{}: revision {} has no {} section for {}", files::display(r.path), r.id,
                          direction == Direction::upgrade ? "upgrade" : "downgrade", dialect_name(dialect));
    if (section->kind == SectionKind::irreversible)
        throw input_error("{}: revision {} ({}) is irreversible; a downgrade cannot go past it", files::display(r.path),
                          r.id, r.message);
    return split_statements(*section);
}

} // namespace

LedgerRow row_for(const Graph& graph, int i, Dialect dialect) {
    const auto& r = graph.revision(i);
    LedgerRow row;
    row.revision = r.id;
    row.branch = graph.branch(graph.branch_of(i)).label();
    row.checksum = r.checksum();
    row.downgrade_sql = stored_downgrade(r, dialect);
    row.down_revisions = r.down_revisions;
    for (int d : graph.depends(i))
        row.depends_on.push_back(graph.revision(d).id);
    return row;
}

namespace {

const Step& find_step(Context& context, const std::string& call, const Revision& r, int line) {
    auto colon = call.find(':');
    auto plugin_name = call.substr(0, colon);
    auto step_name = call.substr(colon + 1);
    for (const auto& plugin : context.plugins()) {
        if (plugin.descriptor.name != plugin_name)
            continue;
        for (const auto& step : plugin.descriptor.steps)
            if (step.name == step_name)
                return step;
        throw input_error("{}:{}: plugin `{}` has no step `{}`", files::display(r.path), line, plugin_name, step_name);
    }
    throw input_error("{}:{}: `-- +call {}` names plugin `{}`, which is not loaded", files::display(r.path), line, call,
                      plugin_name);
}

std::string first_line(const std::string& sql) {
    auto line = sql.substr(0, sql.find('\n'));
    return line.size() > 100 ? line.substr(0, 97) + "..." : line;
}

// A C++ step runs only online: a script that went on past it, with the ledger row claiming the
// revision done, would record a step that never ran.
void refuse_step_calls(const Revision& r, const std::vector<Statement>& statements) {
    for (const auto& s : statements)
        if (!s.call.empty())
            throw input_error("{}:{}: revision {} calls the C++ step `{}`, which a SQL script cannot run; run "
                              "this revision online, without --sql",
                              files::display(r.path), s.line, r.id, s.call);
}

struct Prepared {
    int revision;
    std::vector<Statement> statements;
};

class Runner {
public:
    Runner(Context& context, Database& db, const Ledger& ledger, Direction direction, const MigrateEvents& events)
        : m_context(context)
        , m_db(db)
        , m_ledger(ledger)
        , m_direction(direction)
        , m_events(events) {}

    // Everything is read and checked before the first statement runs: a typo in the last
    // revision must not stop a deploy half-way.
    // Downgrades to run from the ledger instead of the files (ledger_downgrades).
    void run_instead(std::map<int, Section> sections) { m_instead = std::move(sections); }

    std::vector<Prepared> prepare(const Graph& graph, const Plan& plan) {
        std::vector<Prepared> prepared;
        for (int i : plan.steps) {
            auto statements = statements_of(graph, i, m_direction, m_db.kind(), m_instead);
            for (const auto& s : statements)
                if (!s.call.empty())
                    find_step(m_context, s.call, graph.revision(i), s.line);
            prepared.push_back({i, std::move(statements)});
        }
        return prepared;
    }

    void run(const Graph& graph, const std::vector<Prepared>& prepared, bool ledger_exists) {
        m_ledger_exists = ledger_exists;
        for (std::size_t k = 0; k < prepared.size(); ++k) {
            if (m_events.starting)
                m_events.starting(graph, prepared[k].revision, k + 1, prepared.size());
            auto start = Clock::now();
            bool ran = graph.revision(prepared[k].revision).transactional ? run_transactional(graph, prepared[k], start)
                                                                          : run_outside(graph, prepared[k], start);
            auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
            if (!ran && m_events.skipped)
                m_events.skipped(graph, prepared[k].revision);
            if (ran && m_events.finished)
                m_events.finished(graph, prepared[k].revision, took);
            if (ran)
                ++m_done;
        }
    }

private:
    bool up() const { return m_direction == Direction::upgrade; }

    // SQLite has no session lock: inside the write transaction, ask the ledger again whether
    // another process got there first (needless when nobody else has committed since our last
    // commit: then the ledger is what this run made it).
    bool already_done(const Revision& r) {
        if (m_db.kind() != Dialect::sqlite || !m_db.others_may_have_written())
            return false;
        // Another process may have created the ledger since this one read it.
        m_ledger_exists = m_ledger_exists || m_db.table_exists(m_ledger.table());
        bool present = m_ledger_exists && m_ledger.find(m_db, r.id).has_value();
        return up() ? present : !present;
    }

    // What records revision i in the ledger, run with the commit of its transaction.
    std::vector<std::string> ledger_statements(const Graph& graph, int i, Clock::time_point start) {
        const auto& r = graph.revision(i);
        if (!up())
            return {m_ledger.delete_sql(r.id)};
        std::vector<std::string> statements;
        if (!m_ledger_exists) {
            // IF NOT EXISTS: on PostgreSQL another host may have made it between our read and now.
            statements.push_back(m_ledger.create_sql());
            m_ledger_exists = true;
        }
        auto row = row_for(graph, i, m_db.kind());
        row.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
        statements.push_back(m_ledger.insert_sql(row));
        return statements;
    }

    // " (SQLSTATE 42P01)" on PostgreSQL; SQLite's codes are no standard a user could look up.
    std::string sqlstate_note(const SqlError& e) const {
        return e.sqlstate().empty() || m_db.kind() == Dialect::sqlite ? ""
                                                                      : fmt::format(" (SQLSTATE {})", e.sqlstate());
    }

    // Commits the revision's transaction with its ledger row; a failure names the revision.
    void commit_recorded(Transaction& transaction, const Graph& graph, const Prepared& p, Clock::time_point start,
                         std::string_view aftermath) {
        const auto& r = graph.revision(p.revision);
        try {
            transaction.commit(ledger_statements(graph, p.revision, start));
        } catch (const SqlError& e) {
            if (e.sqlstate() == k_transaction_ended)
                throw database_error("{}: the {} of {} failed: {}, so some of its statements may be committed and "
                                     "others not; it is not recorded in the ledger: check the database by hand",
                                     files::display(r.path), up() ? "upgrade" : "downgrade", r.id, e.what());
            // The ledger row or a constraint checked at commit (DEFERRABLE): the database's words say which.
            throw database_error("{}: committing the {} of {} with its ledger row failed: {}{}; {}",
                                 files::display(r.path), up() ? "upgrade" : "downgrade", r.id, e.what(),
                                 sqlstate_note(e), aftermath);
        }
    }

    bool run_transactional(const Graph& graph, const Prepared& p, Clock::time_point start) {
        Transaction transaction(m_db);
        if (already_done(graph.revision(p.revision)))
            return false;
        run_statements(graph, p, "");
        commit_recorded(transaction, graph, p, start,
                        fmt::format("the revision was rolled back, {} earlier revision(s) of this run kept", m_done));
        return true;
    }

    bool run_outside(const Graph& graph, const Prepared& p, Clock::time_point start) {
        run_statements(graph, p,
                       "; it is `transactional: false`, so the statements before this one stay applied and "
                       "the revision is not recorded: repair the database by hand, then run again");
        Transaction transaction(m_db);
        commit_recorded(transaction, graph, p, start,
                        fmt::format("it is `transactional: false`, so its statements stay applied; once the ledger "
                                    "takes rows again, `trellis stamp {}` records it",
                                    graph.revision(p.revision).id));
        return true;
    }

    void run_statements(const Graph& graph, const Prepared& p, std::string_view aftermath) {
        const auto& r = graph.revision(p.revision);
        for (const auto& statement : p.statements) {
            try {
                if (statement.call.empty())
                    m_db.execute(statement.sql);
                else
                    run_step(r, statement);
            } catch (const SqlError& e) {
                throw database_error("{}:{}: {} of {} failed: {}{}\n  statement: {}; the revision was rolled back, {} "
                                     "earlier revision(s) "
                                     "of this run kept{}",
                                     files::display(r.path), statement.line, up() ? "upgrade" : "downgrade", r.id,
                                     e.what(), sqlstate_note(e),
                                     statement.call.empty() ? first_line(statement.sql) : "-- +call " + statement.call,
                                     m_done, aftermath);
            }
        }
    }

    void run_step(const Revision& r, const Statement& statement) {
        const auto& step = find_step(m_context, statement.call, r, statement.line);
        try {
            step.run(m_db);
        } catch (const SqlError&) {
            throw;
        } catch (const std::exception& e) {
            throw SqlError(fmt::format("step {} threw: {}", statement.call, e.what()), "");
        } catch (...) {
            throw SqlError(fmt::format("step {} threw a non-standard exception", statement.call), "");
        }
    }

    Context& m_context;
    Database& m_db;
    const Ledger& m_ledger;
    Direction m_direction;
    const MigrateEvents& m_events;
    std::map<int, Section> m_instead;
    bool m_ledger_exists = false;
    std::size_t m_done = 0;
};

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
    Ledger ledger(db.kind(), context.version_table());
    auto state = read_state(context, db, ledger);
    check_checksums(context.graph(), state, options.ignore_checksums);
    auto plan = make_plan(context.graph(), direction, targets, state.applied);
    // A dry run refuses what the real run would refuse (an irreversible revision, a missing
    // section or step) before it would touch anything.
    MigrateEvents none;
    Runner runner(context, db, ledger, direction, none);
    if (direction == Direction::downgrade)
        runner.run_instead(ledger_downgrades(context, state, plan.steps, db.kind(), options.file_downgrades));
    runner.prepare(context.graph(), plan);
    return plan;
}

Plan migrate(Context& context, Direction direction, const std::vector<std::string>& targets,
             const MigrateOptions& options, const MigrateEvents& events) {
    context.graph(); // bad files and plugins stop the command before it connects
    auto& db = context.database();
    Ledger ledger(db.kind(), context.version_table());
    MigrationLock lock(db, ledger.table(), context.lock_timeout());
    auto state = read_state(context, db, ledger);
    const auto& graph = context.graph();
    check_checksums(graph, state, options.ignore_checksums);
    auto plan = make_plan(graph, direction, targets, state.applied);
    Runner runner(context, db, ledger, direction, events);
    if (direction == Direction::downgrade)
        runner.run_instead(ledger_downgrades(context, state, plan.steps, db.kind(), options.file_downgrades));
    auto prepared = runner.prepare(graph, plan);
    runner.run(graph, prepared, state.ledger_exists);
    return plan;
}

void run_plan(Context& context, Database& db, Direction direction, const Plan& plan) {
    Ledger ledger(db.kind(), context.version_table());
    MigrateEvents none;
    Runner runner(context, db, ledger, direction, none);
    auto prepared = runner.prepare(context.graph(), plan);
    runner.run(context.graph(), prepared, db.table_exists(ledger.table()));
}

std::string migrate_script(Context& context, Direction direction, const std::vector<std::string>& targets,
                           const MigrateOptions& options) {
    auto& db = context.database(OpenMode::read_only);
    Ledger ledger(db.kind(), context.version_table());
    auto state = read_state(context, db, ledger);
    const auto& graph = context.graph();
    check_checksums(graph, state, options.ignore_checksums);
    auto plan = make_plan(graph, direction, targets, state.applied);
    bool up = direction == Direction::upgrade;
    std::string out =
        fmt::format("-- trellis {} {}: {} revision(s) on {}\n", up ? "upgrade" : "downgrade",
                    targets.empty() ? "heads" : text::join(targets, " "), plan.steps.size(), dialect_name(db.kind()));
    bool ledger_exists = state.ledger_exists;
    std::map<int, Section> instead;
    if (!up)
        instead = ledger_downgrades(context, state, plan.steps, db.kind(), options.file_downgrades);
    for (int i : plan.steps) {
        const auto& r = graph.revision(i);
        auto statements = statements_of(graph, i, direction, db.kind(), instead);
        refuse_step_calls(r, statements);
        out += fmt::format("\n-- {} {} ({}): {}{}\n", up ? "upgrade" : "downgrade", r.id,
                           graph.branch(graph.branch_of(i)).label(), r.message,
                           instead.count(i) ? " (the downgrade stored in the ledger)" : "");
        if (r.transactional)
            out += "BEGIN;\n";
        for (const auto& s : statements)
            out += s.sql + ";\n";
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
    return stamp_with(context, [&](Database&, const Graph& graph, const AppliedSet& current) {
        StampChoice choice;
        choice.purge = purge;
        choice.applied = purge ? AppliedSet(graph.size(), false) : current;
        auto& applied = choice.applied;
        for (const auto& target : targets) {
            // Stamping T leaves exactly T and what it needs applied in T's line: an upgrade's
            // closure is added, and a downgrade's reverts are removed.
            bool down_only = target == "base" || target.ends_with("@base") || target.starts_with("-") ||
                             target.find("@-") != std::string::npos;
            if (!down_only)
                for (int i : plan_upgrade(graph, {target}, applied).steps)
                    applied[i] = true;
            for (int i : plan_downgrade(graph, target, applied).steps)
                applied[i] = false;
        }
        return choice;
    });
}

StampResult stamp_with(Context& context, const StampChooser& choose) {
    context.graph();
    auto& db = context.database();
    Ledger ledger(db.kind(), context.version_table());
    MigrationLock lock(db, ledger.table(), context.lock_timeout());
    auto state = read_state(context, db, ledger);
    const auto& graph = context.graph();
    auto choice = choose(db, graph, state.applied);
    const auto& applied = choice.applied;
    bool purge = choice.purge;
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
    statements.insert(statements.end(), choice.also.begin(), choice.also.end());
    execute_all(db, statements, "stamp");
    return result;
}

std::vector<int> repair(Context& context) {
    context.graph();
    auto& db = context.database();
    Ledger ledger(db.kind(), context.version_table());
    MigrationLock lock(db, ledger.table(), context.lock_timeout());
    auto state = read_state(context, db, ledger);
    const auto& graph = context.graph();
    if (state.changed.empty())
        return {};
    std::vector<std::string> statements;
    // The stored downgrade stays: it is the one that matches what the database holds, and
    // `downgrade` runs it (ledger_downgrades) until the revision is applied again.
    for (int i : state.changed)
        statements.push_back(ledger.update_checksum_sql(graph.revision(i).id, graph.revision(i).checksum(),
                                                        state.row(graph.revision(i).id)->downgrade_sql));
    for (int i : edited_downgrades(graph, state, state.changed, db.kind()))
        context.notice(fmt::format("note: {}: the ledger keeps the downgrade stored when it was applied, which matches "
                                   "the database, and `downgrade` runs it (--file-downgrade runs the file's)",
                                   graph.revision(i).id));
    execute_all(db, statements, "repair");
    return state.changed;
}

} // namespace trellis
