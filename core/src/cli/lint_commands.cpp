// lint: destructive, data-dependent and backward-incompatible changes in revisions.
#include "cli/command.hpp"
#include "cli/present.hpp"
#include "commands/state.hpp"
#include "db/database.hpp"
#include "lint/lint.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace trellis::cli {

namespace {

using nlohmann::json;

void lint_options(po::options_description& d, po::positional_options_description& p) {
    d.add_options()("revision", po::value<std::vector<std::string>>()->composing(),
                    "revision(s): ids, prefixes or targets (default: the revisions not yet applied)");
    p.add("revision", -1);
}

// The revisions the arguments name, each once, in the graph's order.
std::vector<int> named_revisions(const Graph& graph, const std::vector<std::string>& targets) {
    AppliedSet none(graph.size(), false);
    std::vector<int> found;
    for (const auto& target : targets)
        for (int i : resolve_upgrade_target(graph, target, none))
            found.push_back(i);
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    return graph.sort(found);
}

// Without arguments: what an upgrade would still run. With no database configured there is no
// applied set to subtract, so every revision is checked.
std::vector<int> unapplied_revisions(Context& context) {
    if (!context.has_url())
        return context.graph().order();
    context.graph();
    auto& db = context.database(OpenMode::read_only);
    auto ledger = context.ledger(db);
    auto state = read_state(context, db, ledger);
    const auto& graph = context.graph(); // read_state may have added revisions known only from the ledger
    std::vector<int> pending;
    for (int i : graph.order())
        if (!state.applied[i] && !graph.revision(i).from_ledger)
            pending.push_back(i);
    return pending;
}

json finding_json(const Finding& f) {
    return {{"code", f.code},         {"family", f.family},
            {"revision", f.revision}, {"path", files::display(f.path)},
            {"line", f.line},         {"dialect", f.dialect.empty() ? json() : json(f.dialect)},
            {"message", f.message},   {"hint", f.hint}};
}

std::string finding_text(const Finding& f) {
    auto where = f.dialect.empty() ? "" : fmt::format(" ({})", f.dialect);
    return fmt::format("{}:{}: {} {}{}\n    hint: {}\n", files::display(f.path), f.line, f.code, f.message, where,
                       f.hint);
}

void print(const Context& context, const Graph& graph, const std::vector<int>& checked,
           const std::vector<Finding>& findings) {
    if (context.options().json) {
        json list = json::array(), revisions = json::array();
        for (const auto& f : findings)
            list.push_back(finding_json(f));
        for (int i : checked)
            revisions.push_back(graph.revision(i).id);
        print_json({{"findings", list}, {"revisions", revisions}});
        return;
    }
    for (const auto& f : findings)
        std::cout << finding_text(f);
    if (context.options().quiet)
        return;
    std::vector<std::string> with_findings;
    for (const auto& f : findings)
        if (std::find(with_findings.begin(), with_findings.end(), f.revision) == with_findings.end())
            with_findings.push_back(f.revision);
    if (findings.empty())
        std::cout << fmt::format("{} revision(s) checked: no findings.\n", checked.size());
    else
        std::cout << fmt::format("{} finding(s) in {} of {} revision(s) checked. Review each; a statement that is "
                                 "meant stays quiet with `-- trellis:nolint CODE` above it.\n",
                                 findings.size(), with_findings.size(), checked.size());
}

int lint_run(Invocation& in) {
    auto targets = arg<std::vector<std::string>>(in, "revision");
    auto& context = in.context;
    auto checked = targets.empty() ? unapplied_revisions(context) : named_revisions(context.graph(), targets);
    const auto& graph = context.graph();
    auto findings = lint_revisions(graph, checked);
    print(context, graph, checked, findings);
    return findings.empty() ? 0 : static_cast<int>(ExitCode::findings);
}

} // namespace

void add_lint_commands(std::vector<CommandSpec>& table) {
    table.push_back({"lint", "[REV...]",
                     "destructive, data-dependent and incompatible changes (default: the revisions not yet applied)",
                     lint_options, lint_run});
}

} // namespace trellis::cli
