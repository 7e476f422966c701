#include "schema/identifier.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace trellis {

namespace {

// PostgreSQL's reserved key words and the SQLite keywords that cannot stand for a name, sorted.
// clang-format off
constexpr std::array<std::string_view, 116> k_keywords = {
    "add",          "all",          "alter",          "analyse",           "analyze",      "and",
    "any",          "array",        "as",             "asc",               "asymmetric",   "authorization",
    "autoincrement", "between",     "binary",         "both",              "case",         "cast",
    "check",        "collate",      "collation",      "column",            "commit",       "concurrently",
    "constraint",   "create",       "cross",          "current_catalog",   "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user", "default",      "deferrable",
    "delete",       "desc",         "distinct",       "do",                "drop",         "else",
    "end",          "escape",       "except",         "exists",            "false",        "fetch",
    "for",          "foreign",      "freeze",         "from",              "full",         "grant",
    "group",        "having",       "ilike",          "in",                "index",        "initially",
    "inner",        "insert",       "intersect",      "into",              "is",           "isnull",
    "join",         "lateral",      "leading",        "left",              "like",         "limit",
    "localtime",    "localtimestamp", "natural",      "not",               "nothing",      "notnull",
    "null",         "offset",       "on",             "only",              "or",           "order",
    "outer",        "overlaps",     "placing",        "primary",           "references",   "returning",
    "right",        "select",       "session_user",   "set",               "similar",      "some",
    "symmetric",    "table",        "tablesample",    "then",              "to",           "trailing",
    "transaction",  "true",         "union",          "unique",            "update",       "user",
    "using",        "values",       "variadic",       "verbose",           "when",         "where",
    "window",       "with"};
// clang-format on

bool plain(std::string_view name) {
    if (name.empty() || !(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_'))
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return std::islower(u) || std::isdigit(u) || c == '_';
    });
}

} // namespace

std::string quote(std::string_view name) {
    if (plain(name) && !std::binary_search(k_keywords.begin(), k_keywords.end(), name))
        return std::string(name);
    std::string out = "\"";
    for (char c : name)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string quote_list(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ", ") + quote(n);
    return out;
}

std::string unquote(std::string_view name) {
    name = text::trim(name);
    if (name.size() < 2)
        return std::string(name);
    char open = name.front(), close = name.back();
    if (!((open == '"' && close == '"') || (open == '`' && close == '`') || (open == '[' && close == ']')))
        return std::string(name);
    std::string out;
    auto inner = name.substr(1, name.size() - 2);
    for (std::size_t i = 0; i < inner.size(); ++i) {
        out += inner[i];
        if (inner[i] == close && i + 1 < inner.size() && inner[i + 1] == close)
            ++i;
    }
    return out;
}

bool names_table(std::string_view word, std::string_view table) {
    return text::to_lower(unquote(word)) == text::to_lower(table);
}

} // namespace trellis
