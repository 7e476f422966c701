// trellis/model.hpp — the models a plugin declares: its tables, and the columns it adds to other
// plugins' tables. Plain data, built once when the plugin is described; read by the host only.
//
// Each table and column belongs to the plugin that declares it: autogenerate writes each change
// into the owner's branch, and drop-db drops what the loaded plugins own.
//
// Names are used exactly as written: a name that is not lowercase letters, digits and `_`, or that
// is an SQL keyword (`Artist`, `order`, `unit price`), is quoted in the SQL trellis writes, so a
// table declared `Artist` is `"Artist"` on PostgreSQL too. Expressions (defaults, checks, index
// expressions and predicates, generated columns) are SQL, written into revisions as given.
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
    binary,
    jsonb,       // PostgreSQL's binary JSON; a declared type only on SQLite
    character,   // char(n): length
    enumeration, // PostgreSQL: CREATE TYPE spelling AS ENUM (values); SQLite: a declared type
    other        // a type trellis does not model, carried by its spelling (below)
};

struct ColumnType {
    ColumnKind kind = ColumnKind::integer;
    int length = 0;    // varchar(n), char(n)
    int precision = 0; // numeric(p, s)
    int scale = 0;
    int fraction = -1;               // time(p), timestamp(p), timestamp_tz(p): digits after the second; -1 unsaid
    bool array = false;              // an array of the type (`TEXT[]`); SQLite keeps it as a declared type
    std::string spelling;            // other: the type as the database spells it (`tsvector`, `NVARCHAR(160)`,
                                     // an enum's name; empty for an untyped SQLite column), compared as spelled;
                                     // enumeration: the enum type's name
    std::vector<std::string> values; // enumeration: its labels, in order
};

namespace types {
// A type of `kind` with the sizes given (the other fields at their defaults).
inline ColumnType of_kind(ColumnKind kind, int length = 0, int precision = 0, int scale = 0) {
    ColumnType type;
    type.kind = kind;
    type.length = length;
    type.precision = precision;
    type.scale = scale;
    return type;
}
inline ColumnType integer() {
    return of_kind(ColumnKind::integer);
}
inline ColumnType bigint() {
    return of_kind(ColumnKind::bigint);
}
inline ColumnType smallint() {
    return of_kind(ColumnKind::smallint);
}
inline ColumnType boolean() {
    return of_kind(ColumnKind::boolean);
}
inline ColumnType text() {
    return of_kind(ColumnKind::text);
}
inline ColumnType varchar(int length) {
    return of_kind(ColumnKind::varchar, length);
}
inline ColumnType numeric(int precision, int scale) {
    return of_kind(ColumnKind::numeric, 0, precision, scale);
}
inline ColumnType real() {
    return of_kind(ColumnKind::real);
}
inline ColumnType double_precision() {
    return of_kind(ColumnKind::double_precision);
}
inline ColumnType date() {
    return of_kind(ColumnKind::date);
}
inline ColumnType time() {
    return of_kind(ColumnKind::time);
}
inline ColumnType timestamp() {
    return of_kind(ColumnKind::timestamp);
}
inline ColumnType timestamp_tz() {
    return of_kind(ColumnKind::timestamp_tz);
}
inline ColumnType uuid() {
    return of_kind(ColumnKind::uuid);
}
inline ColumnType json() {
    return of_kind(ColumnKind::json);
}
inline ColumnType binary() {
    return of_kind(ColumnKind::binary);
}
inline ColumnType jsonb() {
    return of_kind(ColumnKind::jsonb);
}
inline ColumnType character(int length) {
    return of_kind(ColumnKind::character, length);
}
// timestamp(p) and friends: `with_fraction(types::timestamp(), 3)`.
inline ColumnType with_fraction(ColumnType type, int digits) {
    type.fraction = digits;
    return type;
}
inline ColumnType array_of(ColumnType type) {
    type.array = true;
    return type;
}
// An enum type (PostgreSQL): created before the first table that uses it, dropped with the last
// revision that created it; compared by name (a change of its labels is written by hand).
inline ColumnType enumeration(std::string name, std::vector<std::string> values) {
    auto type = of_kind(ColumnKind::enumeration);
    type.spelling = std::move(name);
    type.values = std::move(values);
    return type;
}
// A type trellis does not model, written into the SQL as spelled.
inline ColumnType spelled(std::string spelling) {
    auto type = of_kind(ColumnKind::other);
    type.spelling = std::move(spelling);
    return type;
}
} // namespace types

struct Column {
    std::string name;
    ColumnType type;
    bool nullable = true;
    std::optional<std::string> server_default; // SQL expression, e.g. "''" or "0" or "CURRENT_TIMESTAMP"
    // The database numbers new rows: an identity column on PostgreSQL (a serial column reflects
    // as one too), `INTEGER PRIMARY KEY AUTOINCREMENT` on SQLite (the table's one primary key
    // column, which SQLite makes an INTEGER whatever the integer type declared). No server default.
    bool auto_increment = false;
    // GENERATED ALWAYS AS (expression) STORED: computed by the database, never given a default.
    std::optional<std::string> generated;
};

struct Index {
    std::string name;
    // Each entry a column name, or an expression when it holds a parenthesis (`lower(email)`),
    // either followed by ` DESC` for a descending key.
    std::vector<std::string> columns;
    bool unique = false;
    std::string where; // a partial index's predicate (SQL); empty for a whole-table index
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
    bool deferrable = false;         // DEFERRABLE
    bool initially_deferred = false; // DEFERRABLE INITIALLY DEFERRED: checked at commit
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
    std::string primary_key_name; // empty: the database's own (`<table>_pkey` on PostgreSQL)
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
