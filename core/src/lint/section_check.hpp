// The lint rules over one upgrade section: its statements run, in order, against what the
// revisions before it said about the tables, the way the database would run them. Running them is
// what tells a table created in this section (no rows to fail on) from an existing one, and a
// SQLite table rebuild (create, copy, drop, rename: the rows are kept) from a dropped table.
#pragma once

#include "lint/sql_changes.hpp"
#include "revision/sql_split.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace trellis::lint {

// What the revisions read so far say about a table.
struct TableShape {
    std::string name;
    std::vector<ColumnDef> columns;
    bool complete = false; // every column is known: a revision read before created the table
    // The unique indexes and constraints added to it, as `unique index ix_a (slug)`: a rebuild
    // that re-creates one on the new table adds nothing that could fail.
    std::vector<std::string> uniques;
};

// By key(name).
using KnownSchema = std::unordered_map<std::string, TableShape>;

// A finding within a section: the rule, the statement (an index into the section's statements)
// and what to say. An empty hint takes the rule's own.
struct SectionFinding {
    std::string code;
    std::size_t statement = 0;
    std::string message;
    std::string hint;
};

// Runs `statements` against `schema` and answers what the rules find, in statement order.
// `schema` is left as the section leaves the tables, for the revisions after it.
std::vector<SectionFinding> check_section(const std::vector<Statement>& statements, KnownSchema& schema);

} // namespace trellis::lint
