#include "db/postgres_database.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <chrono>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>
#include <utility>

namespace trellis {

namespace {

// pqxx's messages start with "ERROR:  " and end with a newline; keep the database's sentence.
std::string clean(const std::string& message) {
    auto text = std::string(text::trim(message));
    for (std::string_view prefix : {"ERROR:  ", "FATAL:  "})
        if (text.starts_with(prefix))
            text = text.substr(prefix.size());
    auto newline = text.find('\n');
    return newline == std::string::npos ? text : text.substr(0, newline);
}

// A stable 64-bit key for the advisory lock (FNV-1a), the same on every host.
long long lock_key(const std::string& name) {
    return static_cast<long long>(text::fnv1a("trellis:" + name));
}

template <typename Work> auto guarded(Work&& work) -> decltype(work()) {
    try {
        return work();
    } catch (const pqxx::sql_error& e) {
        throw SqlError(clean(e.what()), e.sqlstate());
    } catch (const pqxx::broken_connection& e) {
        throw database_error("lost the connection to PostgreSQL: {}", clean(e.what()));
    }
}

pqxx::result run(pqxx::connection_base& connection, const std::string& sql) {
    pqxx::nontransaction work(connection);
    return work.exec(sql);
}

} // namespace

PostgresDatabase::PostgresDatabase(const DatabaseUrl& url, int lock_timeout_seconds)
    : Database(url) {
    try {
        m_connection = std::make_unique<pqxx::connection>(url.libpq_string());
    } catch (const std::exception& e) {
        throw database_error("cannot connect to {}: {}", url.display(), clean(e.what()));
    }
    // Notices such as "relation already exists, skipping" are noise on a user's terminal.
    execute("SET client_min_messages = warning");
    execute(fmt::format("SET lock_timeout = '{}s'", lock_timeout_seconds));
}

PostgresDatabase::~PostgresDatabase() {
    try {
        rollback(); // an uncommitted transaction rolls back
        unlock();
    } catch (...) {
        // Closing the connection releases the session lock anyway.
    }
}

std::string PostgresDatabase::with_begin(const std::string& sql) {
    return std::exchange(m_begin_pending, false) ? "BEGIN;\n" + sql : sql;
}

void PostgresDatabase::execute(const std::string& sql) {
    check_no_nul(sql);
    guarded([&] { run(*m_connection, with_begin(sql)); });
}

std::vector<Row> PostgresDatabase::query(const std::string& sql) {
    check_no_nul(sql);
    return guarded([&] {
        std::vector<Row> rows;
        // Of several statements in one message, the result is the last one's.
        for (const auto& result_row : run(*m_connection, with_begin(sql))) {
            Row row;
            for (const auto& field : result_row)
                row.emplace_back(field.is_null() ? std::nullopt : std::optional<std::string>(field.c_str()));
            rows.push_back(std::move(row));
        }
        return rows;
    });
}

void PostgresDatabase::begin() {
    if (m_in_transaction)
        throw std::logic_error("PostgresDatabase::begin inside a transaction");
    m_in_transaction = true;
    m_begin_pending = true;
}

void PostgresDatabase::commit(const std::vector<std::string>& last) {
    m_in_transaction = false;
    bool begun = !std::exchange(m_begin_pending, false);
    if (!begun && last.empty())
        return; // nothing was sent, so there is nothing to commit
    // A SAVEPOINT fails (25P01) unless an explicit transaction is open: when SQL sent since BEGIN
    // ended it, the message is one implicit transaction, and the failure takes `last` with it.
    std::string sql = begun ? "SAVEPOINT trellis_open; RELEASE SAVEPOINT trellis_open;\n" : "BEGIN;\n";
    for (const auto& statement : last)
        sql += statement + ";\n";
    sql += "COMMIT";
    try {
        guarded([&] { run(*m_connection, sql); });
    } catch (const SqlError& e) {
        if (begun && e.sqlstate() == "25P01")
            throw SqlError(k_transaction_ended_text, std::string(k_transaction_ended));
        // PostgreSQL stops a message at its failing statement: the transaction is left aborted,
        // or ended when the COMMIT itself failed. ROLLBACK settles both (libpqxx drops the
        // warning of the second).
        try {
            run(*m_connection, "ROLLBACK");
        } catch (...) {
            // The connection is gone, and the transaction with it.
        }
        throw;
    }
}

void PostgresDatabase::rollback() {
    if (!std::exchange(m_in_transaction, false))
        return;
    if (!std::exchange(m_begin_pending, false))
        guarded([&] { run(*m_connection, "ROLLBACK"); });
}

void PostgresDatabase::lock(const std::string& name, int timeout_seconds) {
    // Polling pg_try_advisory_lock rather than waiting in pg_advisory_lock: a time-out can then
    // name the holder, and a Ctrl-C never leaves a waiter behind.
    auto key = lock_key(name);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    auto pause = std::chrono::milliseconds(20);
    while (true) {
        auto rows = query(fmt::format("SELECT pg_try_advisory_lock({})", key));
        if (!rows.empty() && rows[0][0] == std::optional<std::string>("t")) {
            m_lock_key = key;
            return;
        }
        if (std::chrono::steady_clock::now() >= deadline)
            throw database_error("another migration holds the lock on {} ({}); gave up after {} s (--lock-timeout)",
                                 name, lock_holder(key), timeout_seconds);
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(250));
    }
}

std::string PostgresDatabase::lock_holder(long long key) {
    auto unsigned_key = static_cast<unsigned long long>(key);
    auto rows = query(fmt::format(
        "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), "
        "to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {} AND l.objid = {} AND l.objsubid = 1",
        unsigned_key >> 32, unsigned_key & 0xffffffffull));
    if (rows.empty())
        return "holder unknown";
    auto& r = rows.front();
    return fmt::format("held by pid {}, application `{}`, from {}, connected since {}", r[0].value_or("?"),
                       r[1].value_or(""), r[2].value_or("?"), r[3].value_or("?"));
}

void PostgresDatabase::unlock() {
    if (!m_lock_key)
        return;
    auto key = *m_lock_key;
    m_lock_key.reset();
    query(fmt::format("SELECT pg_advisory_unlock({})", key));
}

bool PostgresDatabase::table_exists(const std::string& name) {
    auto rows = query("SELECT to_regclass(" + quote(name) + ") IS NOT NULL");
    return !rows.empty() && rows[0][0] == std::optional<std::string>("t");
}

} // namespace trellis

// The module's entry point (see db/postgres_module.hpp).
extern "C" __attribute__((visibility("default"))) trellis::Database*
trellis_postgresql_connect(const trellis::DatabaseUrl& url, int lock_timeout_seconds) {
    return new trellis::PostgresDatabase(url, lock_timeout_seconds);
}
