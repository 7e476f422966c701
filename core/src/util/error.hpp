// Errors a user can cause. Each carries the exit code of the contract (SPEC.md, "Exit codes") and
// a message of one or two lines that names what is wrong (file, line, revision, plugin) and,
// where one exists, what to do. Commands throw them to abort; the CLI prints them.
#pragma once

#include <fmt/core.h>
#include <stdexcept>
#include <string>

namespace trellis {

enum class ExitCode : int { ok = 0, findings = 1, bad_input = 2, database = 3 };

class Error : public std::runtime_error {
public:
    Error(ExitCode code, const std::string& message)
        : std::runtime_error(message)
        , m_code(code) {}
    ExitCode code() const { return m_code; }

private:
    ExitCode m_code;
};

// Bad input: usage, a revision file, a target, a plugin, the config. Exit 2.
template <typename... Args> Error input_error(fmt::format_string<Args...> format, Args&&... args) {
    return Error(ExitCode::bad_input, fmt::format(format, std::forward<Args>(args)...));
}

// The database: connection, SQL failure, lock time-out. Exit 3.
template <typename... Args> Error database_error(fmt::format_string<Args...> format, Args&&... args) {
    return Error(ExitCode::database, fmt::format(format, std::forward<Args>(args)...));
}

} // namespace trellis
