// upgrade, downgrade, stamp, current, status, repair: the commands that read or change a database.
#include "cli/command.hpp"
#include "cli/present.hpp"
#include "cli/progress.hpp"
#include "commands/history.hpp"
#include "commands/migrate.hpp"
#include "commands/state.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace trellis::cli {

namespace {

using nlohmann::json;

void migrate_options(po::options_description& d, po::positional_options_description& p) {
    d.add_options()("target", po::value<std::vector<std::string>>()->composing(), "target(s)")(
        "sql", po::bool_switch(), "print the SQL script (ledger statements included) and touch nothing")(
        "dry-run", po::bool_switch(), "print the plan, grouped by branch, and touch nothing")(
        "ignore-checksums", po::bool_switch(), "go on when applied files changed")(
        "file-downgrade", po::bool_switch(),
        "downgrade: run the files' downgrades even where the ledger stores the one applied");
    p.add("target", -1);
}

// The applied heads as ids, for `before` and `after` in JSON.
json head_ids(const Graph& graph, const AppliedSet& applied) {
    json ids = json::array();
    for (int i : applied_heads(graph, applied))
        ids.push_back(graph.revision(i).id);
    return ids;
}

// What a run did, in JSON: the plan it ran, and the applied heads before and after it. Each set
// is over the graph of the state it comes from: a downgrade that reverts revisions known only
// from the ledger leaves a state whose graph holds them no more.
json run_json(Context& context, const PlanResult& run) {
    const auto& graph = *run.graph;
    auto document = plan_json(graph, run.plan);
    auto after = read_database_state(context);
    auto before = after.applied_over(graph);
    for (int i : run.plan.steps)
        before[i] = run.plan.direction == Direction::downgrade;
    document["before"] = head_ids(graph, before);
    document["after"] = head_ids(*after.graph, after.applied);
    return document;
}

// A downgrade that reaches into other branches than its target's names them all before it runs
// (SPEC.md: "the plan names every revision it will touch, grouped by branch").
void announce_cascade(const PlanResult& planned) {
    const auto& graph = *planned.graph;
    std::vector<int> branches;
    for (int i : planned.plan.steps)
        if (std::find(branches.begin(), branches.end(), graph.branch_of(i)) == branches.end())
            branches.push_back(graph.branch_of(i));
    if (branches.size() > 1)
        std::cerr << fmt::format("This downgrade reaches {} branches:\n", branches.size())
                  << plan_text(graph, planned.plan);
}

int migrate_run(Invocation& in, Direction direction) {
    auto targets = arg<std::vector<std::string>>(in, "target");
    MigrateOptions options{flag(in, "ignore-checksums"), flag(in, "file-downgrade")};
    auto& context = in.context;
    if (flag(in, "sql") && flag(in, "dry-run"))
        throw input_error("{}: --sql and --dry-run exclude each other: --sql prints the script, --dry-run the plan",
                          in.name);
    if (flag(in, "sql")) {
        std::cout << migrate_script(context, direction, targets, options);
        return 0;
    }
    if (flag(in, "dry-run")) {
        auto planned = plan_for(context, direction, targets, options);
        if (in.output.json)
            print_json(plan_json(*planned.graph, planned.plan));
        else
            std::cout << plan_text(*planned.graph, planned.plan);
        return 0;
    }
    if (direction == Direction::downgrade && !in.output.quiet && !in.output.json)
        announce_cascade(plan_for(context, direction, targets, options));
    PlanResult run;
    {
        RunDisplay display(in.output, direction);
        run = migrate(context, direction, targets, options, display.events());
    }
    const auto& plan = run.plan;
    if (in.output.json)
        print_json(run_json(context, run));
    else if (!in.output.quiet)
        std::cout << (plan.steps.empty()
                          ? "Nothing to do: the database is at the target.\n"
                          : fmt::format("{} {} revision(s).\n",
                                        direction == Direction::upgrade ? "Applied" : "Reverted", plan.steps.size()));
    return 0;
}

int upgrade_run(Invocation& in) {
    return migrate_run(in, Direction::upgrade);
}
int downgrade_run(Invocation& in) {
    return migrate_run(in, Direction::downgrade); // the planner checks the target count (parse_targets)
}

// --- stamp --------------------------------------------------------------------------------

void stamp_options(po::options_description& d, po::positional_options_description& p) {
    d.add_options()("target", po::value<std::vector<std::string>>()->composing(),
                    "target(s)")("purge", po::bool_switch(), "empty the ledger first");
    p.add("target", -1);
}

int stamp_run(Invocation& in) {
    auto result =
        stamp(in.context, arg<std::vector<std::string>>(in, "target"), flag(in, "purge") ? Purge::yes : Purge::no);
    const auto& graph = *result.graph;
    if (in.output.json) {
        json added = json::array(), removed = json::array();
        for (int i : result.added)
            added.push_back(graph.revision(i).id);
        for (int i : result.removed)
            removed.push_back(graph.revision(i).id);
        print_json({{"stamped", added}, {"unstamped", removed}});
    } else if (!in.output.quiet) {
        std::cout << fmt::format("Marked {} revision(s) applied and {} unapplied, without running SQL.\n",
                                 result.added.size(), result.removed.size());
    }
    return 0;
}

// --- current / status -----------------------------------------------------------------------

int current_run(Invocation& in) {
    auto state = read_database_state(in.context);
    const auto& graph = *state.graph;
    auto heads = applied_heads(graph, state.applied);
    bool verbose = in.output.verbose;
    if (in.output.json) {
        auto list = json::array();
        for (int i : heads) {
            auto entry = revision_json(graph, i);
            const auto* row = state.row(graph.revision(i).id);
            entry["applied_at"] = iso8601(row->applied_at);
            entry["duration_ms"] = row->duration_ms;
            entry["file_gone"] = state.file_gone(i);
            list.push_back(entry);
        }
        print_json({{"current", list}, {"database", state.database}});
        return 0;
    }
    if (verbose)
        std::cout << "Current revision(s) for " << state.database << ":\n";
    for (int i : heads) {
        const auto& r = graph.revision(i);
        const auto& branch = graph.branch(graph.branch_of(i));
        bool head = std::find(branch.heads.begin(), branch.heads.end(), i) != branch.heads.end();
        std::cout << fmt::format("{} ({}){}{}\n", r.id, branch.label(),
                                 head ? " " + in.output.out(Paint::head, "(head)") : "",
                                 state.file_gone(i) ? " " + in.output.out(Paint::warning, "(file gone)") : "");
        if (verbose) {
            const auto* row = state.row(r.id);
            std::cout << fmt::format("    Parent: {}\n    Applied: {} UTC in {} ms\n    Path: {}\n    {}\n",
                                     r.down_revisions.empty() ? "<base>" : text::join(r.down_revisions, ", "),
                                     row->applied_at, row->duration_ms,
                                     state.file_gone(i) ? "-" : files::display(r.path), r.message);
        }
    }
    if (heads.empty() && !in.output.quiet)
        std::cout << "No revision applied.\n";
    return 0;
}

// One branch's lines of `status`: its count, then each pending, changed and gone revision.
std::string status_text(const Graph& graph, const BranchStatus& status, const Output& o) {
    const auto& branch = graph.branch(status.branch);
    auto text =
        fmt::format("{}: {} of {} applied, {}\n", branch.label(), status.applied, branch.revisions.size(),
                    status.pending.empty() ? o.out(Paint::applied, "up to date")
                                           : o.out(Paint::pending, fmt::format("{} pending", status.pending.size())));
    for (int i : status.pending)
        text += fmt::format("    {}  {} {}\n", o.out(Paint::pending, "pending"), graph.revision(i).id,
                            graph.revision(i).message);
    for (int i : status.changed)
        text +=
            fmt::format("    {}  {} {} (checksum differs: review, then `trellis repair`)\n",
                        o.out(Paint::warning, "changed"), graph.revision(i).id, files::display(graph.revision(i).path));
    for (int i : status.gone)
        text += fmt::format("    {}     {} (applied; its file is gone, `downgrade` uses the stored SQL)\n",
                            o.out(Paint::warning, "gone"), graph.revision(i).id);
    return text;
}

int status_run(Invocation& in) {
    auto state = read_database_state(in.context);
    const auto& graph = *state.graph;
    const auto& only = in.context.options().plugin;
    if (only)
        graph.branch_named(*only);
    auto ids = [&](const std::vector<int>& v) {
        std::vector<std::string> out;
        for (int i : v)
            out.push_back(graph.revision(i).id);
        return out;
    };
    json branches = json::array();
    std::string text;
    for (const auto& status : branch_statuses(state)) {
        const auto& branch = graph.branch(status.branch);
        if (only && branch.label() != *only)
            continue;
        branches.push_back({{"branch", branch.label()},
                            {"revisions", branch.revisions.size()},
                            {"applied", status.applied},
                            {"pending", ids(status.pending)},
                            {"changed", ids(status.changed)},
                            {"file_gone", ids(status.gone)}});
        text += status_text(graph, status, in.output);
    }
    if (in.output.json)
        print_json({{"branches", branches}, {"ledger_exists", state.ledger_exists}});
    else
        std::cout << (state.ledger_exists ? "" : "The database has no ledger yet: nothing applied.\n") << text;
    return 0;
}

// --- repair -------------------------------------------------------------------------------

int repair_run(Invocation& in) {
    auto result = repair(in.context);
    const auto& graph = *result.graph;
    const auto& fixed = result.repaired;
    if (in.output.json) {
        json list = json::array();
        for (int i : fixed)
            list.push_back(revision_json(graph, i));
        print_json({{"repaired", list}});
    } else if (!in.output.quiet) {
        for (int i : fixed)
            std::cout << fmt::format("repaired {} {}\n", graph.revision(i).id, files::display(graph.revision(i).path));

        if (fixed.empty())
            std::cout << "Every applied file matches its ledger checksum.\n";
    }
    return 0;
}

// --- unlock -------------------------------------------------------------------------------

void unlock_options(po::options_description& d, po::positional_options_description&) {
    d.add_options()("yes", po::bool_switch(), "release it even though its lease is live");
}

int unlock_run(Invocation& in) {
    auto holder = unlock(in.context, flag(in, "yes"));
    if (in.output.json)
        print_json({{"released", holder.has_value()}, {"holder", holder ? holder->describe() : ""}});
    else if (!in.output.quiet)
        std::cout << (holder ? fmt::format("Released the migration lock ({}).\n", holder->describe())
                             : "No migration lock is held.\n");
    return 0;
}

} // namespace

void add_migrate_commands(std::vector<CommandSpec>& table) {
    table.push_back({"upgrade", "[TARGET...] [--sql | --dry-run]", "apply revisions (default: heads)", migrate_options,
                     upgrade_run});
    table.push_back(
        {"downgrade", "TARGET [--sql | --dry-run]", "revert what comes after TARGET", migrate_options, downgrade_run});
    table.push_back({"stamp", "TARGET... [--purge]", "mark revisions applied or unapplied without running SQL",
                     stamp_options, stamp_run});
    table.push_back({"current", "[-v]", "the applied heads of each branch", no_options, current_run});
    table.push_back({"status", "", "per branch: applied, pending, changed, gone", no_options, status_run});
    table.push_back(
        {"repair", "", "rewrite stored checksums to the current files, after review", no_options, repair_run});
    table.push_back({"unlock", "[--yes]", "release a migration lock whose holder is gone, after review", unlock_options,
                     unlock_run});
}

} // namespace trellis::cli
