#include "commands/runner.hpp"

#include "commands/concurrent_index.hpp"
#include "commands/state.hpp"
#include "db/migration_lock.hpp"
#include "db/transaction_seal.hpp"
#include "plugin/loader.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>

namespace trellis {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

SectionKind kind_of(Direction direction) {
    return direction == Direction::upgrade ? SectionKind::upgrade : SectionKind::downgrade;
}

struct FoundStep {
    const LoadedPlugin& plugin;
    const Step& step;
};

FoundStep find_step(Context& context, const std::string& call, const Revision& r, int line) {
    auto colon = call.find(':');
    auto plugin_name = call.substr(0, colon);
    auto step_name = call.substr(colon + 1);
    for (const auto& plugin : context.plugins()) {
        if (plugin.descriptor.name != plugin_name)
            continue;
        for (const auto& step : plugin.descriptor.steps)
            if (step.name == step_name)
                return {plugin, step};
        throw input_error("{}:{}: plugin `{}` has no step `{}`", files::display(r.path), line, plugin_name, step_name);
    }
    throw input_error("{}:{}: `-- +call {}` names plugin `{}`, which is not loaded", files::display(r.path), line, call,
                      plugin_name);
}

std::string first_line(const std::string& sql) {
    auto line = sql.substr(0, sql.find('\n'));
    return line.size() > 100 ? line.substr(0, 97) + "..." : line;
}

} // namespace

// The statements a revision runs in `direction` on `dialect` (or those of `instead`, a downgrade
// stored in the ledger), checked before anything runs.
std::vector<Statement> statements_of(const Graph& graph, int i, Direction direction, Dialect dialect,
                                     const std::map<int, Section>& instead) {
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
    return split_statements(*section, dialect_name(dialect));
}

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

Runner::Runner(Context& context, Database& db, const Ledger& ledger, Direction direction, const MigrateEvents& events,
               RunSettings settings)
    : m_context(context)
    , m_db(db)
    , m_ledger(ledger)
    , m_direction(direction)
    , m_events(events)
    , m_settings(settings) {}

std::vector<Prepared> Runner::prepare(const Graph& graph, const Plan& plan) {
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

bool Prepared::sql_only() const {
    return std::all_of(statements.begin(), statements.end(), [](const auto& s) { return s.call.empty(); });
}

std::vector<int> Runner::run(const Graph& graph, const std::vector<Prepared>& prepared, bool ledger_exists) {
    m_ledger_exists = ledger_exists;
    m_ledger_existed = ledger_exists;
    auto saved = m_db.limits();
    m_db.set_limits(m_settings.limits);
    std::vector<int> done;
    std::size_t alone_until = 0; // a revision that failed in turn runs again alone
    for (std::size_t k = 0; k < prepared.size();) {
        throw_if_interrupted(fmt::format("{} revision(s) of this run kept, nothing else changed", m_done));
        if (k >= alone_until) {
            auto turn = run_in_turn(graph, prepared, k, done);
            if (turn.sent > 0) {
                k += turn.committed;
                if (turn.committed < turn.sent)
                    alone_until = k + 1;
                continue;
            }
        }
        run_alone(graph, prepared, k, done);
        ++k;
    }
    m_db.set_limits(saved);
    return done;
}

void Runner::run_alone(const Graph& graph, const std::vector<Prepared>& prepared, std::size_t k,
                       std::vector<int>& done) {
    if (m_events.starting)
        m_events.starting(graph, prepared[k].revision, k + 1, prepared.size());
    auto start = Clock::now();
    m_last = k + 1 == prepared.size();
    bool ran = run_with_retries(graph, prepared[k]);
    if (ran && m_last && m_settings.lock)
        m_settings.lock->released(); // its row went with this commit (ledger_statements)
    auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    if (!ran && m_events.skipped)
        m_events.skipped(graph, prepared[k].revision);
    if (ran && m_events.finished)
        m_events.finished(graph, prepared[k].revision, took);
    if (ran) {
        ++m_done;
        done.push_back(prepared[k].revision);
    }
}

std::vector<std::string> Runner::ledger_statements(const Graph& graph, int i, Clock::time_point start,
                                                   bool timed_by_server) {
    const auto& r = graph.revision(i);
    std::vector<std::string> statements;
    if (!up()) {
        statements.push_back(m_ledger.delete_sql(r.id));
    } else {
        if (!m_ledger_exists) {
            // IF NOT EXISTS: on PostgreSQL another host may have made it between our read and now.
            statements.push_back(m_ledger.create_sql());
            m_ledger_exists = true;
        }
        auto row = row_for(graph, i, m_db.kind());
        row.duration_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
        statements.push_back(m_ledger.insert_sql(row, timed_by_server));
    }
    if (m_settings.lock && m_last)
        statements.push_back(m_settings.lock->release_sql()); // the run ends here: so does the lock
    else if (m_settings.lock)
        if (auto renew = m_settings.lock->renew_sql_if_due())
            statements.push_back(*renew);
    return statements;
}

// " (SQLSTATE 42P01)" on PostgreSQL; SQLite's codes are no standard a user could look up.
std::string Runner::sqlstate_note(const SqlError& e) const {
    return e.sqlstate().empty() || m_db.kind() == Dialect::sqlite ? "" : fmt::format(" (SQLSTATE {})", e.sqlstate());
}

void Runner::commit_recorded(Transaction& transaction, const Graph& graph, const Prepared& p, Clock::time_point start,
                             std::string_view aftermath) {
    try {
        transaction.commit(ledger_statements(graph, p.revision, start));
    } catch (const SqlError& e) {
        commit_failed(graph.revision(p.revision), e, aftermath);
    }
}

void Runner::commit_failed(const Revision& r, const SqlError& e, std::string_view aftermath) {
    if (is_guard_failure(e))
        throw GuardFailed{}; // a revision without statements: the guard went with the COMMIT
    if (e.lock_timeout())
        throw LockWaitExpired{e.what(), "COMMIT", 0};
    if (e.sqlstate() == k_transaction_ended)
        throw database_error("{}: the {} of {} failed: {}, so some of its statements may be committed and "
                             "others not; it is not recorded in the ledger: check the database by hand",
                             files::display(r.path), up() ? "upgrade" : "downgrade", r.id, e.what());
    // The ledger row or a constraint checked at commit (DEFERRABLE): the database's words say which.
    throw database_error("{}: committing the {} of {} with its ledger row failed: {}{}; {}", files::display(r.path),
                         up() ? "upgrade" : "downgrade", r.id, e.what(), sqlstate_note(e), aftermath)
        .at(files::display(r.path))
        .revision(r.id)
        .sqlstate(m_db.kind() == Dialect::postgresql ? e.sqlstate() : "");
}

bool Runner::run_with_retries(const Graph& graph, const Prepared& p) {
    const auto& r = graph.revision(p.revision);
    auto began = Clock::now();
    auto pause = std::min(milliseconds(500), std::max(milliseconds(100), m_settings.limits.lock_wait / 2));
    for (int attempt = 1;; ++attempt) {
        auto start = Clock::now();
        try {
            return r.transactional ? run_transactional(graph, p, start) : run_outside(graph, p, start);
        } catch (const LockWaitExpired& e) {
            auto blockers = m_settings.lock ? m_settings.lock->blockers() : std::string{};
            if (m_settings.lock)
                m_settings.lock->unwatch();
            auto where = e.line ? fmt::format("{}:{}", files::display(r.path), e.line) : files::display(r.path);
            auto spent = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - began + pause);
            if (spent > m_settings.retry_budget)
                throw database_error("{}: {} of {} gave up after {} attempt(s) in {} s (ddl_retry_budget): each "
                                     "waited {} ms for a lock (ddl_lock_timeout); blocked by {}: {}{}; the revision "
                                     "was rolled back, {} earlier revision(s) of this run kept",
                                     where, up() ? "upgrade" : "downgrade", r.id, attempt,
                                     std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - began).count(),
                                     m_settings.limits.lock_wait.count(),
                                     blockers.empty() ? m_db.kind() == Dialect::sqlite
                                                            ? "another connection to the file (SQLite cannot say which)"
                                                            : "another session"
                                                      : blockers,
                                     e.message, e.statement.empty() ? "" : "\n  statement: " + first_line(e.statement),
                                     m_done);
            if (m_events.retrying)
                m_events.retrying(graph, p.revision, attempt, pause, blockers.empty() ? e.message : blockers);
            pause_unless_interrupted(pause);
            throw_if_interrupted(fmt::format("{} was rolled back while waiting to retry; {} earlier revision(s) of "
                                             "this run kept",
                                             r.id, m_done));
            pause = std::min(pause * 2, milliseconds(10000));
        }
    }
}

void Runner::begin(std::optional<Transaction>& transaction) {
    try {
        transaction.emplace(m_db);
    } catch (const SqlError& e) {
        if (!e.lock_timeout())
            throw;
        throw LockWaitExpired{e.what(), "", 0}; // SQLite: another writer holds the file
    }
}

bool Runner::run_transactional(const Graph& graph, const Prepared& p, Clock::time_point start) {
    std::optional<Transaction> transaction;
    begin(transaction);
    if (send_guard(graph, p.revision)) {
        try {
            run_entered(*transaction, graph, p, start);
            return true;
        } catch (const GuardFailed&) {
            transaction.reset(); // rolled back: nothing of the revision ran
            begin(transaction);
        }
    }
    if (enter(graph, p.revision) == Verdict::skip)
        return false;
    run_entered(*transaction, graph, p, start);
    return true;
}

void Runner::run_entered(Transaction& transaction, const Graph& graph, const Prepared& p, Clock::time_point start) {
    auto aftermath = fmt::format("the revision was rolled back, {} earlier revision(s) of this run kept", m_done);
    if (m_settings.lock)
        m_settings.lock->watch();
    if (m_db.kind() == Dialect::postgresql && p.sql_only()) {
        run_in_one_message(transaction, graph, p, aftermath);
        return;
    }
    {
        TransactionSeal sealed(m_db); // no statement of the revision ends, begins or nests its transaction
        run_statements(graph, p, "");
    }
    if (m_settings.lock)
        m_settings.lock->unwatch();
    commit_recorded(transaction, graph, p, start, aftermath);
}

// PostgreSQL: the revision's statements, its ledger row and the COMMIT (after the BEGIN and the
// guard, when they are still to go) as one message, one round trip; the failing statement is
// still known (Database::commit_with), and named as run_statements names it. The ledger row's
// duration is the server's, as it is written before the statements have run.
void Runner::run_in_one_message(Transaction& transaction, const Graph& graph, const Prepared& p,
                                std::string_view aftermath) {
    const auto& r = graph.revision(p.revision);
    std::vector<std::string> sql;
    for (const auto& statement : p.statements)
        sql.push_back(statement.sql);
    bool ledger_existed = m_ledger_exists;
    try {
        transaction.commit_with(sql, ledger_statements(graph, p.revision, Clock::now(), true));
    } catch (const BatchError& e) {
        m_ledger_exists = ledger_existed; // a ledger made in this transaction was rolled back with it
        if (m_settings.lock)
            m_settings.lock->unwatch();
        if (e.index() < p.statements.size())
            statement_failed(r, p.statements[e.index()], e, "", std::nullopt);
        commit_failed(r, e, aftermath);
    }
    if (m_settings.lock)
        m_settings.lock->unwatch();
}

bool Runner::run_outside(const Graph& graph, const Prepared& p, Clock::time_point start) {
    {
        std::optional<Transaction> look; // before any statement ran: a lock wait may be retried
        begin(look);
        if (enter(graph, p.revision) == Verdict::skip)
            return false;
        look->commit();
    }
    run_statements(graph, p,
                   "; it is `transactional: false`, so the statements before this one stay applied and "
                   "the revision is not recorded: repair the database by hand, then run again");
    const auto& id = graph.revision(p.revision).id;
    auto aftermath = fmt::format("it is `transactional: false`, so its statements stay applied; once the ledger "
                                 "takes rows again, `trellis stamp {}` records it",
                                 id);
    // Its statements ran: from here a lock wait is not retried (that would run them again), and
    // the ledger row may wait for other writers as long as the whole budget.
    try {
        struct Restore {
            Database& db;
            Database::Limits saved;
            ~Restore() { db.set_limits(saved); }
        } restore{m_db, m_db.limits()};
        m_db.set_limits({std::chrono::duration_cast<milliseconds>(m_settings.retry_budget), restore.saved.statement});
        std::optional<Transaction> transaction;
        begin(transaction);
        if (enter(graph, p.revision) == Verdict::skip)
            return false; // another command recorded it while its statements ran here
        commit_recorded(*transaction, graph, p, start, aftermath);
    } catch (const LockWaitExpired& e) {
        throw database_error("{}: recording {} in the ledger failed: {}; {}",
                             files::display(graph.revision(p.revision).path), id, e.message, aftermath);
    }
    return true;
}

// A first upgrade that meets a table already there: the schema came from elsewhere (by hand,
// another tool, `create_all`). Say how to adopt it instead of leaving the user at the SQL error.
std::string Runner::no_ledger_note(const SqlError& e) const {
    bool exists = e.sqlstate() == "42P07" || e.sqlstate() == "42701" ||
                  std::string_view(e.what()).find("already exists") != std::string_view::npos;
    if (!exists || !up() || m_ledger_existed)
        return "";
    return "\n  hint: the database holds this schema but has no ledger: record what is there with `trellis stamp "
           "REV` (or `trellis stamp heads`), or use `trellis prepare` on a database made from the models";
}

void Runner::run_statements(const Graph& graph, const Prepared& p, std::string_view aftermath) {
    const auto& r = graph.revision(p.revision);
    for (const auto& statement : p.statements) {
        // A concurrent index build outside a transaction that failed before left an INVALID index.
        auto index = !r.transactional && m_db.kind() == Dialect::postgresql ? concurrent_index_name(statement.sql)
                                                                            : std::nullopt;
        try {
            if (index)
                if (auto invalid = invalid_index(m_db, *index))
                    m_db.execute(drop_invalid_index_sql(*invalid));
            if (statement.call.empty())
                m_db.execute(statement.sql);
            else
                run_step(r, statement);
        } catch (const SqlError& e) {
            statement_failed(r, statement, e, aftermath, index);
        }
    }
}

void Runner::statement_failed(const Revision& r, const Statement& statement, const SqlError& e,
                              std::string_view aftermath, const std::optional<std::string>& index) {
    if (is_guard_failure(e))
        throw GuardFailed{}; // the guard sent ahead of the first statement
    throw_if_interrupted(fmt::format("the running statement ({}:{}) was cancelled and {} rolled back; {} "
                                     "earlier revision(s) of this run kept",
                                     files::display(r.path), statement.line, r.id, m_done));
    if (e.lock_timeout() && r.transactional)
        throw LockWaitExpired{e.what(), statement.call.empty() ? statement.sql : "-- +call " + statement.call,
                              statement.line};
    throw database_error("{}:{}: {} of {} failed: {}{}\n  statement: {}; the revision was rolled back, {} "
                         "earlier revision(s) of this run kept{}{}{}",
                         files::display(r.path), statement.line, up() ? "upgrade" : "downgrade", r.id, e.what(),
                         sqlstate_note(e),
                         statement.call.empty() ? first_line(statement.sql) : "-- +call " + statement.call, m_done,
                         aftermath, index ? invalid_index_note(*index) : "", no_ledger_note(e))
        .at(files::display(r.path), statement.line)
        .revision(r.id)
        .sqlstate(m_db.kind() == Dialect::postgresql ? e.sqlstate() : "");
}

std::string Runner::invalid_index_note(const std::string& index) {
    try {
        auto invalid = invalid_index(m_db, index);
        return invalid ? fmt::format("\n  it left the INVALID index {}: the next run drops and rebuilds it, or drop it "
                                     "by hand: {};",
                                     *invalid, drop_invalid_index_sql(*invalid))
                       : "";
    } catch (const SqlError&) {
        return ""; // the connection is gone: the error above says why
    }
}

// The step runs through call_plugin like every call into a plugin, so what it throws names the
// library; a SqlError of its statements is the database's, and goes on as it is (a lock wait
// that ran out is retried). Either way run_statements adds the file, line and revision.
void Runner::run_step(const Revision& r, const Statement& statement) {
    auto found = find_step(m_context, statement.call, r, statement.line);
    std::optional<SqlError> failed;
    try {
        call_plugin(found.plugin, fmt::format("step `{}` of revision {}", statement.call, r.id), [&] {
            try {
                found.step.run(m_db);
            } catch (const SqlError& e) {
                failed = e;
            }
        });
    } catch (const Error& e) {
        throw SqlError(e.what(), "");
    }
    if (failed)
        throw *failed;
}

} // namespace trellis
