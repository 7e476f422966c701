// Expressions (declared in schema/expression.hpp): casts, outer parentheses, quotes and case
// taken away the same way for the models and for both catalogs.
#include "schema/expression.hpp"

#include "schema/identifier.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fmt/format.h>

namespace trellis {

namespace {

std::string strip_outer_parentheses(std::string s) {
    while (s.size() >= 2 && s.front() == '(' && s.back() == ')') {
        int depth = 0;
        bool encloses = true;
        for (std::size_t i = 0; i < s.size(); ++i) {
            depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
            if (depth == 0 && i + 1 < s.size()) {
                encloses = false;
                break;
            }
        }
        if (!encloses)
            break;
        s = std::string(text::trim(s.substr(1, s.size() - 2)));
    }
    return s;
}

// Where the type name of a cast that starts at `i` ends: a word (`int4`, `pg_catalog.int4`), the
// second words of PostgreSQL's long names, `(n[, m])` and `[]`. Never the words after it: in
// `a::integer IS NOT NULL` the cast is `::integer` alone.
std::size_t type_name_end(const std::string& s, std::size_t i) {
    auto at = [&](std::string_view word) {
        return s.size() - i >= word.size() && text::to_lower(std::string_view(s).substr(i, word.size())) == word;
    };
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '.'))
        ++i;
    for (bool more = true; more;) {
        more = false;
        if (i < s.size() && s[i] == '(') {
            auto close = s.find(')', i);
            i = close == std::string::npos ? s.size() : close + 1;
            more = true;
        }
        for (std::string_view suffix : {" varying", " precision", " with time zone", " without time zone", "[]"})
            if (at(suffix)) {
                i += suffix.size();
                more = true;
            }
    }
    return i;
}

// `'x'::character varying` -> `'x'`; casts outside quotes only.
std::string strip_casts(const std::string& s) {
    std::string out;
    bool quoted = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\'')
            quoted = !quoted;
        if (!quoted && s[i] == ':' && i + 1 < s.size() && s[i + 1] == ':') {
            i = type_name_end(s, i + 2) - 1;
            continue;
        }
        out += s[i];
    }
    return std::string(text::trim(out));
}

bool digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// PostgreSQL keeps a date or time literal in its output form: `'2020-01-01'` on a timestamp column
// reads back as `'2020-01-01 00:00:00'`, `'12:00'` as `'12:00:00'`, and a timestamptz literal with
// the session's offset, `+00` in UTC. Both sides take that form; other offsets stay as written.
std::string canonical_time(std::string quoted, ColumnKind kind) {
    auto value = quoted.substr(1, quoted.size() - 2);
    if (kind == ColumnKind::timestamp_tz)
        for (const char* utc : {"+00:00", "+00", "Z", "z"})
            if (value.size() > std::strlen(utc) && value.ends_with(utc)) {
                value = std::string(text::trim(value.substr(0, value.size() - std::strlen(utc))));
                break;
            }
    bool stamp = kind == ColumnKind::timestamp || kind == ColumnKind::timestamp_tz;
    if (stamp && value.size() == 10 && value[4] == '-' && value[7] == '-')
        value += " 00:00:00";
    if (stamp && value.size() > 10 && value[10] == 'T')
        value[10] = ' ';
    // HH:MM at the end of a time or a timestamp gets its seconds.
    auto clock = stamp ? (value.size() > 11 ? value.substr(11) : "") : value;
    if (clock.size() == 5 && clock[2] == ':' && digits(clock.substr(0, 2)) && digits(clock.substr(3)))
        value += ":00";
    return "'" + value + "'";
}

} // namespace

std::string plain_expression(std::string_view expression) {
    return strip_outer_parentheses(strip_casts(strip_outer_parentheses(std::string(text::trim(expression)))));
}

std::string normalize_expression(std::string_view expression) {
    auto s = strip_casts(std::string(text::trim(expression)));
    std::string out;
    char quote = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (quote) {
            out += c;
            if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '\'') {
            quote = c;
            out += c;
        } else if (c == '"') {
            // A quoted name reads as the name itself.
            auto close = s.find('"', i + 1);
            out += s.substr(i + 1, (close == std::string::npos ? s.size() : close) - i - 1);
            i = close == std::string::npos ? s.size() : close;
        } else if (!std::isspace(static_cast<unsigned char>(c)) && c != '(' && c != ')') {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return out;
}

std::optional<std::string> normalize_default(const std::optional<std::string>& expression, ColumnKind kind) {
    if (!expression)
        return std::nullopt;
    auto s = strip_outer_parentheses(std::string(text::trim(*expression)));
    s = strip_outer_parentheses(strip_casts(s));
    if (s.empty() || text::to_lower(s) == "null")
        return std::nullopt;
    if (s.front() != '\'') {
        s = text::to_lower(s);
        if (s == "now()" || s == "current_timestamp" || s == "localtimestamp" || s == "transaction_timestamp()")
            return "CURRENT_TIMESTAMP";
        if (s == "current_date")
            return "CURRENT_DATE";
    }
    if (kind == ColumnKind::boolean) {
        auto lower = text::to_lower(s);
        if (lower == "1" || lower == "true" || lower == "'t'" || lower == "'true'" || lower == "'1'")
            return "true";
        if (lower == "0" || lower == "false" || lower == "'f'" || lower == "'false'" || lower == "'0'")
            return "false";
    }
    bool time_kind = kind == ColumnKind::time || kind == ColumnKind::timestamp || kind == ColumnKind::timestamp_tz;
    if (time_kind && s.size() >= 2 && s.front() == '\'' && s.back() == '\'')
        s = canonical_time(s, kind);
    bool numeric_kind = kind == ColumnKind::integer || kind == ColumnKind::bigint || kind == ColumnKind::smallint ||
                        kind == ColumnKind::numeric || kind == ColumnKind::real || kind == ColumnKind::double_precision;
    // A quoted number on a numeric column is the number ('0' and 0 are one default).
    if (numeric_kind && s.size() >= 2 && s.front() == '\'' && s.back() == '\'')
        s = s.substr(1, s.size() - 2);
    if (numeric_kind && s.find('.') != std::string::npos) {
        while (s.back() == '0')
            s.pop_back();
        if (s.back() == '.')
            s.pop_back();
    }
    return s;
}

} // namespace trellis
