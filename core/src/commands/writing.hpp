// What every command that writes (upgrade, downgrade, stamp, repair, drop-db) holds while it
// writes: Ctrl-C and SIGTERM handling and the migration lock, with the context's settings.
#pragma once

#include "commands/context.hpp"
#include "commands/runner.hpp"
#include "db/migration_lock.hpp"
#include "util/interrupt.hpp"

namespace trellis {

// What a command that writes holds while it writes: Ctrl-C and SIGTERM cancel the running
// statement (see util/interrupt.hpp), and the migration lock, with the context's settings.
class Writing {
public:
    Writing(Context& context, Database& db, const Ledger& ledger, const std::string& command);
    MigrationLock& lock() { return m_lock; }
    // execute_all (db/database.hpp) with the lock's fence first.
    void execute_all(const std::vector<std::string>& statements, std::string_view what);
    // The waits and the budget of a revision's attempts.
    RunSettings run_settings();

private:
    Context& m_context;
    Database& m_db;
    InterruptScope m_interrupts;
    MigrationLock m_lock;
};

} // namespace trellis
