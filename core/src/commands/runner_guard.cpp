// Whether a revision may run, asked first in each of its attempts' transactions: the lock's fence
// (this command still owns the migration lock) and the ledger's reading of the revision and its
// neighbours. On PostgreSQL the question travels ahead of the revision's statements as a guard
// (send_guard, run_in_turn); enter() asks it with a round trip of its own, and is what decides
// between running, skipping and an error.
#include "commands/runner.hpp"
#include "db/migration_lock.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <span>

namespace trellis {

namespace {

std::vector<std::string> ids_of(const Graph& graph, std::span<const int> revisions) {
    std::vector<std::string> ids;
    for (int i : revisions)
        ids.push_back(graph.revision(i).id);
    return ids;
}

} // namespace

// The ids whose ledger rows decide whether revision i may run: upgrade, what it needs (parents
// and dependencies); downgrade, what comes after it (children and dependants).
std::vector<std::string> Runner::neighbours(const Graph& graph, int i) const {
    auto ids = ids_of(graph, up() ? graph.parents(i) : graph.children(i));
    auto more = ids_of(graph, up() ? graph.depends(i) : graph.dependants(i));
    ids.insert(ids.end(), more.begin(), more.end());
    return ids;
}

// PostgreSQL: the fence and the ledger check of enter() as a guard that travels with the BEGIN
// ahead of the revision's first statement, so they cost no round trip; when it fails, nothing
// after it ran, and enter() says why. Returns whether it was sent. Without a ledger (none when
// the run read the database under the lock, and this run has not made it yet) nothing is
// applied, so the plan's first revision needs nothing, and the ledger's primary key refuses a
// second row for it at the commit: the fence alone guards it.
bool Runner::send_guard(const Graph& graph, int i) {
    if (m_db.kind() != Dialect::postgresql || !(m_ledger_exists || m_settings.lock))
        return false;
    return m_db.send_with_begin(guard_for(graph, i));
}

std::string Runner::guard_for(const Graph& graph, int i) {
    const auto& id = graph.revision(i).id;
    std::string ready;
    if (m_ledger_exists)
        ready =
            up() ? m_ledger.can_apply_sql(id, neighbours(graph, i)) : m_ledger.can_revert_sql(id, neighbours(graph, i));
    return m_settings.lock ? m_settings.lock->fence_sql(ready) : guard_sql(ready);
}

// First in an attempt's transaction: the lock's fence (this command still owns the migration
// lock), and whether another command applied (or reverted) the revision first and what it needs
// is still there; on PostgreSQL both travel in one round trip. SQLite tells when nobody else has
// committed since this connection's last commit: while that holds for the whole run, nobody took
// the lock over and the ledger is what this run made it, so asking is needless.
Runner::Verdict Runner::enter(const Graph& graph, int i) {
    if (!stale())
        return Verdict::run;
    const auto& r = graph.revision(i);
    m_ledger_exists = m_ledger_exists || m_db.table_exists(m_ledger.qualified());
    auto others = neighbours(graph, i);
    std::vector<std::string> ids{r.id};
    ids.insert(ids.end(), others.begin(), others.end());
    auto named = up() ? std::string() : r.id;
    std::vector<LedgerRow> rows;
    try {
        if (m_settings.lock && m_ledger_exists) {
            auto [pid, raw] = m_settings.lock->fence_then(m_ledger.edges_sql(ids, named));
            rows = m_ledger.edges_from(raw, 1, ids, named);
        } else {
            if (m_settings.lock)
                m_settings.lock->fence();
            if (m_ledger_exists)
                rows = m_ledger.edges(m_db, ids, named);
        }
    } catch (const SqlError& e) {
        if (e.lock_timeout())
            throw LockWaitExpired{e.what(), "", 0};
        throw database_error("reading the migration lock and the ledger failed: {}", e.what());
    }
    auto applied = [&](const std::string& id) {
        return std::any_of(rows.begin(), rows.end(), [&](const auto& row) { return row.revision == id; });
    };
    if (applied(r.id) == up())
        return Verdict::skip;
    auto aftermath = fmt::format("the revision was rolled back, {} earlier revision(s) of this run kept", m_done);
    if (up()) {
        for (const auto& parent : others)
            if (!applied(parent))
                throw database_error("{}: cannot apply {}: {}, which it needs, is not applied (another command "
                                     "reverted it while this one ran); {}",
                                     files::display(r.path), r.id, parent, aftermath);
        return Verdict::run;
    }
    for (const auto& row : rows)
        if (row.revision != r.id)
            throw database_error("{}: cannot revert {}: {} is applied and needs it (another command applied it "
                                 "while this one ran); {}",
                                 files::display(r.path), r.id, row.revision, aftermath);
    return Verdict::run;
}

bool Runner::stale() {
    m_stale = m_stale || m_db.kind() != Dialect::sqlite || m_db.others_may_have_written();
    return m_stale;
}

} // namespace trellis
