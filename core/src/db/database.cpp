#include "db/database.hpp"

#include "db/postgres_module.hpp"
#include "db/sqlite_database.hpp"
#include "util/error.hpp"

namespace trellis {

void execute_all(Database& db, const std::vector<std::string>& statements, std::string_view what) {
    try {
        Transaction transaction(db);
        for (const auto& sql : statements)
            db.execute(sql);
        transaction.commit();
    } catch (const SqlError& e) {
        throw database_error("{} failed: {}; nothing was changed", what, e.what());
    }
}

std::unique_ptr<Database> connect(const DatabaseUrl& url, OpenMode mode, int lock_timeout_seconds) {
    if (url.dialect == Dialect::sqlite)
        return std::make_unique<SqliteDatabase>(url, mode, lock_timeout_seconds);
    return connect_postgresql(url, lock_timeout_seconds);
}

} // namespace trellis
