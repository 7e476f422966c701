// A fan-out worker: one long-lived `trellis` child that runs the fan-out's command on many
// databases in turn, so its start, the PostgreSQL module and the plugins are paid once per job
// slot instead of once per database. Each database is still a whole single-database run (its
// own Context, connection, lock and ledger, as `trellis --url URL COMMAND` would do it).
//
// The protocol, private to one trellis binary talking to itself:
// - the parent starts the child with `k_worker_env` = the file descriptor it reads requests on
//   (its stdin is /dev/null, so no command can read a request by mistake);
// - a request is one database URL and a newline (a URL never holds one; it travels through the
//   pipe, never the command line, where `ps` would show its password);
// - the child answers on its stdout with the command's output, then `k_worker_end`, the exit
//   code and a newline, and on its stderr with the command's messages, then `k_worker_end` and a
//   newline. A database has ended when both streams have their mark.
// A child that dies (a plugin's step crashed) fails only the database it was running; the
// scheduler starts another for the next one. Not thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace trellis {

inline constexpr std::string_view k_worker_env = "TRELLIS_FANOUT_WORKER";
inline constexpr std::string_view k_worker_end = "\x1etrellis-fanout-end";

class FanoutWorker {
public:
    struct Reply {
        std::size_t index = 0; // the database the worker was running
        int exit_code = 0;     // the command's, or 128 + signal when the worker died
        std::string out, err;
        std::chrono::milliseconds took{0};
    };

    // Starts `program args...` as a worker; a database error when it cannot be started.
    FanoutWorker(const std::string& program, const std::vector<std::string>& args);
    // Ends the requests (the child exits at end of input) and reaps the child.
    ~FanoutWorker();
    FanoutWorker(const FanoutWorker&) = delete;
    FanoutWorker& operator=(const FanoutWorker&) = delete;

    // Hands database `index` at `url` to the idle worker; false when the worker is gone (it died
    // while idle), in which case nothing was started.
    bool send(std::size_t index, const std::string& url);
    bool busy() const { return m_index.has_value(); }
    bool alive() const { return m_out >= 0 || m_err >= 0; }
    pid_t pid() const { return m_pid; }
    // The streams to poll: stdout and stderr while they are open.
    std::vector<int> fds() const;
    // Reads what `fd` (one of fds()) holds. Returns the reply when the current database has
    // ended, or when the worker died while running it (exit 128 + signal, said on `err`).
    std::optional<Reply> read(int fd);

private:
    std::optional<Reply> finished();
    std::optional<Reply> died();
    void close_all();

    pid_t m_pid = -1;
    int m_requests = -1, m_out = -1, m_err = -1;
    std::string m_out_buffer, m_err_buffer;
    std::optional<std::size_t> m_index;
    std::chrono::steady_clock::time_point m_started;
    bool m_reaped = false;
    int m_status = 0;
};

} // namespace trellis
