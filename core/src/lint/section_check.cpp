// The driver of a section's lint: each statement's PostgreSQL rules (over its parse trees), its
// too-long names, then its changes applied to the tables (lint/section_run.hpp).
#include "lint/section_check.hpp"

#include "lint/long_names.hpp"
#include "lint/pg_rules.hpp"
#include "lint/section_run.hpp"
#include "lint/tree_changes.hpp"
#include "sql/tokens.hpp"

#include <optional>

namespace trellis::lint {

using namespace sql;

std::vector<SectionFinding> check_section(const std::vector<Statement>& statements, KnownSchema& schema,
                                          const SectionContext& context) {
    SectionRun run(schema, context);
    PgFacts facts{
        context.pg_version,
        context.transactional,
        [&](const std::string& table) { return run.has_rows(table); },
        [&](const std::string& table, const std::string& column) { return run.column_type(table, column); },
        [&](const std::string& table, const std::string& column) { return run.not_null(table, column); },
        [&](const std::string& table, const std::string& column) { return run.proven_not_null(table, column); }};
    PgRules pg(std::move(facts));
    std::optional<std::size_t> open_at; // the BEGIN a non-transactional revision has not ended
    for (std::size_t i = 0; i < statements.size(); ++i) {
        if (!statements[i].call.empty())
            continue;
        // PostgreSQL's rules read the tables as they were before the statement; their findings
        // follow the token rules' ones for the statement.
        std::vector<std::pair<std::string, std::string>> pg_found;
        if (context.trees)
            for (const auto* tree : (*context.trees)[i]) {
                bool was_open = pg.transaction_open();
                pg.check(*tree, [&](std::string code, std::string message) {
                    pg_found.emplace_back(std::move(code), std::move(message));
                });
                if (pg.transaction_open() != was_open)
                    open_at = pg.transaction_open() ? std::optional(i) : std::nullopt;
            }
        auto tokens = tokenize(statements[i].sql, context.quoting);
        if (context.trees)
            if (auto why = long_name((*context.trees)[i], tokens))
                run.report_at(i, "T604", std::move(*why));
        // The tables and columns a statement changes: from its parse tree when PostgreSQL's
        // parser read it, from its tokens on SQLite and when the parser rejected it.
        if (context.trees && !(*context.trees)[i].empty()) {
            for (const auto* tree : (*context.trees)[i])
                for (const auto& change : tree_changes(*tree))
                    run.apply(i, change);
        } else {
            for (const auto& change : parse_changes(tokens))
                run.apply(i, change);
        }
        for (auto& [code, message] : pg_found)
            run.report_at(i, std::move(code), std::move(message));
    }
    if (open_at)
        run.report_at(*open_at, "T602",
                      "BEGIN is never ended by COMMIT or ROLLBACK: the revision ends with its transaction still open, "
                      "and what it did after BEGIN is not committed when trellis records it");
    return run.finish();
}

} // namespace trellis::lint
