// Ctrl-C and SIGTERM during a command that writes (SPEC.md, "Lock"; issue 11 item 7). Inside an
// InterruptScope the first SIGINT or SIGTERM does not kill the process: it marks the command
// interrupted and calls the scope's `cancel` from a watcher thread (PQcancel, sqlite3_interrupt),
// so the running statement stops, its transaction rolls back and the lock is released by the
// usual unwinding; the command then ends with exit 128 + the signal (130, 143). A second signal
// exits at once. Outside a scope the signals keep their default action.
//
// Threads: `cancel` runs on the watcher thread, concurrently with the command's own thread; it
// must be safe there (both databases' cancels are).
#pragma once

#include <chrono>
#include <functional>

namespace trellis {

class InterruptScope {
public:
    explicit InterruptScope(std::function<void()> cancel);
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
};

// The signal that interrupted the command, or 0.
int interrupt_signal();
inline bool interrupted() {
    return interrupt_signal() != 0;
}
// Throws the interruption (an Error with exit 128 + signal) saying `what` was done, when one came.
void throw_if_interrupted(const std::string& what);
// Sleeps up to `pause`, waking early when the command is interrupted.
void pause_unless_interrupted(std::chrono::milliseconds pause);

} // namespace trellis
