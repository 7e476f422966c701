// Column types as the narrowing rule sees them: a family and a size, from the type's text on
// either dialect (`int4`, `INTEGER`, `character varying(20)`, `NUMERIC(8, 2)`, `DOUBLE PRECISION`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace trellis::lint {

enum class TypeFamily { integer, decimal, floating, string, temporal, other };

struct ColumnType {
    TypeFamily family = TypeFamily::other;
    // integer, floating: bytes; string: the length (0: unbounded); decimal: the precision
    // (0: unbounded); temporal: 1 date, 2 time, 3 timestamp, 4 timestamp with time zone.
    int size = 0;
    int scale = 0; // decimal only
    std::string text;
};

// `text` as render() writes it (lower case, `varchar(20)`, `numeric(8,2)`).
ColumnType classify(std::string_view text);

// Why converting every value of `from` to `to` may fail or lose data; nullopt when it cannot.
std::optional<std::string> narrowing(const ColumnType& from, const ColumnType& to);

// A type with a limit that a value of an unknown earlier type may exceed: varchar(n), char(n),
// smallint, integer, real, numeric(p,s).
bool bounded(const ColumnType& type);

} // namespace trellis::lint
