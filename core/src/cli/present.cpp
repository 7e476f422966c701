#include "cli/present.hpp"

#include "schema/diff.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace trellis::cli {

namespace {

bool is_head(const Graph& graph, int i) {
    const auto& heads = graph.branch(graph.branch_of(i)).heads;
    return std::find(heads.begin(), heads.end(), i) != heads.end();
}

// ` (branch) (head) (mergepoint) (branchpoint) (applied)`, those that apply.
std::string marks(const Graph& graph, int i, const AppliedSet* applied) {
    std::string out = fmt::format(" ({})", graph.branch(graph.branch_of(i)).label());
    if (is_head(graph, i))
        out += " (head)";
    if (graph.revision(i).is_merge())
        out += " (mergepoint)";
    if (graph.children(i).size() > 1)
        out += " (branchpoint)";
    if (applied && (*applied)[i])
        out += " (applied)";
    return out;
}

} // namespace

std::string revision_line(const Graph& graph, int i, const AppliedSet* applied) {
    const auto& r = graph.revision(i);
    std::string from = r.down_revisions.empty()       ? "<base>"
                       : r.down_revisions.size() == 1 ? r.down_revisions.front()
                                                      : "(" + text::join(r.down_revisions, ", ") + ")";
    return fmt::format("{} -> {}{}, {}", from, r.id, marks(graph, i, applied), r.message);
}

std::string revision_block(const Graph& graph, int i, const AppliedSet* applied) {
    const auto& r = graph.revision(i);
    return fmt::format("Rev: {}{}\nParent: {}\nDepends on: {}\nCreate date: {}\nPath: {}\n\n    {}\n\n", r.id,
                       marks(graph, i, applied),
                       r.down_revisions.empty() ? "<base>" : text::join(r.down_revisions, ", "),
                       r.depends_on.empty() ? "-" : text::join(r.depends_on, ", "),
                       r.create_date.empty() ? "-" : r.create_date, files::display(r.path), r.message);
}

nlohmann::json revision_json(const Graph& graph, int i) {
    const auto& r = graph.revision(i);
    return {{"revision", r.id},
            {"branch", graph.branch(graph.branch_of(i)).label()},
            {"down_revision", r.down_revisions},
            {"depends_on", r.depends_on},
            {"branch_labels", r.branch_labels},
            {"message", r.message},
            {"create_date", r.create_date},
            {"transactional", r.transactional},
            {"is_head", is_head(graph, i)},
            {"path", r.path}};
}

std::vector<std::string> branch_tree(const Graph& graph, const std::function<std::string(int)>& annotate) {
    // Each branch sits under its first dependency in plugin order; branches come in plugin order.
    int n = static_cast<int>(graph.branches().size());
    std::vector<std::vector<int>> children(n);
    std::vector<int> roots;
    for (int b = 0; b < n; ++b) {
        const auto& deps = graph.branch(b).depends;
        if (deps.empty())
            roots.push_back(b);
        else
            children[*std::min_element(deps.begin(), deps.end())].push_back(b);
    }
    std::vector<std::string> lines;
    std::function<void(int, const std::string&, const std::string&)> draw = [&](int b, const std::string& lead,
                                                                                const std::string& indent) {
        const auto& branch = graph.branch(b);
        std::string also;
        if (branch.depends.size() > 1) {
            std::vector<std::string> others;
            auto first = *std::min_element(branch.depends.begin(), branch.depends.end());
            for (int d : branch.depends)
                if (d != first)
                    others.push_back(graph.branch(d).label());
            also = fmt::format(" (also on {})", text::join(others, ", "));
        }
        lines.push_back(lead + branch.label() + also + annotate(b));
        for (std::size_t k = 0; k < children[b].size(); ++k) {
            bool last = k + 1 == children[b].size();
            draw(children[b][k], indent + (last ? "└── " : "├── "), indent + (last ? "    " : "│   "));
        }
    };
    for (int r : roots)
        draw(r, "", "");
    return lines;
}

std::string plan_text(const Graph& graph, const Plan& plan) {
    if (plan.steps.empty())
        return "Nothing to do.\n";
    std::string out = fmt::format("{} {} revision(s):\n",
                                  plan.direction == Direction::upgrade ? "Upgrade" : "Downgrade", plan.steps.size());
    for (int b = 0; b < static_cast<int>(graph.branches().size()); ++b) {
        std::vector<std::pair<std::size_t, int>> mine;
        for (std::size_t k = 0; k < plan.steps.size(); ++k)
            if (graph.branch_of(plan.steps[k]) == b)
                mine.emplace_back(k + 1, plan.steps[k]);
        if (mine.empty())
            continue;
        out += fmt::format("  {} ({}):\n", graph.branch(b).label(), mine.size());
        for (const auto& [position, i] : mine)
            out += fmt::format("    {:>4}. {} {}\n", position, graph.revision(i).id, graph.revision(i).message);
    }
    return out;
}

nlohmann::json plan_json(const Graph& graph, const Plan& plan) {
    auto steps = nlohmann::json::array();
    for (int i : plan.steps)
        steps.push_back(revision_json(graph, i));
    // An array, so the branches keep the plugin order.
    auto branches = nlohmann::json::array();
    for (const auto& branch : graph.branches()) {
        auto ids = nlohmann::json::array();
        for (int i : plan.steps)
            if (graph.branch(graph.branch_of(i)).label() == branch.label())
                ids.push_back(graph.revision(i).id);
        if (!ids.empty())
            branches.push_back({{"branch", branch.label()}, {"revisions", ids}});
    }
    return {{"direction", plan.direction == Direction::upgrade ? "upgrade" : "downgrade"},
            {"steps", steps},
            {"branches", branches}};
}

void print_json(const nlohmann::json& document) {
    // Revision files are UTF-8 (refused at load otherwise), but a file or directory name need not
    // be: its bad bytes print as U+FFFD rather than failing the whole document.
    std::cout << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

std::string iso8601(const std::string& ledger_time) {
    auto out = ledger_time;
    if (auto space = out.find(' '); space != std::string::npos)
        out[space] = 'T';
    return out.empty() || out.ends_with("Z") ? out : out + "Z";
}

namespace {

// What the change is about, quoted as Alembic quotes it: `'table.column'`, `'index' on 'table'`.
std::string subject_of(const Operation& op, std::string_view noun) {
    if (op.kind == OpKind::add_column || op.kind == OpKind::drop_column || op.kind == OpKind::alter_column)
        return fmt::format("{} '{}.{}'", noun, op.table, op.subject);
    if (op.kind == OpKind::create_table || op.kind == OpKind::drop_table || op.kind == OpKind::alter_primary_key)
        return fmt::format("{} '{}'", noun, op.table);
    return fmt::format("{} '{}' on '{}'", noun, op.subject, op.table);
}

} // namespace

bool is_drop_kind(OpKind kind) {
    switch (kind) {
    case OpKind::drop_table:
    case OpKind::drop_column:
    case OpKind::drop_index:
    case OpKind::drop_unique:
    case OpKind::drop_foreign_key:
    case OpKind::drop_check:
        return true;
    default:
        return false;
    }
}

bool is_drop(const Operation& op) {
    return is_drop_kind(op.kind) || op.destructive;
}

std::string detected_line(const Operation& op) {
    static constexpr std::pair<OpKind, std::string_view> k_words[] = {
        {OpKind::create_table, "added table"},
        {OpKind::drop_table, "removed table"},
        {OpKind::add_column, "added column"},
        {OpKind::drop_column, "removed column"},
        {OpKind::alter_column, "changed column"},
        {OpKind::alter_primary_key, "changed primary key of"},
        {OpKind::create_index, "added index"},
        {OpKind::drop_index, "removed index"},
        {OpKind::add_unique, "added unique constraint"},
        {OpKind::drop_unique, "removed unique constraint"},
        {OpKind::add_foreign_key, "added foreign key"},
        {OpKind::drop_foreign_key, "removed foreign key"},
        {OpKind::add_check, "added check constraint"},
        {OpKind::drop_check, "removed check constraint"},
    };
    std::string_view noun;
    for (const auto& [kind, words] : k_words)
        if (kind == op.kind)
            noun = words;
    auto line = "Detected " + subject_of(op, noun);
    if (op.kind == OpKind::alter_column || op.kind == OpKind::alter_primary_key)
        line += ": " + op.describe();
    else if (op.kind == OpKind::drop_table)
        line += " (its rows are lost)";
    else if (op.kind == OpKind::drop_column)
        line += " (its data is lost)";
    if (op.kind == OpKind::add_column && !op.rename_from.empty())
        line += fmt::format(" (possibly a rename of '{}.{}')", op.table, op.rename_from);
    return line;
}

nlohmann::json operation_json(const Operation& op) {
    return {{"operation", op.code()},
            {"table", op.table},
            {"subject", op.subject},
            {"plugin", op.owner},
            {"description", op.describe()},
            {"destructive", op.destructive},
            {"possible_rename_of", op.rename_from.empty() ? nlohmann::json(nullptr) : nlohmann::json(op.rename_from)}};
}

} // namespace trellis::cli
