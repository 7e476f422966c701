// lint: the changes in revisions that destroy data, that depend on the data already there, that
// lock or rewrite tables in use, that fail when they run, or that break code written against the
// old schema (SPEC.md, `lint [REV...]`). It reads the SQL of the upgrade sections only (a
// downgrade is expected to drop things), on both dialects, with no database: what a rule knows
// about a table comes from the revisions that run before. PostgreSQL sections (and generic ones,
// which PostgreSQL runs too) are read by PostgreSQL's own parser (sql/pg_parser.hpp), which
// finds syntax errors. Stateless; safe to call from several threads on the same graph.
#pragma once

#include "graph/graph.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace trellis {

struct Finding {
    std::string code;     // stable: T101, T102, ... (see lint_rules())
    std::string family;   // destructive | data | lock | rewrite | failure | compatibility | type
    std::string revision; // id
    std::string path;     // the revision file
    int line = 0;         // file line of the statement
    std::string dialect;  // the dialect it holds on; empty when it holds on both
    std::string message;
    std::string hint; // what to do about it
};

struct LintRule {
    std::string_view code;
    std::string_view family;
    std::string_view title;    // one line, for documentation and help
    std::string_view hint;     // the default advice of its findings: the safe way to write it
    std::string_view protects; // what goes wrong without it
};

struct LintOptions {
    int pg_version = 15; // the major version of the PostgreSQL the revisions will run on
    // Online: the tables the database says hold no rows (no finding that needs rows is given on them).
    std::function<bool(const std::string& table)> known_empty;
    // The run: the revisions an upgrade will apply together (by graph index, or by position for
    // the vector overload). A table created by one of them holds no rows for those after it.
    // Empty: offline, each revision is judged as if those before it were applied.
    std::vector<bool> run;
    // The vector overload: the first `context` revisions are applied already; they are read for
    // what they create, not linted, and their tables are not new.
    std::size_t context = 0;
    // Where notes go (the parser is missing, ...); none when null.
    std::vector<std::string>* notes = nullptr;
};

// Every rule, by code.
const std::vector<LintRule>& lint_rules();

// Lints `selected` (graph indices). Every revision that runs before the last selected one in
// the graph's order is read too, so that a rule knows what an earlier revision created (a
// column's type, a table that exists); a table created by a revision of `options.run` is new (no
// rows) to the ones after it. Findings come in the graph's order, then by line; a statement
// that carries `-- trellis:nolint [CODE...]` gives none of the codes named.
std::vector<Finding> lint_revisions(const Graph& graph, const std::vector<int>& selected,
                                    const LintOptions& options = {});

// Lints every revision after `options.context`, in the order given, each knowing what the ones
// before it created.
std::vector<Finding> lint_revisions(const std::vector<Revision>& revisions, const LintOptions& options = {});

} // namespace trellis
