// trellis/model.hpp — the models a plugin declares: its tables, and the columns it adds to other
// plugins' tables. Plain data, built once when the plugin is described; read by the host only.
//
// Each table and column belongs to the plugin that declares it: autogenerate writes each change
// into the owner's branch, and drop-db drops what the loaded plugins own.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace trellis {

enum class ColumnKind {
    integer,
    bigint,
    smallint,
    boolean,
    text,
    varchar, // length
    numeric, // precision, scale
    real,
    double_precision,
    date,
    time,
    timestamp,
    timestamp_tz,
    uuid,
    json,
    binary
};

struct ColumnType {
    ColumnKind kind = ColumnKind::integer;
    int length = 0;    // varchar(n)
    int precision = 0; // numeric(p, s)
    int scale = 0;
};

namespace types {
inline ColumnType integer() {
    return {ColumnKind::integer};
}
inline ColumnType bigint() {
    return {ColumnKind::bigint};
}
inline ColumnType smallint() {
    return {ColumnKind::smallint};
}
inline ColumnType boolean() {
    return {ColumnKind::boolean};
}
inline ColumnType text() {
    return {ColumnKind::text};
}
inline ColumnType varchar(int length) {
    return {ColumnKind::varchar, length};
}
inline ColumnType numeric(int precision, int scale) {
    return {ColumnKind::numeric, 0, precision, scale};
}
inline ColumnType real() {
    return {ColumnKind::real};
}
inline ColumnType double_precision() {
    return {ColumnKind::double_precision};
}
inline ColumnType date() {
    return {ColumnKind::date};
}
inline ColumnType time() {
    return {ColumnKind::time};
}
inline ColumnType timestamp() {
    return {ColumnKind::timestamp};
}
inline ColumnType timestamp_tz() {
    return {ColumnKind::timestamp_tz};
}
inline ColumnType uuid() {
    return {ColumnKind::uuid};
}
inline ColumnType json() {
    return {ColumnKind::json};
}
inline ColumnType binary() {
    return {ColumnKind::binary};
}
} // namespace types

struct Column {
    std::string name;
    ColumnType type;
    bool nullable = true;
    std::optional<std::string> server_default; // SQL expression, e.g. "''" or "0" or "CURRENT_TIMESTAMP"
};

struct Index {
    std::string name;
    std::vector<std::string> columns;
    bool unique = false;
};

struct UniqueConstraint {
    std::string name;
    std::vector<std::string> columns;
};

enum class ReferentialAction { no_action, restrict, cascade, set_null, set_default };

struct ForeignKey {
    std::string name;
    std::vector<std::string> columns;
    std::string referred_table;
    std::vector<std::string> referred_columns;
    ReferentialAction on_delete = ReferentialAction::no_action;
    ReferentialAction on_update = ReferentialAction::no_action;
};

struct CheckConstraint {
    std::string name;
    std::string expression;
};

struct Table {
    std::string name;
    std::vector<Column> columns;
    std::vector<std::string> primary_key;
    std::vector<UniqueConstraint> uniques;
    std::vector<Index> indexes;
    std::vector<ForeignKey> foreign_keys;
    std::vector<CheckConstraint> checks;
};

// Columns (and their indexes and keys) a plugin adds to a table another plugin owns.
struct TableExtension {
    std::string table;
    std::vector<Column> columns;
    std::vector<Index> indexes;
    std::vector<ForeignKey> foreign_keys;
};

struct Models {
    std::vector<Table> tables;
    std::vector<TableExtension> extensions;
};

} // namespace trellis
