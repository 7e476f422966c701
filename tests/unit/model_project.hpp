// A throwaway project whose models change between commands: the test plugins `json_models` and
// `json_models_child` (tests/bad_plugins/json_models/) read their models from JSON files this
// class writes, so a test edits models the way a developer edits code, then runs `trellis`.
// Also an outside view of the database (through sqlite3 or psql) to compare schemas and rows.
#pragma once

#include "support.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <trellis/model.hpp>
#include <vector>

namespace trellis::test {

// A model column, and a table with an integer primary key `id` followed by `columns`.
Column column(std::string name, ColumnType type, bool nullable = true, std::optional<std::string> server_default = {});
Table table(std::string name, std::vector<Column> columns);

// The models as the json_models plugin reads them.
std::string models_json(const Models& models);
// `varchar(40)`, `numeric(10,2)`, ...: the plugin's spelling of a type.
std::string type_spelling(const ColumnType& type);

class ModelProject {
public:
    // `dialect` is "sqlite" or "postgresql". `config_extra` goes into trellis.ini before the
    // plugin sections (e.g. `exclude_tables = ...`).
    explicit ModelProject(const std::string& dialect, const std::string& config_extra = "");

    const std::string& dialect() const { return m_dialect; }
    const std::string& url() const { return m_url; }
    const std::filesystem::path& dir() const { return m_dir.path(); }
    std::filesystem::path versions(const std::string& plugin) const { return dir() / "versions" / plugin; }

    // The models json_models (and json_models_child) declare from now on.
    void set_models(const Models& models);
    void set_child_models(const Models& models);

    // Runs trellis in the project, on its database (or the one at `url`), with the current models.
    Result run(const std::vector<std::string>& args) const { return run_on(m_url, args); }
    Result run_on(const std::string& url, const std::vector<std::string>& args) const;
    // The rows of a query, as `query()` gives them.
    std::string sql(const std::string& query_text) const;
    // Runs statements (inserts) on the database.
    void execute(const std::string& statements) const;

    // What a test compares between two moments: the schema as the database's catalog shows it
    // (normalised only where the catalog's order is arbitrary: one sorted line per column, key,
    // index, foreign key and check; the ledger left out), and the rows of some columns.
    struct Snapshot {
        std::string schema;
        std::map<std::string, std::vector<std::string>> rows; // table -> `id|value|...` lines, sorted
    };
    // Runs `statements` first (inserts), then reads the schema and, for each table of `columns`,
    // its id and those columns; in one call of sqlite3 or psql.
    Snapshot snapshot(const std::map<std::string, std::vector<std::string>>& columns = {},
                      const std::string& statements = "") const;

private:
    std::string catalog_query() const;

    std::string m_dialect;
    TempDir m_dir;
    std::unique_ptr<PostgresDatabase> m_pg;
    std::string m_url;
};

// The revision files of a version path, sorted by name.
std::vector<std::filesystem::path> revision_files(const std::filesystem::path& directory);
// A header value (`-- key: value`) of a revision file; empty when absent.
std::string header(const std::string& file_text, const std::string& key);
// The `kind` ("upgrade" or "downgrade") section of a revision file that runs on `dialect`: its
// own (`-- +upgrade postgresql`), else the generic one.
std::string revision_section(const std::string& file_text, const std::string& kind, const std::string& dialect);

} // namespace trellis::test
