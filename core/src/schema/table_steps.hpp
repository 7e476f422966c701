// Whole tables created and dropped, each statement with its inverse: CREATE TABLE with its
// indexes in foreign-key order (schema/table_order.hpp), a cycle's keys added once all its tables
// exist on PostgreSQL (and dropped before the first of them goes), the enum types the tables use.
#pragma once

#include "schema/schema.hpp"
#include "schema/sql_step.hpp"

#include <string>
#include <vector>

namespace trellis {

// `ALTER TABLE ... ADD CONSTRAINT` for foreign key `f` of `table`, and its DROP.
SqlStep add_key_step(const Table& table, const ForeignKey& f);

// Whether creating tables creates the PostgreSQL enum types they use first.
enum class WithTypes { no, yes };
// Creating `tables`: every table after those it refers to; on PostgreSQL a cycle's keys last.
std::vector<SqlStep> create_table_steps(const std::vector<const Table*>& tables, Dialect dialect,
                                        WithTypes types = WithTypes::no);
// The inverse of creating them: a cycle's keys first, then the tables, referring ones first.
std::vector<SqlStep> drop_table_steps(const std::vector<const Table*>& tables, Dialect dialect);

// CREATE TABLE for each of `tables` (with their indexes and enum types), every table after those
// it refers to; on PostgreSQL the keys of a cycle are added once all its tables exist.
std::string create_tables_sql(const std::vector<const Table*>& tables, Dialect dialect);
// DROP TABLE for each of `tables`, referring tables first; on PostgreSQL a cycle's keys go first.
// `dropped` receives the tables in the order they are dropped.
std::string drop_tables_sql(const std::vector<const Table*>& tables, Dialect dialect,
                            std::vector<std::string>* dropped = nullptr);

} // namespace trellis
