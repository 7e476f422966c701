// What a migration shows while it runs, on stderr: Alembic's `Running upgrade A -> B, message`
// line per revision (the default), one line with its duration per revision (-v), nothing (-q,
// --json); and on a terminal a status line below them that ticks every fifth of a second
// (elapsed time, k of N, the revision and its branch), so a long revision never looks frozen.
#pragma once

#include "cli/output.hpp"
#include "commands/migrate.hpp"

#include <memory>

namespace trellis::cli {

class RunDisplay {
public:
    RunDisplay(const Output& output, Direction direction);
    ~RunDisplay(); // stops the ticker and clears the status line
    RunDisplay(const RunDisplay&) = delete;
    RunDisplay& operator=(const RunDisplay&) = delete;

    // The callbacks to hand to migrate(); they share this object's state.
    MigrateEvents events();

private:
    struct State;
    std::shared_ptr<State> m_state;
};

} // namespace trellis::cli
