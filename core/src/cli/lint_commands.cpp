// lint: destructive and data-dependent changes in revisions (placeholder until the lint layer lands).
#include "cli/command.hpp"

namespace trellis::cli {

void add_lint_commands(std::vector<CommandSpec>&) {}

} // namespace trellis::cli
