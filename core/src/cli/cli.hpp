// The `trellis` command line: global options, the command table, and the one place that turns
// an error into `trellis: error: ...` and an exit code.
#pragma once

namespace trellis::cli {

int run(int argc, char** argv);

} // namespace trellis::cli
