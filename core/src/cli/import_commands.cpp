// import-alembic: an Alembic project becomes a trellis project, and its databases are taken over.
#include "cli/command.hpp"
#include "cli/present.hpp"
#include "commands/import_alembic.hpp"
#include "db/url.hpp"
#include "util/files.hpp"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace trellis::cli {

namespace {

void import_options(po::options_description& d, po::positional_options_description& p) {
    d.add_options()("alembic-ini", po::value<std::string>(), "the Alembic project's alembic.ini")(
        "out", po::value<std::string>()->default_value("."), "where to write trellis.ini and versions/")(
        "adopt-url", po::value<std::string>(), "take over this database: stamp what alembic_version says is applied")(
        "drop-alembic-version", po::bool_switch(), "with --adopt-url: drop alembic_version in the same transaction")(
        "alembic-version-table", po::value<std::string>()->default_value("alembic_version"),
        "Alembic's version table")("lock-timeout", po::value<int>(), "seconds to wait for the migration lock");
    p.add("alembic-ini", 1);
}

// The URL as it may be shown: no password.
std::string shown(const std::string& url) {
    try {
        return parse_url(url, std::filesystem::current_path()).display();
    } catch (const Error&) {
        return "URL";
    }
}

void print_adopted(const AdoptResult& r, const Graph& graph, const std::string& table, bool dropped,
                   const std::string& next) {
    std::cout << fmt::format(
        "{} holds {}; stamped {} revision(s) in the trellis ledger{}, without running SQL{}\n", table,
        r.alembic_heads.empty() ? "nothing (base)" : fmt::format("{}", fmt::join(r.alembic_heads, ", ")),
        r.stamped.size(), r.already ? fmt::format(" ({} were there already)", r.already) : "",
        r.stamped.empty() ? "." : ":");
    for (const auto& branch : graph.branches()) {
        std::vector<std::string> ids;
        for (int i : r.stamped)
            if (graph.branch_of(i) == branch.rank)
                ids.push_back(graph.revision(i).id);
        if (!ids.empty())
            std::cout << fmt::format("  {} ({}): {}\n", branch.label(), ids.size(), fmt::join(ids, " "));
    }
    std::cout << fmt::format("{} {}.\nNext: {}\n", table, dropped ? "was dropped" : "was left as it was", next);
}

int import_run(Invocation& in) {
    auto options = in.context.options();
    const auto& output = in.output;
    std::filesystem::path out = arg<std::string>(in, "out", ".");
    bool imported = has(in, "alembic-ini");
    if (!imported && !has(in, "adopt-url"))
        throw input_error("import-alembic needs ALEMBIC_INI (to import a project), --adopt-url URL (to take over a "
                          "database in this trellis project), or both");
    if (flag(in, "drop-alembic-version") && !has(in, "adopt-url"))
        throw input_error("--drop-alembic-version goes with --adopt-url");
    auto config = out / "trellis.ini";
    if (imported) {
        std::cout.flush();
        // With --adopt-url and --json, the one JSON document is the adoption's.
        bool adopting = has(in, "adopt-url");
        int code = import_alembic({arg<std::string>(in, "alembic-ini"), out, output.quiet || (output.json && adopting),
                                   output.json && !adopting});
        if (code != 0)
            return code;
    }
    // How the next command names this project.
    auto in_project = imported && out != "."        ? fmt::format("-c {} ", files::display(config))
                      : !imported && options.config ? fmt::format("-c {} ", files::display(*options.config))
                                                    : std::string{};
    if (!has(in, "adopt-url")) {
        if (!output.quiet && !output.json)
            std::cout << fmt::format("Next: `trellis {}--url URL upgrade heads` builds a new database; `trellis {}"
                                     "import-alembic --adopt-url URL` takes over one Alembic migrated.\n",
                                     in_project, in_project);
        return 0;
    }
    auto url = arg<std::string>(in, "adopt-url");
    options.url = url;
    if (imported)
        options.config = config;
    Context adopting(options);
    AdoptOptions adopt{arg<std::string>(in, "alembic-version-table"), flag(in, "drop-alembic-version")};
    auto result = adopt_alembic(adopting, adopt);
    const auto& graph = *result.graph;
    if (output.json) {
        nlohmann::json stamped = nlohmann::json::array();
        for (int i : result.stamped)
            stamped.push_back(graph.revision(i).id);
        print_json({{"alembic_heads", result.alembic_heads}, {"stamped", stamped}});
    } else if (!output.quiet) {
        print_adopted(
            result, graph, adopt.alembic_version_table, adopt.drop_alembic_version,
            fmt::format("`trellis {}--url {} upgrade heads` continues where Alembic stopped.", in_project, shown(url)));
    }
    return 0;
}

} // namespace

void add_import_commands(std::vector<CommandSpec>& table) {
    table.push_back({"import-alembic", "[ALEMBIC_INI] [--out DIR] [--adopt-url URL [--drop-alembic-version]]",
                     "turn an Alembic project into a trellis project; take over a database Alembic migrated",
                     import_options, import_run});
}

} // namespace trellis::cli
