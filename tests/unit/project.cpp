#include "project.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sstream>

namespace trellis::test {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            out.push_back(line);
    return out;
}

Project::Project(const std::string& dialect)
    : m_dialect(dialect) {
    if (dialect == "postgresql") {
        m_pg = std::make_unique<PostgresDatabase>();
        m_url = m_pg->url();
    } else {
        m_url = "sqlite:///" + (m_dir.path() / "test.db").string();
    }
}

void Project::write_config() const {
    std::string config = "version_table = trellis_version\nlock_timeout = 30\n" + m_settings;
    for (const auto& [name, depends] : m_branches) {
        config += fmt::format("\n[plugin.{}]\nversion_path = versions/{}\nsql_only = true\n", name, name);
        if (!depends.empty())
            config += fmt::format("depends = {}\n", fmt::join(depends, ", "));
    }
    write_file(m_dir.path() / "trellis.ini", config);
}

void Project::branch(const std::string& name, const std::vector<std::string>& depends) {
    m_branches.emplace_back(name, depends);
    std::filesystem::create_directories(m_dir.path() / "versions" / name);
    write_config();
}

void Project::settings(const std::string& lines) {
    m_settings += lines;
    write_config();
}

void Project::remove_branch(const std::string& name) {
    std::erase_if(m_branches, [&](const auto& b) { return b.first == name; });
    std::filesystem::remove_all(m_dir.path() / "versions" / name);
    write_config();
}

std::filesystem::path Project::revision(const std::string& branch, const std::string& id,
                                        const std::vector<std::string>& parents, const std::string& upgrade,
                                        const std::string& downgrade, const std::vector<std::string>& depends_on,
                                        const std::string& extra_header) {
    std::string text = fmt::format("-- revision: {}\n-- down_revision: {}\n", id, fmt::join(parents, ", "));
    if (parents.empty())
        text += "-- branch_labels: " + branch + "\n";
    if (!depends_on.empty())
        text += fmt::format("-- depends_on: {}\n", fmt::join(depends_on, ", "));
    text += fmt::format("-- message: revision {}\n-- create_date: 2026-01-01T00:{:02}:{:02}Z\n{}\n-- "
                        "+upgrade\n{}\n\n-- +downgrade\n{}\n",
                        id, m_clock / 60 % 60, m_clock % 60, extra_header, upgrade, downgrade);
    ++m_clock;
    auto path = m_dir.path() / "versions" / branch / (id + "_revision.sql");
    write_file(path, text);
    return path;
}

std::vector<std::string> Project::chain(const std::string& branch, const std::string& prefix, int count,
                                        std::optional<std::string> parent, const std::vector<std::string>& depends_on,
                                        const std::string& prelude) {
    std::vector<std::string> ids;
    for (int k = 0; k < count; ++k) {
        auto id = fmt::format("{}{:04}", prefix, k);
        std::vector<std::string> parents;
        if (parent)
            parents.push_back(*parent);
        revision(branch, id, parents, prelude + fmt::format("CREATE TABLE {}_{} (id INTEGER PRIMARY KEY);", prefix, k),
                 fmt::format("DROP TABLE {}_{};", prefix, k), k == 0 ? depends_on : std::vector<std::string>{});
        parent = id;
        ids.push_back(id);
    }
    return ids;
}

Result Project::run(const std::vector<std::string>& args) const {
    std::vector<std::string> all{"--url", m_url};
    all.insert(all.end(), args.begin(), args.end());
    return run_trellis(all, m_dir.path());
}

std::string Project::sql(const std::string& query_text) const {
    // Asking sqlite3 about a file that does not exist would create it: an absent file is empty.
    if (m_dialect == "sqlite" && !std::filesystem::exists(m_dir.path() / "test.db"))
        return "";
    return query(m_url, query_text);
}

std::vector<std::string> Project::ledger() const {
    bool exists = m_dialect == "sqlite" ? !sql("SELECT name FROM sqlite_master WHERE name = 'trellis_version'").empty()
                                        : sql("SELECT to_regclass('trellis_version') IS NOT NULL").starts_with("t");
    if (!exists)
        return {};
    return lines(sql("SELECT revision FROM trellis_version ORDER BY revision"));
}

std::vector<std::string> Project::tables() const {
    auto rows = m_dialect == "sqlite"
                    ? sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('trellis_version', "
                          "'trellis_version_lock') ORDER BY name")
                    : sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN "
                          "('trellis_version', 'trellis_version_lock') ORDER BY tablename");
    return lines(rows);
}

std::string sqlite_busy(long rows) {
    return fmt::format("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {}) SELECT count(*) "
                       "FROM c;",
                       rows);
}

std::filesystem::path failing_middle(Project& p) {
    p.branch("app");
    auto ids = p.chain("app", "a", 2);
    auto bad = p.revision("app", "a0002", {ids[1]},
                          "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);",
                          "DROP TABLE half_done;");
    p.revision("app", "a0003", {"a0002"}, "CREATE TABLE a_3 (id INTEGER);", "DROP TABLE a_3;");
    p.revision("app", "a0004", {"a0003"}, "CREATE TABLE a_4 (id INTEGER);", "DROP TABLE a_4;");
    return bad;
}

} // namespace trellis::test
