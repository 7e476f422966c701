#include "commands/fanout.hpp"

#include "db/database.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <map>
#include <poll.h>
#include <set>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace trellis {

namespace {

using Clock = std::chrono::steady_clock;

std::string server_of(const DatabaseUrl& url) {
    return url.dialect == Dialect::sqlite ? "local" : fmt::format("{}:{}", url.host, url.port ? url.port : 5432);
}

// A URL as a child must read it: a relative SQLite path is relative to the config's directory
// here, and the child may resolve it against another.
std::string absolute_url(const DatabaseUrl& parsed, const std::string& raw) {
    return parsed.dialect == Dialect::sqlite && parsed.path != ":memory:" ? "sqlite:///" + parsed.path.string() : raw;
}

void add_target(std::vector<FanoutTarget>& out, std::set<std::string>& seen, std::string name, const std::string& raw,
                const std::filesystem::path& base) {
    auto parsed = parse_url(raw, base);
    auto url = absolute_url(parsed, raw);
    if (!seen.insert(url).second)
        return;
    out.push_back({name.empty() ? parsed.display() : std::move(name), url, server_of(parsed)});
}

// `databases_file`: one `URL` or `NAME = URL` a line; blank lines and `#` comments skipped.
void add_file_targets(std::vector<FanoutTarget>& out, std::set<std::string>& seen, const std::filesystem::path& file) {
    auto content = files::read(file);
    std::size_t start = 0;
    for (int number = 1; start < content.size(); ++number) {
        auto end = content.find('\n', start);
        auto line = text::trim(std::string_view(content).substr(start, end == std::string::npos ? end : end - start));
        start = end == std::string::npos ? content.size() : end + 1;
        if (line.empty() || line.starts_with("#"))
            continue;
        auto equals = line.find('=');
        auto scheme = line.find("://");
        bool named = equals != std::string_view::npos && (scheme == std::string_view::npos || equals < scheme);
        std::string name = named ? std::string(text::trim(line.substr(0, equals))) : "";
        auto url = std::string(named ? text::trim(line.substr(equals + 1)) : line);
        try {
            add_target(out, seen, name, url, file.parent_path());
        } catch (const Error& e) {
            throw input_error("{}:{}: {}", files::display(file), number, e.what());
        }
    }
}

void add_catalog_targets(std::vector<FanoutTarget>& out, std::set<std::string>& seen, const Config& config) {
    auto catalog = connect(parse_url(*config.catalog_url, config.directory), OpenMode::read_only, 10);
    std::vector<Row> rows;
    try {
        rows = catalog->query(*config.catalog_query);
    } catch (const SqlError& e) {
        throw database_error("{}: catalog_query failed: {}", files::display(config.file), e.what());
    }
    for (const auto& row : rows) {
        if (row.empty() || row.size() > 2 || !row.back())
            throw input_error("{}: catalog_query must return rows of (url) or (name, url)",
                              files::display(config.file));
        add_target(out, seen, row.size() == 2 && row[0] ? *row[0] : "", *row.back(), config.directory);
    }
}

// FNV-1a: stable across machines and builds, unlike std::hash.
std::uint64_t stable_hash(std::string_view s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s)
        h = (h ^ c) * 1099511628211ULL;
    return h;
}

std::atomic<int> g_signal{0};

void on_signal(int signal) {
    g_signal = signal;
}

// Catches SIGINT/SIGTERM for the scope, without SA_RESTART, so poll() returns and the loop sees it.
class SignalScope {
public:
    SignalScope() {
        struct sigaction action {};
        action.sa_handler = on_signal;
        sigemptyset(&action.sa_mask);
        for (int s : {SIGINT, SIGTERM})
            ::sigaction(s, &action, &m_old[s == SIGINT ? 0 : 1]);
    }
    ~SignalScope() {
        ::sigaction(SIGINT, &m_old[0], nullptr);
        ::sigaction(SIGTERM, &m_old[1], nullptr);
    }

private:
    struct sigaction m_old[2]{};
};

struct Child {
    std::size_t index;
    pid_t pid;
    int out_fd, err_fd;
    Clock::time_point started;
};

std::string self_executable() {
    std::error_code error;
    auto path = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error)
        throw database_error("cannot find the trellis executable to run once per database: {}", error.message());
    return path.string();
}

// The environment of a child: ours, with TRELLIS_URL set to its database.
std::vector<std::string> child_environment(const std::string& url) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        if (!std::string_view(*e).starts_with("TRELLIS_URL="))
            env.emplace_back(*e);
    env.push_back("TRELLIS_URL=" + url);
    return env;
}

Child spawn(std::size_t index, const FanoutTarget& target, const std::string& program,
            const std::vector<std::string>& args) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        throw database_error("cannot start a process for {}: {}", target.name, std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> argv_strings{program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    auto env_strings = child_environment(target.url);
    std::vector<char*> argv, envp;
    for (auto& s : argv_strings)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    for (auto& s : env_strings)
        envp.push_back(s.data());
    envp.push_back(nullptr);
    pid_t pid = 0;
    int failed = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    if (failed) {
        ::close(out[0]);
        ::close(err[0]);
        throw database_error("cannot start {} for {}: {}", program, target.name, std::strerror(failed));
    }
    return {index, pid, out[0], err[0], Clock::now()};
}

// Reads what is there; false at end of file.
bool drain(int fd, std::string& into) {
    char buffer[8192];
    auto n = ::read(fd, buffer, sizeof buffer);
    if (n > 0)
        into.append(buffer, static_cast<std::size_t>(n));
    return n > 0 || (n < 0 && errno == EINTR);
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
            return std::move(m_results); // a failed canary touches no other database
        run_until(m_targets.size());
        return std::move(m_results);
    }

private:
    // Starts targets below `end` within the bounds, until all of them have ended or no more may start.
    void run_until(std::size_t end) {
        for (;;) {
            while (may_start() && start_next(end))
                ;
            if (m_running.empty())
                return;
            wait_for_output();
        }
    }

    bool may_start() const {
        return g_signal == 0 && m_failed < std::max(m_options.max_failures, 1) &&
               static_cast<int>(m_running.size()) < m_jobs;
    }

    // Starts the first unstarted target below `end` whose server has room; false when none has.
    bool start_next(std::size_t end) {
        for (std::size_t i = m_next; i < end; ++i) {
            if (m_started.count(i))
                continue;
            if (m_per_server[m_targets[i].server] >= std::max(m_options.jobs_per_server, 1))
                continue;
            m_running.push_back(spawn(i, m_targets[i], m_program, m_args));
            m_started.insert(i);
            ++m_per_server[m_targets[i].server];
            while (m_next < m_targets.size() && m_started.count(m_next))
                ++m_next;
            report();
            return true;
        }
        return false;
    }

    void wait_for_output() {
        std::vector<pollfd> fds;
        for (const auto& child : m_running)
            for (int fd : {child.out_fd, child.err_fd})
                if (fd >= 0)
                    fds.push_back({fd, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), 1000) < 0 && errno == EINTR)
            forward_signal();
        for (const auto& p : fds)
            if (p.revents)
                read_from(p.fd);
        for (std::size_t k = 0; k < m_running.size();)
            if (m_running[k].out_fd < 0 && m_running[k].err_fd < 0)
                finish(k);
            else
                ++k;
    }

    void read_from(int fd) {
        for (auto& child : m_running)
            for (int* own : {&child.out_fd, &child.err_fd})
                if (*own == fd &&
                    !drain(fd, own == &child.out_fd ? m_results[child.index].out : m_results[child.index].err)) {
                    ::close(fd);
                    *own = -1;
                }
    }

    // A TERM sent to trellis alone (not to its process group) reaches the children too.
    void forward_signal() {
        if (g_signal == 0 || m_forwarded)
            return;
        m_forwarded = true;
        for (const auto& child : m_running)
            ::kill(child.pid, g_signal);
    }

    void finish(std::size_t k) {
        auto child = m_running[k];
        m_running.erase(m_running.begin() + static_cast<long>(k));
        int status = 0;
        while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR)
            ;
        auto& result = m_results[child.index];
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        result.state = state_of(result.exit_code);
        result.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - child.started);
        m_failed += result.state == FanoutResult::State::failed;
        --m_per_server[m_targets[child.index].server];
        ++m_done;
        report();
    }

    void report() const {
        if (!m_progress)
            return;
        FanoutProgress p;
        p.done = m_done;
        p.running = m_running.size();
        p.failed = m_failed;
        p.left = m_targets.size() - m_done - m_running.size();
        p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - m_started_at);
        m_progress(p);
    }

    const std::vector<FanoutTarget>& m_targets;
    const std::vector<std::string>& m_args;
    const FanoutOptions& m_options;
    const std::function<void(const FanoutProgress&)>& m_progress;
    std::string m_program;
    std::vector<FanoutResult> m_results;
    std::vector<Child> m_running;
    std::set<std::size_t> m_started;
    std::map<std::string, int> m_per_server;
    std::size_t m_next = 0, m_done = 0, m_failed = 0;
    int m_jobs = 1;
    bool m_forwarded = false;
    Clock::time_point m_started_at;
};

} // namespace

Shard parse_shard(const std::string& text) {
    Shard shard;
    auto slash = text.find('/');
    auto number = [&](std::string_view s, int& out) {
        auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), out);
        return error == std::errc{} && end == s.data() + s.size();
    };
    if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), shard.index) ||
        !number(std::string_view(text).substr(slash + 1), shard.count) || shard.count < 1 || shard.index < 1 ||
        shard.index > shard.count)
        throw input_error("--shard `{}`: expected I/N with 1 <= I <= N, e.g. --shard 2/4", text);
    return shard;
}

std::vector<FanoutTarget> fanout_targets(Context& context, const std::vector<std::string>& urls, bool all) {
    std::vector<FanoutTarget> out;
    std::set<std::string> seen;
    for (const auto& url : urls)
        add_target(out, seen, "", url, std::filesystem::current_path());
    if (all) {
        const auto& config = context.config();
        for (const auto& [name, url] : config.databases) {
            try {
                add_target(out, seen, name, url, config.directory);
            } catch (const Error& e) {
                throw input_error("{} [databases] {}: {}", files::display(config.file), name, e.what());
            }
        }
        if (config.databases_file)
            add_file_targets(out, seen, *config.databases_file);
        if (config.catalog_query && config.catalog_url)
            add_catalog_targets(out, seen, config);
    }
    if (out.empty())
        throw input_error("--all-databases: no database listed; add a [databases] section (NAME = URL), "
                          "databases_file or catalog_url and catalog_query to {}",
                          context.config().file.empty() ? "trellis.ini" : files::display(context.config().file));
    return out;
}

std::vector<FanoutTarget> shard_of(const std::vector<FanoutTarget>& targets, Shard shard) {
    std::vector<FanoutTarget> out;
    for (const auto& t : targets)
        if (static_cast<int>(stable_hash(t.name) % static_cast<std::uint64_t>(shard.count)) == shard.index - 1)
            out.push_back(t);
    return out;
}

std::vector<FanoutResult> fan_out(const std::vector<FanoutTarget>& targets, const std::vector<std::string>& child_args,
                                  const FanoutOptions& options,
                                  const std::function<void(const FanoutProgress&)>& progress) {
    return Scheduler(targets, child_args, options, progress).run();
}

} // namespace trellis
