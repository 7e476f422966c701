// The models against the database: what `check`, `diff` and `revision --autogenerate` share.
#pragma once

#include "commands/context.hpp"
#include "commands/ownership.hpp"
#include "schema/diff.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trellis {

struct Comparison {
    Schema models, database;
    std::vector<Operation> operations;       // each with the plugin that owns it
    std::vector<std::string> unowned_tables; // only in the database, created by no branch: left alone
    std::vector<Kept> kept;                  // owned by a branch without models or a gone plugin: left alone
    std::vector<int> pending;                // revisions not applied yet, in `graph`
    std::shared_ptr<const Graph> graph;      // the database's state's: the files' and the ledger's alone
};

// The schema every loaded plugin's models declare (plugins without models add nothing).
Schema model_schema(Context& context);

// Compares the models with the database the context points at.
Comparison compare(Context& context);

struct AutogenerateRequest {
    std::string message;
    std::optional<std::string> plugin;
    bool all_plugins = false;
    std::optional<std::string> rev_id;
    std::optional<std::filesystem::path> version_path; // --version-path: where the revision goes
};

// One revision autogenerate wrote: its file, its plugin, and the detected changes it holds, in
// the order they run (what Alembic prints as `Detected added column ...`).
struct WrittenRevision {
    std::filesystem::path path;
    std::string plugin;
    std::vector<Operation> operations;
};

struct AutogenerateResult {
    std::vector<WrittenRevision> written;
    std::vector<std::pair<std::string, std::size_t>> others; // plugins with changes not written, and how many
};

// Writes the revision(s) that turn the database into the models. Refuses when the database is
// not at heads, naming the pending revisions.
AutogenerateResult autogenerate(Context& context, const AutogenerateRequest& request);

} // namespace trellis
