// Shared by the test suites: temporary directories, files, and running the `trellis` binary the
// way a user does (a real process, its stdout, stderr and exit code).
#pragma once

#include <doctest/doctest.h>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

// Failing checks on lists of ids and lines print the lists.
namespace doctest {
template <> struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& v) {
        std::string out = "{";
        for (const auto& s : v)
            out += (out.size() > 1 ? ", \"" : "\"") + s + "\"";
        return (out + "}").c_str();
    }
};
} // namespace doctest

namespace trellis::test {

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

void write_file(const std::filesystem::path& path, const std::string& content);
std::string read_file(const std::filesystem::path& path);
// Whether `part` occurs in `text`: what most checks of a command's output ask.
bool contains(const std::string& text, const std::string& part);

struct Result {
    int exit_code = -1;
    std::string out, err;
};

// Runs the built `trellis` with `args` in `cwd`; `env` entries are added to the environment
// (NO_COLOR is always set). Never goes through a shell.
Result run_trellis(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                   const std::map<std::string, std::string>& env = {});

// `r`, after requiring that the command succeeded (its output in the message otherwise).
inline Result must(const Result& r, const std::string& what) {
    REQUIRE_MESSAGE(r.exit_code == 0, what << ": " << r.out << r.err);
    return r;
}

// The PostgreSQL server the test script started (TRELLIS_TEST_PG_URL), or empty.
std::string postgres_server_url();

// A fresh empty database on that server, dropped with the object; its URL.
class PostgresDatabase {
public:
    PostgresDatabase();
    ~PostgresDatabase();
    PostgresDatabase(const PostgresDatabase&) = delete;
    PostgresDatabase& operator=(const PostgresDatabase&) = delete;
    const std::string& url() const { return m_url; }

private:
    std::string m_name, m_url;
};

// A SQL query's rows through the `sqlite3` or `psql` command-line client, one line per row,
// columns separated by `|`: an outside view of the database, as a user would look.
std::string query(const std::string& url, const std::string& sql);

// Runs `command` through /bin/sh; its stdout. For test set-up only.
std::string shell(const std::string& command);

} // namespace trellis::test
