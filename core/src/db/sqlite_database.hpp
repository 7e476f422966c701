// SQLite through its C API: the embedded default. Statements run one at a time so a failure names
// its own statement; writers serialise on `BEGIN IMMEDIATE` with a busy timeout.
#pragma once

#include "db/database.hpp"

struct sqlite3;

namespace trellis {

class SqliteDatabase final : public Database {
public:
    // read_only opens an existing file without creating it; a missing file reads as empty.
    SqliteDatabase(const DatabaseUrl& url, OpenMode mode, int lock_timeout_seconds);
    ~SqliteDatabase() override;

    void execute(const std::string& sql) override;
    using Database::execute;
    std::vector<Row> query(const std::string& sql) override;
    void begin() override;
    void commit(const std::vector<std::string>& last) override;
    using Database::commit;
    void rollback() override;
    bool in_transaction() const override { return m_in_transaction; }
    bool others_may_have_written() const override { return m_others_may_have_written; }
    bool open_to_others() const override;
    void keep_new_file(bool keep) override;
    // The lock wait is the busy time-out: how long BEGIN IMMEDIATE waits for another writer.
    void set_limits(const Limits& limits) override;
    void cancel() override;
    bool table_exists(const std::string& name) override;
    // While sealed, SQL cannot end, begin or nest the open transaction: see TransactionSeal.
    void seal_transaction(bool sealed);

private:
    static int authorize(void* self, int action, const char* what, const char*, const char*, const char*);
    [[noreturn]] void fail(int code) const;
    [[noreturn]] void fail(int code, const std::string& message) const;
    std::optional<unsigned> data_version() const;

    sqlite3* m_db = nullptr; // null: a read-only open of a file that does not exist
    bool m_in_transaction = false;
    bool m_new_file = false;        // empty or absent when opened for writing
    bool m_exclusive = false;       // keep_new_file(true): the file is this connection's alone
    bool m_persist_journal = false; // switched from DELETE to PERSIST: switched back at close
    bool switch_journal(const char* from, const char* to);
    std::optional<unsigned> m_version_after_commit; // the pager's data version after our last commit
    bool m_others_may_have_written = true;
    const char* m_refused = nullptr; // the transaction control the seal refused last
};

} // namespace trellis
