#include "support.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace trellis::test {

namespace {

std::string read_all(int fd) {
    std::string out;
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
        out.append(buffer, static_cast<std::size_t>(n));
    return out;
}

std::string unique_name(const std::string& prefix) {
    static std::atomic<int> counter{0};
    std::random_device device;
    return prefix + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
           std::to_string(device() % 100000);
}

} // namespace

TempDir::TempDir() {
    m_path = std::filesystem::temp_directory_path() / unique_name("trellis_test_");
    std::filesystem::create_directories(m_path);
}

TempDir::~TempDir() {
    std::error_code error;
    std::filesystem::remove_all(m_path, error);
}

void write_file(const std::filesystem::path& path, const std::string& content) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

Result run_trellis(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                   const std::map<std::string, std::string>& env) {
    // Output goes to temporary files rather than pipes: no deadlock on large outputs.
    char out_name[] = "/tmp/trellis_out_XXXXXX";
    char err_name[] = "/tmp/trellis_err_XXXXXX";
    int out_fd = ::mkstemp(out_name);
    int err_fd = ::mkstemp(err_name);
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) {
        std::string entry = *e;
        auto key = entry.substr(0, entry.find('='));
        if (!env.count(key) && key != "TRELLIS_URL" && key != "TRELLIS_CONFIG" && key != "TRELLIS_PLUGIN_PATH")
            environment.push_back(entry);
    }
    for (const auto& [key, value] : env)
        environment.push_back(key + "=" + value);
    environment.push_back("NO_COLOR=1");
    std::vector<char*> envp, argv;
    for (auto& e : environment)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string binary = TRELLIS_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out_fd, 1);
        ::dup2(err_fd, 2);
        int null_fd = ::open("/dev/null", O_RDONLY);
        ::dup2(null_fd, 0);
        if (::chdir(cwd.c_str()) != 0)
            ::_exit(127);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    Result result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ::lseek(out_fd, 0, SEEK_SET);
    ::lseek(err_fd, 0, SEEK_SET);
    result.out = read_all(out_fd);
    result.err = read_all(err_fd);
    ::close(out_fd);
    ::close(err_fd);
    ::unlink(out_name);
    ::unlink(err_name);
    return result;
}

std::string shell(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE_MESSAGE(pipe, "cannot run: " << command);
    char buffer[4096];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe))
        out.append(buffer, n);
    int status = ::pclose(pipe);
    REQUIRE_MESSAGE(status == 0, "command failed: " << command << "\n" << out);
    return out;
}

std::string postgres_server_url() {
    const char* url = std::getenv("TRELLIS_TEST_PG_URL");
    return url ? url : "";
}

PostgresDatabase::PostgresDatabase() {
    auto server = postgres_server_url();
    REQUIRE_MESSAGE(!server.empty(), "TRELLIS_TEST_PG_URL is not set: run the tests through scripts/test.sh, which "
                                     "starts a throwaway PostgreSQL");
    m_name = unique_name("t");
    shell("psql -X -q -v ON_ERROR_STOP=1 '" + server + "' -c 'CREATE DATABASE " + m_name + "' >/dev/null");
    m_url = server.substr(0, server.rfind('/') + 1) + m_name;
}

PostgresDatabase::~PostgresDatabase() {
    std::string command = "psql -X -q '" + postgres_server_url() + "' -c 'DROP DATABASE IF EXISTS " + m_name +
                          " WITH (FORCE)' >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0)
        MESSAGE("could not drop test database " << m_name);
}

std::string query(const std::string& url, const std::string& sql) {
    auto escaped = sql;
    for (std::size_t at = 0; (at = escaped.find('\'', at)) != std::string::npos; at += 4)
        escaped.replace(at, 1, "'\\''");
    if (url.starts_with("sqlite:///")) {
        auto path = url.substr(10);
        // A busy time-out, as trellis has: a writer of the database may hold it for a moment.
        return shell("sqlite3 -batch -cmd '.timeout 10000' '" + path + "' '" + escaped + "'");
    }
    return shell("psql -X -q -A -t -F '|' '" + url + "' -c '" + escaped + "'");
}

} // namespace trellis::test
