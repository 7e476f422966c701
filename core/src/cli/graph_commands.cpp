// graph: the branch tree and the revision graph as pictures (dot, mermaid, svg and png through
// Graphviz), marking heads, merges, branch points and, when the database answers, applied revisions.
#include "cli/command.hpp"
#include "cli/present.hpp"
#include "commands/state.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace trellis::cli {

namespace {

using nlohmann::json;

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
    auto state = state_if_reachable(in.context, why);
    std::optional<AppliedSet> applied;
    if (state)
        applied = state->applied;
    const auto& graph = state ? *state->graph : in.context.outline();
    if (format == "mermaid")
        std::cout << mermaid(graph, applied);
    else if (format == "dot")
        std::cout << dot(graph, applied);
    else
        std::cout << graphviz(dot(graph, applied), format) << std::flush;
    return 0;
}

} // namespace

void add_graph_commands(std::vector<CommandSpec>& table) {
    table.push_back({"graph", "[--format ascii|dot|mermaid|svg|png]", "the branch tree and the revision graph",
                     graph_options, graph_run});
}

} // namespace trellis::cli
