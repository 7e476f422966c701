#include "schema/constraint_names.hpp"

#include "sql/tokens.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trellis {

std::string default_key_name(const std::string& table, const std::vector<std::string>& columns, std::string_view kind) {
    return fmt::format("{}_{}_{}", table, text::join(columns, "_"), kind);
}

std::vector<std::string> check_columns(std::string_view expression, const std::vector<std::string>& table_columns) {
    auto tokens = sql::tokenize(expression);
    std::vector<std::string> used;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (!sql::is_identifier(tokens[i]))
            continue;
        if (i + 1 < tokens.size() && tokens[i + 1].kind == sql::TokenKind::symbol && tokens[i + 1].text == "(")
            continue;
        auto column = std::find_if(table_columns.begin(), table_columns.end(),
                                   [&](const std::string& c) { return sql::same_name(c, tokens[i].text); });
        if (column != table_columns.end() && std::find(used.begin(), used.end(), *column) == used.end())
            used.push_back(*column);
    }
    return used;
}

std::string default_check_name(const std::string& table, std::string_view expression,
                               const std::vector<std::string>& table_columns) {
    // PostgreSQL counts the distinct columns the expression uses.
    auto used = check_columns(expression, table_columns);
    return used.size() == 1 ? fmt::format("{}_{}_check", table, used.front()) : table + "_check";
}

} // namespace trellis
