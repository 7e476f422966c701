#include "schema/table_steps.hpp"

#include "schema/ddl.hpp"
#include "schema/enum_types.hpp"
#include "schema/identifier.hpp"
#include "schema/table_order.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <utility>

namespace trellis {

namespace {

// CREATE TABLE and its indexes, leaving out the keys `skip` names.
std::string create_table_sql(const Table& table, Dialect dialect, const std::vector<std::string>& skip = {}) {
    auto out = create_table_body(table, table.name, dialect, skip);
    // Inside CREATE TABLE, PostgreSQL folds a unique constraint on the primary key's columns into
    // the primary key, which then takes the unique constraint's name: added after, it stays itself.
    for (const auto& u : table.uniques)
        if (dialect == Dialect::postgresql && u.columns == table.primary_key)
            out += fmt::format("{} ADD {};\n", alter_table(table.name),
                               constraint(u.name, fmt::format("UNIQUE ({})", quote_list(u.columns))));
    for (const auto& i : table.indexes)
        out += index_sql(table.name, i);
    return out;
}

} // namespace

SqlStep add_key_step(const Table& table, const ForeignKey& f) {
    return {fmt::format("{} ADD {};\n", alter_table(table.name), constraint(f.name, foreign_key_clause(f))),
            fmt::format("{} DROP CONSTRAINT {};\n", alter_table(table.name), quote(f.name))};
}

std::vector<SqlStep> create_table_steps(const std::vector<const Table*>& tables, Dialect dialect, WithTypes types) {
    auto plan = creation_plan(tables);
    bool pg = dialect == Dialect::postgresql;
    std::vector<SqlStep> steps;
    if (pg && types == WithTypes::yes) {
        std::vector<Table> all;
        for (const auto* t : tables)
            all.push_back(*t);
        for (const auto& [key, type] : enum_types(all))
            steps.push_back({create_type_sql(type), drop_type_sql(type)});
    }
    for (const auto* t : plan.tables)
        steps.push_back({create_table_sql(*t, dialect, pg ? forward_keys(plan, *t) : std::vector<std::string>{}),
                         fmt::format("DROP TABLE {};\n", quote(t->name))});
    if (pg)
        for (const auto& k : plan.forward)
            steps.push_back(add_key_step(*k.table, *k.key));
    return steps;
}

std::vector<SqlStep> drop_table_steps(const std::vector<const Table*>& tables, Dialect dialect) {
    auto steps = create_table_steps(tables, dialect);
    std::reverse(steps.begin(), steps.end());
    for (auto& s : steps)
        std::swap(s.up, s.down);
    return steps;
}

std::string create_tables_sql(const std::vector<const Table*>& tables, Dialect dialect) {
    return joined(create_table_steps(tables, dialect, WithTypes::yes), true);
}

std::string drop_tables_sql(const std::vector<const Table*>& tables, Dialect dialect,
                            std::vector<std::string>* dropped) {
    auto plan = creation_plan(tables);
    if (dropped)
        for (auto it = plan.tables.rbegin(); it != plan.tables.rend(); ++it)
            dropped->push_back((*it)->name);
    return joined(drop_table_steps(tables, dialect), true);
}

} // namespace trellis
