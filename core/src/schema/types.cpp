// Column types (declared in schema/types.hpp): either dialect's spelling parsed, one rendered, two compared.
#include "schema/types.hpp"

#include "schema/expression.hpp"
#include "schema/identifier.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>

namespace trellis {

namespace {

// "VARCHAR(255)" -> ("varchar", [255])
std::pair<std::string, std::vector<int>> split_type(std::string_view declared) {
    auto lower = text::to_lower(text::trim(declared));
    std::vector<int> arguments;
    auto open = lower.find('(');
    if (open != std::string::npos) {
        auto close = lower.find(')', open);
        for (const auto& a : text::split_list(lower.substr(open + 1, close - open - 1)))
            arguments.push_back(std::atoi(a.c_str()));
        lower = lower.substr(0, open) + (close == std::string::npos ? "" : lower.substr(close + 1));
    }
    std::string words;
    for (const auto& w : text::split_list(lower, ' '))
        words += (words.empty() ? "" : " ") + w;
    return {words, arguments};
}

std::optional<ColumnType> parse_scalar_type(const std::string& declared) {
    auto [name, args] = split_type(declared);
    auto arg = [&](std::size_t k) { return k < args.size() ? args[k] : 0; };
    auto fraction = [&](ColumnType type) { return args.empty() ? type : types::with_fraction(type, args[0]); };
    if (name == "integer" || name == "int" || name == "int4")
        return types::integer();
    if (name == "bigint" || name == "int8")
        return types::bigint();
    if (name == "smallint" || name == "int2")
        return types::smallint();
    if (name == "boolean" || name == "bool")
        return types::boolean();
    if (name == "text")
        return types::text();
    if (name == "varchar" || name == "character varying")
        return types::varchar(arg(0));
    if (name == "char" || name == "character" || name == "bpchar")
        return types::character(arg(0));
    if (name == "numeric" || name == "decimal")
        return types::numeric(arg(0), arg(1));
    if (name == "real" || name == "float4")
        return types::real();
    if (name == "double precision" || name == "double" || name == "float8" || name == "float")
        return types::double_precision();
    if (name == "date")
        return types::date();
    if (name == "time" || name == "time without time zone")
        return fraction(types::time());
    if (name == "timestamp" || name == "timestamp without time zone" || name == "datetime")
        return fraction(types::timestamp());
    if (name == "timestamp with time zone" || name == "timestamptz")
        return fraction(types::timestamp_tz());
    if (name == "uuid")
        return types::uuid();
    if (name == "json")
        return types::json();
    if (name == "jsonb")
        return types::jsonb();
    if (name == "blob" || name == "bytea" || name == "binary")
        return types::binary();
    return std::nullopt;
}

} // namespace

std::optional<ColumnType> parse_type(std::string_view declared) {
    auto trimmed = std::string(text::trim(declared));
    bool array = false;
    while (trimmed.ends_with("[]")) {
        array = true;
        trimmed = std::string(text::trim(trimmed.substr(0, trimmed.size() - 2)));
    }
    auto type = parse_scalar_type(trimmed);
    if (type)
        type->array = array;
    return type;
}

ColumnType column_type(std::string_view declared) {
    if (auto type = parse_type(declared))
        return *type;
    return types::spelled(std::string(text::trim(declared)));
}

std::string type_name(const ColumnType& type) {
    auto fraction = [&](const char* name, const char* zone) {
        return type.fraction < 0 ? fmt::format("{}{}", name, zone) : fmt::format("{}({}){}", name, type.fraction, zone);
    };
    std::string out;
    switch (type.kind) {
    case ColumnKind::integer:
        out = "INTEGER";
        break;
    case ColumnKind::bigint:
        out = "BIGINT";
        break;
    case ColumnKind::smallint:
        out = "SMALLINT";
        break;
    case ColumnKind::boolean:
        out = "BOOLEAN";
        break;
    case ColumnKind::text:
        out = "TEXT";
        break;
    case ColumnKind::varchar:
        out = type.length ? fmt::format("VARCHAR({})", type.length) : "VARCHAR";
        break;
    case ColumnKind::character:
        out = type.length ? fmt::format("CHAR({})", type.length) : "CHAR";
        break;
    case ColumnKind::numeric:
        out = type.precision ? fmt::format("NUMERIC({}, {})", type.precision, type.scale) : "NUMERIC";
        break;
    case ColumnKind::real:
        out = "REAL";
        break;
    case ColumnKind::double_precision:
        out = "DOUBLE PRECISION";
        break;
    case ColumnKind::date:
        out = "DATE";
        break;
    case ColumnKind::time:
        out = fraction("TIME", "");
        break;
    case ColumnKind::timestamp:
        out = fraction("TIMESTAMP", "");
        break;
    case ColumnKind::timestamp_tz:
        out = fraction("TIMESTAMP", " WITH TIME ZONE");
        break;
    case ColumnKind::uuid:
        out = "UUID";
        break;
    case ColumnKind::json:
        out = "JSON";
        break;
    case ColumnKind::jsonb:
        out = "JSONB";
        break;
    case ColumnKind::binary:
        out = "BLOB";
        break;
    case ColumnKind::enumeration:
    case ColumnKind::other:
        out = type.spelling;
        break;
    }
    return type.array ? out + "[]" : out;
}

std::string render_type(const ColumnType& type, Dialect dialect) {
    if (dialect == Dialect::sqlite) {
        // SQLite's type names take their parentheses last: `TIMESTAMP WITH TIME ZONE(3)`.
        auto name = type.kind == ColumnKind::timestamp_tz && type.fraction >= 0
                        ? fmt::format("TIMESTAMP WITH TIME ZONE({}){}", type.fraction, type.array ? "[]" : "")
                        : type_name(type);
        // Any declared type is kept; `TEXT[]` only as a quoted name, which SQLite stores unquoted.
        return type.array ? "\"" + name + "\"" : name;
    }
    if (type.kind == ColumnKind::binary)
        return type.array ? "BYTEA[]" : "BYTEA";
    if (type.kind == ColumnKind::enumeration)
        return quote(type.spelling) + (type.array ? "[]" : "");
    return type_name(type);
}

bool same_type(const ColumnType& a, const ColumnType& b) {
    // By spelling: an enum reflects as the name of its type.
    auto spelled = [](const ColumnType& t) { return t.kind == ColumnKind::other || t.kind == ColumnKind::enumeration; };
    // Labels count where both sides know them (an SQLite column without its CHECK does not).
    auto labelled = [](const ColumnType& t) { return t.kind == ColumnKind::enumeration && !t.values.empty(); };
    if (spelled(a) || spelled(b))
        return spelled(a) && spelled(b) && a.array == b.array &&
               text::to_lower(unquote(plain_expression(a.spelling))) ==
                   text::to_lower(unquote(plain_expression(b.spelling))) &&
               (!labelled(a) || !labelled(b) || a.values == b.values);
    return a.kind == b.kind && a.length == b.length && a.precision == b.precision && a.scale == b.scale &&
           a.fraction == b.fraction && a.array == b.array;
}

bool widens_or_keeps(const ColumnType& from, const ColumnType& to) {
    auto rank = [](ColumnKind k) {
        switch (k) {
        case ColumnKind::smallint:
            return 1;
        case ColumnKind::integer:
            return 2;
        case ColumnKind::bigint:
            return 3;
        default:
            return 0;
        }
    };
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
    if (from.array != to.array || from.kind == ColumnKind::other || to.kind == ColumnKind::other ||
        from.kind == ColumnKind::enumeration || to.kind == ColumnKind::enumeration)
        return false;
    auto longer = [](int from_length, int to_length) {
        return to_length == 0 || (from_length != 0 && to_length >= from_length);
    };
    if (from.kind == to.kind) {
        if (from.kind == ColumnKind::varchar || from.kind == ColumnKind::character)
            return longer(from.length, to.length);
        if (from.kind == ColumnKind::numeric)
            return to.precision == 0 ||
                   (from.precision != 0 && to.precision - to.scale >= from.precision - from.scale &&
                    to.scale >= from.scale);
        // Fractions of a second: PostgreSQL's default is 6 digits.
        auto digits = [](int fraction) { return fraction < 0 ? 6 : fraction; };
        return digits(to.fraction) >= digits(from.fraction);
    }
    if (from.kind == ColumnKind::character && to.kind == ColumnKind::varchar)
        return longer(from.length, to.length);
    if (rank(from.kind) && rank(to.kind))
        return rank(to.kind) >= rank(from.kind);
    if (from.kind == ColumnKind::real && to.kind == ColumnKind::double_precision)
        return true;
    return false;
}

} // namespace trellis
