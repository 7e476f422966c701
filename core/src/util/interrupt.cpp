#include "util/interrupt.hpp"

#include "util/error.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <string>
#include <thread>
#include <unistd.h>

namespace trellis {

namespace {

std::atomic<int> g_signal{0};
int g_pipe[2] = {-1, -1};

// Async-signal-safe: an atomic and write(2). The watcher thread does the rest.
extern "C" void on_signal(int signal) {
    int expected = 0;
    if (!g_signal.compare_exchange_strong(expected, signal))
        ::_exit(128 + expected); // the second Ctrl-C: at once
    char byte = 1;
    [[maybe_unused]] auto n = ::write(g_pipe[1], &byte, 1);
}

struct sigaction g_previous_int, g_previous_term;
std::thread g_watcher;

} // namespace

InterruptScope::InterruptScope(std::function<void()> cancel) {
    if (::pipe(g_pipe) != 0)
        return; // without a pipe the signals keep their default action
    g_watcher = std::thread([cancel = std::move(cancel)] {
        char byte = 0;
        // 1: a signal came; 0: the scope ends.
        while (::read(g_pipe[0], &byte, 1) < 0 && errno == EINTR) {
        }
        if (byte == 1)
            try {
                cancel();
            } catch (...) {
                // The statement ends anyway when the connection closes at exit.
            }
    });
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, &g_previous_int);
    ::sigaction(SIGTERM, &action, &g_previous_term);
    // A signal the parent asked us to ignore (a background job's SIGINT) stays ignored.
    if (g_previous_int.sa_handler == SIG_IGN)
        ::sigaction(SIGINT, &g_previous_int, nullptr);
    if (g_previous_term.sa_handler == SIG_IGN)
        ::sigaction(SIGTERM, &g_previous_term, nullptr);
}

InterruptScope::~InterruptScope() {
    if (g_pipe[0] < 0)
        return;
    ::sigaction(SIGINT, &g_previous_int, nullptr);
    ::sigaction(SIGTERM, &g_previous_term, nullptr);
    char byte = 0;
    [[maybe_unused]] auto n = ::write(g_pipe[1], &byte, 1);
    g_watcher.join();
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
}

int interrupt_signal() {
    return g_signal.load();
}

void throw_if_interrupted(const std::string& what) {
    int signal = interrupt_signal();
    if (signal)
        throw Error(static_cast<ExitCode>(128 + signal),
                    fmt::format("interrupted by {}: {}", signal == SIGINT ? "SIGINT" : "SIGTERM", what));
}

void pause_unless_interrupted(std::chrono::milliseconds pause) {
    auto end = std::chrono::steady_clock::now() + pause;
    while (!interrupted() && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(
            std::min(std::chrono::milliseconds(20),
                     std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now())));
}

} // namespace trellis
