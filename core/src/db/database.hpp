// One interface over the two databases (SQLite through its C API, PostgreSQL through libpqxx).
// Not thread-safe: one object is one connection, used by one command.
//
// Failures of SQL throw SqlError, which carries what a message needs (the database's text and, on
// PostgreSQL, the SQLSTATE); the caller adds the file and line. Connection failures and lock
// time-outs are database errors (exit 3) whose text never holds the password.
#pragma once

#include "db/open_mode.hpp"
#include "db/url.hpp"
#include "trellis/connection.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trellis {

class SqlError : public std::runtime_error {
public:
    SqlError(const std::string& message, std::string sqlstate)
        : std::runtime_error(message)
        , m_sqlstate(std::move(sqlstate)) {}
    const std::string& sqlstate() const { return m_sqlstate; }
    // A lock wait that ran out (PostgreSQL's lock_not_available; SQLite's busy database, which
    // SqliteDatabase reports with the same SQLSTATE): the transaction may be retried.
    bool lock_timeout() const { return m_sqlstate == k_lock_not_available; }
    static constexpr const char* k_lock_not_available = "55P03";

private:
    std::string m_sqlstate;
};

// The sqlstate of the SqlError a commit throws when the transaction begin() opened is no longer
// open: SQL run inside it (a COMMIT, ROLLBACK or END, from a file or a C++ step) ended it, and what
// ran after that was committed statement by statement. Nothing more is written then.
inline constexpr std::string_view k_transaction_ended = "trellis:transaction-ended";
inline constexpr const char* k_transaction_ended_text =
    "the SQL run inside the transaction trellis opened ended it (a COMMIT, ROLLBACK or END)";

// A failure inside Database::commit_with(): the SqlError, and which statement it came from.
class BatchError : public SqlError {
public:
    BatchError(const SqlError& error, std::size_t index)
        : SqlError(error)
        , m_index(index) {}
    // The index in commit_with's `statements`, or their count for its `last` and the COMMIT.
    std::size_t index() const { return m_index; }

private:
    std::size_t m_index;
};

class Database : public StepConnection {
public:
    Dialect kind() const { return m_url.dialect; }
    std::string dialect() const override { return std::string(dialect_name(m_url.dialect)); }
    const DatabaseUrl& url() const { return m_url; }

    // Starts a transaction. On SQLite it is `BEGIN IMMEDIATE`: it takes the write lock at once,
    // waiting up to the lock timeout, and throws a database error naming the lock when it cannot.
    virtual void begin() = 0;
    // Runs `last`, then commits. `last` is bookkeeping whose failure is the commit's (the ledger
    // row of a revision): PostgreSQL sends it with the COMMIT, in one round trip. On any failure
    // the transaction is rolled back and the error thrown. `last` runs only inside the transaction
    // begin() opened: when that has ended, it throws a SqlError of k_transaction_ended.
    virtual void commit(const std::vector<std::string>& last) = 0;
    void commit() { commit({}); }
    // Runs `statements`, then commits as commit(last) does, in as few round trips as the
    // database allows: PostgreSQL sends them all as one message (with the BEGIN, when it has not
    // gone yet), so a revision costs one round trip. On failure the transaction is rolled back
    // and a BatchError says which statement failed (what went with the BEGIN fails as the first
    // one, as with send_with_begin). This one runs them one by one.
    virtual void commit_with(const std::vector<std::string>& statements, const std::vector<std::string>& last);
    // Outside a transaction: each of `transactions` as BEGIN (with the limits), its statements,
    // COMMIT, one after the other, all in one message. They run in order; the first that fails
    // is rolled back, and nothing after it runs, as if each had been sent when the one before
    // had committed. Returns how many committed. A lost connection throws (what committed is
    // then unknown). A database where a round trip costs nothing worth saving (SQLite) sends
    // none and returns 0: the caller runs them one by one.
    virtual std::size_t commit_in_turn(const std::vector<std::vector<std::string>>& transactions) {
        (void)transactions;
        return 0;
    }
    virtual void rollback() = 0;
    virtual bool in_transaction() const = 0;
    // Right after begin(): `sql` travels with the BEGIN, ahead of the next statement (or the
    // commit) in the same message, and its failure is that statement's. PostgreSQL runs a message
    // statement by statement and stops at the first error, so a guard that fails keeps the
    // statement after it from running, at no round trip of its own. Returns false, keeping
    // nothing, where a round trip costs nothing worth saving (SQLite) or the BEGIN has gone.
    virtual bool send_with_begin(const std::string& sql) {
        (void)sql;
        return false;
    }
    // After begin(): false when the database is known to be unchanged since this connection's
    // last commit, so what it read before still holds. True when another connection may have
    // written in between (and always where the database cannot tell).
    virtual bool others_may_have_written() const { return true; }
    // False while no other connection can reach this database: SQLite in memory, or a new file
    // that keep_new_file() keeps.
    virtual bool open_to_others() const { return true; }
    // While the migration lock is held: a SQLite file that was new (absent or empty) when this
    // connection opened it stays locked for it alone from its next write until keep_new_file(false),
    // so nobody reads a half-made schema, and its journal stays open between commits instead of
    // being reopened, its directory synced, for each revision. Elsewhere nothing changes.
    virtual void keep_new_file(bool keep) { (void)keep; }

    // Bounds on the waits of every transaction begun from now on. PostgreSQL sets them with
    // `SET LOCAL` inside each transaction, so nothing outlives it in a pooled server connection
    // (statements outside a transaction run with the server's settings); SQLite applies the lock
    // wait as its busy time-out. A lock wait that runs out throws a SqlError whose
    // lock_timeout() is true; a statement time-out, a plain SqlError.
    struct Limits {
        std::chrono::milliseconds lock_wait{0};
        std::chrono::milliseconds statement{0}; // 0: none
    };
    virtual void set_limits(const Limits& limits) = 0;
    const Limits& limits() const { return m_limits; }
    // Asks the running statement to stop; it then fails with a SqlError. Safe to call from
    // another thread while this connection's own thread waits in a statement.
    virtual void cancel() = 0;
    // The schema that unqualified names resolve to now (PostgreSQL's current_schema()); empty
    // on SQLite.
    virtual std::string current_schema() { return ""; }

    virtual bool table_exists(const std::string& name) = 0;
    // A SQL string literal of `value` in this dialect.
    static std::string quote(std::string_view value);

    using StepConnection::execute;
    void execute(const std::string& sql, const std::vector<std::optional<std::string>>& parameters) override;

protected:
    explicit Database(DatabaseUrl url)
        : m_url(std::move(url)) {}
    // Throws a SqlError when `sql` holds a NUL byte: both client libraries take C strings, so
    // the database would run only what comes before it (`DELETE FROM t` of `DELETE FROM t<NUL>
    // WHERE id = 1`). Revision files with one are refused at load; this guards C++ steps too.
    static void check_no_nul(const std::string& sql);
    // Replaces `$N` placeholders with quoted literals (values are quoted, never spliced raw).
    static std::string bind(const std::string& sql, const std::vector<std::optional<std::string>>& parameters);

    DatabaseUrl m_url;
    Limits m_limits;
};

// A transaction that rolls back unless committed (libpqxx's rule): the scope of one revision.
class Transaction {
public:
    explicit Transaction(Database& db)
        : m_db(db) {
        m_db.begin();
    }
    ~Transaction() {
        if (m_open)
            try {
                m_db.rollback();
            } catch (...) {
                // Closing the connection rolls back as well.
            }
    }
    void commit(const std::vector<std::string>& last = {}) {
        m_open = false;
        m_db.commit(last);
    }
    void commit_with(const std::vector<std::string>& statements, const std::vector<std::string>& last) {
        m_open = false;
        m_db.commit_with(statements, last);
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

private:
    Database& m_db;
    bool m_open = true;
};

// Runs `statements` in one transaction; on failure nothing is changed and the error, a database
// error, says `what` failed.
void execute_all(Database& db, const std::vector<std::string>& statements, std::string_view what);

// Connects. `lock_timeout_seconds` is the first lock wait of its transactions (see set_limits).
std::unique_ptr<Database> connect(const DatabaseUrl& url, OpenMode mode, int lock_timeout_seconds);

} // namespace trellis
