// The one type system, for the schema and lint alike: a declared or catalog type name of either
// dialect parsed into a ColumnType (trellis/model.hpp), rendered back for one dialect, two
// compared, and what a change of type does to the values stored (narrowing, rewriting). A type
// trellis does not model is carried by its spelling and compared by it; an enum by its name and,
// where both sides know them, its labels.
#pragma once

#include "db/dialect.hpp"
#include "trellis/model.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace trellis {

// A declared or catalog type name (either dialect) to a ColumnType. parse_type gives nullopt for a type trellis does
// not model; column_type carries it by its spelling.
std::optional<ColumnType> parse_type(std::string_view declared);
ColumnType column_type(std::string_view declared);
// One type, however spelled (a type carried by its spelling compares by it, case aside).
bool same_type(const ColumnType& a, const ColumnType& b);
std::string render_type(const ColumnType& type, Dialect dialect);
// `VARCHAR(255)`, `NUMERIC(10, 2)`, ... for messages.
std::string type_name(const ColumnType& type);

// --- what a change of type does to the values stored (schema/type_change.cpp) -------------------
// The schema diff marks a change destructive unless every value provably fits; lint explains the
// changes that provably may not fit and stays silent on the ones it cannot judge.

// What values a type holds, for judging a change: a family and a size. integer, floating: bytes;
// string: the length (0: unbounded); decimal: the precision (0: unbounded) and `scale`;
// temporal: 1 date, 2 time, 3 timestamp, 4 timestamp with time zone. An array, a boolean, a uuid,
// JSON, bytes, an enum and a type trellis does not know are `other`. Spellings that the schema
// carries as spelled (`serial`, `tinyint`, `nvarchar(n)`, `time with time zone`) have their family.
enum class TypeFamily { integer, decimal, floating, string, temporal, other };
struct TypeRange {
    TypeFamily family = TypeFamily::other;
    int size = 0;
    int scale = 0;
    bool fixed = false; // string: blank-padded char(n)
};
TypeRange type_range(const ColumnType& type);

// True when every value of `from` fits in `to` (no narrowing).
bool widens_or_keeps(const ColumnType& from, const ColumnType& to);
// Why converting every value of `from` to `to` may fail or lose data, naming the types as spelled
// (`integer values outside the range of smallint make it fail`); nullopt when it cannot, or when
// trellis cannot tell (an empty spelling is an unknown type).
std::optional<std::string> narrowing(std::string_view from, std::string_view to);
// A type with a limit that a value of an unknown earlier type may exceed: varchar(n), char(n),
// smallint, integer, real, numeric(p,s).
bool bounded(const ColumnType& type);
// Of one family, and for a type of no family, the same type: what a dropped column's data could
// have been moved into.
bool same_family(const ColumnType& a, const ColumnType& b);
// PostgreSQL keeps every stored value as it is (a binary-coercible change that only relaxes a
// limit: varchar(n) longer or unbounded, numeric precision raised): no table rewrite from 9.2 on.
bool keeps_storage(const ColumnType& from, const ColumnType& to);

} // namespace trellis
