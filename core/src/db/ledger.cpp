#include "db/ledger.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace trellis {

namespace {

LedgerRow to_row(const Row& r) {
    LedgerRow row;
    row.revision = r[0].value_or("");
    row.branch = r[1].value_or("");
    row.checksum = r[2].value_or("");
    row.downgrade_sql = r[3].value_or("");
    row.applied_at = r[4].value_or("");
    row.duration_ms = std::stoll(r[5].value_or("0"));
    row.down_revisions = text::split_list(r[6].value_or(""));
    row.depends_on = text::split_list(r[7].value_or(""));
    return row;
}

} // namespace

std::string Ledger::create_sql() const {
    bool pg = m_dialect == Dialect::postgresql;
    return fmt::format("CREATE TABLE IF NOT EXISTS {} (\n"
                       "    revision VARCHAR(64) NOT NULL PRIMARY KEY,\n"
                       "    branch VARCHAR(64) NOT NULL,\n"
                       "    checksum VARCHAR(64) NOT NULL,\n"
                       "    downgrade_sql TEXT NOT NULL DEFAULT '',\n"
                       "    applied_at {} NOT NULL,\n"
                       "    duration_ms BIGINT NOT NULL DEFAULT 0,\n"
                       "    down_revision TEXT NOT NULL DEFAULT '',\n"
                       "    depends_on TEXT NOT NULL DEFAULT ''\n"
                       "){}",
                       m_table, pg ? "TIMESTAMP" : "TEXT",
                       // One B-tree rather than a table and its key's index: fewer pages per commit.
                       pg ? "" : " WITHOUT ROWID");
}

std::string Ledger::insert_sql(const LedgerRow& row) const {
    auto now = m_dialect == Dialect::postgresql ? "(clock_timestamp() AT TIME ZONE 'UTC')"
                                                : "strftime('%Y-%m-%d %H:%M:%f', 'now')";
    return fmt::format("INSERT INTO {} (revision, branch, checksum, downgrade_sql, applied_at, duration_ms, "
                       "down_revision, depends_on) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
                       m_table, Database::quote(row.revision), Database::quote(row.branch),
                       Database::quote(row.checksum), Database::quote(row.downgrade_sql), now, row.duration_ms,
                       Database::quote(text::join(row.down_revisions, ", ")),
                       Database::quote(text::join(row.depends_on, ", ")));
}

std::string Ledger::delete_sql(const std::string& revision) const {
    return fmt::format("DELETE FROM {} WHERE revision = {}", m_table, Database::quote(revision));
}

std::string Ledger::delete_all_sql() const {
    return fmt::format("DELETE FROM {}", m_table);
}

std::string Ledger::update_checksum_sql(const std::string& revision, const std::string& checksum,
                                        const std::string& downgrade_sql) const {
    return fmt::format("UPDATE {} SET checksum = {}, downgrade_sql = {} WHERE revision = {}", m_table,
                       Database::quote(checksum), Database::quote(downgrade_sql), Database::quote(revision));
}

std::string Ledger::select_sql() const {
    auto applied = m_dialect == Dialect::postgresql ? "to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS.US')" : "applied_at";
    return fmt::format("SELECT revision, branch, checksum, downgrade_sql, {}, duration_ms, down_revision, depends_on "
                       "FROM {}",
                       applied, m_table);
}

std::vector<LedgerRow> Ledger::read(Database& db) const {
    std::vector<LedgerRow> rows;
    if (!db.table_exists(m_table))
        return rows;
    try {
        for (const auto& r : db.query(select_sql() + " ORDER BY applied_at, revision"))
            rows.push_back(to_row(r));
    } catch (const SqlError& e) {
        // A table of that name that some other tool made: say which table, and what it lacks.
        throw database_error("table `{}` in {} is not a trellis ledger: {}; a ledger has the columns revision, "
                             "branch, checksum, downgrade_sql, applied_at, duration_ms, down_revision and depends_on "
                             "(`version_table` in trellis.ini names another table)",
                             m_table, db.url().display(), e.what());
    } catch (const std::logic_error&) {
        throw database_error("table `{}` in {} is not a trellis ledger: its duration_ms column holds something "
                             "other than a number",
                             m_table, db.url().display());
    }
    return rows;
}

std::optional<LedgerRow> Ledger::find(Database& db, const std::string& revision) const {
    auto rows = db.query(select_sql() + " WHERE revision = " + Database::quote(revision));
    if (rows.empty())
        return std::nullopt;
    return to_row(rows.front());
}

} // namespace trellis
