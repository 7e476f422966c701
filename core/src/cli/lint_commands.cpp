// lint: destructive, data-dependent and backward-incompatible changes in revisions.
#include "cli/command.hpp"
#include "cli/present.hpp"
#include "commands/lint_facts.hpp"
#include "lint/lint.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace trellis::cli {

namespace {

using nlohmann::json;

void lint_options(po::options_description& d, po::positional_options_description& p) {
    d.add_options()("revision", po::value<std::vector<std::string>>()->composing(),
                    "revision(s): ids, prefixes or targets (default: the revisions not yet applied)")(
        "pg-version", po::value<std::string>(),
        "the PostgreSQL version the revisions will run on (default: the database's when it answers, else 15)")(
        "rules", po::bool_switch(), "list every rule: code, family, what it protects against, the safe way");
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

// `15`, `15.4`, `150004`: the major version.
int pg_major(const std::string& given) {
    int value = 0;
    auto [end, error] = std::from_chars(given.data(), given.data() + given.size(), value);
    if (error != std::errc() || value <= 0 || (end != given.data() + given.size() && *end != '.'))
        throw input_error("--pg-version {}: give the major version, like 15", given);
    return value >= 10000 ? value / 10000 : value;
}

const LintRule& rule_of(std::string_view code) {
    const auto& rules = lint_rules();
    return *std::find_if(rules.begin(), rules.end(), [&](const LintRule& r) { return r.code == code; });
}

json finding_json(const Finding& f) {
    return {{"code", f.code},
            {"family", f.family},
            {"revision", f.revision},
            {"path", files::display(f.path)},
            {"line", f.line},
            {"dialect", f.dialect.empty() ? json() : json(f.dialect)},
            {"message", f.message},
            {"hint", f.hint},
            {"protects", std::string(rule_of(f.code).protects)}};
}

int print_rules(const Output& output) {
    if (output.json) {
        json list = json::array();
        for (const auto& r : lint_rules())
            list.push_back({{"code", r.code},
                            {"family", r.family},
                            {"title", r.title},
                            {"protects", r.protects},
                            {"hint", r.hint}});
        print_json({{"rules", list}});
        return 0;
    }
    for (const auto& r : lint_rules())
        std::cout << fmt::format("{} {:<13} {}\n    protects against: {}\n    safe way: {}\n", r.code, r.family,
                                 r.title, r.protects, r.hint);
    return 0;
}

std::string finding_text(const Finding& f) {
    auto where = f.dialect.empty() ? "" : fmt::format(" ({})", f.dialect);
    return fmt::format("{}:{}: {} {}{}\n    hint: {}\n", files::display(f.path), f.line, f.code, f.message, where,
                       f.hint);
}

void print(const Output& output, const Graph& graph, const std::vector<int>& checked,
           const std::vector<Finding>& findings, const std::vector<std::string>& notes) {
    if (output.json) {
        json list = json::array(), revisions = json::array();
        for (const auto& f : findings)
            list.push_back(finding_json(f));
        for (int i : checked)
            revisions.push_back(graph.revision(i).id);
        print_json({{"findings", list}, {"revisions", revisions}, {"notes", notes}});
        return;
    }
    for (const auto& note : notes)
        std::cerr << "note: " << note << "\n";
    for (const auto& f : findings)
        std::cout << finding_text(f);
    if (output.quiet)
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
    if (flag(in, "rules"))
        return print_rules(in.output);
    LintOptions options;
    LintFacts facts;
    std::vector<std::string> notes;
    options.notes = &notes;
    auto checked =
        targets.empty() ? pending_for_lint(context, options, facts) : named_revisions(context.graph(), targets);
    if (in.args.count("pg-version"))
        options.pg_version = pg_major(in.args["pg-version"].as<std::string>());
    const auto& graph = context.graph();
    auto findings = lint_revisions(graph, checked, options);
    print(in.output, graph, checked, findings, notes);
    return findings.empty() ? 0 : static_cast<int>(ExitCode::findings);
}

} // namespace

void add_lint_commands(std::vector<CommandSpec>& table) {
    table.push_back({"lint", "[REV...]",
                     "destructive, data-dependent and incompatible changes (default: the revisions not yet applied)",
                     lint_options, lint_run});
}

} // namespace trellis::cli
