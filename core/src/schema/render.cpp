#include "schema/render.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>

namespace trellis {

namespace {

std::string join(const std::vector<std::string>& names) {
    return text::join(names, ", ");
}

// The value existing rows get when a NOT NULL column without a default arrives.
std::string fill_value(const Column& c) {
    if (c.server_default)
        return *c.server_default;
    switch (c.type.kind) {
    case ColumnKind::boolean:
        return "false";
    case ColumnKind::text:
    case ColumnKind::varchar:
    case ColumnKind::binary:
        return "''";
    case ColumnKind::date:
        return "'1970-01-01'";
    case ColumnKind::time:
        return "'00:00:00'";
    case ColumnKind::timestamp:
    case ColumnKind::timestamp_tz:
        return "CURRENT_TIMESTAMP";
    case ColumnKind::uuid:
        return "'00000000-0000-0000-0000-000000000000'";
    case ColumnKind::json:
        return "'{}'";
    default:
        return "0";
    }
}

std::string column_definition(const Table& table, const Column& c, Dialect dialect) {
    auto out = fmt::format("{} {}", c.name, render_type(c.type, dialect));
    if (!c.nullable || in_primary_key(table, c.name))
        out += " NOT NULL";
    if (c.server_default)
        out += " DEFAULT " + *c.server_default;
    return out;
}

std::string references_clause(const ForeignKey& f) {
    auto out = fmt::format("REFERENCES {} ({})", f.referred_table, join(f.referred_columns));
    if (f.on_delete != ReferentialAction::no_action)
        out += " ON DELETE " + action_sql(f.on_delete);
    if (f.on_update != ReferentialAction::no_action)
        out += " ON UPDATE " + action_sql(f.on_update);
    return out;
}

std::string foreign_key_clause(const ForeignKey& f) {
    return fmt::format("FOREIGN KEY ({}) {}", join(f.columns), references_clause(f));
}

// On SQLite a single-column foreign key is written on its column, as `ADD COLUMN ... REFERENCES`
// writes it: SQLite can drop such a column later (ALTER TABLE DROP COLUMN), and refuses to when
// the key is a clause of the table. A table made from the models downgrades like one the
// revisions built.
bool on_its_column(const ForeignKey& f, Dialect dialect) {
    return dialect == Dialect::sqlite && f.columns.size() == 1;
}

std::string constraint(const std::string& name, const std::string& clause) {
    return name.empty() ? clause : fmt::format("CONSTRAINT {} {}", name, clause);
}

std::string index_sql(const std::string& table, const Index& i) {
    return fmt::format("CREATE {}INDEX {} ON {} ({});\n", i.unique ? "UNIQUE " : "", i.name, table, join(i.columns));
}

std::string create_table_body(const Table& t, const std::string& name, Dialect dialect) {
    std::vector<std::string> lines;
    for (const auto& c : t.columns) {
        lines.push_back(column_definition(t, c, dialect));
        for (const auto& f : t.foreign_keys)
            if (on_its_column(f, dialect) && f.columns.front() == c.name)
                lines.back() += " " + constraint(f.name, references_clause(f));
    }
    if (!t.primary_key.empty())
        lines.push_back(fmt::format("PRIMARY KEY ({})", join(t.primary_key)));
    for (const auto& u : t.uniques)
        if (dialect == Dialect::sqlite || u.columns != t.primary_key)
            lines.push_back(constraint(u.name.starts_with("sqlite_autoindex") ? "" : u.name,
                                       fmt::format("UNIQUE ({})", join(u.columns))));
    for (const auto& f : t.foreign_keys)
        if (!on_its_column(f, dialect))
            lines.push_back(constraint(f.name, foreign_key_clause(f)));
    for (const auto& c : t.checks)
        lines.push_back(constraint(c.name, fmt::format("CHECK ({})", c.expression)));
    return fmt::format("CREATE TABLE {} (\n    {}\n);\n", name, text::join(lines, ",\n    "));
}

struct Step {
    std::string up, down;
};

// --- the SQLite hook: a rebuild for what ALTER TABLE cannot do -----------------------------------

// A quoted string starting at `open` and ending the text ('' inside is an escaped quote).
bool string_literal(const std::string& s, std::size_t open) {
    if (s.size() < open + 2 || s[open] != '\'')
        return false;
    for (std::size_t i = open + 1; i < s.size(); ++i) {
        if (s[i] != '\'')
            continue;
        if (i + 1 < s.size() && s[i + 1] == '\'')
            ++i;
        else
            return i == s.size() - 1;
    }
    return false;
}

// A literal: a number, a string, a blob, a boolean or NULL, maybe signed or in parentheses.
// SQLite's ADD COLUMN refuses any other default (CURRENT_TIMESTAMP, a function call).
bool constant_default(std::string s) {
    s = text::to_lower(text::trim(s));
    while (s.size() >= 2 && s.front() == '(' && s.back() == ')')
        s = text::to_lower(text::trim(s.substr(1, s.size() - 2)));
    if (!s.empty() && (s.front() == '-' || s.front() == '+'))
        s = std::string(text::trim(s.substr(1)));
    if (s == "true" || s == "false" || s == "null" || string_literal(s, 0) ||
        (s.starts_with("x") && string_literal(s, 1)))
        return true;
    return !s.empty() && s.find_first_not_of("0123456789.e+-") == std::string::npos;
}

// Whether ALTER TABLE ADD COLUMN can put `c` into `table`: also what reverting its drop needs.
bool sqlite_adds(const Table& table, const Column& c) {
    bool unique = std::any_of(table.uniques.begin(), table.uniques.end(), [&](const auto& u) {
        return std::find(u.columns.begin(), u.columns.end(), c.name) != u.columns.end();
    });
    return (c.nullable || c.server_default) && (!c.server_default || constant_default(*c.server_default)) &&
           !in_primary_key(table, c.name) && !unique;
}

bool sqlite_alters(const Operation& op, const Table& before) {
    switch (op.kind) {
    case OpKind::create_index:
    case OpKind::drop_index:
        return true;
    case OpKind::add_column: {
        const auto* c = find_column(op.after, op.subject);
        return c && sqlite_adds(op.after, *c);
    }
    case OpKind::drop_column: {
        // SQLite refuses to drop a column that a key, an index or a constraint uses.
        auto uses = [&](const std::vector<std::string>& columns) {
            return std::find(columns.begin(), columns.end(), op.subject) != columns.end();
        };
        bool used =
            uses(before.primary_key) ||
            std::any_of(before.indexes.begin(), before.indexes.end(), [&](auto& i) { return uses(i.columns); }) ||
            std::any_of(before.uniques.begin(), before.uniques.end(), [&](auto& u) { return uses(u.columns); }) ||
            std::any_of(before.foreign_keys.begin(), before.foreign_keys.end(),
                        [&](auto& f) { return uses(f.columns); }) ||
            !before.checks.empty();
        const auto* c = find_column(before, op.subject);
        return !used && c && sqlite_adds(before, *c);
    }
    default:
        return false;
    }
}

// Copies the rows of `from` into a table shaped like `to`, then puts it in `from`'s place.
std::string rebuild(const Table& from, const Table& to) {
    auto temporary = "_trellis_new_" + to.name;
    std::vector<std::string> targets, sources;
    for (const auto& c : to.columns) {
        const auto* old = find_column(from, c.name);
        bool not_null = !c.nullable || in_primary_key(to, c.name);
        targets.push_back(c.name);
        // A new column: rows already there get its default, as ADD COLUMN gives them.
        if (!old)
            sources.push_back(not_null || c.server_default ? fill_value(c) : "NULL");
        else if (not_null && (old->nullable && !in_primary_key(from, c.name)))
            sources.push_back(fmt::format("COALESCE({}, {})", c.name, fill_value(c)));
        else
            sources.push_back(c.name);
    }
    std::string out = "-- SQLite cannot ALTER this: the table is rebuilt, keeping its rows.\n";
    out += create_table_body(to, temporary, Dialect::sqlite);
    out += fmt::format("INSERT INTO {} ({}) SELECT {} FROM {};\n", temporary, join(targets), join(sources), from.name);
    out += fmt::format("DROP TABLE {};\nALTER TABLE {} RENAME TO {};\n", from.name, temporary, to.name);
    for (const auto& i : to.indexes)
        out += index_sql(to.name, i);
    return out;
}

// --- per-operation SQL, for PostgreSQL and the operations SQLite can ALTER --------------------

std::string add_column_sql(const Table& table, const Column& c, Dialect dialect, bool existing_rows) {
    if (c.nullable || c.server_default || in_primary_key(table, c.name) || !existing_rows)
        return fmt::format("ALTER TABLE {} ADD COLUMN {};\n", table.name, column_definition(table, c, dialect));
    // NOT NULL without a default on a table with rows: add it with a server default that fills the
    // existing rows, then drop the default the model does not keep.
    Column with_default = c;
    with_default.server_default = fill_value(c);
    return fmt::format("-- Existing rows get {}: change the value here if another one fits them.\n"
                       "ALTER TABLE {} ADD COLUMN {};\nALTER TABLE {} ALTER COLUMN {} DROP DEFAULT;\n",
                       *with_default.server_default, table.name, column_definition(table, with_default, dialect),
                       table.name, c.name);
}

std::string alter_column_sql(const Table& table, const Column& from, const Column& to, Dialect dialect) {
    std::string out;
    auto name = fmt::format("ALTER TABLE {} ALTER COLUMN {}", table.name, to.name);
    bool retype = from.type.kind != to.type.kind || from.type.length != to.type.length ||
                  from.type.precision != to.type.precision || from.type.scale != to.type.scale;
    bool redefault =
        normalize_default(from.server_default, from.type.kind) != normalize_default(to.server_default, to.type.kind);
    // PostgreSQL casts the old default to the new type and refuses when it cannot (`'abc'` to
    // INTEGER): the default goes first and comes back after the type.
    if (retype && from.server_default) {
        out += fmt::format("{} DROP DEFAULT;\n", name);
        redefault = to.server_default.has_value();
    }
    if (retype)
        out += fmt::format("{} TYPE {} USING {}::{};\n", name, render_type(to.type, dialect), to.name,
                           render_type(to.type, dialect));
    if (redefault)
        out += to.server_default ? fmt::format("{} SET DEFAULT {};\n", name, *to.server_default)
                                 : fmt::format("{} DROP DEFAULT;\n", name);
    bool from_null = from.nullable && !in_primary_key(table, from.name);
    bool to_null = to.nullable && !in_primary_key(table, to.name);
    if (from_null && !to_null)
        out += fmt::format("UPDATE {} SET {} = {} WHERE {} IS NULL;\n{} SET NOT NULL;\n", table.name, to.name,
                           fill_value(to), to.name, name);
    else if (!from_null && to_null)
        out += fmt::format("{} DROP NOT NULL;\n", name);
    return out;
}

std::string find_name(const std::vector<UniqueConstraint>& uniques, const std::string& name) {
    for (const auto& u : uniques)
        if (u.name == name)
            return join(u.columns);
    return "";
}

// An added column with the type of a dropped one in the same table may be that column renamed.
std::string rename_note(const Operation& op) {
    if (op.kind != OpKind::add_column || op.rename_from.empty())
        return "";
    return fmt::format(
        "-- {} has the type of the dropped {}: if it is a rename, keep the data with\n"
        "-- ALTER TABLE {} RENAME COLUMN {} TO {};\n-- in place of adding the one and dropping the other.\n",
        op.subject, op.rename_from, op.table, op.rename_from, op.subject);
}

Step operation_step(const Operation& op, const Table& before, Dialect dialect) {
    const auto& after = op.after;
    auto table = op.table;
    auto warn = [&](const std::string& what) { return fmt::format("-- WARNING: {}.\n", what); };
    switch (op.kind) {
    case OpKind::add_column: {
        const auto& c = *find_column(after, op.subject);
        std::string up = rename_note(op) + add_column_sql(after, c, dialect, true);
        return {up, fmt::format("ALTER TABLE {} DROP COLUMN {};\n", table, c.name)};
    }
    case OpKind::drop_column: {
        const auto& c = *find_column(before, op.subject);
        return {warn(fmt::format("drops column {}.{} and its data", table, c.name)) +
                    fmt::format("ALTER TABLE {} DROP COLUMN {};\n", table, c.name),
                add_column_sql(before, c, dialect, true)};
    }
    case OpKind::alter_column: {
        const auto& from = *find_column(before, op.subject);
        const auto& to = *find_column(after, op.subject);
        auto up = alter_column_sql(after, from, to, dialect);
        if (op.destructive)
            up =
                warn(fmt::format("narrows {}.{}: values that do not fit make this fail or lose data", table, to.name)) +
                up;
        return {up, alter_column_sql(before, to, from, dialect)};
    }
    case OpKind::alter_primary_key: {
        auto set = [&](const Table& t) {
            return fmt::format("ALTER TABLE {0} DROP CONSTRAINT {0}_pkey;\n{1}", table,
                               t.primary_key.empty()
                                   ? ""
                                   : fmt::format("ALTER TABLE {} ADD PRIMARY KEY ({});\n", table, join(t.primary_key)));
        };
        return {set(after), set(before)};
    }
    case OpKind::create_index:
        for (const auto& i : after.indexes)
            if (i.name == op.subject)
                return {index_sql(table, i), fmt::format("DROP INDEX {};\n", i.name)};
        break;
    case OpKind::drop_index:
        for (const auto& i : before.indexes)
            if (i.name == op.subject)
                return {fmt::format("DROP INDEX {};\n", i.name), index_sql(table, i)};
        break;
    case OpKind::add_unique:
        return {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({});\n", table, op.subject,
                            find_name(after.uniques, op.subject)),
                fmt::format("ALTER TABLE {} DROP CONSTRAINT {};\n", table, op.subject)};
    case OpKind::drop_unique:
        return {fmt::format("ALTER TABLE {} DROP CONSTRAINT {};\n", table, op.subject),
                fmt::format("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({});\n", table, op.subject,
                            find_name(before.uniques, op.subject))};
    case OpKind::add_foreign_key:
        for (const auto& f : after.foreign_keys)
            if (f.name == op.subject)
                return {fmt::format("ALTER TABLE {} ADD {};\n", table, constraint(f.name, foreign_key_clause(f))),
                        fmt::format("ALTER TABLE {} DROP CONSTRAINT {};\n", table, f.name)};
        break;
    case OpKind::drop_foreign_key:
        for (const auto& f : before.foreign_keys)
            if (f.name == op.subject)
                return {fmt::format("ALTER TABLE {} DROP CONSTRAINT {};\n", table, f.name),
                        fmt::format("ALTER TABLE {} ADD {};\n", table, constraint(f.name, foreign_key_clause(f)))};
        break;
    case OpKind::add_check:
        for (const auto& c : after.checks)
            if (c.name == op.subject)
                return {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({});\n", table, c.name, c.expression),
                        fmt::format("ALTER TABLE {} DROP CONSTRAINT {};\n", table, c.name)};
        break;
    case OpKind::drop_check:
        for (const auto& c : before.checks)
            if (c.name == op.subject)
                return {fmt::format("ALTER TABLE {} DROP CONSTRAINT {};\n", table, c.name),
                        fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({});\n", table, c.name, c.expression)};
        break;
    case OpKind::create_table:
    case OpKind::drop_table:
        break;
    }
    return {};
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

// Created tables after the tables they refer to; dropped ones in the reverse order.
std::vector<const Operation*> ordered(const std::vector<Operation>& ops) {
    std::vector<const Operation*> out;
    for (const auto& op : ops)
        out.push_back(&op);
    std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) { return phase(a->kind) < phase(b->kind); });
    auto refers = [](const Table& t, const std::string& other) {
        return std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                           [&](auto& f) { return f.referred_table == other; });
    };
    for (std::size_t i = 0; i < out.size(); ++i)
        for (std::size_t j = i + 1; j < out.size(); ++j) {
            bool creates = out[i]->kind == OpKind::create_table && out[j]->kind == OpKind::create_table &&
                           refers(out[i]->after, out[j]->table);
            bool drops = out[i]->kind == OpKind::drop_table && out[j]->kind == OpKind::drop_table &&
                         refers(out[j]->before, out[i]->table);
            if (creates || drops)
                std::rotate(out.begin() + i, out.begin() + j, out.begin() + j + 1);
        }
    return out;
}

} // namespace

std::vector<const Table*> creation_order(const std::vector<const Table*>& tables) {
    std::vector<const Table*> order, left = tables;
    std::set<std::string> placed;
    while (!left.empty()) {
        auto ready = std::find_if(left.begin(), left.end(), [&](const Table* t) {
            return std::all_of(t->foreign_keys.begin(), t->foreign_keys.end(), [&](const ForeignKey& f) {
                return f.referred_table == t->name || placed.count(f.referred_table) ||
                       std::none_of(left.begin(), left.end(),
                                    [&](const Table* o) { return o->name == f.referred_table; });
            });
        });
        if (ready == left.end())
            ready = left.begin();
        placed.insert((*ready)->name);
        order.push_back(*ready);
        left.erase(ready);
    }
    return order;
}

std::string create_table_sql(const Table& table, Dialect dialect) {
    auto out = create_table_body(table, table.name, dialect);
    // Inside CREATE TABLE, PostgreSQL folds a unique constraint on the primary key's columns into
    // the primary key, which then takes the unique constraint's name: added after, it stays itself.
    for (const auto& u : table.uniques)
        if (dialect == Dialect::postgresql && u.columns == table.primary_key)
            out += fmt::format("ALTER TABLE {} ADD {};\n", table.name,
                               constraint(u.name, fmt::format("UNIQUE ({})", join(u.columns))));
    for (const auto& i : table.indexes)
        out += index_sql(table.name, i);
    return out;
}

RenderedChange render(const std::vector<Operation>& operations, const Schema& before, Dialect dialect) {
    std::vector<Step> steps;
    std::set<std::string> rebuilt;
    for (const auto* op : ordered(operations)) {
        if (op->kind == OpKind::create_table) {
            steps.push_back({create_table_sql(op->after, dialect), fmt::format("DROP TABLE {};\n", op->table)});
            continue;
        }
        if (op->kind == OpKind::drop_table) {
            steps.push_back(
                {fmt::format("-- WARNING: drops table {} and every row in it.\nDROP TABLE {};\n", op->table, op->table),
                 create_table_sql(op->before, dialect)});
            continue;
        }
        const auto* old = before.find(op->table);
        Table from = old ? *old : op->before;
        if (dialect == Dialect::sqlite) {
            std::vector<Operation> mine;
            for (const auto& other : operations)
                if (other.table == op->table)
                    mine.push_back(other);
            bool needs_rebuild =
                std::any_of(mine.begin(), mine.end(), [&](auto& o) { return !sqlite_alters(o, from); });
            if (needs_rebuild) {
                if (rebuilt.insert(op->table).second) {
                    auto to = trellis::apply(from, mine);
                    std::string warnings;
                    for (const auto& o : mine)
                        warnings +=
                            (o.destructive ? fmt::format("-- WARNING: {}.\n", o.describe()) : "") + rename_note(o);
                    steps.push_back({warnings + rebuild(from, to), rebuild(to, from)});
                }
                continue;
            }
        }
        steps.push_back(operation_step(*op, from, dialect));
    }
    RenderedChange out;
    for (const auto& s : steps)
        out.upgrade += s.up;
    for (auto it = steps.rbegin(); it != steps.rend(); ++it)
        out.downgrade += it->down;
    return out;
}

} // namespace trellis
