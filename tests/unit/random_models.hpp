// A seeded generator of model changes for the autogenerate property test: tables, columns,
// types (widening and narrowing), nullability, defaults, primary keys, indexes (unique too),
// unique constraints, foreign keys with ON DELETE, named checks; and rows the models accept.
// Two plugins change: json_models, and json_models_child, which has tables of its own and adds
// columns (with their indexes and keys) to json_models' tables.
//
// Every change is one a developer could make on a database that holds rows without editing the
// revision autogenerate writes, and whose revision can be reverted: a narrowed type still holds
// the values the generator inserted, a unique index goes on values that are distinct, a NOT NULL
// column never carries a foreign key or a unique index that filling its NULLs would break, a
// table another table's rows point at is not dropped. The same seed gives the same changes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <trellis/model.hpp>
#include <vector>

namespace trellis::test {

class RandomModels {
public:
    // `dialect` ("sqlite" or "postgresql") picks the literals of the rows, and the defaults unless
    // `portable`: then only defaults both databases know.
    RandomModels(std::uint64_t seed, std::string dialect, bool portable = false);

    // What json_models and json_models_child declare.
    Models models() const;
    Models child_models() const;
    // Every table as the database holds it: json_models' tables with the child's columns, indexes
    // and keys on them, and the child's tables.
    std::vector<Table> tables() const;

    // Applies one to three changes; one line per change, for failure messages.
    std::vector<std::string> mutate();

    // INSERT statements adding a few rows to some tables (none when there is no table).
    std::string insert_rows();

private:
    // Where a change happens: a table of either plugin, or the child's part of a parent's table.
    enum class Part { parent_table, child_table, extension };
    struct Place {
        Table* table;
        Part part;
    };

    std::size_t pick(std::size_t count) { return std::uniform_int_distribution<std::size_t>(0, count - 1)(m_random); }
    bool chance(double p) { return std::bernoulli_distribution(p)(m_random); }
    static std::string key(const std::string& table, const std::string& column) { return table + "." + column; }
    int rows(const std::string& table) const;

    // A random place; `tables_only` leaves out extensions (no uniques, checks or keys of their own).
    std::optional<Place> random_place(bool tables_only);
    Column* random_column(Table& table, bool (RandomModels::*fits)(const Table&, const Column&) const);
    Column random_new_column(const std::string& table);
    std::string random_default(const Column& column);
    std::string constraint_name(const std::string& table, const char* kind);
    std::vector<const Table*> referable(Part part) const;

    bool in_primary_key(const Table& table, const std::string& column) const;
    bool is_foreign_key_column(const Table& table, const std::string& column) const;
    bool alterable(const Table& table, const Column& column) const;
    bool may_change_nullability(const Table& table, const Column& column) const;
    bool droppable(const Table& table, const Column& column) const;
    bool defaultable(const Table& table, const Column& column) const;
    bool indexable(const Table& table, const Column& column) const;
    bool distinct(const Table& table, const Column& column) const;
    bool key_candidate(const Table& table, const Column& column) const;

    std::string add_table();
    std::string drop_table();
    std::string add_column();
    std::string drop_column();
    std::string alter_type();
    std::string alter_nullability();
    std::string alter_default();
    std::string alter_primary_key();
    std::string add_index();
    std::string drop_index();
    std::string add_unique();
    std::string drop_unique();
    std::string add_foreign_key();
    std::string drop_foreign_key();
    std::string add_check();
    std::string drop_check();

    std::string value(const Table& table, const Column& column, int row);

    std::mt19937_64 m_random;
    std::string m_dialect;
    bool m_portable;
    std::vector<Table> m_parent, m_child;
    std::vector<Table> m_extensions; // the child's part of parent tables, named after them
    int m_next_name = 0;
    std::map<std::string, int> m_rows;      // table -> rows inserted (ids 1..n)
    std::set<std::string> m_repeated;       // "table.column" whose values are not all distinct
    std::set<std::string> m_integer_valued; // "table.column" that holds integers, whatever its type
    // The revision reverts the whole round: what held at its start must hold again after that.
    std::set<std::string> m_unique_at_start;   // "table.column" in a unique index or constraint
    std::set<std::string> m_referred_at_start; // tables another table's foreign key referred to
    // "table.column" whose type or nullability changed in the round: one change of its values per
    // round, else NULLs filled for the new type (`'abc'`) would not convert back to the old one.
    std::set<std::string> m_converted;
};

} // namespace trellis::test
