// What lint learns from the database when it answers (online): the PostgreSQL version the
// revisions will run on, and which tables hold no rows, so that findings that only hurt rows
// (locks held for a scan, rewrites, failures on existing data) are not given on empty tables.
#pragma once

#include "db/database.hpp"

#include <optional>
#include <string>
#include <unordered_set>

namespace trellis {

struct LintFacts {
    std::optional<int> pg_version;         // major version; nullopt on SQLite
    std::unordered_set<std::string> empty; // lower-cased names of the tables with no rows
};

// Cheap: on PostgreSQL the planner's estimate (pg_class) first, then an exact check for the
// tables small enough that it costs nothing; a large table is taken to hold rows. On SQLite an
// exact check per table.
LintFacts read_lint_facts(Database& db);

} // namespace trellis
