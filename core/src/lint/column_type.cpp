#include "lint/column_type.hpp"

#include <array>
#include <charconv>
#include <fmt/format.h>
#include <utility>

namespace trellis::lint {

namespace {

// The name before any `(`, and the numbers inside it.
struct Spelling {
    std::string name;
    int first = 0, second = 0;
};

int number(std::string_view s) {
    int value = 0;
    std::from_chars(s.data(), s.data() + s.size(), value);
    return value;
}

Spelling spell(std::string_view text) {
    Spelling s;
    auto open = text.find('(');
    s.name = std::string(text.substr(0, open));
    while (!s.name.empty() && s.name.back() == ' ')
        s.name.pop_back();
    if (open == std::string_view::npos)
        return s;
    auto close = text.find(')', open);
    auto inside = text.substr(open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1);
    auto comma = inside.find(',');
    s.first = number(inside.substr(0, comma));
    if (comma != std::string_view::npos)
        s.second = number(inside.substr(comma + 1));
    // `timestamp(3) with time zone`: the words after the parentheses belong to the name.
    if (close != std::string_view::npos && close + 1 < text.size())
        s.name += std::string(text.substr(close + 1));
    return s;
}

constexpr std::array<std::pair<std::string_view, int>, 13> k_integers = {{
    {"smallint", 2},
    {"int2", 2},
    {"smallserial", 2},
    {"integer", 4},
    {"int", 4},
    {"int4", 4},
    {"serial", 4},
    {"mediumint", 4},
    {"bigint", 8},
    {"int8", 8},
    {"bigserial", 8},
    {"unsigned big int", 8},
    {"tinyint", 1},
}};

constexpr std::array<std::string_view, 9> k_strings = {
    "varchar", "character varying", "char", "character", "nchar", "nvarchar", "text", "clob", "string",
};

int integer_digits(int bytes) {
    return bytes <= 1 ? 3 : bytes == 2 ? 5 : bytes == 4 ? 10 : 19;
}

std::optional<std::string> from_integer(const ColumnType& from, const ColumnType& to) {
    switch (to.family) {
    case TypeFamily::integer:
        if (to.size < from.size)
            return fmt::format("{} values outside the range of {} make it fail", from.text, to.text);
        return std::nullopt;
    case TypeFamily::decimal:
        if (to.size > 0 && to.size - to.scale < integer_digits(from.size))
            return fmt::format("{} values with more than {} digits do not fit in {}", from.text, to.size - to.scale,
                               to.text);
        return std::nullopt;
    case TypeFamily::floating:
        if ((to.size == 4 && from.size >= 4) || from.size == 8)
            return fmt::format("large {} values lose precision in {}", from.text, to.text);
        return std::nullopt;
    case TypeFamily::string:
        if (to.size > 0 && to.size < integer_digits(from.size) + 1)
            return fmt::format("{} values longer than {} characters do not fit in {}", from.text, to.size, to.text);
        return std::nullopt;
    default:
        return fmt::format("{} values may not convert to {}", from.text, to.text);
    }
}

std::optional<std::string> from_decimal(const ColumnType& from, const ColumnType& to) {
    switch (to.family) {
    case TypeFamily::decimal:
        if (to.size > 0 && (from.size == 0 || to.size - to.scale < from.size - from.scale || to.scale < from.scale))
            return fmt::format("{} values may not fit in {}", from.text, to.text);
        return std::nullopt;
    case TypeFamily::integer:
        if (from.size == 0 || from.scale > 0 || from.size >= integer_digits(to.size))
            return fmt::format("{} values lose their fraction or do not fit in {}", from.text, to.text);
        return std::nullopt;
    case TypeFamily::string:
        if (to.size > 0 && (from.size == 0 || to.size < from.size + 2))
            return fmt::format("{} values may be longer than {} characters", from.text, to.size);
        return std::nullopt;
    default:
        return fmt::format("{} values lose precision in {}", from.text, to.text);
    }
}

std::optional<std::string> from_string(const ColumnType& from, const ColumnType& to) {
    if (to.family != TypeFamily::string)
        return fmt::format("{} values that are not valid {} make it fail", from.text, to.text);
    if (to.size > 0 && (from.size == 0 || to.size < from.size))
        return fmt::format("values longer than {} characters are cut or make it fail", to.size);
    return std::nullopt;
}

std::optional<std::string> from_other(const ColumnType& from, const ColumnType& to) {
    if (from.family == TypeFamily::floating && to.family == TypeFamily::floating)
        return to.size < from.size ? std::optional(fmt::format("{} values lose precision in {}", from.text, to.text))
                                   : std::nullopt;
    if (from.family == TypeFamily::floating && to.family != TypeFamily::string)
        return fmt::format("{} values lose their fraction or do not fit in {}", from.text, to.text);
    if (from.family == TypeFamily::temporal && to.family == TypeFamily::temporal && to.size < from.size) {
        auto lost = to.size == 1 ? "time of day" : to.size == 2 ? "date" : "time zone";
        return fmt::format("{} values lose their {} in {}", from.text, lost, to.text);
    }
    return std::nullopt;
}

} // namespace

ColumnType classify(std::string_view text) {
    ColumnType type;
    type.text = std::string(text);
    auto s = spell(text);
    for (auto [name, bytes] : k_integers)
        if (s.name == name)
            return type.family = TypeFamily::integer, type.size = bytes, type;
    for (auto name : k_strings) {
        if (s.name != name)
            continue;
        // A bare CHAR is CHAR(1); a bare VARCHAR has no limit.
        bool fixed = name == "char" || name == "character" || name == "nchar";
        type.family = TypeFamily::string;
        type.size = name == "text" || name == "clob" ? 0 : fixed && s.first == 0 ? 1 : s.first;
        return type;
    }
    if (s.name == "numeric" || s.name == "decimal")
        return type.family = TypeFamily::decimal, type.size = s.first, type.scale = s.second, type;
    if (s.name == "real" || s.name == "float4")
        return type.family = TypeFamily::floating, type.size = 4, type;
    if (s.name == "double precision" || s.name == "double" || s.name == "float8" || s.name == "float")
        return type.family = TypeFamily::floating, type.size = 8, type;
    if (s.name == "date")
        return type.family = TypeFamily::temporal, type.size = 1, type;
    if (s.name.starts_with("time") && !s.name.starts_with("timestamp"))
        return type.family = TypeFamily::temporal, type.size = 2, type;
    if (s.name == "timestamp" || s.name == "timestamp without time zone" || s.name == "datetime")
        return type.family = TypeFamily::temporal, type.size = 3, type;
    if (s.name == "timestamptz" || s.name == "timestamp with time zone")
        return type.family = TypeFamily::temporal, type.size = 4, type;
    return type;
}

std::optional<std::string> narrowing(const ColumnType& from, const ColumnType& to) {
    if (from.text == to.text || to.text.empty() || from.text.empty())
        return std::nullopt;
    if (to.family == TypeFamily::string && to.size == 0)
        return std::nullopt; // every value has a text form
    switch (from.family) {
    case TypeFamily::integer:
        return from_integer(from, to);
    case TypeFamily::decimal:
        return from_decimal(from, to);
    case TypeFamily::string:
        return from_string(from, to);
    default:
        return from_other(from, to);
    }
}

bool bounded(const ColumnType& type) {
    switch (type.family) {
    case TypeFamily::string:
    case TypeFamily::decimal:
        return type.size > 0;
    case TypeFamily::integer:
        return type.size < 8;
    case TypeFamily::floating:
        return type.size < 8;
    default:
        return false;
    }
}

} // namespace trellis::lint
