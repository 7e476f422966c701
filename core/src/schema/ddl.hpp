// The pieces of DDL both the per-operation renderer and SQLite's table rebuild write: column
// definitions, CREATE TABLE, indexes, keys, and the guards that make a revision fail rather than
// lose data. Names are quoted by `quote` (schema/identifier.hpp); expressions go as written.
#pragma once

#include "schema/schema.hpp"

#include <string>

namespace trellis {

// `text` as an SQL string literal: `'it''s'`.
std::string sql_string(std::string_view text);

// `ALTER TABLE "name"`, the start of every statement that changes a table in place.
std::string alter_table(const std::string& table);

// SQLite: ` CHECK ("col" IN ('a', 'b'))` for a column of an enum type (what PostgreSQL's type
// enforces); reflection reads the labels back from it. Empty for any other column.
std::string enum_check(const Column& c);

// The value existing rows get when a NOT NULL column arrives: its default, else the type's zero.
// nullopt for a column of a foreign key: trellis never invents a reference.
std::optional<std::string> fill_value(const Table& table, const Column& c);

std::string column_definition(const Table& table, const Column& c, Dialect dialect);
// `FOREIGN KEY (a) REFERENCES p (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED`.
std::string foreign_key_clause(const ForeignKey& f);
// `CONSTRAINT name clause`, or the clause alone when unnamed.
std::string constraint(const std::string& name, const std::string& clause);
std::string index_sql(const std::string& table, const Index& i);

// CREATE TABLE `name` shaped like `t` (without its indexes), leaving out the foreign keys that
// `skip` names (those of a cycle, added afterwards).
std::string create_table_body(const Table& t, const std::string& name, Dialect dialect,
                              const std::vector<std::string>& skip_keys = {});

// Statements that stop the revision while a row of `table` holds a value of `from` that `to`
// cannot hold (a narrowing type change): PostgreSQL raises with the count, SQLite, which does not
// enforce lengths, fails a CHECK on a temporary table. Empty when nothing can be cut.
std::string narrowing_guard(const std::string& table, const Column& from, const ColumnType& to, Dialect dialect);

// SQLite: fails the revision when a row of `table` refers to no row (PRAGMA foreign_key_check),
// naming the table, the first rows by primary key (or rowid), their key's columns and values and
// the parent table, and how many more.
std::string foreign_key_guard(const Table& table);

} // namespace trellis
