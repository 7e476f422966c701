// drop-db, reset-db, prepare, verify: the development database and the proof that revisions and
// models agree.
#include "cli/command.hpp"
#include "cli/present.hpp"
#include "cli/progress.hpp"
#include "commands/lifecycle.hpp"
#include "commands/verify.hpp"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace trellis::cli {

namespace {

using nlohmann::json;

void guard_options(po::options_description& d, po::positional_options_description&) {
    d.add_options()("yes", po::bool_switch(), "run even though trellis.ini does not say `dev = true`");
}

void print_drop(const DropResult& r, const Output& output) {
    if (output.quiet)
        return;
    std::cout << fmt::format("Dropped {} table(s){}{}\n", r.dropped.size(), r.dropped.empty() ? "." : ": ",
                             fmt::join(r.dropped, ", "));
    if (!r.excluded.empty())
        std::cout << fmt::format("Left alone (exclude_tables): {}\n", fmt::join(r.excluded, ", "));
    if (!r.unowned.empty())
        std::cout << fmt::format("Left alone (no plugin owns them): {}\n", fmt::join(r.unowned, ", "));
}

json drop_json(const DropResult& r) {
    return {{"dropped", r.dropped}, {"excluded", r.excluded}, {"unowned", r.unowned}};
}

json create_json(const CreateResult& r) {
    return {{"created", r.created}, {"stamped", r.stamped}, {"upgraded", r.upgraded}};
}

void print_create(const CreateResult& r, const Output& output) {
    if (output.quiet)
        return;
    std::cout << fmt::format("Created {} table(s) from the models and marked {} revision(s) applied.\n",
                             r.created.size(), r.stamped);
    if (r.upgraded)
        std::cout << fmt::format("Applied {} revision(s) of plugins without models.\n", r.upgraded);
}

int drop_db_run(Invocation& in) {
    check_dev_guard(in.context, flag(in, "yes"), "drop-db");
    auto result = drop_db(in.context);
    if (in.output.json)
        print_json(drop_json(result));
    else
        print_drop(result, in.output);
    return 0;
}

int reset_db_run(Invocation& in) {
    check_dev_guard(in.context, flag(in, "yes"), "reset-db");
    auto dropped = drop_db(in.context);
    auto created = create_from_models(in.context);
    if (in.output.json) {
        print_json({{"drop", drop_json(dropped)}, {"create", create_json(created)}});
        return 0;
    }
    print_drop(dropped, in.output);
    print_create(created, in.output);
    return 0;
}

int prepare_run(Invocation& in) {
    auto result = prepare(in.context);
    if (in.output.json) {
        print_json(
            {{"was_empty", result.was_empty}, {"create", create_json(result.created)}, {"upgraded", result.upgraded}});
        return 0;
    }
    if (result.was_empty)
        print_create(result.created, in.output);
    else if (!in.output.quiet)
        std::cout << (result.upgraded ? fmt::format("Applied {} revision(s).\n", result.upgraded)
                                      : "Nothing to do: the database is at heads.\n");
    return 0;
}

void verify_options(po::options_description& d, po::positional_options_description&) {
    d.add_options()("scratch-url", po::value<std::string>(),
                    "where scratch databases go: a PostgreSQL server's URL, or a SQLite file's (its directory); "
                    "default: scratch_url in trellis.ini, else beside the database")(
        "orders", po::value<int>()->default_value(3), "random topological orders to try besides the default one")(
        "seed", po::value<unsigned>()->default_value(20261122), "the seed of the random orders");
}

int verify_run(Invocation& in) {
    VerifyOptions options;
    if (has(in, "scratch-url"))
        options.scratch_url = arg<std::string>(in, "scratch-url");
    options.random_orders = arg<int>(in, "orders", 3);
    options.seed = arg<unsigned>(in, "seed", 20261122);
    VerifyReport report;
    {
        StatusLine status(in.output); // cleared before the report prints
        options.progress = verify_progress(status);
        report = verify(in.context, options);
    }
    if (in.output.json) {
        json findings = json::array();
        for (const auto& f : report.findings)
            findings.push_back(
                {{"check", f.check}, {"revision", f.revision}, {"message", f.message}, {"details", f.details}});
        print_json({{"findings", findings},
                    {"orders_tried", report.orders_tried + 1},
                    {"revisions_roundtripped", report.revisions_roundtripped}});
    } else {
        for (const auto& f : report.findings) {
            std::cout << fmt::format("{}: {}{}\n", f.check, f.revision.empty() ? "" : f.revision + ": ", f.message);
            for (const auto& line : f.details)
                std::cout << "    " << line << "\n";
        }
        if (!in.output.quiet || !report.findings.empty())
            std::cout << fmt::format(
                "verify: {} finding(s); {} order(s) upgraded from empty, {} revision(s) round-tripped\n",
                report.findings.size(), report.orders_tried + 1, report.revisions_roundtripped);
    }
    return report.findings.empty() ? 0 : static_cast<int>(ExitCode::findings);
}

} // namespace

void add_lifecycle_commands(std::vector<CommandSpec>& table) {
    table.push_back({"drop-db", "[--yes]", "drop every table the plugins own and the ledger (dev databases)",
                     guard_options, drop_db_run});
    table.push_back({"reset-db", "[--yes]", "drop-db, create every table from the models, stamp heads", guard_options,
                     reset_db_run});
    table.push_back({"prepare", "",
                     "an empty database gets the models' tables, stamped at heads; any other is upgraded", no_options,
                     prepare_run});
    table.push_back({"verify", "[--scratch-url URL] [--orders N]",
                     "on scratch databases: revisions build the models' schema in every order, each revision "
                     "round-trips, one head per branch",
                     verify_options, verify_run});
}

} // namespace trellis::cli
