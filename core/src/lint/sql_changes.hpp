// What a statement does to the schema, as far as the lint rules care: the statement read into
// a list of changes (an ALTER TABLE with several actions gives several). Statements the rules
// have nothing to say about (SELECT, CREATE INDEX, CREATE FUNCTION, ...) give none. Names are
// as written, without quotes or schema; compare them with `key()`.
#pragma once

#include "sql/tokens.hpp"

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace trellis::lint {

struct ColumnDef {
    std::string name;
    std::string type;         // normalised by render(): `varchar(255)`, `numeric(8,2)`; empty when none is given
    bool not_null = false;    // NOT NULL or PRIMARY KEY
    bool has_default = false; // DEFAULT, GENERATED, or a serial type: existing rows get a value
    bool primary_key = false; // an INTEGER PRIMARY KEY fills itself on SQLite
};

struct CreateTable {
    std::string table;
    std::vector<ColumnDef> columns;
    bool columns_known = true; // false for CREATE TABLE ... AS SELECT
    bool if_not_exists = false;
    std::vector<std::string> sources; // the tables CREATE TABLE ... AS SELECT reads
};
struct DropTable {
    std::vector<std::string> tables;
};
struct AddColumn {
    std::string table;
    ColumnDef column;
};
struct DropColumn {
    std::string table, column;
};
struct AlterType {
    std::string table, column, type;
};
struct SetNotNull {
    std::string table, column;
};
struct RenameTable {
    std::string from, to;
};
struct RenameColumn {
    std::string table, from, to;
};
// A unique index, a unique constraint or a primary key over columns that may hold rows.
struct AddUnique {
    std::string table;
    std::string what;    // `unique index ix_name`, `unique constraint uq_name`, `primary key`
    std::string columns; // as written, for the message
};
// One expression of an INSERT's select list.
struct SelectItem {
    std::vector<std::string> columns; // the identifiers it reads
    bool bare = false;                // a plain column reference: columns[0]
    bool star = false;                // `*`
};
// INSERT INTO target [(columns)] SELECT items FROM sources: rows copied from other tables.
struct CopyRows {
    std::string target;
    std::vector<std::string> target_columns; // empty: every column, in order
    std::vector<SelectItem> items;
    std::vector<std::string> sources;
};
// INSERT INTO table VALUES ...: the table holds rows from here on.
struct InsertRows {
    std::string table;
};
// UPDATE table SET columns = ...: a backfill, when it precedes a NOT NULL.
struct SetColumns {
    std::string table;
    std::vector<std::string> columns;
};

// ADD CONSTRAINT name CHECK (column IS NOT NULL) [NOT VALID], and VALIDATE CONSTRAINT name: once
// valid, the check proves the column holds no NULL.
struct NotNullCheck {
    std::string table, constraint, column;
    bool valid = true;
};
struct ValidateConstraint {
    std::string table, constraint;
};

using Change =
    std::variant<CreateTable, DropTable, AddColumn, DropColumn, AlterType, SetNotNull, RenameTable, RenameColumn,
                 AddUnique, CopyRows, InsertRows, SetColumns, NotNullCheck, ValidateConstraint>;

std::vector<Change> parse_changes(std::span<const sql::Token> tokens);

// A serial type: the column fills itself from a sequence, so existing rows get a value.
bool fills_itself(std::string_view type);

} // namespace trellis::lint
