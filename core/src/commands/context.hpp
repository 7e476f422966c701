// What every command needs, resolved once and loaded lazily: the global options with their
// precedence (flag, environment, config file, default), the config, the branches and the graph,
// and (for commands that touch one) the database. How output looks (--json, -q, -v, colour) is
// the CLI's alone: cli/output.hpp.
#pragma once

#include "config/config.hpp"
#include "db/ledger.hpp"
#include "db/open_mode.hpp"
#include "graph/graph.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trellis {

class Database;

struct LoadedPlugin;

struct GlobalOptions {
    std::optional<std::filesystem::path> config;     // -c/--config, else TRELLIS_CONFIG
    std::optional<std::string> url;                  // --url, else TRELLIS_URL
    std::vector<std::filesystem::path> plugin_paths; // --plugin-path, else TRELLIS_PLUGIN_PATH
    std::optional<std::string> plugin;               // --plugin
    std::optional<int> lock_timeout;                 // --lock-timeout
    std::optional<int> ddl_lock_timeout;             // --ddl-lock-timeout
    std::optional<int> ddl_retry_budget;             // --ddl-retry-budget
    std::optional<int> statement_timeout;            // --statement-timeout
};

class Context {
public:
    explicit Context(GlobalOptions options);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    // This process runs many commands one after another (a fan-out worker): each Context frees
    // what it loaded instead of leaving it to the end of the process.
    static void process_serves_many();

    const GlobalOptions& options() const { return m_options; }
    // The config file in force, or an empty config rooted at the working directory.
    const Config& config();
    // Every branch: loaded plugins, then `[plugin.NAME]` sections that name no loaded plugin.
    const std::vector<BranchSpec>& branch_specs();
    const std::vector<LoadedPlugin>& plugins();
    // The graph of the revision files, loaded once; it never changes for the rest of the command.
    // What the database adds to it (revisions known only from the ledger) is a state's own graph
    // (read_state), so a command's results index the graph they were computed on.
    const Graph& graph();
    // The same graph, shared: for the values that keep it (a state whose ledger has every file).
    std::shared_ptr<const Graph> shared_graph();
    // The graph without its SQL (RevisionContent::header_only), for the commands that only list
    // or draw it; the full graph when that is loaded already. A later graph() loads it again, in
    // full.
    const Graph& outline();
    // The database URL by precedence; throws an input error when none is set anywhere.
    std::string url();
    bool has_url();
    std::string version_table();
    // The ledger of `db`, qualified with the URL's `?schema=` (a tenant's own ledger), else
    // `version_schema`, else the schema the connection had
    // when the command first asked (so a revision's `SET search_path` cannot move it).
    Ledger ledger(Database& db);
    int lock_timeout();
    int lock_lease();
    // The waits of a revision's attempt (ddl_lock_timeout, statement_timeout); every transaction
    // of the command's connection has them.
    std::chrono::milliseconds ddl_lock_timeout();
    std::chrono::milliseconds statement_timeout();
    std::chrono::seconds ddl_retry_budget();
    // Connects on first use. A read-only open of a SQLite file that does not exist creates
    // nothing and reads as an empty database.
    Database& database(OpenMode mode = OpenMode::read_write);

    // What the user should know that is no error: `warning: ...` (a config section whose library
    // is missing) or `note: ...` (which downgrade runs). The CLI installs a sink that prints each as
    // it comes (stderr); without one they are only kept.
    void notice(std::string message);
    const std::vector<std::string>& notices() const { return m_notices; }
    void on_notice(std::function<void(const std::string&)> sink) { m_notice_sink = std::move(sink); }

private:
    const std::vector<std::filesystem::path>& plugin_directories();
    bool declares_sql_only(const PluginSection& section);
    void check_schema(Database& db);

    GlobalOptions m_options;
    std::optional<Config> m_config;
    std::optional<std::vector<LoadedPlugin>> m_plugins;
    std::optional<std::vector<BranchSpec>> m_branch_specs;
    std::shared_ptr<const Graph> m_graph;
    std::unique_ptr<Database> m_database;
    OpenMode m_database_mode{};
    std::vector<std::string> m_notices;
    std::function<void(const std::string&)> m_notice_sink;
    std::optional<std::string> m_version_schema;
};

} // namespace trellis
