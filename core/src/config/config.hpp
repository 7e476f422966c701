// `trellis.ini` (SPEC.md, "Config file"): settings and `[plugin.NAME]` sections. Relative paths in
// the file are relative to the file's directory, so a command run from a subdirectory finds the same
// things as one run beside the file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace trellis {

// The largest time-out in seconds a setting or flag takes (PostgreSQL's limit: INT_MAX ms).
inline constexpr int k_max_seconds = 2147483;

// `[plugin.NAME]`: overrides a loaded library's settings, or declares an SQL-only plugin (a branch
// of revisions with no library). How a section without a library is read is Context's rule.
struct PluginSection {
    std::string name;
    std::optional<std::filesystem::path> version_path;
    std::optional<std::vector<std::string>> depends;
    std::optional<bool> sql_only; // `sql_only = true`: an SQL-only plugin, never an override
};

struct Config {
    std::filesystem::path file;      // empty when no file was found
    std::filesystem::path directory; // where relative paths start
    std::optional<std::string> url;
    std::vector<std::filesystem::path> plugin_path;
    std::optional<std::string> default_plugin;
    std::optional<std::string> version_table;
    std::optional<bool> dev;
    std::vector<std::string> exclude_tables;
    std::optional<int> lock_timeout;           // seconds to wait for the migration lock
    std::optional<int> lock_lease;             // seconds a holder that stopped renewing keeps it
    std::optional<int> ddl_lock_timeout;       // seconds a revision waits for a table lock per attempt
    std::optional<int> ddl_retry_budget;       // seconds of attempts before a revision gives up
    std::optional<int> statement_timeout;      // seconds per statement of a revision, 0: none
    std::optional<std::string> version_schema; // where the ledger and the lock live (PostgreSQL)
    std::optional<std::string> scratch_url;
    std::vector<PluginSection> plugins; // in file order
    // The databases of `--all-databases`: `[databases]` NAME = URL (file order), a file of URLs,
    // and a query on a catalog database returning (url) or (name, url) rows, or, with
    // `tenant_url` (a URL holding `{name}`), rows of (name): a schema or database per tenant.
    std::vector<std::pair<std::string, std::string>> databases;
    std::optional<std::filesystem::path> databases_file;
    std::optional<std::string> catalog_url, catalog_query, tenant_url;

    const PluginSection* plugin(std::string_view name) const;
};

// Reads `file`. Throws an input error naming the file (and line where known) on a syntax error,
// an unknown key or a bad value.
Config load_config(const std::filesystem::path& file);

// The nearest `trellis.ini` in `start` or a parent directory.
std::optional<std::filesystem::path> find_config(const std::filesystem::path& start);

} // namespace trellis
