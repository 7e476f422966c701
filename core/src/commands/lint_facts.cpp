#include "commands/lint_facts.hpp"

#include "commands/state.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace trellis {

namespace {

// Below this many pages (8 kB each) an exact `EXISTS` is cheaper than trusting the estimate.
constexpr long k_small_table_pages = 1000;

std::string identifier(const std::string& name) {
    std::string out = "\"";
    for (char c : name)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

bool has_no_rows(Database& db, const std::string& schema, const std::string& table) {
    auto name = schema.empty() ? identifier(table) : identifier(schema) + "." + identifier(table);
    auto rows = db.query(fmt::format("SELECT 1 FROM {} LIMIT 1", name));
    return rows.empty();
}

} // namespace

LintFacts read_lint_facts(Database& db) {
    LintFacts facts;
    if (db.kind() == Dialect::sqlite) {
        for (const auto& row : db.query("SELECT name FROM sqlite_master WHERE type = 'table'"))
            if (row[0] && has_no_rows(db, "", *row[0]))
                facts.empty.insert(text::to_lower(*row[0]));
        return facts;
    }
    auto version = db.query("SHOW server_version_num");
    if (!version.empty() && version[0][0])
        facts.pg_version = std::stoi(*version[0][0]) / 10000;
    auto tables = db.query("SELECT n.nspname, c.relname, c.relpages, c.reltuples FROM pg_class c "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (current_schemas(false))");
    for (const auto& row : tables) {
        if (!row[0] || !row[1] || !row[2])
            continue;
        if (std::stol(*row[2]) >= k_small_table_pages)
            continue; // large by the estimate: it holds rows
        if (has_no_rows(db, *row[0], *row[1]))
            facts.empty.insert(text::to_lower(*row[1]));
    }
    return facts;
}

std::vector<int> pending_for_lint(Context& context, LintOptions& options, LintFacts& facts) {
    if (!context.has_url())
        return context.graph().order();
    // Lint reads revision files: the files' graph, with the applied set carried over by id (a
    // revision known only from the ledger has no SQL to read).
    const auto& graph = context.graph();
    auto applied = read_database_state(context).applied_over(graph);
    std::vector<int> pending;
    options.run.assign(graph.size(), false);
    for (int i : graph.order())
        if (!applied[i]) {
            pending.push_back(i);
            options.run[i] = true;
        }
    facts = read_lint_facts(context.database(OpenMode::read_only));
    if (facts.pg_version)
        options.pg_version = *facts.pg_version;
    options.known_empty = [&facts](const std::string& table) { return facts.empty.contains(text::to_lower(table)); };
    return pending;
}

} // namespace trellis
