// Runs a plan's revisions against a live database (SPEC.md, "Ledger", "Lock", "Table locks").
//
// Each transactional revision is one transaction: the lock's fence first (the command still owns
// the migration lock), then the ledger re-read for what this revision touches (upgrade: it is
// not applied yet and everything it needs is; downgrade: it is applied and nothing applied needs
// it), then its statements, then its ledger row (and the lock's renewal, when due) with the COMMIT. On
// PostgreSQL all of it is one message (send_guard, then run_in_one_message), so a revision
// costs one round trip; when nothing is shown for each revision, consecutive revisions share a
// message (run_in_turn). A guard that fails ran nothing, and the
// exact reading (enter) decides between skipping and an error. Lock
// waits are bounded per attempt (`ddl_lock_timeout`): when one runs out, the revision rolls back
// and is retried after a growing pause until the retry budget is spent, each attempt naming the
// session that blocked it. A revision another command applied (or reverted) first is skipped.
#pragma once

#include "commands/context.hpp"
#include "commands/migrate_events.hpp"
#include "db/database.hpp"
#include "db/ledger.hpp"
#include "graph/planner.hpp"
#include "revision/sql_split.hpp"

#include <map>

namespace trellis {

class MigrationLock;

struct RunSettings {
    MigrationLock* lock = nullptr; // null: a scratch database that this process alone uses
    Database::Limits limits;       // per attempt
    std::chrono::seconds retry_budget{120};
};

// The statements a revision runs in `direction` on `dialect` (or, for the revisions `instead`
// holds, those sections: downgrades stored in the ledger), checked before anything runs.
std::vector<Statement> statements_of(const Graph& graph, int i, Direction direction, Dialect dialect,
                                     const std::map<int, Section>& instead = {});
// The ledger row that records revision i.
LedgerRow row_for(const Graph& graph, int i, Dialect dialect);

struct Prepared {
    int revision;
    std::vector<Statement> statements;
    // No C++ step: SQL alone, which PostgreSQL can take in one message.
    bool sql_only() const;
};

class Runner {
public:
    Runner(Context& context, Database& db, const Ledger& ledger, Direction direction, const MigrateEvents& events,
           RunSettings settings = {});

    // Downgrades to run from the ledger instead of the files (ledger_downgrades).
    void run_instead(std::map<int, Section> sections) { m_instead = std::move(sections); }

    // Everything is read and checked before the first statement runs: a typo in the last
    // revision must not stop a deploy half-way.
    std::vector<Prepared> prepare(const Graph& graph, const Plan& plan);

    // Runs them in order; returns the revisions it applied (or reverted), skipping those that
    // another command handled first.
    std::vector<int> run(const Graph& graph, const std::vector<Prepared>& prepared, bool ledger_exists);

private:
    enum class Verdict { run, skip };
    // A lock wait that ran out inside an attempt: the attempt is rolled back and may be retried.
    struct LockWaitExpired {
        std::string message;   // the database's
        std::string statement; // what waited, or empty
        int line = 0;
    };
    // The guard sent with a revision's first statement failed (send_guard): nothing of it ran.
    struct GuardFailed {};
    bool up() const { return m_direction == Direction::upgrade; }
    std::vector<std::string> neighbours(const Graph& graph, int i) const;
    // The guard that goes first in revision i's transaction (send_guard, run_in_turn): the lock's
    // fence, and the ledger check once there is a ledger.
    std::string guard_for(const Graph& graph, int i);
    bool send_guard(const Graph& graph, int i);
    // prepared[k] on its own: its attempts, retries and events.
    void run_alone(const Graph& graph, const std::vector<Prepared>& prepared, std::size_t k, std::vector<int>& done);
    // PostgreSQL, when nothing is shown for each revision (quiet, --json, a fan-out's children):
    // the revisions from prepared[k] on that may go together, sent in one message, each still its
    // own transaction with its guard and ledger row (Database::commit_in_turn). Says how many it
    // sent (none: run prepared[k] alone) and how many committed; the one that failed is run again
    // alone, where its error, retries or skip are handled as ever.
    struct InTurn {
        std::size_t sent = 0;
        std::size_t committed = 0;
    };
    InTurn run_in_turn(const Graph& graph, const std::vector<Prepared>& prepared, std::size_t k,
                       std::vector<int>& done);
    Verdict enter(const Graph& graph, int i);
    // After the checks: the revision's statements under watch, then the commit with its row.
    void run_entered(Transaction& transaction, const Graph& graph, const Prepared& p,
                     std::chrono::steady_clock::time_point start);
    // Inside a transaction: whether another connection may have written since this run began
    // (once true, true for the rest of the run: what it changed is unknown).
    bool stale();
    // The revision's ledger row (and the lease's renewal when due); `timed_by_server`: see
    // Ledger::insert_sql.
    std::vector<std::string> ledger_statements(const Graph& graph, int i, std::chrono::steady_clock::time_point start,
                                               bool timed_by_server = false);
    std::string sqlstate_note(const SqlError& e) const;
    void commit_recorded(Transaction& transaction, const Graph& graph, const Prepared& p,
                         std::chrono::steady_clock::time_point start, std::string_view aftermath);
    void run_in_one_message(Transaction& transaction, const Graph& graph, const Prepared& p,
                            std::string_view aftermath);
    // The errors of a failed statement and of a failed commit, as the user reads them.
    [[noreturn]] void statement_failed(const Revision& r, const Statement& statement, const SqlError& e,
                                       std::string_view aftermath, const std::optional<std::string>& index);
    [[noreturn]] void commit_failed(const Revision& r, const SqlError& e, std::string_view aftermath);
    bool run_with_retries(const Graph& graph, const Prepared& p);
    // Begins an attempt's transaction; a busy SQLite file is a lock wait that ran out.
    void begin(std::optional<Transaction>& transaction);
    bool run_transactional(const Graph& graph, const Prepared& p, std::chrono::steady_clock::time_point start);
    bool run_outside(const Graph& graph, const Prepared& p, std::chrono::steady_clock::time_point start);
    void run_statements(const Graph& graph, const Prepared& p, std::string_view aftermath);
    std::string no_ledger_note(const SqlError& e) const;
    void run_step(const Revision& r, const Statement& statement);
    // What a failed CREATE INDEX CONCURRENTLY left behind, for its error message.
    std::string invalid_index_note(const std::string& index);

    Context& m_context;
    Database& m_db;
    const Ledger& m_ledger;
    Direction m_direction;
    const MigrateEvents& m_events;
    RunSettings m_settings;
    std::map<int, Section> m_instead;
    bool m_ledger_exists = false;
    bool m_ledger_existed = false; // when the run began: a run with none meets tables made elsewhere
    // SQLite: whether another connection wrote since the state the plan was made from. The lock
    // was committed on this connection before that state was read, so SQLite's data version
    // answers from the first revision on (see stale()).
    bool m_stale = false;
    std::size_t m_done = 0;
    // Running the plan's last revision: its commit releases the migration lock (the caller
    // does nothing more under it), a commit less per run.
    bool m_last = false;
};

} // namespace trellis
