#include "db/database.hpp"

#include "db/postgres_module.hpp"
#include "db/sqlite_database.hpp"


namespace trellis {

std::unique_ptr<Database> connect(const DatabaseUrl& url, OpenMode mode, int lock_timeout_seconds) {
    if (url.dialect == Dialect::sqlite)
        return std::make_unique<SqliteDatabase>(url, mode, lock_timeout_seconds);
    return connect_postgresql(url, lock_timeout_seconds);
}

} // namespace trellis
