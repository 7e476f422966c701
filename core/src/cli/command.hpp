// The command table of the CLI. Each command declares its options and a run function that
// composes the command layer and prints; the CLI itself only parses and dispatches.
#pragma once

#include "cli/output.hpp"
#include "commands/context.hpp"
#include "util/error.hpp"

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace trellis::cli {

namespace po = boost::program_options;

struct Invocation {
    Context& context;
    const Output& output; // --json, -q, -v, colour
    const po::variables_map& args;
    const std::string& name;
};

struct CommandSpec {
    std::string name;
    std::string usage;   // after `trellis NAME`
    std::string summary; // one line for `trellis --help`
    void (*options)(po::options_description&, po::positional_options_description&);
    int (*run)(Invocation&);
};

void add_inspect_commands(std::vector<CommandSpec>& table);
void add_graph_commands(std::vector<CommandSpec>& table);
void add_migrate_commands(std::vector<CommandSpec>& table);
void add_authoring_commands(std::vector<CommandSpec>& table);
void add_lint_commands(std::vector<CommandSpec>& table);
void add_schema_commands(std::vector<CommandSpec>& table);
void add_lifecycle_commands(std::vector<CommandSpec>& table);
void add_import_commands(std::vector<CommandSpec>& table);

// The options of a command that takes none.
inline void no_options(po::options_description&, po::positional_options_description&) {}

// Helpers for run functions.
template <typename T> T arg(const Invocation& in, const char* name, T fallback = T{}) {
    auto it = in.args.find(name);
    return it == in.args.end() || it->second.empty() ? fallback : it->second.as<T>();
}
inline bool flag(const Invocation& in, const char* name) {
    return arg<bool>(in, name, false);
}
inline bool has(const Invocation& in, const char* name) {
    auto it = in.args.find(name);
    return it != in.args.end() && !it->second.empty() && !it->second.defaulted();
}

} // namespace trellis::cli
