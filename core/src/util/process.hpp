// Running another program: finding it on PATH, and running it as a filter (what `graph --format
// svg` does with Graphviz's dot). POSIX only; not for the hot path.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace trellis::process {

// The first executable `name` in $PATH, or nullopt.
std::optional<std::filesystem::path> find_program(const std::string& name);

// Runs `argv` with `input` on its standard input and returns its standard output. Throws an
// input error naming the program and the last line of its stderr when it fails.
std::string run_filter(const std::vector<std::string>& argv, const std::string& input);

} // namespace trellis::process
