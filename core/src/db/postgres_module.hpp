// The PostgreSQL backend lives in a module of its own (`trellis_postgresql.so`), loaded through
// Boost.DLL the first time a `postgresql://` URL is used. libpq brings some twenty libraries
// (Kerberos, LDAP, TLS); loading them only when needed keeps every other command's start-up fast.
//
// The module and the binary share C++ types (Database, DatabaseUrl), so a module left over from
// another build would crash rather than fail: its entry point returns a plain struct stamped with
// an ABI version (LLVM's pass plugins, DuckDB's extensions), and a module of another version, one
// without the entry point or with a null callback is refused with an error naming its file.
#pragma once

#include "db/database.hpp"

#include <memory>

namespace trellis {

// Raise it whenever Database, DatabaseUrl or PostgresqlModule change.
inline constexpr int k_postgresql_module_abi = 1;

struct PostgresqlModule {
    int abi_version = 0;
    // Connects; the connection is the caller's (an owner, never a raw pointer across the boundary).
    void (*connect)(const DatabaseUrl& url, int lock_timeout_seconds, std::unique_ptr<Database>& out) = nullptr;
};

// The module's one entry point: `extern "C" const PostgresqlModule* trellis_postgresql_module()`.
using PostgresqlEntry = const PostgresqlModule*();
inline constexpr const char* k_postgresql_entry = "trellis_postgresql_module";

// Loads the module (once) and connects. Throws a database error naming where it looked when the
// module is missing, and naming the file when it is not one this trellis can use.
std::unique_ptr<Database> connect_postgresql(const DatabaseUrl& url, int lock_timeout_seconds);

} // namespace trellis
