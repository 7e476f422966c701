#include "commands/concurrent_index.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <regex>

namespace trellis {

std::optional<std::string> concurrent_index_name(const std::string& sql) {
    static const std::regex create(R"(^\s*create\s+(unique\s+)?index\s+concurrently\s+(if\s+not\s+exists\s+)?)"
                                   R"(("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))",
                                   std::regex::icase);
    std::smatch m;
    if (!std::regex_search(sql, m, create))
        return std::nullopt;
    auto name = m[3].str();
    if (name.front() != '"')
        return text::to_lower(name);
    std::string unquoted;
    for (std::size_t i = 1; i + 1 < name.size(); ++i) {
        unquoted += name[i];
        if (name[i] == '"')
            ++i; // "" is one quote
    }
    return unquoted;
}

std::optional<std::string> invalid_index(Database& db, const std::string& name) {
    auto rows = db.query(fmt::format(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid AND c.relname = {} AND n.nspname = "
        "ANY (current_schemas(false)) ORDER BY array_position(current_schemas(false), n.nspname) LIMIT 1",
        Database::quote(name)));
    if (rows.empty())
        return std::nullopt;
    return rows[0][0];
}

std::string drop_invalid_index_sql(const std::string& qualified) {
    return "DROP INDEX CONCURRENTLY IF EXISTS " + qualified;
}

} // namespace trellis
