// heads, branches, history, show: read-only views of the revision graph (graph: graph_commands.cpp).
#include "cli/command.hpp"
#include "cli/present.hpp"
#include "commands/history.hpp"
#include "commands/state.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace trellis::cli {

namespace {

using nlohmann::json;

// --- heads --------------------------------------------------------------------------------

void heads_options(po::options_description& d, po::positional_options_description&) {
    d.add_options()("resolve-dependencies", po::bool_switch(),
                    "treat depends_on like down_revision: only revisions nothing builds on or needs");
}

int heads_run(Invocation& in) {
    const auto& graph = in.context.outline();
    std::vector<int> heads = graph.heads();
    if (flag(in, "resolve-dependencies"))
        std::erase_if(heads, [&](int i) { return !graph.children(i).empty() || !graph.dependants(i).empty(); });
    if (in.context.options().plugin)
        std::erase_if(heads, [&, b = graph.branch_named(*in.context.options().plugin)](int i) {
            return graph.branch_of(i) != b;
        });
    if (in.output.json) {
        auto list = json::array();
        for (int i : heads)
            list.push_back(revision_json(graph, i));
        print_json({{"heads", list}});
        return 0;
    }
    for (int i : heads) {
        if (in.output.verbose)
            std::cout << revision_block(graph, i);
        else
            std::cout << fmt::format("{} ({}) {}\n", graph.revision(i).id, graph.branch(graph.branch_of(i)).label(),
                                     in.output.out(Paint::head, "(head)"));
    }
    return 0;
}

// --- branches -----------------------------------------------------------------------------

int branches_run(Invocation& in) {
    const auto& graph = in.context.outline();
    std::vector<int> points;
    for (int i : graph.order())
        if (graph.children(i).size() > 1)
            points.push_back(i);
    if (in.output.json) {
        auto branches = json::array();
        for (const auto& b : graph.branches()) {
            auto ids = [&](const std::vector<int>& v) {
                auto list = json::array();
                for (int i : v)
                    list.push_back(graph.revision(i).id);
                return list;
            };
            branches.push_back({{"label", b.label()},
                                {"depends", b.spec.depends},
                                {"revisions", b.revisions.size()},
                                {"bases", ids(b.bases)},
                                {"heads", ids(b.heads)}});
        }
        auto list = json::array();
        for (int i : points) {
            auto entry = revision_json(graph, i);
            entry["children"] = json::array();
            for (int c : graph.children(i))
                entry["children"].push_back(revision_json(graph, c));
            list.push_back(entry);
        }
        print_json({{"branches", branches}, {"branchpoints", list}});
        return 0;
    }
    for (int i : points) {
        std::cout << revision_line(graph, i) << "\n";
        for (int c : graph.children(i))
            std::cout << "    -> " << revision_line(graph, c) << "\n";
    }
    if (points.empty() && !in.output.quiet)
        std::cout << "No branch points: every branch is a line.\n";
    return 0;
}

// --- history ------------------------------------------------------------------------------

void history_options(po::options_description& d, po::positional_options_description&) {
    d.add_options()("rev-range,r", po::value<std::string>(), "A:B, either side optional (base:heads)")(
        "indicate-current,i", po::bool_switch(), "mark applied revisions (needs the database)");
}

// Alembic's lines (or blocks, -v), `(applied)` marked when `applied` is given.
void print_history(const Output& output, const Graph& graph, const std::vector<int>& shown, const AppliedSet* applied) {
    if (output.json) {
        auto list = json::array();
        for (int i : shown) {
            auto entry = revision_json(graph, i);
            if (applied)
                entry["applied"] = static_cast<bool>((*applied)[i]);
            list.push_back(entry);
        }
        print_json({{"history", list}});
        return;
    }
    std::string out;
    for (int i : shown)
        out += output.verbose ? revision_block(graph, i, applied) : revision_line(graph, i, applied) + '\n';
    std::cout << out;
}

int history_run(Invocation& in) {
    std::optional<AppliedSet> applied;
    std::optional<DatabaseState> state;
    if (flag(in, "indicate-current")) {
        state = read_database_state(in.context);
        applied = state->applied;
    }
    const auto& graph = state ? *state->graph : in.context.outline();
    auto shown = history_revisions(graph, arg<std::string>(in, "rev-range"), in.context.options().plugin,
                                   applied ? *applied : AppliedSet(graph.size(), false));
    print_history(in.output, graph, shown, applied ? &*applied : nullptr);
    return 0;
}

// --- show ---------------------------------------------------------------------------------

void show_options(po::options_description& d, po::positional_options_description& p) {
    d.add_options()("revision", po::value<std::string>(), "revision id, prefix or target");
    p.add("revision", 1);
}

// The downgrade a ledger-only revision keeps (its file is gone).
std::string stored_text(const Revision& r) {
    for (const auto& section : r.sections)
        if (section.kind != SectionKind::upgrade)
            return section.kind == SectionKind::irreversible ? "-- +irreversible\n" : section.text;
    return "";
}

// What `show` found, and the graph it found it in: the files', else (for a revision whose file is
// gone, known to the ledger only) the database's state's.
struct Shown {
    std::shared_ptr<const Graph> graph;
    std::optional<DatabaseState> state;
    std::vector<int> found;
    bool file_gone(int i) const { return state && state->file_gone(i); }
    std::string checksum(int i) const { return state ? state->checksum(i) : graph->revision(i).checksum(); }
};

Shown find_shown(Context& context, const std::string& target) {
    Shown shown{context.shared_graph(), std::nullopt, {}};
    try {
        shown.found = resolve_upgrade_target(*shown.graph, target, AppliedSet(shown.graph->size(), false));
    } catch (const Error& e) {
        // A revision whose file is gone is known to the ledger only: look there before giving up.
        std::string why;
        if (e.code() != ExitCode::bad_input || !context.has_url() || !(shown.state = state_if_reachable(context, why)))
            throw;
        shown.graph = shown.state->graph;
        shown.found = resolve_upgrade_target(*shown.graph, target, AppliedSet(shown.graph->size(), false));
    }
    return shown;
}

std::string show_text(const Shown& shown, int i) {
    const auto& graph = *shown.graph;
    const auto& r = graph.revision(i);
    const auto& branch = graph.branch(graph.branch_of(i));
    bool head = std::find(branch.heads.begin(), branch.heads.end(), i) != branch.heads.end();
    std::vector<std::string> children;
    for (int c : graph.children(i))
        children.push_back(graph.revision(c).id);
    return fmt::format("Rev: {}{}\nBranch: {}\nParent: {}\nDepends on: {}\nChildren: {}\nPath: {}\n"
                       "Created: {}\nTransactional: {}\nChecksum: {}\n\n    {}\n{}\n",
                       r.id, head ? " (head)" : "", branch.label(),
                       r.down_revisions.empty() ? "<base>" : text::join(r.down_revisions, ", "),
                       r.depends_on.empty() ? "-" : text::join(r.depends_on, ", "),
                       children.empty() ? "-" : text::join(children, ", "), files::display(r.path),
                       r.create_date.empty() ? "-" : r.create_date, r.transactional ? "true" : "false",
                       shown.checksum(i), r.message,
                       shown.file_gone(i) ? "-- the ledger's stored downgrade:\n" + stored_text(r) : r.body);
}

int show_run(Invocation& in) {
    auto target = arg<std::string>(in, "revision");
    if (target.empty())
        throw input_error("show needs a revision: trellis show REV");
    auto shown = find_shown(in.context, target);
    const auto& graph = *shown.graph;
    if (in.output.json) {
        auto list = json::array();
        for (int i : shown.found) {
            auto entry = revision_json(graph, i);
            entry["checksum"] = shown.checksum(i);
            entry["children"] = json::array();
            for (int c : graph.children(i))
                entry["children"].push_back(graph.revision(c).id);
            entry["body"] = graph.revision(i).body;
            list.push_back(entry);
        }
        print_json(shown.found.size() == 1 ? list[0] : json{{"revisions", list}});
        return 0;
    }
    for (int i : shown.found)
        std::cout << show_text(shown, i);
    return 0;
}

} // namespace

void add_inspect_commands(std::vector<CommandSpec>& table) {
    table.push_back({"heads", "[--resolve-dependencies] [-v]", "the heads of every branch", heads_options, heads_run});
    table.push_back(
        {"branches", "", "branch points, and each branch's bases and heads (--json)", no_options, branches_run});
    table.push_back(
        {"history", "[-r A:B] [-i] [-v]", "revisions newest first, with their branch", history_options, history_run});
    table.push_back({"show", "REV", "one revision in full", show_options, show_run});
}

} // namespace trellis::cli
