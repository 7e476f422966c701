#include "schema/render.hpp"

#include "schema/apply.hpp"
#include "schema/column_sql.hpp"
#include "schema/ddl.hpp"
#include "schema/enum_types.hpp"
#include "schema/identifier.hpp"
#include "schema/retype_views.hpp"
#include "schema/sqlite_rebuild.hpp"
#include "schema/table_steps.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <utility>

namespace trellis {

namespace {

std::string warn(const std::string& what) {
    return fmt::format("-- WARNING: {}.\n", what);
}

std::string narrowing_warning(const Operation& op) {
    return warn(fmt::format("narrows {}.{}: while a value does not fit, this revision fails (trellis never cuts "
                            "data); change those rows or the model",
                            op.table, op.subject));
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
        out += fmt::format("{} DROP CONSTRAINT {};\n", alter_table(from.name),
                           quote(from.primary_key_name.empty() ? from.name + "_pkey" : from.primary_key_name));
    if (!to.primary_key.empty())
        out +=
            fmt::format("{} ADD {};\n", alter_table(to.name),
                        constraint(to.primary_key_name, fmt::format("PRIMARY KEY ({})", quote_list(to.primary_key))));
    return out;
}

// Indexes, unique constraints, foreign keys and checks: each added or dropped by its name, the
// downgrade doing the inverse.
SqlStep constraint_step(const Operation& op, const Table& before) {
    const auto& after = op.after;
    const auto& table = op.table;
    bool adds = op.kind == OpKind::create_index || op.kind == OpKind::add_unique ||
                op.kind == OpKind::add_foreign_key || op.kind == OpKind::add_check;
    const auto& source = adds ? after : before;
    auto both_ways = [&](std::string add, std::string drop) {
        return adds ? SqlStep{std::move(add), std::move(drop)} : SqlStep{std::move(drop), std::move(add)};
    };
    auto drop_constraint = fmt::format("{} DROP CONSTRAINT {};\n", alter_table(table), quote(op.subject));
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
            fmt::format("{} ADD {};\n", alter_table(table),
                        constraint(op.subject, fmt::format("UNIQUE ({})", u ? quote_list(u->columns) : ""))),
            drop_constraint);
    }
    case OpKind::add_foreign_key:
    case OpKind::drop_foreign_key:
        for (const auto& f : source.foreign_keys)
            if (f.name == op.subject) {
                auto step = add_key_step(source, f);
                return both_ways(step.up, step.down);
            }
        break;
    case OpKind::add_check:
    case OpKind::drop_check:
        for (const auto& c : source.checks)
            if (c.name == op.subject)
                return both_ways(
                    fmt::format("{} ADD {};\n", alter_table(table), constraint(c.name, "CHECK (" + c.expression + ")")),
                    drop_constraint);
        break;
    default:
        break;
    }
    return {};
}

SqlStep operation_step(const Operation& op, const Table& before, Dialect dialect) {
    const auto& after = op.after;
    const auto& table = op.table;
    switch (op.kind) {
    case OpKind::add_column: {
        const auto& c = *find_column(after, op.subject);
        return {rename_note(op) + add_column_sql(after, c, dialect),
                fmt::format("{} DROP COLUMN {};\n", alter_table(table), quote(c.name))};
    }
    case OpKind::drop_column: {
        const auto& c = *find_column(before, op.subject);
        return {warn(fmt::format("drops column {}.{} and its data", table, c.name)) +
                    fmt::format("{} DROP COLUMN {};\n", alter_table(table), quote(c.name)),
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

// The operations in the order their SQL runs (phase), stable within a phase.
std::vector<const Operation*> ordered_by_phase(const std::vector<Operation>& operations) {
    std::vector<const Operation*> ordered;
    for (const auto& op : operations)
        ordered.push_back(&op);
    std::stable_sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return phase(a->kind) < phase(b->kind); });
    return ordered;
}

// SQLite: the one rebuild of `from` (op's table) that makes every operation on it, when ALTER
// cannot make them; the operations' warnings and rename notes go first.
SqlStep rebuild_step(const std::vector<Operation>& mine, const Table& from, const Schema& before) {
    auto to = trellis::apply(from, mine);
    std::string warnings;
    for (const auto& o : mine)
        warnings += (!o.destructive                   ? ""
                     : o.kind == OpKind::alter_column ? narrowing_warning(o)
                                                      : warn(o.describe())) +
                    rename_note(o);
    return {warnings + rebuild(from, to, before.objects), rebuild(to, from, before.objects)};
}

// Dropping `tables`, each DROP TABLE warned of.
std::vector<SqlStep> warned_drops(const std::vector<const Table*>& tables, Dialect dialect) {
    auto steps = drop_table_steps(tables, dialect);
    for (auto& s : steps)
        if (s.up.starts_with("DROP TABLE"))
            s.up = warn(fmt::format("drops table {} and every row in it", s.up.substr(11, s.up.size() - 13))) + s.up;
    return steps;
}

// The steps of every operation but whole tables dropped, in `ordered`'s order: the tables created
// together, the first time one is; on SQLite a table ALTER cannot change rebuilt once.
std::vector<SqlStep> operation_steps(const std::vector<const Operation*>& ordered,
                                     const std::vector<Operation>& operations, const Schema& before, Dialect dialect) {
    std::vector<const Table*> created;
    for (const auto* op : ordered)
        if (op->kind == OpKind::create_table)
            created.push_back(&op->after);
    std::vector<SqlStep> steps;
    std::set<std::string> rebuilt;
    bool created_done = false;
    for (const auto* op : ordered) {
        if (op->kind == OpKind::create_table) {
            if (!std::exchange(created_done, true))
                for (auto& s : create_table_steps(created, dialect))
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
                if (rebuilt.insert(op->table).second)
                    steps.push_back(rebuild_step(mine, from, before));
                continue;
            }
        }
        steps.push_back(operation_step(*op, from, dialect));
    }
    return steps;
}

} // namespace

RenderedChange render(const std::vector<Operation>& operations, const Schema& before, Dialect dialect) {
    auto ordered = ordered_by_phase(operations);
    auto steps = operation_steps(ordered, operations, before, dialect);
    std::vector<const Table*> dropped;
    for (const auto* op : ordered)
        if (op->kind == OpKind::drop_table)
            dropped.push_back(&op->before);
    for (auto& s : warned_drops(dropped, dialect))
        steps.push_back(std::move(s));
    if (dialect == Dialect::postgresql) {
        // Enum types: created and labels added first, labels removed and types dropped last.
        auto types =
            enum_changes(before, trellis::apply(before, operations), joined(steps, true), joined(steps, false));
        steps.insert(steps.begin(), SqlStep{types.first_up, types.first_down});
        steps.push_back({types.last_up, types.last_down});
        auto views = views_around_retypes(ordered, before);
        // The downgrade runs the steps backwards: it keeps the views aside first too.
        steps.insert(steps.begin(), SqlStep{views.up, views.down});
        steps.push_back({views.down, views.up});
    }
    RenderedChange out;
    out.upgrade = joined(steps, true);
    for (auto it = steps.rbegin(); it != steps.rend(); ++it)
        out.downgrade += it->down;
    return out;
}

} // namespace trellis
