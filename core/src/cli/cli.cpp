#include "cli/cli.hpp"

#include "cli/command.hpp"
#include "cli/fanout.hpp"
#include "db/database.hpp"
#include "db/url.hpp"
#include "util/text.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace trellis::cli {

namespace {

constexpr const char* k_version = "0.1.0";

const std::vector<CommandSpec>& command_table() {
    static const auto table = [] {
        std::vector<CommandSpec> t;
        add_authoring_commands(t);
        add_migrate_commands(t);
        add_inspect_commands(t);
        add_graph_commands(t);
        add_lint_commands(t);
        add_schema_commands(t);
        add_lifecycle_commands(t);
        add_import_commands(t);
        return t;
    }();
    return table;
}

std::vector<CommandSpec>::const_iterator find_command(const std::string& name) {
    return std::find_if(command_table().begin(), command_table().end(), [&](auto& c) { return c.name == name; });
}

po::options_description global_options() {
    po::options_description global("Global options");
    global.add_options()("config,c", po::value<std::string>(),
                         "config file (default: nearest trellis.ini; TRELLIS_CONFIG)")(
        "url", po::value<std::vector<std::string>>()->composing(),
        "database URL (TRELLIS_URL); repeat it to act on several")(
        "plugin-path", po::value<std::vector<std::string>>(), "plugin directory, repeatable (TRELLIS_PLUGIN_PATH)")(
        "plugin", po::value<std::string>(), "the plugin a command acts on (default: default_plugin)")(
        "json", po::bool_switch(), "print one JSON document on stdout")("quiet,q", po::bool_switch(),
                                                                        "print nothing but errors")(
        "verbose,v", po::bool_switch(), "say more")("no-color", po::bool_switch(), "no colour (also NO_COLOR)")(
        "help,h", po::bool_switch(), "this help")("version", po::bool_switch(), "print trellis's version")(
        "lock-timeout", po::value<int>(), "seconds to wait for the migration lock (lock_timeout, default 60)")(
        "ddl-lock-timeout", po::value<int>(),
        "seconds a revision waits for a table lock per attempt (ddl_lock_timeout, default 5)")(
        "ddl-retry-budget", po::value<int>(),
        "seconds of attempts before a revision blocked by table locks gives up (ddl_retry_budget, default 120)")(
        "statement-timeout", po::value<int>(),
        "seconds a revision's statement may run, 0 for no limit (statement_timeout, default 0)");
    po::options_description many("Several databases (upgrade, downgrade, stamp, current, status, check, verify)");
    many.add_options()("all-databases", po::bool_switch(),
                       "every database of the config: [databases], databases_file, catalog_query")(
        "jobs", po::value<int>(), "at most N databases at once (default: servers x jobs per server)")(
        "jobs-per-server", po::value<int>(), "at most N at once on one server (default 2; SQLite files: the cores)")(
        "canary", po::value<int>(), "run the first K databases alone first; stop if any fails")(
        "max-failures", po::value<int>(), "start no new database after F failures (default 1)")(
        "shard", po::value<std::string>(), "I/N: only this runner's share of the databases");
    global.add(many);
    return global;
}

bool takes_value(const std::string& token) {
    for (const char* option : {"-c", "--config", "--url", "--plugin-path", "--plugin", "--lock-timeout",
                               "--ddl-lock-timeout", "--ddl-retry-budget", "--statement-timeout", "--jobs",
                               "--jobs-per-server", "--canary", "--max-failures", "--shard"})
        if (token == option)
            return true;
    return false;
}

void print_general_help() {
    std::cout << "usage: trellis [global options] COMMAND [options]\n\n"
                 "A plugin-aware, multi-branch schema migration manager.\n\nCommands:\n";
    std::size_t width = 0;
    for (const auto& command : command_table())
        width = std::max(width, command.name.size());
    for (const auto& command : command_table())
        std::cout << fmt::format("  {:<{}} {}\n", command.name, width, command.summary);
    std::cout << "\n" << global_options() << "\n`trellis COMMAND --help` shows a command's options.\n";
}

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    return value && *value ? std::optional<std::string>(value) : std::nullopt;
}

// A time-out flag: whole seconds from 0 to k_max_seconds, else bad input.
std::optional<int> seconds(const po::variables_map& vm, const char* name) {
    if (!vm.count(name))
        return std::nullopt;
    int value = vm[name].as<int>();
    if (value < 0 || value > k_max_seconds)
        throw input_error("--{} must be a whole number of seconds from 0 to {}, not {}", name, k_max_seconds, value);
    return value;
}

GlobalOptions resolve_globals(const po::variables_map& vm) {
    GlobalOptions g;
    if (vm.count("config"))
        g.config = vm["config"].as<std::string>();
    else if (auto e = env("TRELLIS_CONFIG"))
        g.config = *e;
    if (vm.count("url"))
        g.url = vm["url"].as<std::vector<std::string>>().front();
    else if (auto e = env("TRELLIS_URL"))
        g.url = *e;
    if (vm.count("plugin-path")) {
        for (const auto& p : vm["plugin-path"].as<std::vector<std::string>>())
            g.plugin_paths.push_back(std::filesystem::absolute(p));
    } else if (auto e = env("TRELLIS_PLUGIN_PATH")) {
        for (const auto& p : text::split_list(*e, ':'))
            g.plugin_paths.push_back(std::filesystem::absolute(p));
    }
    if (vm.count("plugin"))
        g.plugin = vm["plugin"].as<std::string>();
    g.lock_timeout = seconds(vm, "lock-timeout");
    g.ddl_lock_timeout = seconds(vm, "ddl-lock-timeout");
    g.ddl_retry_budget = seconds(vm, "ddl-retry-budget");
    g.statement_timeout = seconds(vm, "statement-timeout");
    return g;
}

// `-1`, `-2`, ...: a downward relative step, not an option; it is the command's target.
std::pair<std::string, std::string> relative_step(const std::string& token) {
    bool step = token.size() > 1 && token[0] == '-' &&
                std::all_of(token.begin() + 1, token.end(), [](char c) { return c >= '0' && c <= '9'; });
    return step ? std::pair<std::string, std::string>{"target", token} : std::pair<std::string, std::string>{};
}

// The command is the first word that is neither an option nor a global option's value.
std::optional<std::size_t> command_position(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (takes_value(args[i])) {
            ++i;
            continue;
        }
        if (!args[i].starts_with("-") || !relative_step(args[i]).first.empty())
            return i;
    }
    return std::nullopt;
}

// No command: `--version`, `--help`, or an error that says why none was found.
int without_command(const std::vector<std::string>& args) {
    // `trellis -c`: the option's value is missing, which is no reason to show the usage.
    if (!args.empty() && takes_value(args.back()))
        throw input_error("option `{}` needs a value; see `trellis --help`", args.back());
    for (const auto& a : args)
        if (a == "--version") {
            std::cout << "trellis " << k_version << "\n";
            return 0;
        }
    bool asked = std::any_of(args.begin(), args.end(), [](auto& a) { return a == "-h" || a == "--help"; });
    if (!asked && !args.empty()) {
        // `trellis -c heads`: the command was read as the option's value.
        for (std::size_t i = 0; i + 1 < args.size(); ++i)
            if (takes_value(args[i]) && find_command(args[i + 1]) != command_table().end())
                throw input_error("no command given: `{}` was read as the value of `{}`; see `trellis --help`",
                                  args[i + 1], args[i]);
        throw input_error("no command given; `trellis --help` lists the commands");
    }
    print_general_help();
    return asked ? 0 : 2;
}

// The command's options and the global ones, wherever they stand around the command's name.
po::variables_map parse_options(const std::vector<std::string>& args, std::size_t at, const std::string& name,
                                const po::options_description& own,
                                const po::positional_options_description& positional) {
    po::options_description all;
    all.add(global_options()).add(own);
    auto rest = args;
    rest.erase(rest.begin() + static_cast<long>(at));
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(rest).options(all).positional(positional).extra_parser(relative_step).run(),
                  vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw input_error("{}: {}; see `trellis {} --help`", name, e.what(), name);
    }
    return vm;
}

// Warnings always reach the user; notes (which downgrade runs, ...) unless -q.
void print_notices(Context& context, const Output& output) {
    context.on_notice([&output](const std::string& message) {
        if (message.starts_with("warning:"))
            std::cerr << "trellis: " << output.err(Paint::warning, "warning:") << message.substr(8) << "\n";
        else if (!output.quiet)
            std::cerr << "trellis: " << message << "\n";
    });
}

int dispatch(const std::vector<std::string>& args) {
    auto at = command_position(args);
    if (!at)
        return without_command(args);
    const auto& name = args[*at];
    auto it = find_command(name);
    if (it == command_table().end() && *at > 0 && args[*at - 1].starts_with("--"))
        throw input_error("unknown option `{}` before `{}`: global options come before the command, a command's own "
                          "after it; `trellis --help` lists them",
                          args[*at - 1], name);
    if (it == command_table().end())
        throw input_error("unknown command `{}`; `trellis --help` lists the commands", name);

    po::options_description own(fmt::format("Options of `trellis {}`", name));
    po::positional_options_description positional;
    it->options(own, positional);
    auto vm = parse_options(args, *at, name, own, positional);
    if (vm["help"].as<bool>()) {
        std::cout << fmt::format("usage: trellis {} {}\n\n{}\n\n", name, it->usage, it->summary);
        if (!own.options().empty())
            std::cout << own << "\n";
        std::cout << "Global options (`trellis --help`) apply too.\n";
        return 0;
    }
    if (vm["version"].as<bool>()) {
        std::cout << "trellis " << k_version << "\n";
        return 0;
    }
    Context context(resolve_globals(vm));
    auto output = resolve_output(vm["json"].as<bool>(), vm["quiet"].as<bool>(), vm["verbose"].as<bool>(),
                                 vm["no-color"].as<bool>());
    print_notices(context, output);
    Invocation invocation{context, output, vm, name};
    if (fans_out(name, vm))
        return run_fanout(invocation, args);
    return it->run(invocation);
}

// An error is one line on stderr; under --json also one JSON object on stdout, so a script that
// reads stdout sees why there is no answer, with the facts the error carries as fields.
int report(const std::vector<std::string>& args, const std::string& message, ExitCode code,
           const ErrorFacts& facts = {}) {
    bool no_color = std::find(args.begin(), args.end(), "--no-color") != args.end();
    Output output;
    output.color_err = colour_allowed(no_color) && ::isatty(STDERR_FILENO);
    std::cerr << "trellis: " << output.err(Paint::error, "error:") << " " << message << "\n";
    if (std::find(args.begin(), args.end(), "--json") != args.end()) {
        nlohmann::json error{{"message", message}, {"exit_code", static_cast<int>(code)}};
        for (auto [key, value] : {std::pair{"file", &facts.file},
                                  {"revision", &facts.revision},
                                  {"plugin", &facts.plugin},
                                  {"sqlstate", &facts.sqlstate}})
            if (!value->empty())
                error[key] = *value;
        if (facts.line > 0)
            error["line"] = facts.line;
        std::cout << nlohmann::json{{"error", error}}.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                  << "\n";
    }
    return static_cast<int>(code);
}

int run_once(const std::vector<std::string>& args) {
    try {
        return dispatch(args);
    } catch (const Error& e) {
        return report(args, e.what(), e.code(), e.facts());
    } catch (const SqlError& e) {
        // SQL that failed where no command named its file: still the database's failure.
        ErrorFacts facts;
        facts.sqlstate = e.sqlstate();
        return report(args, e.what(), ExitCode::database, facts);
    } catch (const std::exception& e) {
        // Not a failure a user can cause: still one line, never a stack trace.
        return report(args, e.what(), ExitCode::bad_input);
    }
}
} // namespace

int run(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (is_fanout_worker())
        return serve_fanout([&] { return run_once(args); }); // one database after another
    return run_once(args);
}

} // namespace trellis::cli
