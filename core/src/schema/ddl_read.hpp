// What a DDL statement creates, read through the project's one lexer (sql/tokens.hpp): the
// tables, columns, indexes and constraints (foreign keys, unique and check constraints, named or
// not, at table level, inline in a column, added by ALTER TABLE) it makes; or, read as a
// downgrade, what it drops (`DROP TABLE`, `DROP COLUMN`, `DROP CONSTRAINT`) and the tables it
// re-creates. Ownership (commands/ownership.hpp) reads revisions with it, SQLite reflection the
// CREATE TABLE that SQLite keeps (for checks, which no pragma lists).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace trellis {

struct ConstraintFound {
    std::string table;
    std::string kind;                 // "foreign", "unique", "check"; empty: `DROP CONSTRAINT name`
    std::string name;                 // as written; empty: the database names it
    std::vector<std::string> columns; // foreign and unique: the table's columns it is on
    std::string expression;           // check: as written, without its parentheses
};

struct TableFound {
    std::vector<std::string> columns;
    std::vector<ConstraintFound> constraints;
};

struct SqlFound {
    std::vector<std::string> tables, columns, indexes; // columns as `table.column`
    std::vector<ConstraintFound> constraints;          // ALTER TABLE's (ADD, inline in ADD COLUMN, DROP)
    std::map<std::string, TableFound> created;         // CREATE TABLE's
    std::map<std::string, std::string> renamed;        // table -> the name it takes
};

// Reads one statement: as an upgrade (what it creates) or a downgrade (what it drops).
void read_statement(std::string_view sql, bool downgrade, SqlFound& found);

} // namespace trellis
