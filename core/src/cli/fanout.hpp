// The CLI's side of many databases at once (commands/fanout.hpp does the work).
#pragma once

#include "cli/command.hpp"

#include <string>
#include <vector>

namespace trellis::cli {

// Whether `command` runs on several databases (`--url` repeated, `--all-databases`); an input
// error when it is not one of the commands that can.
bool fans_out(const std::string& command, const po::variables_map& vm);

// Runs the command once per database and prints the summary (text, or one JSON document with an
// object per database). `args` are trellis's arguments as given. Exit 0 when every database
// succeeded, 1 when some had findings (check, verify), 3 when any failed or was not started.
int run_fanout(Invocation& in, const std::vector<std::string>& args);

} // namespace trellis::cli
