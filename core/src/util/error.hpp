// Errors a user can cause. Each carries the exit code of the contract (SPEC.md, "Exit codes") and
// a message of one or two lines that names what is wrong (file, line, revision, plugin) and,
// where one exists, what to do. Commands throw them to abort; the CLI prints them.
//
// The facts the message names are fields too (libpqxx's habit): `--json` prints them and tests
// read them, so nobody parses a message. Set them where they are known:
//     throw input_error("{}:{}: ...", display(path), line, ...).at(display(path), line);
// Included everywhere: keep it light.
#pragma once

#include <fmt/core.h>
#include <stdexcept>
#include <string>

namespace trellis {

enum class ExitCode : int { ok = 0, findings = 1, bad_input = 2, database = 3 };

// What an error is about; an empty string (or line 0) is a fact not known.
struct ErrorFacts {
    std::string file;     // as shown to the user (files::display)
    int line = 0;         // 1-based, in `file`
    std::string revision; // a revision id
    std::string plugin;   // a plugin's name, or its library's file when the name is not known
    std::string sqlstate; // the database's SQLSTATE
};

class Error : public std::runtime_error {
public:
    Error(ExitCode code, const std::string& message, ErrorFacts facts = {})
        : std::runtime_error(message)
        , m_code(code)
        , m_facts(std::move(facts)) {}
    ExitCode code() const { return m_code; }
    const ErrorFacts& facts() const { return m_facts; }

    // Each sets one fact and returns the error, for `throw input_error(...).at(file, line)`.
    Error& at(std::string file, int line = 0) {
        m_facts.file = std::move(file);
        m_facts.line = line;
        return *this;
    }
    Error& revision(std::string id) {
        m_facts.revision = std::move(id);
        return *this;
    }
    Error& plugin(std::string name) {
        m_facts.plugin = std::move(name);
        return *this;
    }
    Error& sqlstate(std::string state) {
        m_facts.sqlstate = std::move(state);
        return *this;
    }
    // Fills the facts `other` knows and this one does not (an error rethrown with more words).
    Error& facts_from(const ErrorFacts& other) {
        auto fill = [](std::string& mine, const std::string& theirs) {
            if (mine.empty())
                mine = theirs;
        };
        fill(m_facts.file, other.file);
        if (m_facts.line == 0)
            m_facts.line = other.line;
        fill(m_facts.revision, other.revision);
        fill(m_facts.plugin, other.plugin);
        fill(m_facts.sqlstate, other.sqlstate);
        return *this;
    }

private:
    ExitCode m_code;
    ErrorFacts m_facts;
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
