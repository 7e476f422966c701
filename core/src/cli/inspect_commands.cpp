// heads, branches, history, show, graph: read-only views of the revision graph.
#include "cli/command.hpp"
#include "cli/present.hpp"
#include "commands/history.hpp"
#include "commands/state.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
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
        std::erase_if(heads, [&, b = scoped_branch(graph, *in.context.options().plugin)](int i) {
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
    if (flag(in, "indicate-current"))
        applied = read_database_state(in.context).applied;
    const auto& graph = in.context.outline();
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

int show_run(Invocation& in) {
    auto target = arg<std::string>(in, "revision");
    if (target.empty())
        throw input_error("show needs a revision: trellis show REV");
    // A revision whose file is gone is known to the ledger only: look there before giving up.
    std::vector<int> found;
    try {
        const auto& files_only = in.context.graph();
        found = resolve_upgrade_target(files_only, target, AppliedSet(files_only.size(), false));
    } catch (const Error& e) {
        std::string why;
        if (e.code() != ExitCode::bad_input || !in.context.has_url() || !applied_if_reachable(in.context, why))
            throw;
        const auto& with_ledger = in.context.graph();
        found = resolve_upgrade_target(with_ledger, target, AppliedSet(with_ledger.size(), false));
    }
    const auto& graph = in.context.graph();
    if (in.output.json) {
        auto list = json::array();
        for (int i : found) {
            auto entry = revision_json(graph, i);
            entry["checksum"] = graph.revision(i).checksum();
            entry["children"] = json::array();
            for (int c : graph.children(i))
                entry["children"].push_back(graph.revision(c).id);
            entry["body"] = graph.revision(i).body;
            list.push_back(entry);
        }
        print_json(found.size() == 1 ? list[0] : json{{"revisions", list}});
        return 0;
    }
    for (int i : found) {
        const auto& r = graph.revision(i);
        const auto& branch = graph.branch(graph.branch_of(i));
        bool head = std::find(branch.heads.begin(), branch.heads.end(), i) != branch.heads.end();
        std::vector<std::string> children;
        for (int c : graph.children(i))
            children.push_back(graph.revision(c).id);
        std::cout << fmt::format("Rev: {}{}\nBranch: {}\nParent: {}\nDepends on: {}\nChildren: {}\nPath: {}\n"
                                 "Created: {}\nTransactional: {}\nChecksum: {}\n\n    {}\n{}\n",
                                 r.id, head ? " (head)" : "", branch.label(),
                                 r.down_revisions.empty() ? "<base>" : text::join(r.down_revisions, ", "),
                                 r.depends_on.empty() ? "-" : text::join(r.depends_on, ", "),
                                 children.empty() ? "-" : text::join(children, ", "), files::display(r.path),
                                 r.create_date.empty() ? "-" : r.create_date, r.transactional ? "true" : "false",
                                 r.checksum(), r.message,
                                 r.from_ledger ? "-- the ledger's stored downgrade:\n" + stored_text(r) : r.body);
    }
    return 0;
}

// --- graph --------------------------------------------------------------------------------

void graph_options(po::options_description& d, po::positional_options_description&) {
    d.add_options()("format", po::value<std::string>()->default_value("ascii"),
                    "ascii (the branch tree), dot, mermaid, or svg / png (through Graphviz's dot)");
}

// What a picture marks on a revision: heads, merges, branch points, applied (with a database).
struct Marks {
    bool head, merge, branch_point, applied;
};

Marks marks_of(const Graph& graph, int i, const std::optional<AppliedSet>& applied) {
    const auto& heads = graph.branch(graph.branch_of(i)).heads;
    return {std::find(heads.begin(), heads.end(), i) != heads.end(), graph.parents(i).size() > 1,
            graph.children(i).size() > 1, applied && (*applied)[i]};
}

// `text` cut to `width` characters (not bytes), with `…` when cut.
std::string shortened(const std::string& text, std::size_t width) {
    std::size_t characters = 0, at = 0;
    for (; at < text.size(); ++at)
        if ((static_cast<unsigned char>(text[at]) & 0xc0) != 0x80 && characters++ == width)
            return text.substr(0, at) + "…";
    return text;
}

std::string marks_text(const Marks& m) {
    std::string out;
    for (auto [on, word] :
         {std::pair{m.head, "head"}, {m.merge, "merge"}, {m.branch_point, "branch point"}, {m.applied, "applied"}})
        if (on)
            out += out.empty() ? word : std::string(", ") + word;
    return out;
}

// Escapes `"` and `\` for a quoted dot or mermaid string.
std::string escaped(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

std::string dot(const Graph& graph, const std::optional<AppliedSet>& applied) {
    std::string out = "digraph trellis {\n  rankdir=BT;\n  node [shape=box, fontname=monospace];\n";
    for (const auto& b : graph.branches()) {
        out += fmt::format("  subgraph \"cluster_{0}\" {{\n    label=\"{0}\";\n", escaped(b.label()));
        for (int i : b.revisions) {
            auto m = marks_of(graph, i, applied);
            auto extra = marks_text(m);
            out +=
                fmt::format("    \"{}\" [label=\"{}{}\\n{}\"{}{}{}];\n", graph.revision(i).id, graph.revision(i).id,
                            extra.empty() ? "" : " (" + extra + ")", escaped(shortened(graph.revision(i).message, 40)),
                            m.head ? ", penwidth=2" : "", m.merge || m.branch_point ? ", shape=octagon" : "",
                            m.applied ? ", style=filled, fillcolor=\"#d4f0d4\"" : "");
        }
        out += "  }\n";
    }
    for (int i : graph.order()) {
        for (int p : graph.parents(i))
            out += fmt::format("  \"{}\" -> \"{}\";\n", graph.revision(i).id, graph.revision(p).id);
        for (int d : graph.depends(i))
            out += fmt::format("  \"{}\" -> \"{}\" [style=dashed];\n", graph.revision(i).id, graph.revision(d).id);
    }
    return out + "}\n";
}

std::string mermaid(const Graph& graph, const std::optional<AppliedSet>& applied) {
    std::string out = "flowchart BT\n";
    for (const auto& b : graph.branches()) {
        out += fmt::format("  subgraph {}\n", b.label());
        for (int i : b.revisions) {
            auto m = marks_of(graph, i, applied);
            auto extra = marks_text(m);
            auto label = fmt::format("{}{}<br/>{}", graph.revision(i).id, extra.empty() ? "" : " (" + extra + ")",
                                     shortened(graph.revision(i).message, 40));
            // Mermaid's own shapes: a hexagon for merges and branch points, a stadium for heads.
            auto [open, close] = m.merge || m.branch_point ? std::pair{"{{", "}}"}
                                 : m.head                  ? std::pair{"([", "])"}
                                                           : std::pair{"[", "]"};
            out += fmt::format("    r{}{}\"{}\"{}{}\n", graph.revision(i).id, open, escaped(label), close,
                               m.applied ? ":::applied" : "");
        }
        out += "  end\n";
    }
    for (int i : graph.order()) {
        for (int p : graph.parents(i))
            out += fmt::format("  r{} --> r{}\n", graph.revision(i).id, graph.revision(p).id);
        for (int d : graph.depends(i))
            out += fmt::format("  r{} -.-> r{}\n", graph.revision(i).id, graph.revision(d).id);
    }
    if (applied && std::find(applied->begin(), applied->end(), true) != applied->end())
        out += "  classDef applied fill:#d4f0d4\n";
    return out;
}

// Renders dot through Graphviz; a clear input error when it is not installed.
std::string graphviz(const std::string& source, const std::string& format) {
    auto program = process::find_program("dot");
    if (!program)
        throw input_error("graph --format {} needs Graphviz's `dot`, which is not on PATH (Debian: apt-get install "
                          "graphviz); --format dot prints its input",
                          format);
    return process::run_filter({program->string(), "-T" + format}, source);
}

json graph_json(const Graph& graph) {
    json branches = json::array(), edges = json::array();
    for (const auto& b : graph.branches()) {
        json heads = json::array();
        for (int h : b.heads)
            heads.push_back(graph.revision(h).id);
        branches.push_back({{"label", b.label()},
                            {"depends", b.spec.depends},
                            {"revisions", b.revisions.size()},
                            {"heads", heads},
                            {"version_path", b.spec.version_path.string()}});
    }
    for (int i : graph.order()) {
        for (int p : graph.parents(i))
            edges.push_back({{"from", graph.revision(i).id}, {"to", graph.revision(p).id}, {"kind", "down_revision"}});
        for (int d : graph.depends(i))
            edges.push_back({{"from", graph.revision(i).id}, {"to", graph.revision(d).id}, {"kind", "depends_on"}});
    }
    return {{"branches", branches}, {"edges", edges}};
}

int graph_run(Invocation& in) {
    auto format = arg<std::string>(in, "format");
    if (in.output.json) {
        print_json(graph_json(in.context.outline()));
        return 0;
    }
    if (format == "ascii") {
        const auto& graph = in.context.outline();
        for (const auto& line : branch_tree(graph, [&](int b) {
                 const auto& br = graph.branch(b);
                 std::vector<std::string> heads;
                 for (int h : br.heads)
                     heads.push_back(graph.revision(h).id);
                 return fmt::format("  ({} revision(s), head{} {})", br.revisions.size(), heads.size() == 1 ? "" : "s",
                                    heads.empty() ? "-" : text::join(heads, ", "));
             }))
            std::cout << line << "\n";
        return 0;
    }
    if (format != "dot" && format != "mermaid" && format != "svg" && format != "png")
        throw input_error("unknown graph format `{}` (expected ascii, dot, mermaid, svg or png)", format);
    // Pictures mark applied revisions when the database answers; the reason is said when not.
    in.context.outline();
    std::string why;
    auto applied = applied_if_reachable(in.context, why);
    const auto& graph = in.context.outline();
    if (format == "mermaid")
        std::cout << mermaid(graph, applied);
    else if (format == "dot")
        std::cout << dot(graph, applied);
    else
        std::cout << graphviz(dot(graph, applied), format) << std::flush;
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
    table.push_back({"graph", "[--format ascii|dot|mermaid|svg|png]", "the branch tree and the revision graph",
                     graph_options, graph_run});
}

} // namespace trellis::cli
