// What a long command shows while it runs, on stderr. A migration prints Alembic's
// `Running upgrade A -> B, message` line per revision (the default), one line with its duration
// per revision (-v), nothing (-q, --json). On a terminal a status line sits below those lines and
// ticks every fifth of a second (elapsed time, k of N, the step and its branch), so a long step
// never looks frozen; `verify` shows the same line for its checks.
#pragma once

#include "cli/output.hpp"
#include "commands/migrate_events.hpp"
#include "commands/verify.hpp"
#include "graph/target.hpp"

#include <memory>

namespace trellis::cli {

// The ticking line at the bottom of a terminal: `[k/n] what  1.2 s (total 3.4 s)`. Shows nothing
// when stderr is no terminal (or under -q, --json); lines said through it still print then.
// Thread-safe: the ticker redraws while the command's thread sets the step.
class StatusLine {
public:
    explicit StatusLine(const Output& output);
    ~StatusLine(); // stops the ticker and clears the line
    StatusLine(const StatusLine&) = delete;
    StatusLine& operator=(const StatusLine&) = delete;

    // Step k of n begins; its clock starts.
    void step(std::size_t k, std::size_t n, std::string what);
    // A whole line above the status line.
    void say(const std::string& line);

private:
    struct State;
    std::shared_ptr<State> m_state;
};

class RunDisplay {
public:
    RunDisplay(const Output& output, Direction direction);
    RunDisplay(const RunDisplay&) = delete;
    RunDisplay& operator=(const RunDisplay&) = delete;

    // The callbacks to hand to migrate(); they refer to this object.
    MigrateEvents events();

private:
    Direction m_direction;
    bool m_lines, m_verbose;
    StatusLine m_status;
};

// The callback to hand to verify() as VerifyOptions::progress: each check as a step of the
// status line (nothing when stderr is no terminal).
std::function<void(const VerifyStep&)> verify_progress(StatusLine& status);

} // namespace trellis::cli
