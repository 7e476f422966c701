// Database URLs (SPEC.md, "Databases"): `sqlite:///relative.db`, `sqlite:////absolute.db` and
// `postgresql://user:password@host:port/dbname?options` (`postgres://` too). The password is kept
// apart so that nothing that prints a URL can print it.
#pragma once

#include "db/dialect.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace trellis {

struct DatabaseUrl {
    Dialect dialect = Dialect::sqlite;
    std::filesystem::path path; // sqlite
    std::string user, password, host, database;
    int port = 0;
    std::map<std::string, std::string> options; // libpq keywords, e.g. sslmode, connect_timeout
    // `?schema=NAME` (PostgreSQL): a tenant's schema. The connection's search_path is that schema
    // alone, so unqualified names, reflection, the ledger and the lock all live there. Checked
    // by parse_url: a letter or `_`, then letters, digits or `_`, at most 63 (case is kept).
    std::string schema;

    // The URL with the password masked (and its `?schema=`): safe for any output.
    std::string display() const;
    // The libpq connection string (holds the password: never print it).
    std::string libpq_string() const;
    // SQLite's `:memory:`: no file, and no connection but this one sees it.
    bool in_memory() const { return dialect == Dialect::sqlite && path == ":memory:"; }
};

// Parses `url`; a relative SQLite path is resolved against `base`. Throws an input error that says
// what is wrong and shows nothing of the URL past its scheme (it may hold a password anywhere).
DatabaseUrl parse_url(const std::string& url, const std::filesystem::path& base);

} // namespace trellis
