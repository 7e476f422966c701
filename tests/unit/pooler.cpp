#include "pooler.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace trellis::test {

namespace {

// "host:port" of a postgresql://user@host:port/db URL.
std::string authority(const std::string& url) {
    auto at = url.find('@');
    auto slash = url.find('/', at);
    return url.substr(at + 1, slash - at - 1);
}

} // namespace

Pooler::Pooler(int pool_size) {
    auto server = authority(postgres_server_url());
    auto colon = server.rfind(':');
    auto out = shell(fmt::format("bash '{}/scripts/lib/pgbouncer.sh' start {} {} {}", TRELLIS_SOURCE_DIR,
                                 server.substr(0, colon), server.substr(colon + 1), pool_size));
    std::istringstream words(out);
    words >> m_dir >> m_port;
    REQUIRE_MESSAGE(!m_port.empty(), "pgbouncer did not start: " << out);
}

Pooler::~Pooler() {
    auto command = fmt::format("bash '{}/scripts/lib/pgbouncer.sh' stop '{}'", TRELLIS_SOURCE_DIR, m_dir);
    if (std::system(command.c_str()) != 0)
        MESSAGE("could not stop pgbouncer in " << m_dir);
}

std::string Pooler::url(const std::string& direct) const {
    auto old = authority(direct);
    auto at = direct.find(old);
    return direct.substr(0, at) + "127.0.0.1:" + m_port + direct.substr(at + old.size());
}

pid_t spawn_trellis(const std::vector<std::string>& args, const std::filesystem::path& cwd) {
    std::vector<std::string> copy = args;
    std::string binary = TRELLIS_BINARY;
    std::vector<char*> argv{binary.data()};
    for (auto& a : copy)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        int null_fd = ::open("/dev/null", O_RDWR);
        ::dup2(null_fd, 0);
        ::dup2(null_fd, 1);
        ::dup2(null_fd, 2);
        if (::chdir(cwd.c_str()) != 0)
            ::_exit(127);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

int wait_trellis(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace trellis::test
