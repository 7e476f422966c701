// Not a plugin: a PostgreSQL module as another build of trellis would have made it, stamped with
// the next module ABI version. TRELLIS_POSTGRESQL_MODULE names it in plugin_loader_test.cpp.
#include "db/postgres_module.hpp"

extern "C" __attribute__((visibility("default"))) const trellis::PostgresqlModule* trellis_postgresql_module() {
    static const trellis::PostgresqlModule module{trellis::k_postgresql_module_abi + 1, nullptr};
    return &module;
}
