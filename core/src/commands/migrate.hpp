// upgrade, downgrade and stamp against a live database, and the `--sql` script of the first two
// (SPEC.md, "Ledger"). Each revision runs in its own transaction with its ledger row; a failure
// rolls that revision back, keeps every earlier one, and names the file, line and the
// database's message. Writers take the migration lock before they read the ledger.
#pragma once

#include "commands/context.hpp"
#include "commands/migrate_events.hpp"
#include "db/ledger.hpp"
#include "db/migration_lock.hpp"
#include "graph/planner.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace trellis {

struct MigrateOptions {
    bool ignore_checksums = false;
    // A downgrade runs the files' downgrades even where the ledger stores another one (the file
    // was edited after it was applied); by default the stored one runs (ledger_downgrades).
    bool file_downgrades = false;
};

// A plan and the graph its positions index: the files' graph, with the revisions known only
// from the ledger when the database holds some (DatabaseState::graph).
struct PlanResult {
    std::shared_ptr<const Graph> graph;
    Plan plan;
};

// The plan for `targets` on the database as it is now, without changing anything (--dry-run).
PlanResult plan_for(Context& context, Direction direction, const std::vector<std::string>& targets,
                    const MigrateOptions& options);

// Applies the plan under the migration lock; returns it as run: the revisions this command
// applied (or reverted), without those another command handled first.
PlanResult migrate(Context& context, Direction direction, const std::vector<std::string>& targets,
                   const MigrateOptions& options, const MigrateEvents& events);

// The SQL script of the plan, ledger statements included; touches nothing.
std::string migrate_script(Context& context, Direction direction, const std::vector<std::string>& targets,
                           const MigrateOptions& options);

struct StampResult {
    std::shared_ptr<const Graph> graph; // what `added` and `removed` index
    std::vector<int> added, removed;
};
// Whether `stamp` empties the ledger before it marks (`--purge`).
enum class Purge { no, yes };
// Marks revisions applied or unapplied without running their SQL; Purge::yes empties the ledger first.
StampResult stamp(Context& context, const std::vector<std::string>& targets, Purge purge);

// What a stamp records, chosen once the migration lock is held and the ledger read.
struct StampChoice {
    AppliedSet applied;            // the ledger's applied set afterwards, over the graph
    bool purge = false;            // empty the ledger first
    std::vector<std::string> also; // statements run in the same transaction, after the ledger's
};
using StampChooser = std::function<StampChoice(Database&, const Graph&, const AppliedSet& current)>;
// stamp's machinery for commands that read the database to decide (import-alembic --adopt-url):
// under the migration lock, `choose` sees the database, the graph and the applied set, and the
// ledger rows that make its choice are written in one transaction.
StampResult stamp_with(Context& context, const StampChooser& choose);

// Runs `plan` on `db` in the plan's order, each revision in its transaction with its ledger row,
// without the session lock or the checksum check: for scratch databases this process owns
// (verify, prepare). Failures throw as migrate's do.
void run_plan(Context& context, Database& db, Direction direction, const Plan& plan);

// Releases the migration lock by hand (`trellis unlock`); returns its holder, none when no lock
// was held. A lock whose lease is still live is released only with `yes`.
std::optional<LockHolder> unlock(Context& context, bool yes);

struct RepairResult {
    std::shared_ptr<const Graph> graph; // what `repaired` indexes
    std::vector<int> repaired;
};
// Rewrites the stored checksum of every changed revision, keeping the downgrade stored when it was
// applied; returns them.
RepairResult repair(Context& context);

} // namespace trellis
