// How the CLI shows revisions, branches and plans, in text and in JSON, so every command shows a
// revision the same way.
#pragma once

#include "graph/graph.hpp"
#include "graph/planner.hpp"

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace trellis {
struct Operation;
enum class OpKind;
} // namespace trellis

namespace trellis::cli {

// Alembic's history line: `parent -> id (branch) (head), message`.
std::string revision_line(const Graph& graph, int i, const AppliedSet* applied = nullptr);
// Alembic's verbose form (`heads -v`, `history -v`): Rev, Parent, Depends on, Create date and
// Path lines, then the message, indented.
std::string revision_block(const Graph& graph, int i, const AppliedSet* applied = nullptr);
// `{revision, branch, down_revision, depends_on, message, path, ...}`.
nlohmann::json revision_json(const Graph& graph, int i);
// The branch tree of SPEC.md, one line per branch, `annotate` adding text after each label.
std::vector<std::string> branch_tree(const Graph& graph, const std::function<std::string(int branch)>& annotate);
// A plan grouped by branch (in plugin order), each step in its run order.
std::string plan_text(const Graph& graph, const Plan& plan);
nlohmann::json plan_json(const Graph& graph, const Plan& plan);
void print_json(const nlohmann::json& document);
// Alembic's autogenerate line for one detected change: `Detected added column 'guest.user_data'`;
// a change that loses data says so (`Detected removed table 'x' (its rows are lost)`).
std::string detected_line(const Operation& op);
// Whether a change drops something (a table, a column, an index, a key) or narrows a type.
bool is_drop(const Operation& op);
bool is_drop_kind(OpKind kind); // a drop_* kind
// `{operation, table, subject, plugin, description, destructive, possible_rename_of}`.
nlohmann::json operation_json(const Operation& op);
// A ledger time (`YYYY-MM-DD HH:MM:SS.fff`, UTC) in ISO 8601, like create_date: `...T...Z`.
std::string iso8601(const std::string& ledger_time);

} // namespace trellis::cli
