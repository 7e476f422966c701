// PostgreSQL through libpqxx 6.4. Every connection says `application_name=trellis` (unless the URL
// sets one), so a lock holder can be named. The migration lock is a session advisory lock keyed
// on the ledger table's name.
#pragma once

#include "db/database.hpp"

#include <memory>

namespace pqxx {
class connection_base;
class dbtransaction;
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
    void commit() override;
    void rollback() override;
    bool in_transaction() const override { return m_transaction != nullptr; }
    void lock(const std::string& name, int timeout_seconds) override;
    void unlock() override;
    bool table_exists(const std::string& name) override;

private:
    std::string lock_holder(long long key);

    std::unique_ptr<pqxx::connection_base> m_connection;
    std::unique_ptr<pqxx::dbtransaction> m_transaction;
    std::optional<long long> m_lock_key;
};

} // namespace trellis
