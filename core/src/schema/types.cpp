// Column types (declared in schema/types.hpp): either dialect's spelling parsed, one rendered, two
// compared, and the range of values each holds. What a change of type does is type_change.cpp.
#include "schema/types.hpp"

#include "schema/expression.hpp"
#include "schema/identifier.hpp"
#include "util/text.hpp"

#include <array>
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

namespace {

// Spellings the schema carries as spelled that still have a family (SQLite's affinity names,
// PostgreSQL's serials and `time with time zone`).
TypeRange spelled_range(const std::string& spelling) {
    static const std::array<std::pair<std::string_view, int>, 7> k_integers = {{
        {"smallserial", 2},
        {"serial2", 2},
        {"serial", 4},
        {"serial4", 4},
        {"mediumint", 4},
        {"bigserial", 8},
        {"unsigned big int", 8},
    }};
    auto [name, args] = split_type(spelling);
    int first = args.empty() ? 0 : args[0];
    if (name == "tinyint")
        return {TypeFamily::integer, 1};
    for (auto [integer, bytes] : k_integers)
        if (name == integer)
            return {TypeFamily::integer, bytes};
    if (name == "nchar")
        return {TypeFamily::string, first ? first : 1, 0, true};
    if (name == "nvarchar" || name == "string")
        return {TypeFamily::string, first};
    if (name == "clob")
        return {TypeFamily::string, 0};
    if (name.starts_with("time") && !name.starts_with("timestamp"))
        return {TypeFamily::temporal, 2};
    return {};
}

} // namespace

TypeRange type_range(const ColumnType& type) {
    if (type.array)
        return {};
    switch (type.kind) {
    case ColumnKind::smallint:
        return {TypeFamily::integer, 2};
    case ColumnKind::integer:
        return {TypeFamily::integer, 4};
    case ColumnKind::bigint:
        return {TypeFamily::integer, 8};
    case ColumnKind::numeric:
        return {TypeFamily::decimal, type.precision, type.scale};
    case ColumnKind::real:
        return {TypeFamily::floating, 4};
    case ColumnKind::double_precision:
        return {TypeFamily::floating, 8};
    case ColumnKind::text:
        return {TypeFamily::string, 0};
    case ColumnKind::varchar:
        return {TypeFamily::string, type.length};
    case ColumnKind::character: // a bare CHAR is CHAR(1)
        return {TypeFamily::string, type.length ? type.length : 1, 0, true};
    case ColumnKind::date:
        return {TypeFamily::temporal, 1};
    case ColumnKind::time:
        return {TypeFamily::temporal, 2};
    case ColumnKind::timestamp:
        return {TypeFamily::temporal, 3};
    case ColumnKind::timestamp_tz:
        return {TypeFamily::temporal, 4};
    case ColumnKind::other:
        return spelled_range(type.spelling);
    default:
        return {};
    }
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

} // namespace trellis
