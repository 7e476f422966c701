// A throwaway PgBouncer in transaction pooling mode in front of the test PostgreSQL server
// (scripts/lib/pgbouncer.sh), and a trellis process started in the background, for the tests of
// the migration lock, the DDL lock waits and Ctrl-C.
#pragma once

#include "support.hpp"

#include <string>
#include <sys/types.h>

namespace trellis::test {

class Pooler {
public:
    // `pool_size` server connections per database (1: every client shares one).
    explicit Pooler(int pool_size = 40);
    ~Pooler();
    Pooler(const Pooler&) = delete;
    Pooler& operator=(const Pooler&) = delete;
    // The URL of the same database through the pooler.
    std::string url(const std::string& direct) const;

private:
    std::string m_dir, m_port;
};

// `trellis args...` in `cwd`, in the background; its output is dropped. Returns its pid.
pid_t spawn_trellis(const std::vector<std::string>& args, const std::filesystem::path& cwd);
// Waits for it; its exit code (128 + signal when a signal ended it).
int wait_trellis(pid_t pid);

// Seconds since `start`.
double seconds_since(std::chrono::steady_clock::time_point start);

} // namespace trellis::test
