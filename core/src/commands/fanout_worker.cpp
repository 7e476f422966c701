#include "commands/fanout_worker.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace trellis {

namespace {

constexpr int k_request_fd = 3; // where the child reads its requests

// Our environment without TRELLIS_URL (each request names its database), and the worker's mark.
std::vector<std::string> worker_environment() {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string_view entry(*e);
        if (!entry.starts_with("TRELLIS_URL=") && !entry.starts_with(std::string(k_worker_env) + "="))
            env.emplace_back(entry);
    }
    env.push_back(fmt::format("{}={}", k_worker_env, k_request_fd));
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

void close_fd(int& fd) {
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

} // namespace

FanoutWorker::FanoutWorker(const std::string& program, const std::vector<std::string>& args) {
    int out[2], err[2], requests[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0 || ::pipe2(requests, O_CLOEXEC) != 0)
        throw database_error("cannot start a trellis worker: {}", std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    posix_spawn_file_actions_adddup2(&actions, requests[0], k_request_fd);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> argv_strings{program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    auto env_strings = worker_environment();
    auto argv = pointers(argv_strings);
    auto envp = pointers(env_strings);
    int failed = ::posix_spawn(&m_pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    for (int fd : {out[1], err[1], requests[0]})
        ::close(fd);
    m_out = out[0];
    m_err = err[0];
    m_requests = requests[1];
    if (failed) {
        close_all();
        m_reaped = true;
        throw database_error("cannot start {} as a fan-out worker: {}", program, std::strerror(failed));
    }
}

FanoutWorker::~FanoutWorker() {
    close_all(); // the child reads end of input and exits
    while (!m_reaped && ::waitpid(m_pid, &m_status, 0) < 0 && errno == EINTR)
        ;
}

void FanoutWorker::close_all() {
    close_fd(m_requests);
    close_fd(m_out);
    close_fd(m_err);
}

bool FanoutWorker::send(std::size_t index, const std::string& url) {
    if (!alive() || m_requests < 0)
        return false;
    auto line = url + "\n";
    for (std::size_t sent = 0; sent < line.size();) {
        auto n = ::write(m_requests, line.data() + sent, line.size() - sent);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false; // EPIPE: the worker is gone (the fan-out ignores SIGPIPE)
        sent += static_cast<std::size_t>(n);
    }
    m_index = index;
    m_started = std::chrono::steady_clock::now();
    return true;
}

std::vector<int> FanoutWorker::fds() const {
    std::vector<int> out;
    for (int fd : {m_out, m_err})
        if (fd >= 0)
            out.push_back(fd);
    return out;
}

std::optional<FanoutWorker::Reply> FanoutWorker::read(int fd) {
    char buffer[8192];
    auto n = ::read(fd, buffer, sizeof buffer);
    auto& into = fd == m_out ? m_out_buffer : m_err_buffer;
    if (n > 0)
        into.append(buffer, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR)
        close_fd(fd == m_out ? m_out : m_err);
    if (!alive())
        return died();
    return finished();
}

// Both streams carry the mark: the database has ended, and the worker is idle again.
std::optional<FanoutWorker::Reply> FanoutWorker::finished() {
    auto out_mark = m_out_buffer.find(k_worker_end);
    auto out_end = out_mark == std::string::npos ? out_mark : m_out_buffer.find('\n', out_mark);
    auto err_mark = m_err_buffer.find(k_worker_end);
    auto err_end = err_mark == std::string::npos ? err_mark : m_err_buffer.find('\n', err_mark);
    if (!m_index || out_end == std::string::npos || err_end == std::string::npos)
        return std::nullopt;
    Reply reply;
    reply.index = *m_index;
    auto code = m_out_buffer.substr(out_mark + k_worker_end.size(), out_end - out_mark - k_worker_end.size());
    reply.exit_code = std::atoi(code.c_str());
    reply.out = m_out_buffer.substr(0, out_mark);
    reply.err = m_err_buffer.substr(0, err_mark);
    reply.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_started);
    m_out_buffer.erase(0, out_end + 1);
    m_err_buffer.erase(0, err_end + 1);
    m_index.reset();
    return reply;
}

// Both streams closed: the worker has exited. When it was running a database, that one failed.
std::optional<FanoutWorker::Reply> FanoutWorker::died() {
    close_fd(m_requests);
    while (!m_reaped && ::waitpid(m_pid, &m_status, 0) < 0 && errno == EINTR)
        ;
    m_reaped = true;
    if (!m_index)
        return std::nullopt;
    Reply reply;
    reply.index = *m_index;
    reply.out = std::move(m_out_buffer);
    reply.err = std::move(m_err_buffer);
    if (WIFSIGNALED(m_status)) {
        reply.exit_code = 128 + WTERMSIG(m_status);
        reply.err += fmt::format("trellis: error: the trellis process running this database died ({}); no other "
                                 "database was affected\n",
                                 strsignal(WTERMSIG(m_status)));
    } else {
        reply.exit_code = WIFEXITED(m_status) && WEXITSTATUS(m_status) != 0 ? WEXITSTATUS(m_status) : 3;
        reply.err += "trellis: error: the trellis process running this database ended before it answered\n";
    }
    reply.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_started);
    m_index.reset();
    return reply;
}

} // namespace trellis
