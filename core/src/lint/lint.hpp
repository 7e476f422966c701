// lint: the changes in revisions that destroy data, that depend on the data already there, or
// that break code written against the old schema (SPEC.md, `lint [REV...]`). It reads the SQL
// of the upgrade sections only (a downgrade is expected to drop things), on both dialects, with
// no database: what a rule knows about a table comes from the revisions that run before.
// Pure and stateless; safe to call from several threads on the same graph.
#pragma once

#include "graph/graph.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trellis {

struct Finding {
    std::string code;     // stable: T101, T102, ... (see lint_rules())
    std::string family;   // destructive | data | compatibility
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
    std::string_view title; // one line, for documentation and help
    std::string_view hint;  // the default advice of its findings
};

// Every rule, by code.
const std::vector<LintRule>& lint_rules();

// Lints `selected` (graph indices). Every revision that runs before the last selected one in
// the graph's order is read too, so that a rule knows what an earlier revision created (a
// column's type, a table that exists). Findings come in the graph's order, then by line; a
// statement that carries `-- trellis:nolint [CODE...]` gives none of the codes named.
std::vector<Finding> lint_revisions(const Graph& graph, const std::vector<int>& selected);

// Lints every revision, in the order given, each knowing what the ones before it created.
std::vector<Finding> lint_revisions(const std::vector<Revision>& revisions);

} // namespace trellis
