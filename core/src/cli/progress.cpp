#include "cli/progress.hpp"

#include "util/text.hpp"

#include <condition_variable>
#include <fmt/format.h>
#include <iostream>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace trellis::cli {

using Clock = std::chrono::steady_clock;

struct RunDisplay::State {
    Direction direction;
    bool verbose = false, lines = false, terminal = false, color = false;
    Clock::time_point started = Clock::now(), step_started = Clock::now();
    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    std::string status; // the revision running, as the status line shows it
    std::size_t k = 0, n = 0;
    std::thread ticker;

    // Redraws the status line; the caller holds the mutex.
    void draw() {
        if (!terminal || status.empty())
            return;
        auto seconds = [](Clock::time_point since) {
            return std::chrono::duration<double>(Clock::now() - since).count();
        };
        std::cerr << fmt::format("\r\033[K[{}/{}] {}  {:.1f} s (total {:.1f} s)", k, n, status, seconds(step_started),
                                 seconds(started))
                  << std::flush;
    }
    // Prints a whole line above the status line.
    void say(const std::string& line) {
        std::cerr << (terminal ? "\r\033[K" : "") << line << "\n";
        draw();
    }
    void tick() {
        std::unique_lock lock(mutex);
        while (!stopping) {
            wake.wait_for(lock, std::chrono::milliseconds(200));
            draw();
        }
    }
};

RunDisplay::RunDisplay(const Output& o, Direction direction)
    : m_state(std::make_shared<State>()) {
    auto& s = *m_state;
    s.direction = direction;
    bool silent = o.quiet || o.json;
    s.verbose = !silent && o.verbose;
    s.lines = !silent;
    s.terminal = !silent && ::isatty(STDERR_FILENO);
    s.color = o.color_err;
    if (s.terminal)
        s.ticker = std::thread([state = m_state] { state->tick(); });
}

RunDisplay::~RunDisplay() {
    auto& s = *m_state;
    {
        std::lock_guard lock(s.mutex);
        s.stopping = true;
        if (s.terminal && !s.status.empty())
            std::cerr << "\r\033[K" << std::flush;
    }
    s.wake.notify_all();
    if (s.ticker.joinable())
        s.ticker.join();
}

MigrateEvents RunDisplay::events() {
    MigrateEvents events;
    if (!m_state->lines)
        return events;
    auto state = m_state;
    events.starting = [state](const Graph& g, int i, std::size_t k, std::size_t n) {
        std::lock_guard lock(state->mutex);
        const auto& r = g.revision(i);
        const auto& label = g.branch(g.branch_of(i)).label();
        auto parents = text::join(r.down_revisions, ", ");
        bool up = state->direction == Direction::upgrade;
        state->k = k;
        state->n = n;
        state->step_started = Clock::now();
        state->status = fmt::format("{} ({}) {}", r.id, label, r.message);
        if (!state->verbose)
            state->say(fmt::format("Running {} {} -> {} ({}), {}", up ? "upgrade" : "downgrade", up ? parents : r.id,
                                   up ? r.id : parents, label, r.message));
        else
            state->draw();
    };
    events.finished = [state](const Graph& g, int i, std::chrono::milliseconds took) {
        std::lock_guard lock(state->mutex);
        if (state->verbose)
            state->say(fmt::format("  {} ({}) {}  [{} ms]", g.revision(i).id, g.branch(g.branch_of(i)).label(),
                                   g.revision(i).message, took.count()));
    };
    events.retrying = [state](const Graph& g, int i, int attempt, std::chrono::milliseconds pause,
                              const std::string& blocker) {
        std::lock_guard lock(state->mutex);
        state->say(fmt::format("  {} attempt {} waited out its lock wait ({}); rolled back, retrying in {} ms",
                               g.revision(i).id, attempt, blocker, pause.count()));
    };
    events.skipped = [state](const Graph& g, int i) {
        std::lock_guard lock(state->mutex);
        state->say(fmt::format("  {} skipped: another process got there first", g.revision(i).id));
    };
    return events;
}

} // namespace trellis::cli
