// A throwaway trellis project for database tests: SQL-only plugins declared in trellis.ini, real
// revision files, and a database (a SQLite file or a fresh PostgreSQL database) to run them on.
#pragma once

#include "support.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trellis::test {

class Project {
public:
    // `dialect` is "sqlite" or "postgresql".
    explicit Project(const std::string& dialect);

    const std::string& dialect() const { return m_dialect; }
    const std::string& url() const { return m_url; }
    const std::filesystem::path& dir() const { return m_dir.path(); }

    // Declares a branch (an SQL-only plugin) with its version path `versions/<name>`.
    void branch(const std::string& name, const std::vector<std::string>& depends = {});
    // Lines added to trellis.ini (settings such as `lock_lease = 2`).
    void settings(const std::string& lines);
    // Forgets a branch: its config section and its version path, as when a plugin is uninstalled.
    void remove_branch(const std::string& name);
    // Writes a revision file; returns its path. `parents` empty makes a base.
    std::filesystem::path revision(const std::string& branch, const std::string& id,
                                   const std::vector<std::string>& parents, const std::string& upgrade,
                                   const std::string& downgrade, const std::vector<std::string>& depends_on = {},
                                   const std::string& extra_header = "");
    // A chain of `count` revisions in `branch`, each creating table `<prefix>_<k>` after
    // `prelude` (SQL that makes each revision take a while, say); returns the ids.
    std::vector<std::string> chain(const std::string& branch, const std::string& prefix, int count,
                                   std::optional<std::string> parent = std::nullopt,
                                   const std::vector<std::string>& depends_on = {}, const std::string& prelude = "");

    // Runs trellis in the project with the database URL.
    Result run(const std::vector<std::string>& args) const;
    // The rows of a query, as `query()` gives them.
    std::string sql(const std::string& query_text) const;
    // The applied revision ids, sorted.
    std::vector<std::string> ledger() const;
    // The user tables of the database, sorted (the ledger and the migration lock excluded).
    std::vector<std::string> tables() const;

private:
    void write_config() const;

    std::string m_dialect;
    TempDir m_dir;
    std::unique_ptr<PostgresDatabase> m_pg;
    std::string m_url;
    std::vector<std::pair<std::string, std::vector<std::string>>> m_branches;
    int m_clock = 0;
    std::string m_settings;
};

// Every dialect the tests run on.
inline const std::vector<std::string> k_dialects = {"sqlite", "postgresql"};

// Branch `app`: a0000 and a0001, then a0002, which creates `half_done` and fails on its line 8
// (INSERT INTO no_such_table), then a0003 and a0004. Returns a0002's path.
std::filesystem::path failing_middle(Project& p);

// A SQLite statement that keeps the database busy counting to `rows` (about 0.2 s a million):
// SQLite has no sleep.
std::string sqlite_busy(long rows);

std::vector<std::string> lines(const std::string& text);

} // namespace trellis::test
