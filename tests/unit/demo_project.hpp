// The demo's plugins in a project of their own: a trellis.ini in a temporary directory, the
// libraries copied into its `plugins/` (so a test removes one, as a user uninstalling a plugin
// does, and puts it back), and a database for one dialect. The plugins' revisions stay where their
// libraries say: in the source tree, read only.
#pragma once

#include "support.hpp"

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace trellis::test {

// The demo's plugins, parents first, each with its parent ("" for uber).
extern const std::vector<std::pair<std::string, std::string>> k_demo_plugins;

class DemoProject {
public:
    // `extra` goes at the end of trellis.ini (plugin sections).
    explicit DemoProject(const std::string& dialect, const std::string& extra = "");

    const std::string& dialect() const { return m_dialect; }
    const std::string& url() const { return m_url; }
    const std::filesystem::path& dir() const { return m_dir.path(); }

    Result run(const std::vector<std::string>& args) const;
    std::string sql(const std::string& query_text) const { return query(m_url, query_text); }

    // Takes the library of `plugin`, and of every plugin built on it, out of `plugins/`; returns
    // their names. `install` puts a library back with the ones it needs.
    std::set<std::string> remove_library(const std::string& plugin);
    void install_library(const std::string& plugin);
    std::set<std::string> libraries() const;

    // Every `table.column` of the database, the ledger left out.
    std::set<std::string> columns() const;

private:
    std::string m_dialect;
    TempDir m_dir;
    std::unique_ptr<PostgresDatabase> m_pg;
    std::string m_url;
};

} // namespace trellis::test
