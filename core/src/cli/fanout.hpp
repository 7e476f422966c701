// The CLI's side of many databases at once (commands/fanout.hpp does the work).
#pragma once

#include "cli/command.hpp"

#include <functional>
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

// Whether this process is a fan-out worker (commands/fanout_worker.hpp), started by a fan-out.
bool is_fanout_worker();

// A worker's life: reads database URLs from its request pipe, runs `run_one` on each (with
// TRELLIS_URL set to it) and marks the end of each on stdout (with the exit code) and stderr.
// Returns at the end of the requests, or with the exit code of a command a signal interrupted.
int serve_fanout(const std::function<int()>& run_one);

} // namespace trellis::cli
