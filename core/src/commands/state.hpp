// What the database says, joined with what the files say: the applied set over the graph,
// revisions known only from the ledger (their files gone), and checksums that changed.
#pragma once

#include "commands/context.hpp"
#include "db/ledger.hpp"
#include "graph/planner.hpp"

#include <map>
#include <memory>

namespace trellis {

// A value the command holds: what it read, and the graph its positions index. That graph is
// the context's (shared, not copied) when every ledger row has its file; otherwise a graph of its
// own that holds the revisions known only from the ledger too (in their stored branch, with their
// stored edges and downgrade). Which revisions those are is the state's knowledge alone: the
// revision, the graph and lint know nothing of files that are gone.
struct DatabaseState {
    std::string database; // its URL as shown to users (no password)
    bool ledger_exists = false;
    std::vector<LedgerRow> rows;
    std::shared_ptr<const Graph> graph; // what every position below indexes
    AppliedSet applied;                 // over `graph`, ledger-only revisions included
    std::vector<int> gone;              // applied revisions whose file is gone, ascending
    std::vector<int> changed;           // applied revisions whose file's checksum differs from the ledger's

    const LedgerRow* row(const std::string& revision) const;
    // Whether revision `i` of `graph` is known only from its ledger row (its file is gone).
    bool file_gone(int i) const;
    // The checksum of revision `i`: the ledger's for one whose file is gone, else the file's.
    std::string checksum(int i) const;
    // The applied revision ids, oldest first.
    std::vector<std::string> applied_in_order() const;
    // The applied set over another graph (another state's, the files' alone), by id: revisions
    // that graph does not hold are left out.
    AppliedSet applied_over(const Graph& other) const;
};

// Reads the ledger of `db` into a state over the context's graph (with the revisions whose files
// are gone added to a graph of the state's own). The context is not changed.
DatabaseState read_state(Context& context, Database& db, const Ledger& ledger);

// The state of the context's database, opened read-only (a SQLite file that does not exist reads
// as empty): the recipe of every command that shows the database without changing it.
DatabaseState read_database_state(Context& context);

// Per branch of `graph` (by index), how many of its revisions `applied` holds.
std::vector<std::size_t> applied_per_branch(const Graph& graph, const AppliedSet& applied);

// One branch of a state's graph as `status` shows it.
struct BranchStatus {
    int branch = 0;                          // index into the graph's branches
    std::size_t applied = 0;                 // how many of its revisions are applied
    std::vector<int> pending, changed, gone; // in the branch's order; changed, gone: see DatabaseState
};
// Every branch of the state's graph, in branch order.
std::vector<BranchStatus> branch_statuses(const DatabaseState& state);

// The applied set when the context names a database that answers; nullopt with the reason in
// `why` when no database is configured or it cannot be reached (an input error still throws).
// For the views that show applied state when they can (plugins, graph).
std::optional<DatabaseState> state_if_reachable(Context& context, std::string& why);

// Stops with an input error naming the first changed file, unless `ignore` is set.
void check_checksums(const DatabaseState& state, bool ignore);

// The downgrade SQL a revision stores in the ledger for `dialect`: its downgrade section, or
// the `-- +irreversible` marker.
std::string stored_downgrade(const Revision& revision, Dialect dialect);

// The applied revisions among `revisions` whose file's downgrade differs from the one the ledger
// stored when they were applied.
std::vector<int> edited_downgrades(const DatabaseState& state, const std::vector<int>& revisions, Dialect dialect);

// The downgrades of `plan` to run from the ledger rather than from the files: those of applied
// revisions whose file's downgrade differs from the one stored when they were applied (the file
// was edited since, whether or not `repair` recorded its new checksum). The stored one matches
// what the database holds, so it runs unless `from_files`; a note says, for each, which one runs.
std::map<int, Section> ledger_downgrades(Context& context, const DatabaseState& state, const std::vector<int>& plan,
                                         Dialect dialect, bool from_files);

} // namespace trellis
