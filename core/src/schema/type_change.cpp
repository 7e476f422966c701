// What a change of column type does to the values stored (declared in schema/types.hpp): whether
// every value fits (the schema diff), why some may not (lint's explanations), and whether
// PostgreSQL keeps the stored values as they are (no rewrite). All judged on the one ColumnType.
#include "schema/types.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trellis {

namespace {

ColumnType element(ColumnType type) {
    type.array = false;
    return type;
}

// to_length holds every value of from_length (0: unbounded).
bool longer(int from_length, int to_length) {
    return to_length == 0 || (from_length != 0 && to_length >= from_length);
}

bool decimal_fits(const TypeRange& from, const TypeRange& to) {
    return to.size == 0 || (from.size != 0 && to.size - to.scale >= from.size - from.scale && to.scale >= from.scale);
}

// Both of the same modelled family: whether every value fits (a scalar `from` and `to`).
bool fits_in_family(const ColumnType& from, const ColumnType& to) {
    auto f = type_range(from), t = type_range(to);
    if (f.family != t.family)
        return false;
    switch (f.family) {
    case TypeFamily::integer:
    case TypeFamily::floating:
        return t.size >= f.size;
    case TypeFamily::decimal:
        return decimal_fits(f, t);
    case TypeFamily::string: // varchar(n) into char(n) would pad it; text only into text
        if (from.kind == ColumnKind::text || (to.kind == ColumnKind::character && from.kind != to.kind))
            return false;
        return longer(from.length, to.length);
    case TypeFamily::temporal: { // fractions of a second: PostgreSQL's default is 6 digits
        auto digits = [](int fraction) { return fraction < 0 ? 6 : fraction; };
        return from.kind == to.kind && digits(to.fraction) >= digits(from.fraction);
    }
    default:
        return false;
    }
}

int integer_digits(int bytes) {
    return bytes <= 1 ? 3 : bytes == 2 ? 5 : bytes == 4 ? 10 : 19;
}

// The types as spelled in the messages.
struct Named {
    TypeRange range;
    std::string_view name;
};

std::optional<std::string> from_integer(const Named& from, const Named& to) {
    const auto &f = from.range, &t = to.range;
    switch (t.family) {
    case TypeFamily::integer:
        if (t.size < f.size)
            return fmt::format("{} values outside the range of {} make it fail", from.name, to.name);
        return std::nullopt;
    case TypeFamily::decimal:
        if (t.size > 0 && t.size - t.scale < integer_digits(f.size))
            return fmt::format("{} values with more than {} digits do not fit in {}", from.name, t.size - t.scale,
                               to.name);
        return std::nullopt;
    case TypeFamily::floating:
        if ((t.size == 4 && f.size >= 4) || f.size == 8)
            return fmt::format("large {} values lose precision in {}", from.name, to.name);
        return std::nullopt;
    case TypeFamily::string:
        if (t.size > 0 && t.size < integer_digits(f.size) + 1)
            return fmt::format("{} values longer than {} characters do not fit in {}", from.name, t.size, to.name);
        return std::nullopt;
    default:
        return fmt::format("{} values may not convert to {}", from.name, to.name);
    }
}

std::optional<std::string> from_decimal(const Named& from, const Named& to) {
    const auto &f = from.range, &t = to.range;
    switch (t.family) {
    case TypeFamily::decimal:
        if (!decimal_fits(f, t))
            return fmt::format("{} values may not fit in {}", from.name, to.name);
        return std::nullopt;
    case TypeFamily::integer:
        if (f.size == 0 || f.scale > 0 || f.size >= integer_digits(t.size))
            return fmt::format("{} values lose their fraction or do not fit in {}", from.name, to.name);
        return std::nullopt;
    case TypeFamily::string:
        if (t.size > 0 && (f.size == 0 || t.size < f.size + 2))
            return fmt::format("{} values may be longer than {} characters", from.name, t.size);
        return std::nullopt;
    default:
        return fmt::format("{} values lose precision in {}", from.name, to.name);
    }
}

std::optional<std::string> from_string(const Named& from, const Named& to) {
    const auto &f = from.range, &t = to.range;
    if (t.family != TypeFamily::string)
        return fmt::format("{} values that are not valid {} make it fail", from.name, to.name);
    if (t.size > 0 && (f.size == 0 || t.size < f.size))
        return fmt::format("values longer than {} characters are cut or make it fail", t.size);
    return std::nullopt;
}

std::optional<std::string> from_other(const Named& from, const Named& to) {
    const auto &f = from.range, &t = to.range;
    if (f.family == TypeFamily::floating && t.family == TypeFamily::floating)
        return t.size < f.size ? std::optional(fmt::format("{} values lose precision in {}", from.name, to.name))
                               : std::nullopt;
    if (f.family == TypeFamily::floating && t.family != TypeFamily::string)
        return fmt::format("{} values lose their fraction or do not fit in {}", from.name, to.name);
    if (f.family == TypeFamily::temporal && t.family == TypeFamily::temporal && t.size < f.size) {
        auto lost = t.size == 1 ? "time of day" : t.size == 2 ? "date" : "time zone";
        return fmt::format("{} values lose their {} in {}", from.name, lost, to.name);
    }
    return std::nullopt;
}

} // namespace

bool widens_or_keeps(const ColumnType& from, const ColumnType& to) {
    if (same_type(from, to))
        return true;
    // Every value has a text form: an integer, a date or an array turned to TEXT loses nothing.
    if (to.kind == ColumnKind::text && !to.array)
        return true;
    // One enum type with labels added or moved: every value is still a label.
    if (from.kind == ColumnKind::enumeration && to.kind == ColumnKind::enumeration && from.array == to.array &&
        same_type(types::spelled(from.spelling), types::spelled(to.spelling)))
        return std::all_of(from.values.begin(), from.values.end(), [&](const std::string& label) {
            return std::find(to.values.begin(), to.values.end(), label) != to.values.end();
        });
    // Only modelled types are judged: a spelled type may be anything.
    if (from.array != to.array || from.kind == ColumnKind::other || to.kind == ColumnKind::other ||
        from.kind == ColumnKind::enumeration || to.kind == ColumnKind::enumeration)
        return false;
    return fits_in_family(element(from), element(to));
}

std::optional<std::string> narrowing(std::string_view from_name, std::string_view to_name) {
    if (from_name == to_name || to_name.empty() || from_name.empty())
        return std::nullopt;
    Named from{type_range(column_type(from_name)), from_name}, to{type_range(column_type(to_name)), to_name};
    if (to.range.family == TypeFamily::string && to.range.size == 0)
        return std::nullopt; // every value has a text form
    switch (from.range.family) {
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
    auto range = type_range(type);
    switch (range.family) {
    case TypeFamily::string:
    case TypeFamily::decimal:
        return range.size > 0;
    case TypeFamily::integer:
    case TypeFamily::floating:
        return range.size < 8;
    default:
        return false;
    }
}

bool same_family(const ColumnType& a, const ColumnType& b) {
    auto family = type_range(a).family;
    return family == type_range(b).family && (family != TypeFamily::other || same_type(a, b));
}

bool keeps_storage(const ColumnType& from, const ColumnType& to) {
    if (same_type(from, to))
        return true;
    auto f = type_range(from), t = type_range(to);
    if (f.family == TypeFamily::string && t.family == TypeFamily::string)
        return !f.fixed && !t.fixed && longer(f.size, t.size);
    if (f.family == TypeFamily::decimal && t.family == TypeFamily::decimal)
        return t.size == 0 || (f.size > 0 && t.size >= f.size && t.scale == f.scale);
    return false;
}

} // namespace trellis
