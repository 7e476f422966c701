// Running a fan-out: the scheduler that hands the targets, in list order and within the bounds,
// to a pool of long-lived workers (commands/fanout_worker.hpp), one per job slot.
#include "commands/fanout.hpp"

#include "commands/fanout_worker.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <map>
#include <memory>
#include <poll.h>
#include <set>

namespace trellis {

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<int> g_signal{0};

void on_signal(int signal) {
    g_signal = signal;
}

// Catches SIGINT/SIGTERM for the scope, without SA_RESTART, so poll() returns and the loop sees
// it; ignores SIGPIPE, so a request written to a worker that died is an EPIPE, not our end.
class SignalScope {
public:
    SignalScope() {
        struct sigaction action {};
        action.sa_handler = on_signal;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGINT, &action, &m_old[0]);
        ::sigaction(SIGTERM, &action, &m_old[1]);
        action.sa_handler = SIG_IGN;
        ::sigaction(SIGPIPE, &action, &m_old[2]);
    }
    ~SignalScope() {
        ::sigaction(SIGINT, &m_old[0], nullptr);
        ::sigaction(SIGTERM, &m_old[1], nullptr);
        ::sigaction(SIGPIPE, &m_old[2], nullptr);
    }

private:
    struct sigaction m_old[3]{};
};

std::string self_executable() {
    std::error_code error;
    auto path = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error)
        throw database_error("cannot find the trellis executable to run on each database: {}", error.message());
    return path.string();
}

FanoutResult::State state_of(int exit_code) {
    if (exit_code == 0)
        return FanoutResult::State::done;
    if (exit_code == static_cast<int>(ExitCode::findings))
        return FanoutResult::State::findings;
    return FanoutResult::State::failed;
}

class Scheduler {
public:
    Scheduler(const std::vector<FanoutTarget>& targets, const std::vector<std::string>& args,
              const FanoutOptions& options, const std::function<void(const FanoutProgress&)>& progress)
        : m_targets(targets)
        , m_args(args)
        , m_options(options)
        , m_progress(progress)
        , m_program(self_executable())
        , m_results(targets.size())
        , m_started_at(Clock::now()) {
        for (std::size_t i = 0; i < targets.size(); ++i)
            m_results[i].target = &targets[i];
        std::set<std::string> servers;
        for (const auto& t : targets)
            servers.insert(t.server);
        m_jobs = options.jobs > 0 ? options.jobs : static_cast<int>(servers.size()) * options.jobs_per_server;
    }

    std::vector<FanoutResult> run() {
        SignalScope signals;
        g_signal = 0;
        auto canary = std::min<std::size_t>(static_cast<std::size_t>(std::max(m_options.canary, 0)), m_targets.size());
        run_until(canary);
        if (m_failed > 0 && canary > 0)
            return finish(); // a failed canary touches no other database
        run_until(m_targets.size());
        return finish();
    }

private:
    std::vector<FanoutResult> finish() {
        m_workers.clear(); // each reads the end of its requests and exits
        return std::move(m_results);
    }

    // Starts targets below `end` within the bounds, until all of them have ended or no more may start.
    void run_until(std::size_t end) {
        for (;;) {
            while (may_start() && start_next(end))
                ;
            if (m_running == 0)
                return;
            wait_for_output();
        }
    }

    bool may_start() const {
        return g_signal == 0 && m_failed < static_cast<std::size_t>(std::max(m_options.max_failures, 1)) &&
               m_running < m_jobs;
    }

    // Starts the first unstarted target below `end` whose server has room; false when none has.
    bool start_next(std::size_t end) {
        for (std::size_t i = m_next; i < end; ++i) {
            if (m_started.count(i) || m_per_server[m_targets[i].server] >= std::max(m_options.jobs_per_server, 1))
                continue;
            // An idle worker may have died since its last database (EPIPE): then a new one.
            if (!idle_worker().send(i, m_targets[i].url) && !fresh_worker().send(i, m_targets[i].url))
                throw database_error("cannot hand {} to a trellis process: it ended at once", m_targets[i].name);
            m_started.insert(i);
            ++m_per_server[m_targets[i].server];
            ++m_running;
            while (m_next < m_targets.size() && m_started.count(m_next))
                ++m_next;
            report();
            return true;
        }
        return false;
    }

    // An idle worker that is still alive, else a new one (at most one per job slot are busy).
    FanoutWorker& idle_worker() {
        for (auto& w : m_workers)
            if (!w->busy() && w->alive())
                return *w;
        return fresh_worker();
    }

    FanoutWorker& fresh_worker() {
        std::erase_if(m_workers, [](const auto& w) { return !w->busy() && !w->alive(); });
        return *m_workers.emplace_back(std::make_unique<FanoutWorker>(m_program, m_args));
    }

    void wait_for_output() {
        std::vector<pollfd> fds;
        std::vector<FanoutWorker*> owners;
        for (auto& w : m_workers)
            for (int fd : w->fds()) {
                fds.push_back({fd, POLLIN, 0});
                owners.push_back(w.get());
            }
        if (::poll(fds.data(), fds.size(), 1000) < 0 && errno == EINTR)
            forward_signal();
        for (std::size_t k = 0; k < fds.size(); ++k)
            if (fds[k].revents)
                if (auto reply = owners[k]->read(fds[k].fd))
                    ended(*reply);
    }

    // A TERM sent to trellis alone (not to its process group) reaches the workers too.
    void forward_signal() {
        if (g_signal == 0 || m_forwarded)
            return;
        m_forwarded = true;
        for (const auto& w : m_workers)
            if (w->alive())
                ::kill(w->pid(), g_signal);
    }

    void ended(FanoutWorker::Reply& reply) {
        auto& result = m_results[reply.index];
        result.exit_code = reply.exit_code;
        result.state = state_of(reply.exit_code);
        result.out = std::move(reply.out);
        result.err = std::move(reply.err);
        result.took = reply.took;
        m_failed += result.state == FanoutResult::State::failed;
        --m_per_server[m_targets[reply.index].server];
        --m_running;
        ++m_done;
        report();
    }

    void report() const {
        if (!m_progress)
            return;
        FanoutProgress p;
        p.done = m_done;
        p.running = static_cast<std::size_t>(m_running);
        p.failed = m_failed;
        p.left = m_targets.size() - m_done - p.running;
        p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - m_started_at);
        m_progress(p);
    }

    const std::vector<FanoutTarget>& m_targets;
    const std::vector<std::string>& m_args;
    const FanoutOptions& m_options;
    const std::function<void(const FanoutProgress&)>& m_progress;
    std::string m_program;
    std::vector<FanoutResult> m_results;
    std::vector<std::unique_ptr<FanoutWorker>> m_workers;
    std::set<std::size_t> m_started;
    std::map<std::string, int> m_per_server;
    std::size_t m_next = 0, m_done = 0, m_failed = 0;
    int m_jobs = 1, m_running = 0;
    bool m_forwarded = false;
    Clock::time_point m_started_at;
};

} // namespace

std::vector<FanoutResult> fan_out(const std::vector<FanoutTarget>& targets, const std::vector<std::string>& child_args,
                                  const FanoutOptions& options,
                                  const std::function<void(const FanoutProgress&)>& progress) {
    return Scheduler(targets, child_args, options, progress).run();
}

} // namespace trellis
