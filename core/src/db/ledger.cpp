#include "db/ledger.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trellis {

namespace {

// Where start_sql() notes a revision's start, for the rest of its transaction only.
constexpr std::string_view k_started_setting = "trellis.revision_started";

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

std::string qualify(const std::string& schema, const std::string& name) {
    if (schema.empty())
        return name;
    std::string out = "\"";
    for (char c : schema)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"." + name;
}

} // namespace

Ledger::Ledger(Dialect dialect, std::string table, std::string schema)
    : m_dialect(dialect)
    , m_table(std::move(table))
    , m_schema(std::move(schema))
    , m_qualified(qualify(m_schema, m_table)) {}

std::string Ledger::qualified_lock_table() const {
    return qualify(m_schema, lock_table());
}

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
                       m_qualified, pg ? "TIMESTAMP" : "TEXT",
                       // One B-tree rather than a table and its key's index: fewer pages per commit.
                       pg ? "" : " WITHOUT ROWID");
}

std::string Ledger::start_sql() {
    return fmt::format("SELECT set_config('{}', clock_timestamp()::text, true)", k_started_setting);
}

std::string Ledger::insert_sql(const LedgerRow& row, bool timed_by_server) const {
    bool pg = m_dialect == Dialect::postgresql;
    auto now = pg ? "(clock_timestamp() AT TIME ZONE 'UTC')" : "strftime('%Y-%m-%d %H:%M:%f', 'now')";
    // statement_timestamp(): when the server received the message this statement is part of.
    auto duration =
        pg && timed_by_server
            ? fmt::format("CAST(1000 * extract(epoch FROM clock_timestamp() - coalesce(nullif("
                          "current_setting('{}', true), '')::timestamptz, statement_timestamp())) AS BIGINT)",
                          k_started_setting)
            : std::to_string(row.duration_ms);
    return fmt::format("INSERT INTO {} (revision, branch, checksum, downgrade_sql, applied_at, duration_ms, "
                       "down_revision, depends_on) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
                       m_qualified, Database::quote(row.revision), Database::quote(row.branch),
                       Database::quote(row.checksum), Database::quote(row.downgrade_sql), now, duration,
                       Database::quote(text::join(row.down_revisions, ", ")),
                       Database::quote(text::join(row.depends_on, ", ")));
}

std::string Ledger::delete_sql(const std::string& revision) const {
    return fmt::format("DELETE FROM {} WHERE revision = {}", m_qualified, Database::quote(revision));
}

std::string Ledger::delete_all_sql() const {
    return fmt::format("DELETE FROM {}", m_qualified);
}

std::string Ledger::update_checksum_sql(const std::string& revision, const std::string& checksum,
                                        const std::string& downgrade_sql) const {
    return fmt::format("UPDATE {} SET checksum = {}, downgrade_sql = {} WHERE revision = {}", m_qualified,
                       Database::quote(checksum), Database::quote(downgrade_sql), Database::quote(revision));
}

std::string Ledger::select_sql() const {
    auto applied = m_dialect == Dialect::postgresql ? "to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS.US')" : "applied_at";
    return fmt::format("SELECT revision, branch, checksum, downgrade_sql, {}, duration_ms, down_revision, depends_on "
                       "FROM {}",
                       applied, m_qualified);
}

std::vector<LedgerRow> Ledger::read(Database& db) const {
    std::vector<LedgerRow> rows;
    read(db, rows);
    return rows;
}

bool Ledger::read(Database& db, std::vector<LedgerRow>& rows) const {
    rows.clear();
    if (!db.table_exists(m_qualified))
        return false;
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
    return true;
}

std::optional<LedgerRow> Ledger::find(Database& db, const std::string& revision) const {
    auto rows = db.query(select_sql() + " WHERE revision = " + Database::quote(revision));
    if (rows.empty())
        return std::nullopt;
    return to_row(rows.front());
}

namespace {

std::string quoted_list(const std::vector<std::string>& ids) {
    std::vector<std::string> quoted;
    for (const auto& id : ids)
        if (std::find(quoted.begin(), quoted.end(), Database::quote(id)) == quoted.end())
            quoted.push_back(Database::quote(id));
    return text::join(quoted, ", ");
}

} // namespace

std::string Ledger::edges_where(const std::vector<std::string>& ids, const std::string& named) const {
    auto where = fmt::format("revision IN ({})", quoted_list(ids));
    if (!named.empty()) {
        // A substring test first (neither LIKE, whose `_` is a wildcard, nor a list type both
        // databases share); the lists are then split and compared exactly.
        auto contains = m_dialect == Dialect::postgresql ? "strpos({}, {}) > 0" : "instr({}, {}) > 0";
        for (auto column : {"down_revision", "depends_on"})
            where += " OR " + fmt::format(fmt::runtime(contains), column, Database::quote(named));
    }
    return where;
}

std::string Ledger::edges_sql(const std::vector<std::string>& ids, const std::string& named) const {
    return fmt::format("SELECT revision, down_revision, depends_on FROM {} WHERE {}", m_qualified,
                       edges_where(ids, named));
}

std::string Ledger::can_apply_sql(const std::string& revision, const std::vector<std::string>& needs) const {
    auto absent =
        fmt::format("NOT EXISTS (SELECT 1 FROM {} WHERE revision = {})", m_qualified, Database::quote(revision));
    if (needs.empty())
        return absent;
    std::vector<std::string> unique;
    for (const auto& id : needs)
        if (std::find(unique.begin(), unique.end(), id) == unique.end())
            unique.push_back(id);
    return fmt::format("{} AND (SELECT count(*) FROM {} WHERE revision IN ({})) = {}", absent, m_qualified,
                       quoted_list(unique), unique.size());
}

std::string Ledger::can_revert_sql(const std::string& revision, const std::vector<std::string>& after) const {
    auto ids = after;
    ids.push_back(revision);
    return fmt::format("EXISTS (SELECT 1 FROM {0} WHERE revision = {1}) AND NOT EXISTS (SELECT 1 FROM {0} WHERE "
                       "revision <> {1} AND ({2}))",
                       m_qualified, Database::quote(revision), edges_where(ids, revision));
}

std::vector<LedgerRow> Ledger::edges_from(const std::vector<Row>& rows, std::size_t first,
                                          const std::vector<std::string>& ids, const std::string& named) const {
    std::vector<LedgerRow> out;
    for (const auto& r : rows) {
        if (r.size() < first + 3 || !r[first])
            continue; // an outer join's empty side
        LedgerRow row;
        row.revision = *r[first];
        row.down_revisions = text::split_list(r[first + 1].value_or(""));
        row.depends_on = text::split_list(r[first + 2].value_or(""));
        if (named.empty() || std::find(ids.begin(), ids.end(), row.revision) != ids.end() ||
            std::find(row.down_revisions.begin(), row.down_revisions.end(), named) != row.down_revisions.end() ||
            std::find(row.depends_on.begin(), row.depends_on.end(), named) != row.depends_on.end())
            out.push_back(std::move(row));
    }
    return out;
}

std::vector<LedgerRow> Ledger::edges(Database& db, const std::vector<std::string>& ids,
                                     const std::string& named) const {
    return edges_from(db.query(edges_sql(ids, named)), 0, ids, named);
}

} // namespace trellis
