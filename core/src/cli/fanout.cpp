// Many databases at once: `--url` repeated or `--all-databases` on upgrade, downgrade, stamp,
// current, status, check and verify. The command layer runs one child per database; this file
// builds the children's arguments, draws the progress line and prints the summary.
#include "cli/fanout.hpp"

#include "cli/present.hpp"
#include "commands/fanout.hpp"
#include "commands/fanout_worker.hpp"
#include "util/interrupt.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <fmt/format.h>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace trellis::cli {

namespace {

using nlohmann::json;
using State = FanoutResult::State;

constexpr std::string_view k_commands[] = {"upgrade", "downgrade", "stamp", "current", "status", "check", "verify"};

// The options of the fan-out itself, which the children must not see; `true` when it takes a value.
const std::map<std::string, bool, std::less<>> k_fanout_options = {
    {"--url", true},    {"--all-databases", false},
    {"--jobs", true},   {"--jobs-per-server", true},
    {"--canary", true}, {"--max-failures", true},
    {"--shard", true},  {"--json", false},
    {"--quiet", false}, {"-q", false},
};

// Each child runs the same command on its database, quietly, in JSON for this summary.
std::vector<std::string> child_arguments(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto name = args[i].substr(0, args[i].find('='));
        auto it = k_fanout_options.find(name);
        if (it == k_fanout_options.end()) {
            out.push_back(args[i]);
            continue;
        }
        if (it->second && args[i].find('=') == std::string::npos)
            ++i; // its value
    }
    out.insert(out.end(), {"--json", "--no-color"});
    return out;
}

std::string verb(const std::string& command, State state) {
    if (state == State::not_started)
        return "not started";
    if (state == State::failed)
        return "FAILED";
    if (command == "check" || command == "verify")
        return state == State::findings ? (command == "check" ? "differs" : "problems") : "clean";
    return "ok";
}

// Each child's JSON, parsed once for the table, the groups and --json.
std::vector<json> children_json(const std::vector<FanoutResult>& results) {
    std::vector<json> out;
    for (const auto& r : results)
        out.push_back(json::parse(r.out, nullptr, false));
    return out;
}

// What a child's JSON says of what it did, in a few words.
std::string what_changed(const std::string& command, const json& out) {
    if (out.is_discarded() || !out.is_object())
        return "";
    if ((command == "upgrade" || command == "downgrade") && out.contains("steps"))
        return fmt::format("{} {}", out["steps"].size(), command == "upgrade" ? "applied" : "reverted");
    if (command == "stamp" && out.contains("stamped"))
        return fmt::format("{} stamped, {} unstamped", out["stamped"].size(), out["unstamped"].size());
    if (command == "current" && out.contains("current")) {
        std::string heads;
        for (const auto& r : out["current"])
            heads +=
                fmt::format("{}{} ({})", heads.empty() ? "" : ", ", r.value("revision", ""), r.value("branch", ""));
        return heads.empty() ? "nothing applied" : heads;
    }
    if (command == "status" && out.contains("branches")) {
        std::string behind;
        for (const auto& b : out["branches"])
            if (!b["pending"].empty())
                behind += fmt::format("{}{} {} pending", behind.empty() ? "" : ", ", b.value("branch", ""),
                                      b["pending"].size());
        return behind.empty() ? "up to date" : behind;
    }
    if (command == "check" && out.contains("differences"))
        return fmt::format("{} difference(s)", out["differences"].size());
    return "";
}

// The child's error, its last `trellis: error:` line without the prefix.
std::string error_of(const FanoutResult& r) {
    if (r.state != State::failed)
        return "";
    std::string last;
    std::size_t start = 0;
    while (start < r.err.size()) {
        auto end = r.err.find('\n', start);
        auto line = r.err.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? r.err.size() : end + 1;
        if (auto at = line.find("error: "); at != std::string::npos)
            last = line.substr(at + 7);
        else if (last.empty() && !line.empty())
            last = line;
    }
    return last.empty() ? fmt::format("exit {}", r.exit_code) : last;
}

void print_text(const std::string& command, const std::vector<FanoutResult>& results, const std::vector<json>& outs,
                std::chrono::milliseconds took) {
    std::size_t width = 8;
    for (const auto& r : results)
        width = std::max(width, r.target->name.size());
    std::map<State, int> counts;
    std::cout << fmt::format("{:<{}}  {:<11}  {:>8}  {}\n", "database", width, "result", "time", "what");
    std::vector<std::string> whats;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        ++counts[r.state];
        whats.push_back(r.state == State::failed ? error_of(r) : what_changed(command, outs[i]));
        const auto& what = whats.back();
        auto time = r.state == State::not_started ? std::string("-") : fmt::format("{:.2f} s", r.took.count() / 1e3);
        std::cout << fmt::format("{:<{}}  {:<11}  {:>8}  {}\n", r.target->name, width, verb(command, r.state), time,
                                 what);
    }
    if (command == "status") {
        // Which databases are behind, grouped by the state they are in.
        std::map<std::string, std::vector<std::string>> groups;
        for (std::size_t i = 0; i < results.size(); ++i)
            if (results[i].state != State::failed && results[i].state != State::not_started)
                groups[whats[i]].push_back(results[i].target->name);
        std::cout << "\n";
        for (const auto& [state, names] : groups) {
            std::string list;
            for (std::size_t k = 0; k < names.size() && k < 10; ++k)
                list += (k ? ", " : "") + names[k];
            std::cout << fmt::format("{} ({}): {}{}\n", state, names.size(), list,
                                     names.size() > 10 ? fmt::format(", and {} more", names.size() - 10) : "");
        }
    }
    std::cout << fmt::format("{} database(s) in {:.1f} s: {} ok, {} with findings, {} failed, {} not started\n",
                             results.size(), took.count() / 1e3, counts[State::done], counts[State::findings],
                             counts[State::failed], counts[State::not_started]);
}

void print_summary_json(const std::string& command, const std::vector<FanoutResult>& results,
                        const std::vector<json>& outs) {
    json list = json::array();
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        json entry = {{"database", r.target->name},
                      {"server", r.target->server},
                      {"result", r.state == State::done       ? "ok"
                                 : r.state == State::findings ? "findings"
                                 : r.state == State::failed   ? "failed"
                                                              : "not_started"}};
        if (r.state != State::not_started) {
            entry["exit_code"] = r.exit_code;
            entry["took_ms"] = r.took.count();
            entry["output"] = outs[i].is_discarded() ? json() : outs[i];
        }
        if (r.state == State::failed)
            entry["error"] = error_of(r);
        list.push_back(entry);
    }
    print_json({{"command", command}, {"databases", list}});
}

} // namespace

bool fans_out(const std::string& command, const po::variables_map& vm) {
    bool many =
        vm["all-databases"].as<bool>() || (vm.count("url") && vm["url"].as<std::vector<std::string>>().size() > 1);
    if (!many)
        return false;
    if (std::find(std::begin(k_commands), std::end(k_commands), command) == std::end(k_commands))
        throw input_error("`{}` acts on one database; several (--url repeated, --all-databases) work with upgrade, "
                          "downgrade, stamp, current, status, check and verify",
                          command);
    return true;
}

int run_fanout(Invocation& in, const std::vector<std::string>& args) {
    const auto& vm = in.args;
    auto urls = vm.count("url") ? vm["url"].as<std::vector<std::string>>() : std::vector<std::string>{};
    auto targets = fanout_targets(in.context, urls, vm["all-databases"].as<bool>());
    if (vm.count("shard"))
        targets = shard_of(targets, parse_shard(vm["shard"].as<std::string>()));

    FanoutOptions options;
    auto positive = [&](const char* name, int fallback, int least) {
        if (!vm.count(name))
            return fallback;
        int value = vm[name].as<int>();
        if (value < least)
            throw input_error("--{} must be at least {}, not {}", name, least, value);
        return value;
    };
    options.jobs = positive("jobs", 0, 1);
    options.jobs_per_server = positive("jobs-per-server", 2, 1);
    options.canary = positive("canary", 0, 0);
    options.max_failures = positive("max-failures", 1, 1);
    if (!vm.count("jobs-per-server") &&
        std::all_of(targets.begin(), targets.end(), [](const auto& t) { return t.server == "local"; }))
        // Files on a local disk: an upgrade waits on fsync more than on a core, so a few per core.
        options.jobs_per_server = 4 * std::max(1, static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)));

    const auto& g = in.output;
    bool terminal = !g.quiet && !g.json && ::isatty(STDERR_FILENO);
    auto progress = [&](const FanoutProgress& p) {
        if (terminal)
            std::cerr << fmt::format("\r\033[K{} done, {} running, {} failed, {} left  {:.1f} s", p.done, p.running,
                                     p.failed, p.left, p.elapsed.count() / 1e3)
                      << std::flush;
    };
    auto started = std::chrono::steady_clock::now();
    auto results = fan_out(targets, child_arguments(args), options, progress);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (terminal)
        std::cerr << "\n";
    auto outs = g.quiet && !g.json ? std::vector<json>(results.size()) : children_json(results);
    if (g.json)
        print_summary_json(in.name, results, outs);
    else if (!g.quiet)
        print_text(in.name, results, outs, took);

    bool failed = std::any_of(results.begin(), results.end(),
                              [](const auto& r) { return r.state == State::failed || r.state == State::not_started; });
    for (const auto& r : results)
        if (r.state == State::failed)
            std::cerr << fmt::format("trellis: error: {}: {}\n", r.target->name, error_of(r));
    if (failed)
        return static_cast<int>(ExitCode::database);
    bool findings =
        std::any_of(results.begin(), results.end(), [](const auto& r) { return r.state == State::findings; });
    return findings ? static_cast<int>(ExitCode::findings) : 0;
}

bool is_fanout_worker() {
    return std::getenv(std::string(k_worker_env).c_str()) != nullptr;
}

int serve_fanout(const std::function<int()>& run_one) {
    int requests = std::atoi(std::getenv(std::string(k_worker_env).c_str()));
    if (requests <= STDERR_FILENO || ::fcntl(requests, F_GETFD) < 0) {
        std::cerr << "trellis: error: " << k_worker_env << " is set, but this process was not started by a fan-out; "
                  << "unset it\n";
        return static_cast<int>(ExitCode::bad_input);
    }
    ::unsetenv(std::string(k_worker_env).c_str()); // what the commands start is no worker
    Context::process_serves_many();
    std::string pending;
    for (;;) {
        auto newline = pending.find('\n');
        if (newline == std::string::npos) {
            char buffer[4096];
            auto n = ::read(requests, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return 0; // the fan-out has no more databases
            pending.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        auto url = pending.substr(0, newline);
        pending.erase(0, newline + 1);
        ::setenv("TRELLIS_URL", url.c_str(), 1);
        int code = run_one();
        std::cout << k_worker_end << code << "\n" << std::flush;
        std::cerr << k_worker_end << "\n" << std::flush;
        if (code >= 128 || interrupted())
            return code; // Ctrl-C: no next database
    }
}

} // namespace trellis::cli
