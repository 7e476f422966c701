// The rules that read PostgreSQL's own parse tree (sql/pg_parser.hpp): what takes a lock that
// blocks reads or writes for as long as a table scan, what rewrites a table, what loses data
// beyond the statement's own table, and what fails when it runs (CONCURRENTLY in a transaction,
// transaction control inside a revision, duplicate assignments, names PostgreSQL cuts). Judged
// for the PostgreSQL version given; a table that holds no rows (created in this run, or empty
// in the database) gets none of the findings that only hurt existing rows.
#pragma once

#include "sql/node.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace trellis::lint {

struct PgFacts {
    int pg_version = 15;       // the major version the revision will run on
    bool transactional = true; // the revision runs in one transaction
    // Whether the table may hold rows at this point of the section.
    std::function<bool(const std::string& table)> has_rows;
    // The column's type as the revisions read so far give it (render() text), empty when unknown.
    std::function<std::string(const std::string& table, const std::string& column)> column_type;
    // The revisions read so far made the column NOT NULL.
    std::function<bool(const std::string& table, const std::string& column)> not_null;
    // A validated CHECK (col IS NOT NULL), in this revision or one before, proves the column holds no NULL.
    std::function<bool(const std::string& table, const std::string& column)> proven_not_null;
};

using Report = std::function<void(std::string code, std::string message)>;

// One section's statements, in order: it remembers what earlier statements of the section did
// (an index it created, a constraint it added NOT VALID, a NOT NULL check it validated).
class PgRules {
public:
    explicit PgRules(PgFacts facts)
        : m_facts(std::move(facts)) {}

    // `stmt` is one statement's node wrapper (`{"IndexStmt": {...}}`).
    void check(const sql::Node& stmt, const Report& report);
    // In a revision that is not transactional: a BEGIN above has not been ended yet.
    bool transaction_open() const { return m_open; }

private:
    void transaction(std::string_view kind, const Report& report);
    void alter_table(const sql::Node& alter, const Report& report);
    void add_column(const std::string& table, const sql::Node& column, const Report& report);
    void char_column(const std::string& table, const sql::Node& column, const Report& report);
    void add_constraint(const std::string& table, const sql::Node& constraint, const Report& report);
    void alter_type(const std::string& table, const std::string& column, const sql::Node& def, const Report& report);
    bool existing(const std::string& table) const { return m_facts.has_rows(table); }

    PgFacts m_facts;
    std::set<std::string> m_new_indexes;
    bool m_open = false;
    std::map<std::pair<std::string, std::string>, std::string>
        m_not_valid; // (table, constraint) added NOT VALID → its rule
};

// The type a TypeName node spells, as render() writes types: `bigint`, `varchar(20)`.
std::string pg_type_text(const sql::Node& type_name);

} // namespace trellis::lint
