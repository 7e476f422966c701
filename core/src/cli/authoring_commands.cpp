// init, plugins, revision, merge: the commands that write revision files or show the plugin tree.
#include "cli/command.hpp"
#include "cli/present.hpp"
#include "commands/authoring.hpp"
#include "commands/compare.hpp"
#include "commands/state.hpp"
#include "plugin/loader.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace trellis::cli {

namespace {

using nlohmann::json;

// --- init ---------------------------------------------------------------------------------

void init_options(po::options_description& d, po::positional_options_description& p) {
    d.add_options()("directory", po::value<std::string>()->default_value("."), "where to start");
    p.add("directory", 1);
}

int init_run(Invocation& in) {
    for (const auto& path : init_project(arg<std::string>(in, "directory")))
        if (!in.output.quiet)
            std::cout << "wrote " << files::display(path) << "\n";
    return 0;
}

// --- plugins ------------------------------------------------------------------------------

// The plugins' libraries by name (SQL-only plugins have none).
std::map<std::string, std::string> libraries_of(Context& context) {
    std::map<std::string, std::string> libraries;
    for (const auto& plugin : context.plugins())
        libraries[plugin.descriptor.name] = files::display(plugin.library);
    return libraries;
}

std::vector<std::string> head_ids(const Graph& graph, int b) {
    std::vector<std::string> heads;
    for (int h : graph.branch(b).heads)
        heads.push_back(graph.revision(h).id);
    return heads;
}

void print_plugins_json(Context& context, const Graph& graph, const std::optional<AppliedSet>& applied,
                        const std::string& why) {
    auto libraries = libraries_of(context);
    auto counts = applied ? applied_per_branch(graph, *applied) : std::vector<std::size_t>{};
    json list = json::array();
    for (int b = 0; b < static_cast<int>(graph.branches().size()); ++b) {
        const auto& branch = graph.branch(b);
        json entry = {{"name", branch.label()},
                      {"depends", branch.spec.depends},
                      {"version_path", branch.spec.version_path.string()},
                      {"library", libraries.count(branch.label()) ? json(libraries[branch.label()]) : json(nullptr)},
                      {"source", branch.spec.source},
                      {"revisions", branch.revisions.size()},
                      {"heads", head_ids(graph, b)}};
        if (applied) {
            entry["applied"] = counts[b];
            entry["pending"] = branch.revisions.size() - counts[b];
        }
        list.push_back(entry);
    }
    print_json({{"plugins", list}, {"database", applied ? json(nullptr) : json(why)}});
}

// The branch tree of SPEC.md, each line padded to a column and followed by the branch's details.
void print_plugins_text(const Output& output, const Graph& graph, const std::optional<AppliedSet>& applied,
                        const std::string& why) {
    auto counts = applied ? applied_per_branch(graph, *applied) : std::vector<std::size_t>{};
    std::vector<std::string> details(graph.branches().size());
    for (int b = 0; b < static_cast<int>(graph.branches().size()); ++b) {
        const auto& branch = graph.branch(b);
        auto heads = head_ids(graph, b);
        details[b] = fmt::format(
            "{} revision(s), head{} {}{}  {}", branch.revisions.size(), heads.size() == 1 ? "" : "s",
            heads.empty() ? "-" : text::join(heads, ", "),
            applied ? fmt::format(", {} applied, {} pending", counts[b], branch.revisions.size() - counts[b]) : "",
            files::display(branch.spec.version_path));
    }
    for (auto line : branch_tree(graph, [&](int b) { return "\t" + details[b]; })) {
        auto tab = line.find('\t');
        auto tree = line.substr(0, tab);
        // Pad by display width: the box-drawing characters are three bytes, one column.
        std::size_t columns = 0;
        for (unsigned char c : tree)
            columns += (c & 0xc0) != 0x80;
        std::cout << tree << std::string(columns < 20 ? 20 - columns : 1, ' ') << line.substr(tab + 1) << "\n";
    }
    if (!applied && !output.quiet)
        std::cout << "(applied state unknown: " << why << ")\n";
}

int plugins_run(Invocation& in) {
    in.context.graph();
    std::string why;
    auto state = state_if_reachable(in.context, why);
    std::optional<AppliedSet> applied;
    if (state)
        applied = state->applied;
    const auto& graph = state ? *state->graph : in.context.graph(); // with the revisions known only from the ledger
    if (in.output.json)
        print_plugins_json(in.context, graph, applied, why);
    else
        print_plugins_text(in.output, graph, applied, why);
    return 0;
}

// --- revision -----------------------------------------------------------------------------

void revision_options(po::options_description& d, po::positional_options_description&) {
    d.add_options()("message,m", po::value<std::string>(), "what the revision changes")(
        "head", po::value<std::vector<std::string>>(), "the parent revision (default: the branch's head)")(
        "splice", po::bool_switch(), "allow --head to name a revision that is not a head")(
        "branch-label", po::value<std::vector<std::string>>(), "an extra label for the revision")(
        "depends-on", po::value<std::vector<std::string>>(), "a revision this one needs first (repeatable)")(
        "version-path", po::value<std::string>(), "where to write it (default: the plugin's)")(
        "rev-id", po::value<std::string>(), "the id instead of a random one")(
        "autogenerate", po::bool_switch(), "fill it from the difference between the models and the database")(
        "all-plugins", po::bool_switch(), "with --autogenerate: one revision per plugin that has changes");
}

// Each revision's detected changes on stderr, as Alembic logs them (drops loudly: in red on a
// terminal), unless -q; then its path on stdout, the line a script reads.
void print_written(const Output& output, const std::vector<WrittenRevision>& written) {
    for (const auto& w : written) {
        if (!output.quiet) {
            if (written.size() > 1)
                std::cerr << fmt::format("Plugin `{}`:\n", w.plugin);
            for (const auto& op : w.operations) {
                auto line = detected_line(op);
                std::cerr << (is_drop(op) ? output.err(Paint::drop, line) : line) << "\n";
            }
            std::cerr << std::flush;
        }
        std::cout << files::display(w.path) << "\n" << std::flush;
    }
}

int autogenerate_run(Invocation& in) {
    AutogenerateRequest request{arg<std::string>(in, "message"), std::nullopt, flag(in, "all-plugins"), std::nullopt,
                                std::nullopt};
    if (has(in, "rev-id"))
        request.rev_id = arg<std::string>(in, "rev-id");
    if (has(in, "version-path")) {
        if (request.all_plugins)
            throw input_error("--version-path names one plugin's directory: it does not go with --all-plugins");
        request.version_path = arg<std::string>(in, "version-path");
    }
    auto result = autogenerate(in.context, request);
    if (in.output.json) {
        json written = json::array(), revisions = json::array(), others = json::array();
        for (const auto& w : result.written) {
            written.push_back(w.path.string());
            json detected = json::array();
            for (const auto& op : w.operations)
                detected.push_back(operation_json(op));
            revisions.push_back({{"path", w.path.string()}, {"plugin", w.plugin}, {"detected", detected}});
        }
        for (const auto& [plugin, count] : result.others)
            others.push_back({{"plugin", plugin}, {"changes", count}});
        print_json({{"written", written}, {"revisions", revisions}, {"other_plugins_with_changes", others}});
        return 0;
    }
    print_written(in.output, result.written);
    if (result.written.empty())
        std::cerr << fmt::format("No changes in the models of `{}`: nothing written.\n",
                                 request.all_plugins ? "any plugin" : chosen_plugin(in.context, std::nullopt));
    for (const auto& [plugin, count] : result.others)
        std::cerr << fmt::format(
            "plugin `{}` has {} other change(s): trellis revision --autogenerate --plugin {} -m MESSAGE\n", plugin,
            count, plugin);
    return 0;
}

int revision_run(Invocation& in) {
    if (flag(in, "all-plugins") && !flag(in, "autogenerate"))
        throw input_error("--all-plugins goes with --autogenerate");
    if (flag(in, "autogenerate"))
        return autogenerate_run(in);
    RevisionRequest request;
    request.message = arg<std::string>(in, "message");
    request.heads = arg<std::vector<std::string>>(in, "head");
    request.splice = flag(in, "splice");
    request.branch_labels = arg<std::vector<std::string>>(in, "branch-label");
    request.depends_on = arg<std::vector<std::string>>(in, "depends-on");
    if (has(in, "version-path"))
        request.version_path = arg<std::string>(in, "version-path");
    if (has(in, "rev-id"))
        request.rev_id = arg<std::string>(in, "rev-id");
    auto path = create_revision(in.context, request);
    if (in.output.json)
        print_json({{"written", json::array({path.string()})}});
    else
        std::cout << files::display(path) << "\n";
    return 0;
}

// --- merge --------------------------------------------------------------------------------

void merge_options(po::options_description& d, po::positional_options_description& p) {
    d.add_options()("revisions", po::value<std::vector<std::string>>(),
                    "revisions to merge (`label@heads` names all heads)")(
        "message,m", po::value<std::string>(), "the merge's message")("rev-id", po::value<std::string>(), "the id");
    p.add("revisions", -1);
}

int merge_run(Invocation& in) {
    std::optional<std::string> rev_id;
    if (has(in, "rev-id"))
        rev_id = arg<std::string>(in, "rev-id");
    auto path = create_merge(in.context, arg<std::vector<std::string>>(in, "revisions"),
                             arg<std::string>(in, "message"), rev_id);
    if (in.output.json)
        print_json({{"written", json::array({path.string()})}});
    else
        std::cout << files::display(path) << "\n";
    return 0;
}

} // namespace

void add_authoring_commands(std::vector<CommandSpec>& table) {
    table.push_back({"init", "[DIR]", "write a trellis.ini and a versions/ to start from", init_options, init_run});
    table.push_back({"plugins", "", "the plugin tree: dependencies, version paths, revisions, heads, applied state",
                     no_options, plugins_run});
    table.push_back({"revision", "-m MESSAGE [--head REV] [--depends-on REV]...", "write a new revision",
                     revision_options, revision_run});
    table.push_back(
        {"merge", "REV... -m MESSAGE", "write a merge revision of several heads", merge_options, merge_run});
}

} // namespace trellis::cli
