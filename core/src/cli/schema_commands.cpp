// check and diff: the models against the database.
#include "cli/command.hpp"
#include "cli/present.hpp"
#include "commands/compare.hpp"

#include <fmt/format.h>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

namespace trellis::cli {

namespace {

using nlohmann::json;

json comparison_json(const Comparison& c) {
    const auto& graph = *c.graph;
    json ops = json::array();
    for (const auto& op : c.operations)
        ops.push_back(operation_json(op));
    json pending = json::array();
    for (int i : c.pending)
        pending.push_back(graph.revision(i).id);
    json kept = json::array();
    for (const auto& k : c.kept)
        kept.push_back({{"plugin", k.owner}, {"gone", k.kind == OwnerKind::gone}, {"object", k.what}});
    return {{"differences", ops}, {"unowned_tables", c.unowned_tables}, {"kept", kept}, {"pending", pending}};
}

void notes(const Comparison& c) {
    if (!c.pending.empty())
        std::cout << fmt::format(
            "note: {} revision(s) are not applied yet; `trellis upgrade` first to compare the newest schema\n",
            c.pending.size());
    if (!c.unowned_tables.empty())
        std::cout << fmt::format("note: left alone, no loaded plugin owns them: {} (exclude_tables silences this)\n",
                                 fmt::join(c.unowned_tables, ", "));
    for (const auto& line : gone_notes(c.kept))
        std::cout << line << "\n";
}

int check_run(Invocation& in) {
    auto c = compare(in.context);
    if (in.output.json) {
        print_json(comparison_json(c));
    } else if (c.operations.empty()) {
        if (!in.output.quiet)
            std::cout << "No differences: the database matches the models.\n";
        notes(c);
    } else {
        std::cout << fmt::format("{} difference(s) between the models and the database:\n", c.operations.size());
        for (const auto& op : c.operations)
            std::cout << fmt::format("  {}: {}\n", op.owner.empty() ? "?" : op.owner, op.describe());
        notes(c);
    }
    return c.operations.empty() ? 0 : static_cast<int>(ExitCode::findings);
}

char mark(OpKind kind) {
    switch (kind) {
    case OpKind::create_table:
    case OpKind::add_column:
    case OpKind::create_index:
    case OpKind::add_unique:
    case OpKind::add_foreign_key:
    case OpKind::add_check:
        return '+';
    default:
        return is_drop_kind(kind) ? '-' : '~';
    }
}

int diff_run(Invocation& in) {
    auto c = compare(in.context);
    if (in.output.json) {
        print_json(comparison_json(c));
        return 0;
    }
    // By table: `+` the models have it and the database not, `-` the reverse, `~` both, differently.
    std::map<std::string, std::vector<const Operation*>> by_table;
    for (const auto& op : c.operations)
        by_table[op.table].push_back(&op);
    for (const auto& [table, ops] : by_table) {
        std::cout << fmt::format("{} ({})\n", table, ops.front()->owner.empty() ? "no owner" : ops.front()->owner);
        for (const auto* op : ops)
            std::cout << fmt::format("  {} {}\n", mark(op->kind), op->describe());
    }
    if (c.operations.empty() && !in.output.quiet)
        std::cout << "No differences: the database matches the models.\n";
    notes(c);
    return 0;
}

} // namespace

void add_schema_commands(std::vector<CommandSpec>& table) {
    table.push_back({"check", "",
                     "exit 1 when the models and the database differ, listing what autogenerate would write",
                     no_options, check_run});
    table.push_back(
        {"diff", "", "the differences between the models and the database, by table", no_options, diff_run});
}

} // namespace trellis::cli
