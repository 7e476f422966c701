// Who owns what a database holds, one rule for check, diff, autogenerate, verify and drop-db
// (SPEC.md, "Column ownership"). A table, column, index or constraint (foreign key, unique,
// check) belongs to the plugin whose models declare it; what no model declares belongs to the
// branch whose revisions created it, read from the upgrade SQL of its files or, for a revision
// known only from the ledger (a gone plugin), from the downgrade stored when it was applied
// (`DROP TABLE t`, `ALTER TABLE t DROP COLUMN c`, `DROP CONSTRAINT k`, a SQLite rebuild without
// them). A constraint written without a name is known by the name PostgreSQL gives it
// (schema/constraint_names.hpp); a foreign key or unique constraint also by its columns.
//
// Only a plugin with models ever drops what it owns, by leaving it out of its models. What a branch
// without models (an SQL-only plugin) or a gone plugin (its library removed, its revisions still
// applied) created stays theirs: no command proposes to drop it, into any branch.
#pragma once

#include "graph/graph.hpp"
#include "schema/diff.hpp"

#include <map>
#include <string>
#include <vector>

namespace trellis {

struct LoadedPlugin;
struct ConstraintFound;

enum class OwnerKind {
    modelled, // a loaded plugin with models: compared with them
    sql_only, // a branch without models (a config section, or a library that declares none)
    gone,     // known only from the ledger: its library is not loaded
};

// Something left alone because a branch without models or a gone plugin owns it.
struct Kept {
    std::string owner;
    OwnerKind kind;
    std::string what; // `table hotel_request`, `column attendee.nights`, `index ix_... on attendee`
    std::string table;
};

// `note: left alone, created by plugin `magprime`, which is gone ...`: one line per gone plugin.
std::vector<std::string> gone_notes(const std::vector<Kept>& kept);

class Ownership {
public:
    // Reads the revisions in `applied` (ids, in the order they were applied: the ledger's) first,
    // then the others in the graph's order. The order they ran in decides who created something:
    // a SQLite rebuild re-creates the indexes of the table, which another branch may have made.
    // `gone` (ascending): the revisions known only from the ledger (DatabaseState::gone), whose
    // revision holds the downgrade stored when they were applied instead of their file's SQL.
    Ownership(const Graph& graph, const std::vector<LoadedPlugin>& plugins,
              const std::vector<std::string>& applied = {}, const std::vector<int>& gone = {});

    // The branch whose revisions created the table (or added the column to it, or created the
    // index); empty when none did. The first revision to run wins.
    std::string table_origin(const std::string& table) const;
    std::string column_origin(const std::string& table, const std::string& column) const;
    std::string index_origin(const std::string& index) const;
    // `kind`: "foreign", "unique" or "check"; `columns` empty for a check.
    std::string constraint_origin(const std::string& table, const std::string& kind, const std::string& name,
                                  const std::vector<std::string>& columns) const;
    OwnerKind kind(const std::string& branch) const;

    // Takes out of `operations` every drop of what a branch without models or a gone plugin owns
    // (and the indexes and keys on such columns), appending them to `kept`; gives each remaining
    // drop to the modelled branch whose revisions created what it drops. A drop_table of a table
    // no branch created is taken out too and named in `unowned`.
    void leave_alone(std::vector<Operation>& operations, std::vector<Kept>& kept,
                     std::vector<std::string>& unowned) const;

private:
    // `file_gone`: only the stored downgrade is known, and what it drops, the revision had created.
    void read(const Revision& revision, const std::string& branch, bool file_gone);
    // The keys a constraint is known by: `table|name`, and `table|kind|columns` for a key.
    std::vector<std::string> constraint_keys(const std::string& table, const std::string& kind, const std::string& name,
                                             const std::vector<std::string>& columns) const;
    std::string lookup_constraint(const std::vector<std::string>& keys) const;
    // Records that `branch` created a constraint, unless someone did before. A rebuild's CREATE
    // TABLE re-creates what the table had: what it has that a gone plugin's stored rebuild leaves
    // out was that plugin's.
    void claim(const std::string& table, const ConstraintFound& constraint, const std::string& branch, bool rebuild);
    // The branch (gone) whose stored downgrade rebuilds `table` without `column`; empty if none.
    std::string rebuilt_without(const std::string& table, const std::string& column) const;
    std::string rebuilt_without(const std::vector<std::string>& constraint_keys, const std::string& table) const;

    struct Rebuild {
        std::string table;
        std::vector<std::string> columns;     // those the rebuilt table keeps
        std::vector<std::string> constraints; // the keys of the constraints it keeps
        std::string branch;
    };
    std::map<std::string, std::string> m_tables, m_columns, m_indexes; // lower-case keys -> branch
    std::map<std::string, std::string> m_constraints;                  // constraint_keys -> branch
    std::map<std::string, std::vector<std::string>> m_known_columns;   // table -> columns seen, for check names
    std::vector<Rebuild> m_rebuilt;
    std::map<std::string, OwnerKind> m_kinds;
};

} // namespace trellis
