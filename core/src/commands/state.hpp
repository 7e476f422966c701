// What the database says, joined with what the files say: the applied set over the graph,
// revisions known only from the ledger (their files gone), and checksums that changed.
#pragma once

#include "commands/context.hpp"
#include "db/ledger.hpp"
#include "graph/planner.hpp"

#include <map>

namespace trellis {

struct DatabaseState {
    std::string database; // its URL as shown to users (no password)
    bool ledger_exists = false;
    std::vector<LedgerRow> rows;
    AppliedSet applied;       // over the context's graph, ledger-only revisions included
    std::vector<int> gone;    // applied revisions whose file is gone
    std::vector<int> changed; // applied revisions whose file's checksum differs from the ledger's
    const LedgerRow* row(const std::string& revision) const;
    // The applied revision ids, oldest first.
    std::vector<std::string> applied_in_order() const;
};

// Reads the ledger of `db` and, when it holds revisions whose files are gone, replaces the
// context's graph with one that holds them too (in their stored branch, with stored edges).
DatabaseState read_state(Context& context, Database& db, const Ledger& ledger);

// The state of the context's database, opened read-only (a SQLite file that does not exist reads
// as empty): the recipe of every command that shows the database without changing it.
DatabaseState read_database_state(Context& context);

// Per branch of `graph` (by index), how many of its revisions `applied` holds.
std::vector<std::size_t> applied_per_branch(const Graph& graph, const AppliedSet& applied);

// The applied set when the context names a database that answers; nullopt with the reason in
// `why` when no database is configured or it cannot be reached (an input error still throws).
// For the views that show applied state when they can (plugins, graph).
std::optional<AppliedSet> applied_if_reachable(Context& context, std::string& why);

// Stops with an input error naming the first changed file, unless `ignore` is set.
void check_checksums(const Graph& graph, const DatabaseState& state, bool ignore);

// The downgrade SQL a revision stores in the ledger for `dialect`: its downgrade section, or
// the `-- +irreversible` marker.
std::string stored_downgrade(const Revision& revision, Dialect dialect);

// The applied revisions among `revisions` whose file's downgrade differs from the one the ledger
// stored when they were applied.
std::vector<int> edited_downgrades(const Graph& graph, const DatabaseState& state, const std::vector<int>& revisions,
                                   Dialect dialect);

// The downgrades of `plan` to run from the ledger rather than from the files: those of applied
// revisions whose file's downgrade differs from the one stored when they were applied (the file
// was edited since, whether or not `repair` recorded its new checksum). The stored one matches
// what the database holds, so it runs unless `from_files`; a note says, for each, which one runs.
std::map<int, Section> ledger_downgrades(Context& context, const DatabaseState& state, const std::vector<int>& plan,
                                         Dialect dialect, bool from_files);

} // namespace trellis
