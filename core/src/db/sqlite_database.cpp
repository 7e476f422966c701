#include "db/sqlite_database.hpp"

#include "util/error.hpp"

#include <sqlite3.h>

namespace trellis {

namespace {

// Finalises a prepared statement on every path out.
struct StatementGuard {
    sqlite3_stmt* statement = nullptr;
    ~StatementGuard() { sqlite3_finalize(statement); }
};

// No file yet, or an empty one: nothing in it for anyone to read. A link is not followed (SQLite
// would create its target), so it never counts as new.
bool new_file(const std::filesystem::path& path) {
    std::error_code error;
    auto status = std::filesystem::symlink_status(path, error);
    if (status.type() == std::filesystem::file_type::not_found)
        return true;
    return status.type() == std::filesystem::file_type::regular && std::filesystem::file_size(path, error) == 0 &&
           !error;
}

} // namespace

SqliteDatabase::SqliteDatabase(const DatabaseUrl& url, OpenMode mode, int lock_timeout_seconds)
    : Database(url) {
    std::error_code error;
    if (mode == OpenMode::read_only && !url.in_memory() && !std::filesystem::exists(url.path, error))
        return;
    m_new_file = mode == OpenMode::read_write && !url.in_memory() && new_file(url.path);
    int flags = mode == OpenMode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (mode == OpenMode::read_write && url.path.has_parent_path() &&
        !std::filesystem::is_directory(url.path.parent_path(), error))
        throw database_error("cannot open {}: directory {} does not exist", url.display(),
                             url.path.parent_path().string());
    int code = sqlite3_open_v2(url.path.c_str(), &m_db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (code != SQLITE_OK) {
        std::string message = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(code);
        sqlite3_close(m_db);
        m_db = nullptr;
        throw database_error("cannot open {}: {}", url.display(), message);
    }
    set_limits({std::chrono::seconds(lock_timeout_seconds)});
    sqlite3_extended_result_codes(m_db, 1);
    if (mode == OpenMode::read_write)
        m_persist_journal = switch_journal("delete", "persist");
}

// A revision is a commit, and a commit in the default DELETE mode creates its journal and
// deletes it again: the file's creation and the directory's sync cost a journal commit of the
// file system each time, which two writers on one disk wait for in turn. PERSIST keeps the file
// (its header zeroed at each commit), as safe on a crash, so each commit syncs data alone. Only
// a file in DELETE mode is switched (a WAL database stays WAL), and only for this connection,
// which puts it back (deleting the journal) when it closes.
bool SqliteDatabase::switch_journal(const char* from, const char* to) {
    auto rows = query("PRAGMA journal_mode");
    if (rows.empty() || rows[0].empty() || rows[0][0] != std::optional<std::string>(from))
        return false;
    return sqlite3_exec(m_db, (std::string("PRAGMA journal_mode = ") + to).c_str(), nullptr, nullptr, nullptr) ==
           SQLITE_OK;
}

bool SqliteDatabase::open_to_others() const {
    return !m_exclusive && !m_url.in_memory();
}

// Set only by the holder of the migration lock, which no other writer waits for while holding a
// lock of the file itself; a waiting writer in NORMAL mode lets go of the file between its tries.
void SqliteDatabase::keep_new_file(bool keep) {
    if (!m_db || !m_new_file || keep == m_exclusive || m_in_transaction)
        return;
    try {
        // The mode SQLite is in now: a revision that made the file WAL under EXCLUSIVE keeps it
        // there (its index is in this process's memory) until the connection closes.
        auto mode = query(keep ? "PRAGMA locking_mode = EXCLUSIVE" : "PRAGMA locking_mode = NORMAL");
        m_exclusive = !mode.empty() && !mode[0].empty() && mode[0][0] == std::optional<std::string>("exclusive");
        if (!m_exclusive) // back in NORMAL mode, the next access lets go of the file
            query("SELECT 1 FROM sqlite_master LIMIT 1");
    } catch (const SqlError&) {
        // As it was: a file still kept is let go when the connection closes.
    }
}

void SqliteDatabase::set_limits(const Limits& limits) {
    m_limits = limits;
    if (m_db)
        sqlite3_busy_timeout(m_db, static_cast<int>(limits.lock_wait.count()));
}

void SqliteDatabase::cancel() {
    if (m_db)
        sqlite3_interrupt(m_db);
}

namespace {

bool busy(int code) {
    return (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED;
}

// A busy database is the lock wait of the contract running out (SqlError::lock_timeout).
std::string sqlstate_of(int code) {
    return busy(code) ? SqlError::k_lock_not_available : std::to_string(code);
}

} // namespace

SqliteDatabase::~SqliteDatabase() {
    if (m_db && m_in_transaction)
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    if (m_db && m_persist_journal)
        try {
            switch_journal("persist", "delete"); // unless a revision chose another mode
        } catch (...) {
            // The journal stays behind, its header zeroed: SQLite ignores it.
        }
    sqlite3_close(m_db);
}

void SqliteDatabase::fail(int code) const {
    std::string message = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(code);
    fail(code, message);
}

void SqliteDatabase::fail(int code, const std::string& message) const {
    if ((code & 0xff) == SQLITE_AUTH && m_refused)
        throw SqlError(fmt::format("`{}` controls the transaction trellis runs this revision in (SQLite refused it): a "
                                   "transactional revision cannot end its own transaction, begin another or nest one "
                                   "(set `-- transactional: false` in its header if it must)",
                                   m_refused),
                       std::to_string(code));
    // "file is not a database" is no fault of a statement: it names the file.
    if ((code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT)
        throw database_error("{}: {}", m_url.display(), message);
    throw SqlError(message, sqlstate_of(code));
}

void SqliteDatabase::execute(const std::string& sql) {
    if (!m_db)
        throw database_error("{} does not exist", m_url.display());
    check_no_nul(sql);
    // sqlite3_exec also runs a trigger body or several statements given at once.
    char* message = nullptr;
    int code = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message);
    if (code != SQLITE_OK) {
        std::string text = message ? message : sqlite3_errstr(code);
        sqlite3_free(message);
        fail(code, text);
    }
}

std::vector<Row> SqliteDatabase::query(const std::string& sql) {
    std::vector<Row> rows;
    if (!m_db)
        return rows;
    check_no_nul(sql);
    StatementGuard guard;
    int code = sqlite3_prepare_v2(m_db, sql.c_str(), static_cast<int>(sql.size()), &guard.statement, nullptr);
    if (code != SQLITE_OK)
        fail(code);
    while ((code = sqlite3_step(guard.statement)) == SQLITE_ROW) {
        Row row;
        int columns = sqlite3_column_count(guard.statement);
        for (int c = 0; c < columns; ++c) {
            auto text = sqlite3_column_text(guard.statement, c);
            if (text)
                row.emplace_back(std::string(reinterpret_cast<const char*>(text),
                                             static_cast<std::size_t>(sqlite3_column_bytes(guard.statement, c))));
            else
                row.emplace_back(std::nullopt);
        }
        rows.push_back(std::move(row));
    }
    if (code != SQLITE_DONE)
        fail(code);
    return rows;
}

void SqliteDatabase::begin() {
    if (!m_db)
        throw database_error("{} does not exist", m_url.display());
    int code = sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (busy(code))
        throw SqlError(fmt::format("{} is locked by another writer; gave up after {} ms", m_url.display(),
                                   m_limits.lock_wait.count()),
                       SqlError::k_lock_not_available);
    if (code != SQLITE_OK)
        fail(code);
    m_in_transaction = true;
    // The write lock refreshed the pager: its data version moved iff someone else committed.
    auto version = data_version();
    m_others_may_have_written = !version || !m_version_after_commit || *version != *m_version_after_commit;
}

std::optional<unsigned> SqliteDatabase::data_version() const {
    unsigned version = 0;
    if (sqlite3_file_control(m_db, "main", SQLITE_FCNTL_DATA_VERSION, &version) != SQLITE_OK)
        return std::nullopt;
    return version;
}

void SqliteDatabase::commit(const std::vector<std::string>& last) {
    if (m_in_transaction && sqlite3_get_autocommit(m_db)) {
        m_in_transaction = false;
        m_version_after_commit.reset();
        throw SqlError(k_transaction_ended_text, std::string(k_transaction_ended));
    }
    try {
        for (const auto& sql : last)
            execute(sql);
    } catch (...) {
        rollback();
        throw;
    }
    m_in_transaction = false;
    int code = sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
    if (code != SQLITE_OK) {
        // The COMMIT's own words ("database or disk is full"), before the ROLLBACK replaces them.
        std::string message = sqlite3_errmsg(m_db);
        if (!sqlite3_get_autocommit(m_db))
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        m_version_after_commit.reset();
        fail(code, message);
    }
    m_version_after_commit = data_version();
}

void SqliteDatabase::rollback() {
    if (!m_in_transaction)
        return;
    m_in_transaction = false;
    m_version_after_commit.reset();
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

// SQLite asks at prepare time, as it parses the statement, whatever quoting or comments hid it
// from a splitter. SAVEPOINT, RELEASE and ROLLBACK TO are refused as well: inside BEGIN they
// cannot end the transaction (trellis has no savepoint of its own on SQLite), but a revision may
// not nest its transaction, as the check at load says, and ROLLBACK TO would drop part of a
// revision that its ledger row records whole.
int SqliteDatabase::authorize(void* self, int action, const char* what, const char*, const char*, const char*) {
    if (action != SQLITE_TRANSACTION && action != SQLITE_SAVEPOINT)
        return SQLITE_OK;
    std::string_view operation = what ? what : "";
    auto* db = static_cast<SqliteDatabase*>(self);
    if (action == SQLITE_TRANSACTION)
        db->m_refused = operation == "BEGIN" ? "BEGIN" : operation == "COMMIT" ? "COMMIT" : "ROLLBACK";
    else
        db->m_refused = operation == "BEGIN" ? "SAVEPOINT" : operation == "RELEASE" ? "RELEASE" : "ROLLBACK TO";
    return SQLITE_DENY;
}

void SqliteDatabase::seal_transaction(bool sealed) {
    m_refused = nullptr;
    if (m_db)
        sqlite3_set_authorizer(m_db, sealed ? &SqliteDatabase::authorize : nullptr, sealed ? this : nullptr);
}

bool SqliteDatabase::table_exists(const std::string& name) {
    return !query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = " + quote(name)).empty();
}

} // namespace trellis
