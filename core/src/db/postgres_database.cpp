#include "db/postgres_database.hpp"

#include "db/postgres_module.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <pqxx/pipeline>
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

// Notices ("relation already exists, skipping") are noise on a user's terminal; warnings are
// not. Filtered here rather than by `SET client_min_messages`, which would outlive the
// transaction in a pooled connection.
class Notices final : public pqxx::errorhandler {
public:
    explicit Notices(pqxx::connection_base& connection)
        : pqxx::errorhandler(connection) {}
    bool operator()(const char message[]) noexcept override {
        std::string_view text(message);
        for (std::string_view quiet : {"NOTICE:", "INFO:", "DEBUG", "LOG:"})
            if (text.starts_with(quiet))
                return false;
        std::fputs(message, stderr);
        return false;
    }
};

std::string milliseconds(std::chrono::milliseconds value) {
    return fmt::format("'{}ms'", value.count());
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

// One message through libpqxx's pipeline, which reads each statement's result on its own, so the
// failing one is known (`at`, when a SqlError comes out); it never sends a statement after a
// failure. (A syntax error fails a whole message before anything runs; the pipeline then sends
// the statements again one by one, in the transactions their BEGINs open, to find it.)
void send_as_one(pqxx::connection_base& connection, const std::vector<std::string>& queries, std::size_t& at) {
    guarded([&] {
        pqxx::nontransaction work(connection);
        pqxx::pipeline pipeline(work);
        pipeline.retain(static_cast<int>(queries.size()) + 1);
        std::vector<pqxx::pipeline::query_id> ids;
        for (const auto& q : queries)
            ids.push_back(pipeline.insert(q));
        pipeline.resume();
        try {
            for (at = 0; at < ids.size(); ++at)
                pipeline.retrieve(ids[at]);
        } catch (...) {
            pipeline.flush(); // what the server skipped after the failure
            throw;
        }
        pipeline.complete();
    });
}

} // namespace

PostgresDatabase::PostgresDatabase(const DatabaseUrl& url, int lock_timeout_seconds)
    : Database(url) {
    try {
        m_connection = std::make_unique<pqxx::connection>(url.libpq_string());
    } catch (const std::exception& e) {
        throw database_error("cannot connect to {}: {}", url.display(), clean(e.what()));
    }
    m_notices = std::make_unique<Notices>(*m_connection);
    m_limits.lock_wait = std::chrono::seconds(lock_timeout_seconds);
}

PostgresDatabase::~PostgresDatabase() {
    try {
        rollback(); // an uncommitted transaction rolls back
    } catch (...) {
        // Closing the connection rolls back as well.
    }
    m_notices.reset(); // before the connection it is registered with
}

std::vector<std::string> PostgresDatabase::begin_statements() const {
    std::vector<std::string> statements{"BEGIN", "SET LOCAL lock_timeout = " + milliseconds(m_limits.lock_wait)};
    if (m_limits.statement.count() > 0)
        statements.push_back("SET LOCAL statement_timeout = " + milliseconds(m_limits.statement));
    statements.insert(statements.end(), m_with_begin.begin(), m_with_begin.end());
    return statements;
}

std::string PostgresDatabase::begin_sql() const {
    std::string sql;
    for (const auto& statement : begin_statements())
        sql += statement + ";\n";
    return sql;
}

bool PostgresDatabase::send_with_begin(const std::string& sql) {
    if (!m_begin_pending)
        return false;
    check_no_nul(sql);
    m_with_begin.push_back(sql);
    return true;
}

std::string PostgresDatabase::with_begin(const std::string& sql) {
    if (!std::exchange(m_begin_pending, false))
        return sql;
    auto begin = begin_sql();
    m_with_begin.clear();
    return begin + sql;
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
    m_with_begin.clear();
}

std::vector<std::string> PostgresDatabase::closing(bool begun, const std::vector<std::string>& statements,
                                                   const std::vector<std::string>& last) {
    auto queries = begun ? std::vector<std::string>{} : begin_statements();
    m_with_begin.clear();
    for (const auto& statement : statements) {
        check_no_nul(statement);
        queries.push_back(statement);
    }
    if (begun)
        queries.insert(queries.end(), {"SAVEPOINT trellis_open", "RELEASE SAVEPOINT trellis_open"});
    queries.insert(queries.end(), last.begin(), last.end());
    queries.push_back("COMMIT");
    return queries;
}

void PostgresDatabase::commit(const std::vector<std::string>& last) {
    m_in_transaction = false;
    bool begun = !std::exchange(m_begin_pending, false);
    if (!begun && last.empty() && m_with_begin.empty())
        return; // nothing was sent, so there is nothing to commit
    // When SQL sent since BEGIN ended the transaction, the message is one implicit transaction:
    // its SAVEPOINT fails, and takes `last` with it.
    auto sql = text::join(closing(begun, {}, last), ";\n");
    try {
        guarded([&] { run(*m_connection, sql); });
    } catch (const SqlError& e) {
        if (begun && e.sqlstate() == "25P01")
            throw SqlError(k_transaction_ended_text, std::string(k_transaction_ended));
        roll_back_quietly();
        throw;
    }
}

// PostgreSQL stops a message at its failing statement: the transaction is left aborted, or
// ended when the COMMIT itself failed. ROLLBACK settles both (libpqxx drops the warning of the
// second).
void PostgresDatabase::roll_back_quietly() {
    try {
        run(*m_connection, "ROLLBACK");
    } catch (...) {
        // The connection is gone, and the transaction with it.
    }
}

void PostgresDatabase::commit_with(const std::vector<std::string>& statements, const std::vector<std::string>& last) {
    m_in_transaction = false;
    bool begun = !std::exchange(m_begin_pending, false);
    auto first = begun ? 0 : begin_statements().size(); // of the statements
    auto tail = first + statements.size();              // of what commit(last) would send
    auto queries = closing(begun, statements, last);
    std::size_t at = 0;
    try {
        send_as_one(*m_connection, queries, at);
    } catch (const SqlError& e) {
        if (begun && at == tail && e.sqlstate() == "25P01")
            throw BatchError(SqlError(k_transaction_ended_text, std::string(k_transaction_ended)), statements.size());
        roll_back_quietly();
        auto index = at < first ? 0 : at < tail ? at - first : statements.size();
        throw BatchError(e, std::min(index, statements.size()));
    }
}

std::size_t PostgresDatabase::commit_in_turn(const std::vector<std::vector<std::string>>& transactions) {
    if (m_in_transaction)
        throw std::logic_error("PostgresDatabase::commit_in_turn inside a transaction");
    std::vector<std::string> queries;
    std::vector<std::size_t> commits; // where each transaction's COMMIT is in `queries`
    for (const auto& statements : transactions) {
        auto one = closing(false, statements, {}); // BEGIN and the limits, the statements, COMMIT
        queries.insert(queries.end(), one.begin(), one.end());
        commits.push_back(queries.size() - 1);
    }
    std::size_t at = 0;
    try {
        send_as_one(*m_connection, queries, at);
    } catch (const SqlError&) {
        roll_back_quietly(); // the failing transaction, aborted (or ended, when its COMMIT failed)
        return static_cast<std::size_t>(std::lower_bound(commits.begin(), commits.end(), at) - commits.begin());
    }
    return transactions.size();
}

void PostgresDatabase::rollback() {
    if (!std::exchange(m_in_transaction, false))
        return;
    m_with_begin.clear();
    if (!std::exchange(m_begin_pending, false))
        guarded([&] { run(*m_connection, "ROLLBACK"); });
}

void PostgresDatabase::cancel() {
    m_connection->cancel_query();
}

std::string PostgresDatabase::current_schema() {
    auto rows = query("SELECT current_schema()");
    return rows.empty() ? "" : rows[0][0].value_or("");
}

bool PostgresDatabase::table_exists(const std::string& name) {
    auto rows = query("SELECT to_regclass(" + quote(name) + ") IS NOT NULL");
    return !rows.empty() && rows[0][0] == std::optional<std::string>("t");
}

} // namespace trellis

// The module's entry point (see db/postgres_module.hpp).
extern "C" __attribute__((visibility("default"))) const trellis::PostgresqlModule* trellis_postgresql_module() {
    static const trellis::PostgresqlModule module{
        trellis::k_postgresql_module_abi,
        [](const trellis::DatabaseUrl& url, int lock_timeout_seconds, std::unique_ptr<trellis::Database>& out) {
            out = std::make_unique<trellis::PostgresDatabase>(url, lock_timeout_seconds);
        }};
    return &module;
}
