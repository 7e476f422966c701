// The migration lock (SPEC.md, "Lock"): one row in `<version_table>_lock` beside the ledger,
// taken and released in short transactions of its own. It needs no session state, so it holds
// on direct connections, through transaction poolers (PgBouncer) and on PostgreSQL-compatible
// engines without advisory locks, and the same code serves SQLite.
//
// - The row names its owner: a random token, host, pid, command, when it was taken. Times are
//   the database's clock (epoch seconds), so hosts with skewed clocks agree on a lease.
// - A lease: the row expires `lease` seconds after its last renewal. A keeper thread with a
//   connection of its own renews it every third of the lease while the command runs. A taker
//   waits for the lease to end, or takes over at once when the holder is a process of this host
//   that no longer exists.
// - Fencing: fence() runs first in each revision's transaction and renews the row only if this
//   command still owns it (fence_sql(), on PostgreSQL, locks it without renewing); it holds the
//   row until that transaction ends, so nobody can take the lock over while a revision runs, and
//   a command that lost its lock commits nothing.
// - Waiting is polling with short transactions, never a wait inside one: a waiter cannot hold up
//   the holder's CREATE INDEX CONCURRENTLY, which waits for every open transaction.
//
// While watching a statement (watch()), the keeper also asks PostgreSQL which sessions block it
// (pg_blocking_pids), so a lock time-out can name the blocker.
//
// Threads: the object is used by the command's thread; the keeper thread uses only its own
// connection and shares the blocker text under a mutex.
#pragma once

#include "db/database.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace trellis {

struct LockSettings {
    std::string table;                // the lock table, qualified with its schema
    std::chrono::seconds timeout{60}; // how long to wait for the lock (--lock-timeout)
    std::chrono::seconds lease{30};   // how long a holder that stopped renewing keeps it
    std::string command;              // what the holder runs, for messages ("upgrade")
};

// The holder of a lock as the lock row tells it.
struct LockHolder {
    std::string owner, host, command;
    long long pid = 0;
    double held_for = 0;   // seconds since it was taken
    double expires_in = 0; // seconds until its lease ends (negative: ended)
    std::string describe() const;
};

// The lock table's CREATE statement.
std::string lock_table_sql(const std::string& table);
// The current holder, if any (the table may be missing).
std::optional<LockHolder> read_lock(Database& db, const std::string& table);
// Deletes the lock row whoever holds it (`trellis unlock`). Returns whether there was one.
bool release_lock(Database& db, const std::string& table);

// A statement that fails when `condition` (SQL, evaluated when it runs) is false, with an error
// that is_guard_failure() recognises: sent ahead of other statements in one message, it keeps
// them from running unless the condition holds. Plain SQL (a cast that fails), so that it runs
// on PostgreSQL-compatible engines without PL/pgSQL.
std::string guard_sql(const std::string& condition);
bool is_guard_failure(const SqlError& e);

class MigrationLock {
public:
    // Takes the lock, polling until `settings.timeout`. Throws a database error naming the holder
    // when it runs out, or the interruption when the command is interrupted.
    MigrationLock(Database& db, LockSettings settings);
    // Stops the keeper and deletes the row (if still ours).
    ~MigrationLock();
    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;

    // First thing inside a transaction of `db`: renews the lease if this command still owns the
    // lock, and holds the row until the transaction ends. Throws a database error when the lock
    // was lost (taken over after the lease, or released by `trellis unlock`). Returns the server
    // process of the transaction (0 on SQLite), for watch().
    long long fence();
    // fence(), then `query` (a SELECT), in one round trip on PostgreSQL; the rows of `query`, each
    // after one column more, and the fence's server process. When `query` returns no row, one
    // row of NULLs stands for it.
    std::pair<long long, std::vector<Row>> fence_then(const std::string& query);
    // A statement for the end of the same transaction: renews the lease from the commit's time.
    std::string renew_sql() const;
    // renew_sql() when a third of the lease has passed since this command last renewed (the
    // take, a fence, a renewal sent with a commit), else nothing: a lease that still has two
    // thirds left needs no renewal, and a second UPDATE of the lock row in every revision's
    // transaction more than doubles what a short revision costs PostgreSQL.
    std::optional<std::string> renew_sql_if_due();
    // fence() as a statement that travels ahead of a transaction's first one (PostgreSQL's
    // Database::send_with_begin, no round trip of its own): guard_sql() of "this command owns the
    // lock" (its row read FOR UPDATE, which holds it until the transaction ends, as the fence's
    // UPDATE does) and `ready` (an SQL condition; empty: none). It renews nothing: the lease is
    // renewed with a commit when due (renew_sql_if_due). When the guard fails, nothing after it
    // ran: roll back, and fence() (in a new transaction) says whether the lock was lost.
    std::string fence_sql(const std::string& ready);

    // A statement for the end of the last transaction under the lock: deletes the row, so the
    // lock ends with that commit; say released() once it committed, and the destructor deletes
    // nothing more.
    std::string release_sql() const;
    void released() { m_released = true; }

    // Between watch() and unwatch(), the keeper notes which sessions block this command's
    // transaction (the one whose fence holds the lock row), once a statement has waited a while.
    void watch();
    void unwatch();
    // The blockers noted during the last watch: "pid 123, application `psql`, ..."; empty when
    // none was seen.
    std::string blockers() const;

private:
    struct Keeper;
    bool try_take(const std::optional<LockHolder>& dead);
    [[noreturn]] void lost();

    Database& m_db;
    LockSettings m_settings;
    std::string m_token, m_host;
    std::chrono::steady_clock::time_point m_renewed_at; // before the last renewal was sent
    bool m_create_table = false;                        // the table is missing: the take creates it
    bool m_released = false;                            // release_sql() committed
    std::unique_ptr<Keeper> m_keeper;
};

} // namespace trellis
