// Revisions in turn: on PostgreSQL, consecutive revisions sent as one message when nothing is shown
// for each of them (quiet, --json, the children of a fan-out over many databases). Each is still
// its own transaction, with its guard first and its ledger row last; the server runs them in
// order and stops at the first that fails, so what commits is what running them one by one would
// have committed up to that failure. The one that failed runs again alone (Runner::run_alone),
// where its error is named, a lock wait is retried and a revision another command applied first
// is skipped. What it saves is a round trip per revision: for a database of tens of revisions,
// a third of the client's work and of the server's time between statements.
#include "commands/runner.hpp"
#include "db/migration_lock.hpp"

#include <chrono>

namespace trellis {

namespace {

// Enough to leave only a few round trips per database, few enough that a message stays small.
constexpr std::size_t k_most_revisions = 64;
constexpr std::size_t k_most_bytes = 512 * 1024;

} // namespace

Runner::InTurn Runner::run_in_turn(const Graph& graph, const std::vector<Prepared>& prepared, std::size_t k,
                                   std::vector<int>& done) {
    // Each revision's start is shown as it starts, or the fence has no lock to hold: one by one.
    if (m_db.kind() != Dialect::postgresql || !m_settings.lock || m_events.starting || m_events.finished)
        return {};
    auto end = k;
    for (std::size_t bytes = 0; end < prepared.size() && end - k < k_most_revisions && bytes < k_most_bytes; ++end) {
        const auto& p = prepared[end];
        if (!graph.revision(p.revision).transactional || !p.sql_only())
            break;
        for (const auto& statement : p.statements)
            bytes += statement.sql.size();
    }
    if (end - k < 2)
        return {};

    bool ledger_existed = m_ledger_exists;
    std::vector<std::vector<std::string>> transactions;
    for (auto j = k; j < end; ++j) {
        const auto& p = prepared[j];
        m_last = j + 1 == prepared.size();
        // The guard reads the ledger that the revisions before it in this message made.
        std::vector<std::string> sql{Ledger::start_sql(), guard_for(graph, p.revision)};
        for (const auto& statement : p.statements)
            sql.push_back(statement.sql);
        auto closing = ledger_statements(graph, p.revision, std::chrono::steady_clock::now(), true);
        sql.insert(sql.end(), closing.begin(), closing.end());
        transactions.push_back(std::move(sql));
    }
    m_settings.lock->watch();
    auto committed = m_db.commit_in_turn(transactions);
    m_settings.lock->unwatch();
    m_ledger_exists = ledger_existed || committed > 0; // the first revision's transaction makes it
    if (committed == transactions.size() && m_last)
        m_settings.lock->released(); // its row went with the last commit (ledger_statements)
    for (auto j = k; j < k + committed; ++j) {
        ++m_done;
        done.push_back(prepared[j].revision);
    }
    return {transactions.size(), committed};
}

} // namespace trellis
