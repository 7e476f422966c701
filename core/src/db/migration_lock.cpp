#include "db/migration_lock.hpp"

#include "util/error.hpp"
#include "util/interrupt.hpp"

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <fmt/format.h>
#include <mutex>
#include <random>
#include <thread>
#include <unistd.h>

namespace trellis {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Now in epoch seconds, on the database's clock.
const char* now_sql(Dialect dialect) {
    return dialect == Dialect::postgresql ? "extract(epoch FROM clock_timestamp())::float8"
                                          : "((julianday('now') - 2440587.5) * 86400.0)";
}

std::string random_token() {
    std::random_device device;
    return fmt::format("{:08x}{:08x}", device(), device());
}

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0)
        return "unknown";
    return name;
}

// Runs `work` with the lock waits of `db` set to `wait`, then restores them.
template <typename Work> auto with_wait(Database& db, milliseconds wait, Work&& work) {
    auto saved = db.limits();
    db.set_limits({wait, milliseconds(0)});
    struct Restore {
        Database& db;
        Database::Limits saved;
        ~Restore() { db.set_limits(saved); }
    } restore{db, saved};
    return work();
}

// How long one attempt to take the lock waits for the row (a holder's revision holds it).
constexpr milliseconds k_take_wait{300};

std::string seconds(double s) {
    return fmt::format("{:.0f} s", s < 0 ? -s : s);
}

} // namespace

std::string LockHolder::describe() const {
    return fmt::format("held by `trellis {}` on host {}, pid {}, for {}, {}", command, host, pid, seconds(held_for),
                       expires_in >= 0 ? "lease ends in " + seconds(expires_in)
                                       : "lease ended " + seconds(expires_in) + " ago");
}

// Every column has a bound (a host name is at most 255 bytes, a command is a word), so the table
// of one row needs no TOAST table beside it on PostgreSQL: two relations less to create.
std::string lock_table_sql(const std::string& table) {
    return fmt::format("CREATE TABLE IF NOT EXISTS {} (\n"
                       "    id INTEGER NOT NULL PRIMARY KEY,\n"
                       "    owner VARCHAR(64) NOT NULL,\n"
                       "    host VARCHAR(255) NOT NULL,\n"
                       "    pid BIGINT NOT NULL,\n"
                       "    command VARCHAR(64) NOT NULL,\n"
                       "    acquired_at DOUBLE PRECISION NOT NULL,\n"
                       "    expires_at DOUBLE PRECISION NOT NULL\n"
                       ")",
                       table);
}

std::optional<LockHolder> read_lock(Database& db, const std::string& table) {
    if (!db.table_exists(table))
        return std::nullopt;
    auto now = now_sql(db.kind());
    auto rows = db.query(fmt::format(
        "SELECT owner, host, pid, command, {} - acquired_at, expires_at - {} FROM {} WHERE id = 1", now, now, table));
    if (rows.empty())
        return std::nullopt;
    const auto& r = rows.front();
    LockHolder holder{r[0].value_or(""), r[1].value_or(""), r[3].value_or("")};
    holder.pid = std::stoll(r[2].value_or("0"));
    holder.held_for = std::stod(r[4].value_or("0"));
    holder.expires_in = std::stod(r[5].value_or("0"));
    return holder;
}

namespace {
constexpr std::string_view k_guard_text = "trellis: a guard's condition was false";
}

std::string guard_sql(const std::string& condition) {
    // Never folded at planning time: the condition reads tables.
    return fmt::format("SELECT CAST(CASE WHEN {} THEN '0' ELSE {} END AS INTEGER)", condition,
                       Database::quote(k_guard_text));
}

bool is_guard_failure(const SqlError& e) {
    return std::string_view(e.what()).find(k_guard_text) != std::string_view::npos;
}

bool release_lock(Database& db, const std::string& table) {
    if (!read_lock(db, table))
        return false;
    execute_all(db, {fmt::format("DELETE FROM {} WHERE id = 1", table)}, "releasing the migration lock");
    return true;
}

// Renews the lease on a connection of its own, and notes who blocks a watched statement.
// Its connection is opened on first need (the first renewal, or a statement that runs long), so
// a short command never pays for it.
struct MigrationLock::Keeper {
    DatabaseUrl url;
    std::unique_ptr<Database> db;
    std::string renew;
    std::chrono::milliseconds renew_every;
    std::mutex mutex;
    std::condition_variable wake;
    bool stop = false;
    std::string table;
    // When the watched statement started; none: nothing is watched. The first look is taken
    // after k_probe_every, so a revision that does not wait costs the server nothing.
    std::optional<Clock::time_point> watched_since;
    // When the keeper wakes next by itself: watch() wakes it only when that is too late for the
    // new statement, so revisions that follow each other closely cost no thread switch each.
    Clock::time_point sleeps_until = Clock::time_point::max();
    std::string blockers;
    std::thread thread;
    static constexpr milliseconds k_probe_every{150};

    void run() {
        auto next_renew = Clock::now() + renew_every;
        std::unique_lock lock(mutex);
        while (!stop) {
            auto until = next_renew;
            if (watched_since)
                until = std::min(until, std::max(*watched_since, Clock::now()) + k_probe_every);
            sleeps_until = until;
            wake.wait_until(lock, until);
            sleeps_until = Clock::time_point::min(); // awake: it sees any watch before sleeping again
            if (stop)
                break;
            if (watched_since && Clock::now() >= *watched_since + k_probe_every) {
                auto since = *watched_since;
                lock.unlock();
                auto seen = probe();
                lock.lock();
                if (!seen.empty() && watched_since == since)
                    blockers = seen;
            }
            if (Clock::now() >= next_renew) {
                lock.unlock();
                renew_once();
                lock.lock();
                next_renew = Clock::now() + renew_every;
            }
        }
    }

    Database* connection() {
        if (!db)
            try {
                db = connect(url, OpenMode::read_write, 1);
            } catch (...) {
                return nullptr; // tried again next time; the lease leaves room for that
            }
        return db.get();
    }

    void renew_once() {
        if (!connection())
            return;
        try {
            with_wait(*db, milliseconds(200), [&] { execute_all(*db, {renew}, "renewing the migration lock"); });
        } catch (...) {
            // A revision of ours holds the row (it renews at its commit), or the database is
            // briefly away: the next round tries again, well within the lease.
        }
    }

    // The watched transaction is found by the lock row its fence updated: the row's version
    // that others see names that transaction as its xmax. That holds behind a transaction pooler,
    // where the server process changes from one transaction to the next.
    std::string probe() {
        if (url.dialect != Dialect::postgresql || !connection())
            return "";
        try {
            auto rows = db->query(fmt::format(
                "WITH me AS (SELECT a.pid FROM pg_stat_activity a WHERE a.backend_xid = (SELECT xmax FROM {0} WHERE "
                "id = 1) LIMIT 1) "
                "SELECT b.pid, coalesce(b.application_name, ''), coalesce(to_char(b.query_start, 'YYYY-MM-DD "
                "HH24:MI:SS'), '?'), coalesce(split_part(b.query, E'\\n', 1), ''), coalesce((SELECT "
                "string_agg(DISTINCT l.relation::regclass::text, ', ') FROM pg_locks l WHERE l.pid = me.pid AND NOT "
                "l.granted AND l.relation IS NOT NULL), '') FROM me, pg_stat_activity b WHERE b.pid = "
                "ANY(pg_blocking_pids(me.pid)) ORDER BY b.pid",
                table));
            std::string out;
            for (const auto& r : rows) {
                auto query = r[3].value_or("");
                if (query.size() > 80)
                    query = query.substr(0, 77) + "...";
                out += fmt::format("{}pid {}, application `{}`, query started {}: {}", out.empty() ? "" : "; ",
                                   r[0].value_or("?"), r[1].value_or(""), r[2].value_or("?"), query);
                if (!r[4].value_or("").empty())
                    out = fmt::format("table {} {}", *r[4], out);
            }
            return out;
        } catch (...) {
            return "";
        }
    }
};

MigrationLock::MigrationLock(Database& db, LockSettings settings)
    : m_db(db)
    , m_settings(std::move(settings))
    , m_token(random_token())
    , m_host(host_name()) {
    const auto& table = m_settings.table;
    // A missing table is created in the transaction of the first take: one commit, not two.
    m_create_table = !m_db.table_exists(table);
    auto deadline = Clock::now() + m_settings.timeout;
    auto pause = milliseconds(25);
    std::optional<LockHolder> dead;
    bool busy = false;
    while (true) {
        throw_if_interrupted("nothing was changed; the migration lock was not taken");
        try {
            m_renewed_at = Clock::now();
            if (try_take(dead))
                break;
            busy = false;
        } catch (const SqlError& e) {
            // Two commands creating the table at once: PostgreSQL may refuse the second CREATE ...
            // IF NOT EXISTS (a unique violation in its catalogue). It exists either way: take again.
            if (m_create_table && !e.lock_timeout() && m_db.table_exists(table)) {
                m_create_table = false;
                continue;
            }
            if (!e.lock_timeout())
                throw database_error("{} the migration lock on {} failed: {}",
                                     m_create_table ? "creating and taking" : "taking", table, e.what());
            busy = true; // a revision of the holder holds the row (or, on SQLite, the file)
        }
        auto holder = read_lock(m_db, table);
        dead.reset();
        if (holder && holder->host == m_host && holder->pid != ::getpid() && ::kill(holder->pid, 0) != 0 &&
            errno == ESRCH) {
            dead = holder; // the holder died on this host: no need to wait for its lease
            pause = milliseconds(10);
        }
        if (Clock::now() >= deadline) {
            if (!holder && busy)
                throw database_error("{} is locked by another writer; gave up after {} s (--lock-timeout)",
                                     m_db.url().display(), m_settings.timeout.count());
            throw database_error("another migration holds the lock on {} ({}); gave up after {} s (--lock-timeout); "
                                 "if that process is gone, its lease ends the lock, or `trellis unlock` releases it",
                                 table, holder ? holder->describe() : "holder unknown", m_settings.timeout.count());
        }
        pause_unless_interrupted(pause);
        pause = std::min(pause * 2, milliseconds(500));
    }
    m_db.keep_new_file(true);
    if (!m_db.open_to_others())
        return; // no other connection can see this database, nor needs to be kept out
    m_keeper = std::make_unique<Keeper>();
    m_keeper->url = m_db.url();
    m_keeper->renew = renew_sql();
    m_keeper->table = m_settings.table;
    m_keeper->renew_every = std::max(milliseconds(100), std::chrono::duration_cast<milliseconds>(m_settings.lease) / 3);
    m_keeper->thread = std::thread([keeper = m_keeper.get()] { keeper->run(); });
}

bool MigrationLock::try_take(const std::optional<LockHolder>& dead) {
    auto now = now_sql(m_db.kind());
    auto take = fmt::format(
        "INSERT INTO {0} AS l (id, owner, host, pid, command, acquired_at, expires_at) VALUES (1, {1}, {2}, {3}, {4}, "
        "{5}, {5} + {6}) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = "
        "excluded.pid, command = excluded.command, acquired_at = excluded.acquired_at, expires_at = "
        "excluded.expires_at WHERE l.expires_at < excluded.acquired_at{7} RETURNING owner",
        m_settings.table, Database::quote(m_token), Database::quote(m_host), ::getpid(),
        Database::quote(m_settings.command), now, m_settings.lease.count(),
        dead ? " OR l.owner = " + Database::quote(dead->owner) : "");
    auto create = m_create_table ? lock_table_sql(m_settings.table) : std::string();
    // A row comes back only when the insert or the takeover happened.
    std::vector<Row> rows;
    if (m_db.kind() == Dialect::postgresql) {
        // Statements sent in one message without BEGIN are one implicit transaction, committed
        // when the message ends (SET LOCAL holds in it): the take costs one round trip.
        rows = m_db.query(fmt::format("{}{}SET LOCAL lock_timeout = '{}ms';\n{}", create, create.empty() ? "" : ";\n",
                                      k_take_wait.count(), take));
    } else {
        rows = with_wait(m_db, k_take_wait, [&] {
            Transaction transaction(m_db);
            if (!create.empty())
                m_db.execute(create);
            auto taken = m_db.query(take);
            transaction.commit();
            return taken;
        });
    }
    m_create_table = false; // committed
    return !rows.empty() && rows[0][0] == m_token;
}

std::string MigrationLock::release_sql() const {
    return fmt::format("DELETE FROM {} WHERE id = 1 AND owner = {}", m_settings.table, Database::quote(m_token));
}

MigrationLock::~MigrationLock() {
    if (m_keeper) {
        {
            std::lock_guard lock(m_keeper->mutex);
            m_keeper->stop = true;
        }
        m_keeper->wake.notify_all();
        m_keeper->thread.join();
    }
    try {
        if (m_db.in_transaction())
            m_db.rollback();
        // One statement on its own: it waits at most for the keeper's brief renewal.
        if (!m_released)
            m_db.execute(release_sql());
    } catch (...) {
        // The lease ends the lock (or, on this host, the next command sees this process gone).
    }
    m_db.keep_new_file(false);
}

long long MigrationLock::fence() {
    m_renewed_at = Clock::now();
    auto now = now_sql(m_db.kind());
    auto rows = m_db.query(fmt::format("UPDATE {} SET expires_at = {} + {} WHERE id = 1 AND owner = {} RETURNING {}",
                                       m_settings.table, now, m_settings.lease.count(), Database::quote(m_token),
                                       m_db.kind() == Dialect::postgresql ? "pg_backend_pid()" : "0"));
    if (rows.empty())
        lost();
    return std::stoll(rows[0][0].value_or("0"));
}

void MigrationLock::lost() {
    auto holder = read_lock(m_db, m_settings.table);
    throw database_error("this command lost the migration lock on {} ({}): its lease ran out or `trellis unlock` "
                         "released it; nothing more was committed",
                         m_settings.table, holder ? holder->describe() : "nobody holds it now");
}

std::pair<long long, std::vector<Row>> MigrationLock::fence_then(const std::string& query) {
    if (m_db.kind() != Dialect::postgresql) {
        auto backend = fence();
        auto rows = m_db.query(query);
        for (auto& row : rows)
            row.insert(row.begin(), std::optional<std::string>("0"));
        return {backend, rows};
    }
    // The UPDATE renews and holds the row; the SELECT, which sees it, says whether it was ours.
    m_renewed_at = Clock::now();
    auto now = now_sql(m_db.kind());
    auto rows = m_db.query(fmt::format(
        "UPDATE {0} SET expires_at = {1} + {2} WHERE id = 1 AND owner = {3};\n"
        "SELECT f.pid, q.* FROM (SELECT (SELECT pg_backend_pid() FROM {0} WHERE id = 1 AND owner = {3}) AS pid) f "
        "LEFT JOIN ({4}) q ON true",
        m_settings.table, now, m_settings.lease.count(), Database::quote(m_token), query));
    if (rows.empty() || !rows[0][0])
        lost();
    return {std::stoll(*rows[0][0]), rows};
}

std::string MigrationLock::fence_sql(const std::string& ready) {
    // FOR UPDATE holds the row as the UPDATE of fence() does, without writing a new version of it
    // (the lease is renewed with a commit when due): a statement less in every revision.
    auto owned = fmt::format("EXISTS (SELECT 1 FROM {} WHERE id = 1 AND owner = {} FOR UPDATE)", m_settings.table,
                             Database::quote(m_token));
    return guard_sql(ready.empty() ? owned : owned + " AND " + ready);
}

std::optional<std::string> MigrationLock::renew_sql_if_due() {
    if (Clock::now() - m_renewed_at < m_settings.lease / 3)
        return std::nullopt;
    m_renewed_at = Clock::now();
    return renew_sql();
}

std::string MigrationLock::renew_sql() const {
    auto now = now_sql(m_db.kind());
    return fmt::format("UPDATE {} SET expires_at = {} + {} WHERE id = 1 AND owner = {}", m_settings.table, now,
                       m_settings.lease.count(), Database::quote(m_token));
}

void MigrationLock::watch() {
    if (!m_keeper)
        return;
    bool late = false;
    {
        std::lock_guard lock(m_keeper->mutex);
        m_keeper->watched_since = Clock::now();
        m_keeper->blockers.clear();
        late = m_keeper->sleeps_until > *m_keeper->watched_since + Keeper::k_probe_every;
    }
    if (late)
        m_keeper->wake.notify_all();
}

void MigrationLock::unwatch() {
    if (!m_keeper)
        return;
    std::lock_guard lock(m_keeper->mutex);
    m_keeper->watched_since.reset();
}

std::string MigrationLock::blockers() const {
    if (!m_keeper)
        return "";
    std::lock_guard lock(m_keeper->mutex);
    return m_keeper->blockers;
}

} // namespace trellis
