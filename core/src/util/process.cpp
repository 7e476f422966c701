#include "util/process.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace trellis::process {

namespace {

// A temporary file, removed with the object.
class TempFile {
public:
    TempFile() {
        m_path = (std::filesystem::temp_directory_path() / "trellis.XXXXXX").string();
        m_fd = ::mkstemp(m_path.data());
        if (m_fd < 0)
            throw input_error("cannot create a temporary file: {}", std::strerror(errno));
    }
    ~TempFile() {
        ::close(m_fd);
        ::unlink(m_path.c_str());
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    int fd() const { return m_fd; }
    const std::string& path() const { return m_path; }
    std::string read_all() const {
        std::string out;
        char buffer[65536];
        ::lseek(m_fd, 0, SEEK_SET);
        for (ssize_t n; (n = ::read(m_fd, buffer, sizeof buffer)) > 0;)
            out.append(buffer, static_cast<std::size_t>(n));
        return out;
    }

private:
    std::string m_path;
    int m_fd = -1;
};

} // namespace

std::optional<std::filesystem::path> find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    for (const auto& dir : text::split_list(path ? path : "/usr/bin:/bin", ':')) {
        auto candidate = std::filesystem::path(dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(candidate))
            return candidate;
    }
    return std::nullopt;
}

std::string run_filter(const std::vector<std::string>& argv, const std::string& input) {
    TempFile in, out, err;
    if (::write(in.fd(), input.data(), input.size()) != static_cast<ssize_t>(input.size()))
        throw input_error("cannot write a temporary file: {}", std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, in.path().c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.fd(), STDERR_FILENO);
    std::vector<std::string> strings = argv;
    std::vector<char*> args;
    for (auto& s : strings)
        args.push_back(s.data());
    args.push_back(nullptr);
    pid_t pid = 0;
    int failed = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (failed)
        throw input_error("cannot run {}: {}", argv[0], std::strerror(failed));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        auto message = std::string(text::trim(err.read_all()));
        message = message.substr(message.rfind('\n') == std::string::npos ? 0 : message.rfind('\n') + 1);
        throw input_error("{} failed{}", argv[0], message.empty() ? "" : ": " + message);
    }
    return out.read_all();
}

} // namespace trellis::process
