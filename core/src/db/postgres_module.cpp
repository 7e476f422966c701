#include "db/postgres_module.hpp"

#include "util/error.hpp"
#include "util/module.hpp"

namespace trellis {

std::unique_ptr<Database> connect_postgresql(const DatabaseUrl& url, int lock_timeout_seconds) {
    auto loaded = module::load("trellis_postgresql.so", "TRELLIS_POSTGRESQL_MODULE", k_postgresql_entry);
    if (!loaded.entry)
        throw database_error("the PostgreSQL backend: {}", loaded.error);
    auto* connect = reinterpret_cast<PostgresqlConnect*>(loaded.entry);
    return std::unique_ptr<Database>(connect(url, lock_timeout_seconds));
}

} // namespace trellis
