// init, plugins, revision, merge: the commands that write revision files or show the plugin tree.
#include "cli/command.hpp"

namespace trellis::cli {

void add_authoring_commands(std::vector<CommandSpec>&) {}

} // namespace trellis::cli
