// PostgreSQL through libpqxx 6.4. Every connection says `application_name=trellis` (unless the URL
// sets one), so a lock holder can be named. The migration lock is a session advisory lock keyed
// on the ledger table's name.
#pragma once

#include "db/database.hpp"

#include <memory>

namespace pqxx {
class connection_base;
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
    void rollback() override;
    bool in_transaction() const override { return m_in_transaction; }
    void lock(const std::string& name, int timeout_seconds) override;
    void unlock() override;
    bool table_exists(const std::string& name) override;

private:
    std::string lock_holder(long long key);
    // `sql`, preceded by the BEGIN of a transaction that has sent nothing yet.
    std::string with_begin(const std::string& sql);

    std::unique_ptr<pqxx::connection_base> m_connection;
    // Transactions are BEGIN and COMMIT sent as text rather than libpqxx transaction objects, so
    // that they travel with statements: BEGIN with the first one, COMMIT with the bookkeeping
    // given to commit(). A revision of one statement costs two round trips instead of four.
    bool m_in_transaction = false;
    bool m_begin_pending = false; // BEGIN not sent yet
    std::optional<long long> m_lock_key;
};

} // namespace trellis
