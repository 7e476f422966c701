#include "db/postgres_module.hpp"

#include "util/error.hpp"
#include "util/module.hpp"

namespace trellis {

namespace {

// The module's description, checked once per process: the same answer for every connection.
const PostgresqlModule& checked_module() {
    static const PostgresqlModule* checked = [] {
        auto loaded = module::load("trellis_postgresql.so", "TRELLIS_POSTGRESQL_MODULE", k_postgresql_entry);
        if (!loaded.entry)
            throw database_error("the PostgreSQL backend: {}", loaded.error);
        const PostgresqlModule* described = reinterpret_cast<PostgresqlEntry*>(loaded.entry)();
        if (!described)
            throw database_error("the PostgreSQL backend {}: its entry point returned null", loaded.path)
                .at(loaded.path);
        if (described->abi_version != k_postgresql_module_abi)
            throw database_error("the PostgreSQL backend {} was built for module ABI version {}, this trellis loads "
                                 "version {}: install the trellis_postgresql.so of this build (or unset "
                                 "TRELLIS_POSTGRESQL_MODULE)",
                                 loaded.path, described->abi_version, k_postgresql_module_abi)
                .at(loaded.path);
        if (!described->connect)
            throw database_error("the PostgreSQL backend {}: its connect callback is null", loaded.path)
                .at(loaded.path);
        return described;
    }();
    return *checked;
}

} // namespace

std::unique_ptr<Database> connect_postgresql(const DatabaseUrl& url, int lock_timeout_seconds) {
    std::unique_ptr<Database> db;
    checked_module().connect(url, lock_timeout_seconds, db);
    return db;
}

} // namespace trellis
