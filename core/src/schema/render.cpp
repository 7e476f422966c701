#include "schema/render.hpp"

#include "schema/apply.hpp"
#include "schema/ddl.hpp"
#include "schema/enum_types.hpp"
#include "schema/expression.hpp"
#include "schema/identifier.hpp"
#include "schema/sqlite_rebuild.hpp"
#include "schema/table_order.hpp"
#include "schema/types.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <utility>

namespace trellis {

namespace {

struct Step {
    std::string up, down;
};

std::string warn(const std::string& what) {
    return fmt::format("-- WARNING: {}.\n", what);
}

std::string narrowing_warning(const Operation& op) {
    return warn(fmt::format("narrows {}.{}: while a value does not fit, this revision fails (trellis never cuts "
                            "data); change those rows or the model",
                            op.table, op.subject));
}

std::string alter(const std::string& table) {
    return "ALTER TABLE " + quote(table);
}

// CREATE TABLE and its indexes, leaving out the keys `skip` names.
std::string create_table_sql(const Table& table, Dialect dialect, const std::vector<std::string>& skip = {}) {
    auto out = create_table_body(table, table.name, dialect, skip);
    // Inside CREATE TABLE, PostgreSQL folds a unique constraint on the primary key's columns into
    // the primary key, which then takes the unique constraint's name: added after, it stays itself.
    for (const auto& u : table.uniques)
        if (dialect == Dialect::postgresql && u.columns == table.primary_key)
            out += fmt::format("{} ADD {};\n", alter(table.name),
                               constraint(u.name, fmt::format("UNIQUE ({})", quote_list(u.columns))));
    for (const auto& i : table.indexes)
        out += index_sql(table.name, i);
    return out;
}

Step add_key(const Table& table, const ForeignKey& f) {
    return {fmt::format("{} ADD {};\n", alter(table.name), constraint(f.name, foreign_key_clause(f))),
            fmt::format("{} DROP CONSTRAINT {};\n", alter(table.name), quote(f.name))};
}

std::string add_column_sql(const Table& table, const Column& c, Dialect dialect) {
    auto add = fmt::format("{} ADD COLUMN {};\n", alter(table.name), column_definition(table, c, dialect));
    if (c.nullable || c.server_default || c.generated || c.auto_increment || in_primary_key(table, c.name))
        return add;
    auto fill = fill_value(table, c);
    if (!fill)
        return fmt::format("-- TODO: {}.{} is NOT NULL and part of a foreign key: trellis does not invent a "
                           "reference for the rows\n-- already there. Add it nullable, fill it (UPDATE), then make it "
                           "NOT NULL; as written this fails\n-- on a table with rows.\n{}",
                           table.name, c.name, add);
    // NOT NULL without a default on a table with rows: add it with a server default that fills the
    // existing rows, then drop the default the model does not keep.
    Column with_default = c;
    with_default.server_default = fill;
    return fmt::format("-- Existing rows get {}: change the value here if another one fits them.\n"
                       "{} ADD COLUMN {};\n{} ALTER COLUMN {} DROP DEFAULT;\n",
                       *fill, alter(table.name), column_definition(table, with_default, dialect), alter(table.name),
                       quote(c.name));
}

// PostgreSQL converts by itself (an assignment cast) between numbers, to any string type and
// between dates and times; other changes need USING, whose casts fail on a value that does not
// convert. Never to a string type: `::VARCHAR(50)` would cut the value where ALTER refuses it.
bool needs_using(const ColumnType& from, const ColumnType& to) {
    auto family = [](const ColumnType& t) {
        switch (t.kind) {
        case ColumnKind::smallint:
        case ColumnKind::integer:
        case ColumnKind::bigint:
        case ColumnKind::numeric:
        case ColumnKind::real:
        case ColumnKind::double_precision:
            return 1;
        case ColumnKind::text:
        case ColumnKind::varchar:
        case ColumnKind::character:
            return 2;
        case ColumnKind::date:
        case ColumnKind::timestamp:
        case ColumnKind::timestamp_tz:
            return 3;
        case ColumnKind::json:
        case ColumnKind::jsonb:
            return 4;
        default:
            return 0;
        }
    };
    if (from.array || to.array || to.kind == ColumnKind::other || family(to) == 2)
        return false;
    return from.kind != to.kind && !(family(from) && family(from) == family(to));
}

// PostgreSQL only: SQLite rebuilds the table for any change of a column.
std::string alter_column_sql(const Table& table, const Column& from, const Column& to) {
    std::string out;
    auto name = fmt::format("{} ALTER COLUMN {}", alter(table.name), quote(to.name));
    if (from.generated != to.generated) {
        if (!to.generated)
            out += fmt::format("{} DROP EXPRESSION;\n", name); // the computed values stay as plain ones
        else
            // A generated column holds no data of its own: it is made again.
            return fmt::format("{} DROP COLUMN {};\n{} ADD COLUMN {};\n", alter(table.name), quote(to.name),
                               alter(table.name), column_definition(table, to, Dialect::postgresql));
    }
    // A change of an enum's labels is the type's own (schema/enum_types.hpp), not the column's.
    bool relabel = from.type.kind == ColumnKind::enumeration && to.type.kind == ColumnKind::enumeration &&
                   same_type(types::spelled(from.type.spelling), types::spelled(to.type.spelling)) &&
                   from.type.array == to.type.array;
    bool retype = !same_type(from.type, to.type) && !relabel;
    bool computed = from.auto_increment || to.auto_increment || from.generated || to.generated;
    bool redefault = !computed && normalize_default(from.server_default, from.type.kind) !=
                                      normalize_default(to.server_default, to.type.kind);
    // PostgreSQL casts the old default to the new type and refuses when it cannot (`'abc'` to
    // INTEGER): the default goes first and comes back after the type.
    if (retype && from.server_default && !computed) {
        out += fmt::format("{} DROP DEFAULT;\n", name);
        redefault = to.server_default.has_value();
    }
    if (from.auto_increment && !to.auto_increment)
        out += fmt::format("{0} DROP IDENTITY IF EXISTS;\n{0} DROP DEFAULT;\n", name);
    if (retype) {
        out += narrowing_guard(table.name, from, to.type, Dialect::postgresql);
        auto type = render_type(to.type, Dialect::postgresql);
        out += needs_using(from.type, to.type)
                   ? fmt::format("{} TYPE {} USING {}::{};\n", name, type, quote(to.name), type)
                   : fmt::format("{} TYPE {};\n", name, type);
    }
    if (!from.auto_increment && to.auto_increment) {
        if (from.server_default)
            out += fmt::format("{} DROP DEFAULT;\n", name);
        // Numbering continues after the rows already there.
        out += fmt::format("{0} ADD GENERATED BY DEFAULT AS IDENTITY;\nSELECT setval(pg_get_serial_sequence({1}, {2}), "
                           "coalesce(max({3}), 0) + 1, false) FROM {4};\n",
                           name, "'" + quote(table.name) + "'", "'" + to.name + "'", quote(to.name), quote(table.name));
    }
    if (redefault)
        out += to.server_default ? fmt::format("{} SET DEFAULT {};\n", name, *to.server_default)
                                 : fmt::format("{} DROP DEFAULT;\n", name);
    bool from_null = from.nullable && !in_primary_key(table, from.name);
    bool to_null = to.nullable && !in_primary_key(table, to.name);
    if (from_null && !to_null) {
        auto fill = fill_value(table, to);
        out += fill ? fmt::format("UPDATE {0} SET {1} = {2} WHERE {1} IS NULL;\n", quote(table.name), quote(to.name),
                                  *fill)
                    : fmt::format("-- TODO: {}.{} is part of a foreign key: fill its NULLs first; trellis does not "
                                  "invent a reference.\n",
                                  table.name, to.name);
        out += fmt::format("{} SET NOT NULL;\n", name);
    } else if (!from_null && to_null) {
        out += fmt::format("{} DROP NOT NULL;\n", name);
    }
    return out;
}

const UniqueConstraint* find_unique(const std::vector<UniqueConstraint>& uniques, const std::string& name) {
    for (const auto& u : uniques)
        if (u.name == name)
            return &u;
    return nullptr;
}

// An added column with the type of a dropped one in the same table may be that column renamed.
std::string rename_note(const Operation& op) {
    if (op.kind != OpKind::add_column || op.rename_from.empty())
        return "";
    return fmt::format(
        "-- {} has the type of the dropped {}: if it is a rename, keep the data with\n"
        "-- ALTER TABLE {} RENAME COLUMN {} TO {};\n-- in place of adding the one and dropping the other.\n",
        op.subject, op.rename_from, quote(op.table), quote(op.rename_from), quote(op.subject));
}

std::string primary_key_sql(const Table& from, const Table& to) {
    std::string out;
    if (!from.primary_key.empty())
        out += fmt::format("{} DROP CONSTRAINT {};\n", alter(from.name),
                           quote(from.primary_key_name.empty() ? from.name + "_pkey" : from.primary_key_name));
    if (!to.primary_key.empty())
        out +=
            fmt::format("{} ADD {};\n", alter(to.name),
                        constraint(to.primary_key_name, fmt::format("PRIMARY KEY ({})", quote_list(to.primary_key))));
    return out;
}

// Indexes, unique constraints, foreign keys and checks: each added or dropped by its name, the
// downgrade doing the inverse.
Step constraint_step(const Operation& op, const Table& before) {
    const auto& after = op.after;
    const auto& table = op.table;
    bool adds = op.kind == OpKind::create_index || op.kind == OpKind::add_unique ||
                op.kind == OpKind::add_foreign_key || op.kind == OpKind::add_check;
    const auto& source = adds ? after : before;
    auto both_ways = [&](std::string add, std::string drop) {
        return adds ? Step{std::move(add), std::move(drop)} : Step{std::move(drop), std::move(add)};
    };
    auto drop_constraint = fmt::format("{} DROP CONSTRAINT {};\n", alter(table), quote(op.subject));
    switch (op.kind) {
    case OpKind::create_index:
    case OpKind::drop_index:
        for (const auto& i : source.indexes)
            if (i.name == op.subject)
                return both_ways(index_sql(table, i), fmt::format("DROP INDEX {};\n", quote(i.name)));
        break;
    case OpKind::add_unique:
    case OpKind::drop_unique: {
        const auto* u = find_unique(source.uniques, op.subject);
        return both_ways(
            fmt::format("{} ADD {};\n", alter(table),
                        constraint(op.subject, fmt::format("UNIQUE ({})", u ? quote_list(u->columns) : ""))),
            drop_constraint);
    }
    case OpKind::add_foreign_key:
    case OpKind::drop_foreign_key:
        for (const auto& f : source.foreign_keys)
            if (f.name == op.subject) {
                auto step = add_key(source, f);
                return both_ways(step.up, step.down);
            }
        break;
    case OpKind::add_check:
    case OpKind::drop_check:
        for (const auto& c : source.checks)
            if (c.name == op.subject)
                return both_ways(
                    fmt::format("{} ADD {};\n", alter(table), constraint(c.name, "CHECK (" + c.expression + ")")),
                    drop_constraint);
        break;
    default:
        break;
    }
    return {};
}

Step operation_step(const Operation& op, const Table& before, Dialect dialect) {
    const auto& after = op.after;
    const auto& table = op.table;
    switch (op.kind) {
    case OpKind::add_column: {
        const auto& c = *find_column(after, op.subject);
        return {rename_note(op) + add_column_sql(after, c, dialect),
                fmt::format("{} DROP COLUMN {};\n", alter(table), quote(c.name))};
    }
    case OpKind::drop_column: {
        const auto& c = *find_column(before, op.subject);
        return {warn(fmt::format("drops column {}.{} and its data", table, c.name)) +
                    fmt::format("{} DROP COLUMN {};\n", alter(table), quote(c.name)),
                add_column_sql(before, c, dialect)};
    }
    case OpKind::alter_column: {
        const auto& from = *find_column(before, op.subject);
        const auto& to = *find_column(after, op.subject);
        auto up = alter_column_sql(after, from, to);
        if (op.destructive)
            up = narrowing_warning(op) + up;
        return {up, alter_column_sql(before, to, from)};
    }
    case OpKind::alter_primary_key:
        return {primary_key_sql(before, after), primary_key_sql(after, before)};
    case OpKind::create_table:
    case OpKind::drop_table:
        return {};
    default:
        return constraint_step(op, before);
    }
}

int phase(OpKind kind) {
    switch (kind) {
    case OpKind::drop_foreign_key:
    case OpKind::drop_index:
    case OpKind::drop_unique:
    case OpKind::drop_check:
        return 0;
    case OpKind::create_table:
        return 1;
    case OpKind::add_column:
    case OpKind::alter_column:
    case OpKind::alter_primary_key:
    case OpKind::drop_column:
        return 2;
    case OpKind::create_index:
    case OpKind::add_unique:
    case OpKind::add_check:
    case OpKind::add_foreign_key:
        return 3;
    case OpKind::drop_table:
        return 4;
    }
    return 2;
}

// Creating `tables` in foreign-key order; a cycle's keys are added once its tables exist.
std::vector<Step> create_steps(const std::vector<const Table*>& tables, Dialect dialect, bool with_types = false) {
    auto plan = creation_plan(tables);
    bool pg = dialect == Dialect::postgresql;
    std::vector<Step> steps;
    if (pg && with_types) {
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
            steps.push_back(add_key(*k.table, *k.key));
    return steps;
}

// The inverse of creating them: a cycle's keys first, then the tables, referring ones first.
std::vector<Step> drop_steps(const std::vector<const Table*>& tables, Dialect dialect, bool warned) {
    auto steps = create_steps(tables, dialect);
    std::reverse(steps.begin(), steps.end());
    for (auto& s : steps) {
        std::swap(s.up, s.down);
        if (warned && s.up.starts_with("DROP TABLE"))
            s.up = warn(fmt::format("drops table {} and every row in it", s.up.substr(11, s.up.size() - 13))) + s.up;
    }
    return steps;
}

std::string joined(const std::vector<Step>& steps, bool up) {
    std::string out;
    for (const auto& s : steps)
        out += up ? s.up : s.down;
    return out;
}

// PostgreSQL refuses to change the type of a column a view uses (0A000). The views on the tables
// whose columns change type are kept aside in a temporary table and dropped first (`up`), and
// made again last from what was kept (`down`), in both directions: the views there when the
// revision runs, as they are then, never a view the revision remembers but the user dropped.
Step views_around_retypes(const std::vector<const Operation*>& ordered, const Schema& before) {
    std::vector<const SchemaObject*> views;
    for (const auto* op : ordered) {
        const auto* from = op->kind == OpKind::alter_column ? find_column(op->before, op->subject) : nullptr;
        const auto* to = op->kind == OpKind::alter_column ? find_column(op->after, op->subject) : nullptr;
        if (!from || !to || same_type(from->type, to->type))
            continue;
        for (const auto* o : dependents(op->table, before.objects, Dialect::postgresql))
            if (std::find(views.begin(), views.end(), o) == views.end())
                views.push_back(o);
    }
    if (views.empty())
        return {};
    std::sort(views.begin(), views.end());
    std::vector<std::string> names;
    for (const auto* v : views)
        names.push_back(sql_string(v->name));
    Step out;
    out.up = fmt::format(
        "-- PostgreSQL cannot change the type of a column a view uses: the views are kept aside and made again "
        "after.\nCREATE TEMP TABLE trellis_views AS SELECT c.oid::bigint AS made, c.relname::text AS name, "
        "rtrim(pg_get_viewdef(c.oid, true), ';') AS definition FROM pg_class c JOIN pg_namespace n ON n.oid = "
        "c.relnamespace WHERE c.relkind = 'v' AND n.nspname = current_schema() AND c.relname IN ({});\n",
        text::join(names, ", "));
    for (auto it = views.rbegin(); it != views.rend(); ++it)
        out.up += fmt::format("DROP VIEW IF EXISTS {};\n", quote((*it)->name));
    out.down = "DO $$ DECLARE v record; BEGIN FOR v IN SELECT name, definition FROM trellis_views ORDER BY made LOOP "
               "EXECUTE format('CREATE VIEW %I AS %s', v.name, v.definition); END LOOP; END $$;\nDROP TABLE "
               "trellis_views;\n";
    return out;
}

} // namespace

std::string create_tables_sql(const std::vector<const Table*>& tables, Dialect dialect) {
    return joined(create_steps(tables, dialect, true), true);
}

std::string drop_tables_sql(const std::vector<const Table*>& tables, Dialect dialect,
                            std::vector<std::string>* dropped) {
    auto plan = creation_plan(tables);
    if (dropped)
        for (auto it = plan.tables.rbegin(); it != plan.tables.rend(); ++it)
            dropped->push_back((*it)->name);
    return joined(drop_steps(tables, dialect, false), true);
}

RenderedChange render(const std::vector<Operation>& operations, const Schema& before, Dialect dialect) {
    std::vector<const Operation*> ordered;
    for (const auto& op : operations)
        ordered.push_back(&op);
    std::stable_sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return phase(a->kind) < phase(b->kind); });
    std::vector<const Table*> created, dropped;
    for (const auto* op : ordered) {
        if (op->kind == OpKind::create_table)
            created.push_back(&op->after);
        if (op->kind == OpKind::drop_table)
            dropped.push_back(&op->before);
    }
    std::vector<Step> steps;
    std::set<std::string> rebuilt;
    bool created_done = false;
    for (const auto* op : ordered) {
        if (op->kind == OpKind::create_table) {
            if (!std::exchange(created_done, true))
                for (auto& s : create_steps(created, dialect))
                    steps.push_back(std::move(s));
            continue;
        }
        if (op->kind == OpKind::drop_table)
            continue; // last, all together
        const auto* old = before.find(op->table);
        Table from = old ? *old : op->before;
        if (dialect == Dialect::sqlite) {
            std::vector<Operation> mine;
            for (const auto& other : operations)
                if (other.table == op->table)
                    mine.push_back(other);
            if (sqlite_rebuilds(mine, from)) {
                if (rebuilt.insert(op->table).second) {
                    auto to = trellis::apply(from, mine);
                    std::string warnings;
                    for (const auto& o : mine)
                        warnings += (!o.destructive                   ? ""
                                     : o.kind == OpKind::alter_column ? narrowing_warning(o)
                                                                      : warn(o.describe())) +
                                    rename_note(o);
                    steps.push_back({warnings + rebuild(from, to, before.objects), rebuild(to, from, before.objects)});
                }
                continue;
            }
        }
        steps.push_back(operation_step(*op, from, dialect));
    }
    for (auto& s : drop_steps(dropped, dialect, true))
        steps.push_back(std::move(s));
    if (dialect == Dialect::postgresql) {
        // Enum types: created and labels added first, labels removed and types dropped last.
        auto types =
            enum_changes(before, trellis::apply(before, operations), joined(steps, true), joined(steps, false));
        steps.insert(steps.begin(), Step{types.first_up, types.first_down});
        steps.push_back({types.last_up, types.last_down});
        auto views = views_around_retypes(ordered, before);
        // The downgrade runs the steps backwards: it keeps the views aside first too.
        steps.insert(steps.begin(), Step{views.up, views.down});
        steps.push_back({views.down, views.up});
    }
    RenderedChange out;
    out.upgrade = joined(steps, true);
    for (auto it = steps.rbegin(); it != steps.rend(); ++it)
        out.downgrade += it->down;
    return out;
}

} // namespace trellis
