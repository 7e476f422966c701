// PostgreSQL's own parser (libpg_query, PostgreSQL 15), for lint: each statement's parse tree,
// or the parser's syntax error with where it is. The parser lives in a module of its own
// (`trellis_pgparse.so`, util/module.hpp) loaded on the first parse, so commands that neither
// lint nor verify never load it. Thread-safe.
#pragma once

#include "sql/node.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace trellis::sql {

// What the module's entry point fills in.
struct PgParseOutput {
    std::string json;      // the parse tree; empty on an error
    std::string error;     // the parser's message
    int error_offset = -1; // byte offset of the error in the statement; -1 when it gives none
};
using PgParseEntry = void(const char* sql, PgParseOutput& out);
inline constexpr const char* k_pgparse_entry = "trellis_pg_parse";

struct PgParse {
    std::optional<Node> tree; // {"version": ..., "stmts": [{"stmt": {...}, ...}]} when it parses
    std::string error;        // else the parser's message
    int error_offset = -1;
};

// The parser's answer; nullopt when the module cannot be loaded (`why` says why).
std::optional<PgParse> parse_postgres(std::string_view sql, std::string* why = nullptr);

// The major version of the parser: the SQL it understands.
inline constexpr int k_parser_version = 15;

} // namespace trellis::sql
