#include "db/postgres_database.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <chrono>
#include <pqxx/pqxx>
#include <thread>

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
        m_transaction.reset(); // an uncommitted transaction rolls back
        unlock();
    } catch (...) {
        // Closing the connection releases the session lock anyway.
    }
}

void PostgresDatabase::execute(const std::string& sql) {
    guarded([&] {
        if (m_transaction) {
            m_transaction->exec(sql);
        } else {
            pqxx::nontransaction work(*m_connection);
            work.exec(sql);
        }
    });
}

std::vector<Row> PostgresDatabase::query(const std::string& sql) {
    return guarded([&] {
        auto run = [&](pqxx::transaction_base& work) {
            std::vector<Row> rows;
            for (const auto& result_row : work.exec(sql)) {
                Row row;
                for (const auto& field : result_row)
                    row.emplace_back(field.is_null() ? std::nullopt : std::optional<std::string>(field.c_str()));
                rows.push_back(std::move(row));
            }
            return rows;
        };
        if (m_transaction)
            return run(*m_transaction);
        pqxx::nontransaction work(*m_connection);
        return run(work);
    });
}

void PostgresDatabase::begin() {
    guarded([&] { m_transaction = std::make_unique<pqxx::work>(*m_connection); });
}

void PostgresDatabase::commit() {
    auto transaction = std::move(m_transaction);
    guarded([&] { transaction->commit(); });
}

void PostgresDatabase::rollback() {
    auto transaction = std::move(m_transaction);
    if (transaction)
        guarded([&] { transaction->abort(); });
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
