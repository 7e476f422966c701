#include "commands/context.hpp"

#include "db/database.hpp"
#include "plugin/loader.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <algorithm>

namespace trellis {

namespace {
bool g_process_serves_many = false;
}

Context::Context(GlobalOptions options)
    : m_options(std::move(options)) {}

Context::~Context() {
    // The process ends with the command: handing tens of thousands of revisions back to the
    // allocator one by one would cost more than the command itself (compilers skip it too).
    // A fan-out worker runs many commands, and frees each graph.
    if (m_graph && !g_process_serves_many)
        new std::shared_ptr<const Graph>(std::move(m_graph));
}

void Context::process_serves_many() {
    g_process_serves_many = true;
}

const Config& Context::config() {
    if (!m_config) {
        auto file = m_options.config ? std::optional(*m_options.config) : find_config(std::filesystem::current_path());
        if (m_options.config && !std::filesystem::exists(*m_options.config))
            throw input_error("config file {} does not exist", m_options.config->string());
        if (file) {
            m_config = load_config(*file);
        } else {
            m_config = Config{};
            m_config->directory = std::filesystem::current_path();
        }
    }
    return *m_config;
}

const std::vector<std::filesystem::path>& Context::plugin_directories() {
    return m_options.plugin_paths.empty() ? config().plugin_path : m_options.plugin_paths;
}

const std::vector<LoadedPlugin>& Context::plugins() {
    if (!m_plugins)
        m_plugins = load_plugins(plugin_directories());
    return *m_plugins;
}

// A section without a library is an SQL-only plugin when it says so (`sql_only = true`), when it
// declares dependencies (SPEC.md's `[plugin.reports]`), or when the project has no plugin
// directory at all (what `trellis init` started); anything else overrides a library that is missing.
bool Context::declares_sql_only(const PluginSection& section) {
    if (section.sql_only)
        return *section.sql_only;
    return section.depends.has_value() || plugin_directories().empty();
}

void Context::notice(std::string message) {
    if (std::find(m_notices.begin(), m_notices.end(), message) != m_notices.end())
        return;
    m_notices.push_back(std::move(message));
    if (m_notice_sink)
        m_notice_sink(m_notices.back());
}

const std::vector<BranchSpec>& Context::branch_specs() {
    if (m_branch_specs)
        return *m_branch_specs;
    std::vector<BranchSpec> specs;
    const auto& cfg = config();
    for (const auto& plugin : plugins()) {
        BranchSpec spec{plugin.descriptor.name, plugin.descriptor.depends, plugin.descriptor.version_path,
                        files::display(plugin.library)};
        if (const auto* section = cfg.plugin(spec.label)) {
            if (section->version_path)
                spec.version_path = *section->version_path;
            if (section->depends)
                spec.depends = *section->depends;
        }
        specs.push_back(std::move(spec));
    }
    for (const auto& section : cfg.plugins) {
        bool loaded = std::any_of(specs.begin(), specs.end(), [&](const auto& s) { return s.label == section.name; });
        auto source = fmt::format("{} [plugin.{}]", files::display(cfg.file), section.name);
        if (loaded) {
            if (section.sql_only.value_or(false))
                throw input_error("{}: says `sql_only = true`, but a plugin library named `{}` is loaded; remove "
                                  "the key to override the library's settings, or rename the section",
                                  source, section.name);
            continue;
        }
        if (!declares_sql_only(section)) {
            // An override whose library is gone must not become a new plugin that applies again
            // what was uninstalled: its applied revisions stay the gone plugin's.
            notice(fmt::format("warning: {}: no plugin library `{}` is loaded, so the section is ignored (what `{}` "
                               "applied stays in the ledger; `trellis downgrade {}@base` reverts it). If `{}` is "
                               "an SQL-only plugin, say so with `sql_only = true`",
                               source, section.name, section.name, section.name, section.name));
            continue;
        }
        if (!section.version_path)
            throw input_error("{}: no plugin library named `{}` is loaded, and the section has no version_path to "
                              "declare an SQL-only plugin",
                              source, section.name);
        specs.push_back(
            {section.name, section.depends.value_or(std::vector<std::string>{}), *section.version_path, source});
    }
    if (specs.empty() && cfg.file.empty())
        throw input_error("no trellis.ini in {} or a parent directory, and no plugin library found: run `trellis "
                          "init`, pass -c FILE, or --plugin-path DIR",
                          cfg.directory.string());
    if (specs.empty())
        throw input_error("no branch: {} declares no [plugin.NAME] section and no plugin library was found "
                          "(plugin_path, --plugin-path, TRELLIS_PLUGIN_PATH)",
                          files::display(cfg.file));
    m_branch_specs = std::move(specs);
    return *m_branch_specs;
}

const Graph& Context::graph() {
    return *shared_graph();
}

std::shared_ptr<const Graph> Context::shared_graph() {
    if (!m_graph || m_graph->content() != RevisionContent::full)
        m_graph = std::make_shared<const Graph>(Graph::load(branch_specs()));
    return m_graph;
}

const Graph& Context::outline() {
    if (!m_graph)
        m_graph = std::make_shared<const Graph>(Graph::load(branch_specs(), RevisionContent::header_only));
    return *m_graph;
}

bool Context::has_url() {
    return m_options.url || config().url;
}

std::string Context::url() {
    if (m_options.url)
        return *m_options.url;
    if (config().url)
        return *config().url;
    throw input_error("no database URL: pass --url, set TRELLIS_URL, or put `url = ...` in trellis.ini");
}

std::string Context::version_table() {
    return config().version_table.value_or("trellis_version");
}

Ledger Context::ledger(Database& db) {
    // A tenant's schema (`?schema=`) holds its own ledger and lock, whatever version_schema says:
    // one shared version_schema would give every tenant the same ledger.
    if (!m_version_schema && !db.url().schema.empty())
        m_version_schema = db.url().schema;
    if (!m_version_schema)
        m_version_schema = config().version_schema ? *config().version_schema : db.current_schema();
    if (db.kind() == Dialect::postgresql && m_version_schema->empty())
        throw database_error("{}: no schema of the search_path exists, so the ledger has no home; set "
                             "`version_schema` in trellis.ini",
                             db.url().display());
    return Ledger(db.kind(), version_table(), db.kind() == Dialect::postgresql ? *m_version_schema : "");
}

int Context::lock_timeout() {
    return m_options.lock_timeout.value_or(config().lock_timeout.value_or(60));
}

int Context::lock_lease() {
    return std::max(1, config().lock_lease.value_or(30));
}

std::chrono::milliseconds Context::ddl_lock_timeout() {
    return std::chrono::seconds(m_options.ddl_lock_timeout.value_or(config().ddl_lock_timeout.value_or(5)));
}

std::chrono::milliseconds Context::statement_timeout() {
    return std::chrono::seconds(m_options.statement_timeout.value_or(config().statement_timeout.value_or(0)));
}

std::chrono::seconds Context::ddl_retry_budget() {
    return std::chrono::seconds(m_options.ddl_retry_budget.value_or(config().ddl_retry_budget.value_or(120)));
}

// A tenant's schema must be the connection's: a schema that does not exist leaves the search_path
// empty, and a pooler that drops the startup `options` leaves it at the server's default, where
// another tenant's (or `public`'s) tables are. Either stops the command before it reads anything.
void Context::check_schema(Database& db) {
    const auto& url = db.url();
    if (url.schema.empty() || url.dialect != Dialect::postgresql)
        return;
    auto actual = db.current_schema();
    if (actual.empty())
        throw database_error("{}: schema \"{}\" does not exist; create it first (CREATE SCHEMA \"{}\")", url.display(),
                             url.schema, url.schema);
    if (actual != url.schema)
        throw database_error("{}: the connection's schema is \"{}\", not \"{}\": something between trellis and the "
                             "server (a transaction pooler?) dropped the search_path; connect directly or through a "
                             "session pooler",
                             url.display(), actual, url.schema);
}

Database& Context::database(OpenMode mode) {
    if (m_database && mode == OpenMode::read_write && m_database_mode == OpenMode::read_only)
        m_database.reset();
    if (!m_database) {
        m_database_mode = mode;
        // A URL from the config is relative to the config's directory; one from the command line
        // or the environment, to the working directory.
        auto base = m_options.url ? std::filesystem::current_path() : config().directory;
        m_database = connect(parse_url(url(), base), mode, lock_timeout());
        m_database->set_limits({ddl_lock_timeout(), statement_timeout()});
        check_schema(*m_database);
    }
    return *m_database;
}

} // namespace trellis
