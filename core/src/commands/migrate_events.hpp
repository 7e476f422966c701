// What a running migration reports while the runner applies (or reverts) a plan's revisions, so
// the CLI can show progress: `migrate` hands these to the `Runner`, which calls them. Its own
// header, so the runner (below migrate) does not include the command that drives it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace trellis {

class Graph;

// Each callback may be empty.
struct MigrateEvents {
    // Before step k (1-based) of n.
    std::function<void(const Graph&, int revision, std::size_t k, std::size_t n)> starting;
    // After it, with its duration.
    std::function<void(const Graph&, int revision, std::chrono::milliseconds took)> finished;
    // A revision another process applied (or reverted) first.
    std::function<void(const Graph&, int revision)> skipped;
    // Attempt `attempt` of a revision waited out its lock wait and was rolled back; the next
    // comes after `pause`. `blocker` names the session that held the lock, as far as known.
    std::function<void(const Graph&, int revision, int attempt, std::chrono::milliseconds pause,
                       const std::string& blocker)>
        retrying;
};

} // namespace trellis
