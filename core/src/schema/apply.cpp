#include "schema/apply.hpp"

#include <algorithm>

namespace trellis {

namespace {

// `op`, an operation on an index or a constraint, made on `result`.
void apply_to_constraints(Table& result, const Operation& op) {
    const auto& target = op.after;
    auto copy_named = [&](auto& into, const auto& from, const std::string& name, bool add) {
        std::erase_if(into, [&](const auto& x) { return x.name == name; });
        if (add)
            for (const auto& x : from)
                if (x.name == name)
                    into.push_back(x);
    };
    switch (op.kind) {
    case OpKind::create_index:
        copy_named(result.indexes, target.indexes, op.subject, true);
        break;
    case OpKind::drop_index:
        copy_named(result.indexes, target.indexes, op.subject, false);
        break;
    case OpKind::add_unique:
        copy_named(result.uniques, target.uniques, op.subject, true);
        break;
    // Only the subject goes: another plugin's keys on the table stay for its own revision.
    case OpKind::drop_unique:
        std::erase_if(result.uniques, [&](auto& u) {
            return u.name == op.subject && std::none_of(target.uniques.begin(), target.uniques.end(),
                                                        [&](auto& t) { return t.columns == u.columns; });
        });
        break;
    case OpKind::add_foreign_key:
        copy_named(result.foreign_keys, target.foreign_keys, op.subject, true);
        break;
    case OpKind::drop_foreign_key:
        std::erase_if(result.foreign_keys, [&](auto& f) {
            return foreign_key_subject(f) == op.subject &&
                   std::none_of(target.foreign_keys.begin(), target.foreign_keys.end(),
                                [&](auto& t) { return same_foreign_key(t, f); });
        });
        break;
    case OpKind::add_check:
        copy_named(result.checks, target.checks, op.subject, true);
        break;
    case OpKind::drop_check:
        copy_named(result.checks, target.checks, op.subject, false);
        break;
    default:
        break;
    }
}

// `op` made on `result`, the table it is about.
void apply_one(Table& result, const Operation& op) {
    const auto& target = op.after;
    switch (op.kind) {
    case OpKind::create_table:
        result = target;
        break;
    case OpKind::drop_table:
        result = Table{};
        break;
    case OpKind::add_column:
    case OpKind::alter_column: {
        const auto* c = find_column(target, op.subject);
        auto it =
            std::find_if(result.columns.begin(), result.columns.end(), [&](auto& x) { return x.name == op.subject; });
        if (it != result.columns.end())
            *it = *c;
        else
            result.columns.push_back(*c);
        break;
    }
    case OpKind::drop_column:
        std::erase_if(result.columns, [&](auto& x) { return x.name == op.subject; });
        break;
    case OpKind::alter_primary_key:
        result.primary_key = target.primary_key;
        result.primary_key_name = target.primary_key_name;
        break;
    default:
        apply_to_constraints(result, op);
        break;
    }
}

} // namespace

Table apply(const Table& table, const std::vector<Operation>& operations) {
    Table result = table;
    for (const auto& op : operations)
        if (op.table == table.name || (table.name.empty() && op.kind == OpKind::create_table))
            apply_one(result, op);
    return result;
}

Schema apply(const Schema& schema, const std::vector<Operation>& operations) {
    Schema result = schema;
    for (const auto& op : operations)
        if (op.kind == OpKind::create_table && !result.find(op.table))
            result.tables.push_back(op.after);
    for (auto& table : result.tables)
        table = trellis::apply(table, operations);
    std::erase_if(result.tables, [](const Table& t) { return t.name.empty(); });
    result.sort();
    return result;
}

} // namespace trellis
