#include "commands/writing.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

namespace trellis {

Writing::Writing(Context& context, Database& db, const Ledger& ledger, const std::string& command)
    : m_context(context)
    , m_db(db)
    , m_interrupts([&db] { db.cancel(); })
    , m_lock(db, {ledger.qualified_lock_table(), std::chrono::seconds(context.lock_timeout()),
                  std::chrono::seconds(context.lock_lease()), command}) {}

void Writing::execute_all(const std::vector<std::string>& statements, std::string_view what) {
    try {
        Transaction transaction(m_db);
        m_lock.fence();
        for (const auto& sql : statements)
            m_db.execute(sql);
        transaction.commit(); // the fence renewed the lease
    } catch (const SqlError& e) {
        throw_if_interrupted(fmt::format("{} was cancelled; nothing was changed", what));
        throw database_error("{} failed: {}; nothing was changed", what, e.what());
    }
}

RunSettings Writing::run_settings() {
    return {&m_lock, {m_context.ddl_lock_timeout(), m_context.statement_timeout()}, m_context.ddl_retry_budget()};
}

} // namespace trellis
