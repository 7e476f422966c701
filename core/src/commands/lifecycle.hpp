// The development database's life: drop-db, reset-db and prepare (ubersystem's drop_uber_db and
// reset_uber_db, Indico's `db prepare`, MediaGoblin's `dbupdate`).
#pragma once

#include "commands/context.hpp"
#include "schema/schema.hpp"

#include <string>
#include <vector>

namespace trellis {

struct DropResult {
    std::vector<std::string> dropped;  // in the order they were dropped, the ledger last
    std::vector<std::string> excluded; // matched exclude_tables: left alone
    std::vector<std::string> unowned;  // no plugin's models or revisions own them: left alone
};

// Refuses (input error) unless the config says `dev = true` or `yes` is given.
void check_dev_guard(Context& context, bool yes, std::string_view command);

// Drops every table the plugins own (by their models or their revisions) and the ledger, in an
// order foreign keys allow, in one transaction.
DropResult drop_db(Context& context);

struct CreateResult {
    std::vector<std::string> created; // tables made from the models
    std::size_t stamped = 0;          // revisions marked applied
    std::size_t upgraded = 0;         // revisions run (plugins without models)
};

// The statements that create `models`' tables in `dialect`, every table after those it refers to:
// what reset-db, prepare and verify build a database from the models with.
std::vector<std::string> models_sql(const Schema& models, Dialect dialect);

// On `db`, an empty scratch database this process owns: the models' tables, the ledger with the
// revisions of the branches with models marked applied, and the revisions of the branches without
// models run. What reset-db makes, for verify.
void build_from_models(Context& context, Database& db);

// Creates every model table and stamps the heads of the branches whose plugins have models;
// branches of SQL-only plugins are then upgraded normally. The database must hold none of them.
CreateResult create_from_models(Context& context);

struct PrepareResult {
    bool was_empty = false;
    CreateResult created;
    std::size_t upgraded = 0;
};

// An empty database gets the tables from the models and is stamped at heads; any other one is
// upgraded to heads.
PrepareResult prepare(Context& context);

} // namespace trellis
