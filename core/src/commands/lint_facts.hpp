// What lint learns from the database when it answers (online): the PostgreSQL version the
// revisions will run on, and which tables hold no rows, so that findings that only hurt rows
// (locks held for a scan, rewrites, failures on existing data) are not given on empty tables.
#pragma once

#include "commands/context.hpp"
#include "db/database.hpp"
#include "lint/lint.hpp"

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace trellis {

struct LintFacts {
    std::optional<int> pg_version;         // major version; nullopt on SQLite
    std::unordered_set<std::string> empty; // lower-cased names of the tables with no rows
};

// Cheap: on PostgreSQL the planner's estimate (pg_class) first, then an exact check for the
// tables small enough that it costs nothing; a large table is taken to hold rows. On SQLite an
// exact check per table.
LintFacts read_lint_facts(Database& db);

// What `lint` checks without arguments: what an upgrade would still run, as one run (a table an
// earlier pending revision creates is new), with what the database says in `options` (its
// version, its empty tables, read into `facts`, which must outlive `options`). With no database
// configured there is no applied set to subtract, so every revision is checked. Positions are in
// the context's graph (the revision files).
std::vector<int> pending_for_lint(Context& context, LintOptions& options, LintFacts& facts);

} // namespace trellis
