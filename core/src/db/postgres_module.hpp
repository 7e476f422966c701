// The PostgreSQL backend lives in a module of its own (`trellis_postgresql.so`), loaded through
// Boost.DLL the first time a `postgresql://` URL is used. libpq brings some twenty libraries
// (Kerberos, LDAP, TLS); loading them only when needed keeps every other command's start-up fast.
#pragma once

#include "db/database.hpp"

#include <memory>

namespace trellis {

// The module's one entry point.
using PostgresqlConnect = Database*(const DatabaseUrl& url, int lock_timeout_seconds);
inline constexpr const char* k_postgresql_entry = "trellis_postgresql_connect";

// Loads the module (once) and connects. Throws a database error naming where it looked when the
// module is missing.
std::unique_ptr<Database> connect_postgresql(const DatabaseUrl& url, int lock_timeout_seconds);

} // namespace trellis
