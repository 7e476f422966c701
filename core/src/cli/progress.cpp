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

struct StatusLine::State {
    bool terminal = false;
    Clock::time_point started = Clock::now(), step_started = Clock::now();
    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    std::string what; // the step running, as the status line shows it
    std::size_t k = 0, n = 0;
    std::thread ticker;

    // Redraws the status line; the caller holds the mutex.
    void draw() {
        if (!terminal || what.empty())
            return;
        auto seconds = [](Clock::time_point since) {
            return std::chrono::duration<double>(Clock::now() - since).count();
        };
        std::cerr << fmt::format("\r\033[K[{}/{}] {}  {:.1f} s (total {:.1f} s)", k, n, what, seconds(step_started),
                                 seconds(started))
                  << std::flush;
    }
    void tick() {
        std::unique_lock lock(mutex);
        while (!stopping) {
            wake.wait_for(lock, std::chrono::milliseconds(200));
            draw();
        }
    }
};

StatusLine::StatusLine(const Output& output)
    : m_state(std::make_shared<State>()) {
    m_state->terminal = !output.quiet && !output.json && ::isatty(STDERR_FILENO);
    if (m_state->terminal)
        m_state->ticker = std::thread([state = m_state] { state->tick(); });
}

StatusLine::~StatusLine() {
    auto& s = *m_state;
    {
        std::lock_guard lock(s.mutex);
        s.stopping = true;
        if (s.terminal && !s.what.empty())
            std::cerr << "\r\033[K" << std::flush;
    }
    s.wake.notify_all();
    if (s.ticker.joinable())
        s.ticker.join();
}

void StatusLine::step(std::size_t k, std::size_t n, std::string what) {
    std::lock_guard lock(m_state->mutex);
    m_state->k = k;
    m_state->n = n;
    m_state->what = std::move(what);
    m_state->step_started = Clock::now();
    m_state->draw();
}

void StatusLine::say(const std::string& line) {
    std::lock_guard lock(m_state->mutex);
    std::cerr << (m_state->terminal ? "\r\033[K" : "") << line << "\n";
    m_state->draw();
}

RunDisplay::RunDisplay(const Output& output, Direction direction)
    : m_direction(direction)
    , m_lines(!output.quiet && !output.json)
    , m_verbose(m_lines && output.verbose)
    , m_status(output) {}

MigrateEvents RunDisplay::events() {
    MigrateEvents events;
    if (!m_lines)
        return events;
    events.starting = [this](const Graph& g, int i, std::size_t k, std::size_t n) {
        const auto& r = g.revision(i);
        const auto& label = g.branch(g.branch_of(i)).label();
        auto parents = text::join(r.down_revisions, ", ");
        bool up = m_direction == Direction::upgrade;
        if (!m_verbose)
            m_status.say(fmt::format("Running {} {} -> {} ({}), {}", up ? "upgrade" : "downgrade", up ? parents : r.id,
                                     up ? r.id : parents, label, r.message));
        m_status.step(k, n, fmt::format("{} ({}) {}", r.id, label, r.message));
    };
    events.finished = [this](const Graph& g, int i, std::chrono::milliseconds took) {
        if (m_verbose)
            m_status.say(fmt::format("  {} ({}) {}  [{} ms]", g.revision(i).id, g.branch(g.branch_of(i)).label(),
                                     g.revision(i).message, took.count()));
    };
    events.retrying = [this](const Graph& g, int i, int attempt, std::chrono::milliseconds pause,
                             const std::string& blocker) {
        m_status.say(fmt::format("  {} attempt {} waited out its lock wait ({}); rolled back, retrying in {} ms",
                                 g.revision(i).id, attempt, blocker, pause.count()));
    };
    events.skipped = [this](const Graph& g, int i) {
        m_status.say(fmt::format("  {} skipped: another process got there first", g.revision(i).id));
    };
    return events;
}

std::function<void(const VerifyStep&)> verify_progress(StatusLine& status) {
    return [&status](const VerifyStep& s) { status.step(s.k, s.n, s.what); };
}

} // namespace trellis::cli
