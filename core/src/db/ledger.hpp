// The ledger (SPEC.md, "Ledger"): the table in the target database that lists applied revisions.
// Besides the columns of the contract it keeps each revision's `down_revision` and `depends_on`,
// so revisions whose files are gone still sit in the graph and revert in the right order.
//
// Every write is rendered as SQL text first: the online run executes exactly what `--sql` prints.
#pragma once

#include "db/database.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trellis {

struct LedgerRow {
    std::string revision;
    std::string branch;
    std::string checksum;
    std::string downgrade_sql;
    std::string applied_at;
    long long duration_ms = 0;
    std::vector<std::string> down_revisions;
    std::vector<std::string> depends_on;
};

// The ledger and the migration lock's table (`<table>_lock`, see db/migration_lock.hpp) live
// in `schema` (PostgreSQL: `version_schema`, else the connection's schema when the command
// started), and every statement names them with it, so a revision's `SET search_path` cannot
// send a ledger row elsewhere. An empty schema leaves the names unqualified (SQLite).
class Ledger {
public:
    Ledger(Dialect dialect, std::string table, std::string schema = "");

    // The table's own name (reflection leaves it out) and its name in SQL.
    const std::string& table() const { return m_table; }
    const std::string& qualified() const { return m_qualified; }
    std::string lock_table() const { return m_table + "_lock"; }
    std::string qualified_lock_table() const;
    Dialect dialect() const { return m_dialect; }

    std::string create_sql() const;
    // With `timed_by_server` (PostgreSQL), duration_ms is what the server measured since
    // start_sql() ran in the row's transaction, else since the message that carries the row
    // arrived: a revision sent whole in one message (commit_with).
    std::string insert_sql(const LedgerRow& row, bool timed_by_server = false) const;
    // PostgreSQL, first in a revision's transaction when several share one message (the
    // server's statement_timestamp() is then the message's, not the revision's): notes when
    // the revision started, for insert_sql's duration, in a setting that ends with the transaction.
    static std::string start_sql();
    std::string delete_sql(const std::string& revision) const;
    std::string delete_all_sql() const;
    std::string update_checksum_sql(const std::string& revision, const std::string& checksum,
                                    const std::string& downgrade_sql) const;

    // Every row, oldest first; none when the table does not exist yet.
    std::vector<LedgerRow> read(Database& db) const;
    // The same into `rows`; returns whether the table exists.
    bool read(Database& db, std::vector<LedgerRow>& rows) const;
    // The row of one revision, read inside the caller's transaction; the table must exist.
    std::optional<LedgerRow> find(Database& db, const std::string& revision) const;
    // Inside the caller's transaction (the table must exist): the rows of `ids` and, when
    // `named` is not empty, every row whose stored edges name it; only the revision and its
    // edges are filled in.
    std::vector<LedgerRow> edges(Database& db, const std::vector<std::string>& ids,
                                 const std::string& named = "") const;
    // The same in two halves, for a caller that sends the query along with other statements:
    // its text, and the rows it returned (columns from `first`) filtered to what edges() returns.
    std::string edges_sql(const std::vector<std::string>& ids, const std::string& named) const;
    std::vector<LedgerRow> edges_from(const std::vector<Row>& rows, std::size_t first,
                                      const std::vector<std::string>& ids, const std::string& named) const;

    // SQL conditions for a guard (db/migration_lock.hpp) inside the caller's transaction (the
    // table must exist). can_apply: `revision` has no row and every one of `needs` has one.
    // can_revert: `revision` has a row, and no other row is among `after` or names it in its
    // stored edges; the edges are matched as substrings, so a false alarm is possible, never a
    // miss: edges() then tells exactly.
    std::string can_apply_sql(const std::string& revision, const std::vector<std::string>& needs) const;
    std::string can_revert_sql(const std::string& revision, const std::vector<std::string>& after) const;

private:
    std::string select_sql() const;
    std::string edges_where(const std::vector<std::string>& ids, const std::string& named) const;
    Dialect m_dialect;
    std::string m_table, m_schema, m_qualified;
};

} // namespace trellis
