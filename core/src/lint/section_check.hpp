// The lint rules over one upgrade section: its statements run, in order, against what the
// revisions before it said about the tables, the way the database would run them. Running them is
// what tells a table created in this section (no rows to fail on) from an existing one, and a
// SQLite table rebuild (create, copy, drop, rename: the rows are kept) from a dropped table.
#pragma once

#include "lint/sql_changes.hpp"
#include "revision/sql_split.hpp"
#include "sql/node.hpp"
#include "sql/scanner.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace trellis::lint {

// What the revisions read so far say about a table.
struct TableShape {
    std::string name;
    std::vector<ColumnDef> columns;
    bool complete = false; // every column is known: a revision read before created the table
    bool fresh = false;    // created by an earlier revision of the same run: it holds no rows yet
    // CHECK (col IS NOT NULL) NOT VALID constraints: key(constraint) → column; and the columns a
    // validated one proves free of NULLs (SET NOT NULL then skips its scan, PostgreSQL 12+).
    std::map<std::string, std::string> not_null_checks;
    std::set<std::string> proven_not_null;
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
    int line = 0; // the file line when not the statement's first (a syntax error)
};

// What a section is checked with besides its statements.
struct SectionContext {
    // PostgreSQL: each statement's parse trees (statement node wrappers; empty for a step call or
    // a statement the parser rejected). Null on SQLite: only the rules over tokens run.
    const std::vector<std::vector<const sql::Node*>>* trees = nullptr;
    // A SQLite section's statements are read with SQLite's quoting.
    sql::Quoting quoting = sql::Quoting::postgresql;
    int pg_version = 15;
    bool transactional = true;
    // The revision is part of the run being linted: the tables it creates are new to the ones after it.
    bool in_run = false;
    // Online: the tables the database says hold no rows.
    std::function<bool(const std::string& table)> known_empty;
};

// Runs `statements` against `schema` and answers what the rules find, in statement order.
// `schema` is left as the section leaves the tables, for the revisions after it.
std::vector<SectionFinding> check_section(const std::vector<Statement>& statements, KnownSchema& schema,
                                          const SectionContext& context = {});

} // namespace trellis::lint
