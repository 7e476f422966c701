// PostgreSQL through libpqxx 6.4. Every connection says `application_name=trellis` (unless the URL
// sets one), so a blocking session can be named. Nothing is set for the session: a pooler in
// transaction mode (PgBouncer) hands the server connection to other clients after each
// transaction, so limits are `SET LOCAL` inside each transaction and notices are filtered here.
#pragma once

#include "db/database.hpp"

#include <memory>

namespace pqxx {
class connection_base;
class errorhandler;
} // namespace pqxx

namespace trellis {

class PostgresDatabase final : public Database {
public:
    PostgresDatabase(const DatabaseUrl& url, int lock_timeout_seconds);
    ~PostgresDatabase() override;

    void execute(const std::string& sql) override;
    using Database::execute;
    std::vector<Row> query(const std::string& sql) override;
    void begin() override;
    void commit(const std::vector<std::string>& last) override;
    using Database::commit;
    void commit_with(const std::vector<std::string>& statements, const std::vector<std::string>& last) override;
    std::size_t commit_in_turn(const std::vector<std::vector<std::string>>& transactions) override;
    void rollback() override;
    bool in_transaction() const override { return m_in_transaction; }
    bool send_with_begin(const std::string& sql) override;
    void set_limits(const Limits& limits) override { m_limits = limits; }
    void cancel() override;
    std::string current_schema() override;
    bool table_exists(const std::string& name) override;

private:
    // `sql`, preceded by the BEGIN (and the limits) of a transaction that has sent nothing yet.
    std::string with_begin(const std::string& sql);
    // The BEGIN, the limits and what send_with_begin() gave, one statement each.
    std::vector<std::string> begin_statements() const;
    std::string begin_sql() const;
    // What ends the transaction begin() opened, with `statements` run in it, one statement each:
    // the BEGIN first when nothing has gone yet, else a SAVEPOINT and its RELEASE after the
    // statements (they fail with 25P01 unless an explicit transaction is still open), then `last`
    // and the COMMIT. Takes what send_with_begin() gave.
    std::vector<std::string> closing(bool begun, const std::vector<std::string>& statements,
                                     const std::vector<std::string>& last);
    // After a failed message: ends what is left of the transaction, whatever state it is in.
    void roll_back_quietly();

    std::unique_ptr<pqxx::connection_base> m_connection;
    std::unique_ptr<pqxx::errorhandler> m_notices;
    // Transactions are BEGIN and COMMIT sent as text rather than libpqxx transaction objects, so
    // that they travel with statements: BEGIN with the first one, COMMIT with the bookkeeping
    // given to commit(), or all of it in one message (commit_with). A revision costs one round trip.
    bool m_in_transaction = false;
    bool m_begin_pending = false;          // BEGIN not sent yet
    std::vector<std::string> m_with_begin; // statements to send after it (send_with_begin)
};

} // namespace trellis
