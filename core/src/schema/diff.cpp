#include "schema/diff.hpp"

#include "schema/expression.hpp"
#include "schema/types.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace trellis {

namespace {

// Primary-key columns are NOT NULL whatever was declared; both sides compare that way.
bool nullable(const Table& table, const Column& column) {
    return column.nullable && !in_primary_key(table, column.name);
}

bool integral(const ColumnType& t) {
    return !t.array &&
           (t.kind == ColumnKind::integer || t.kind == ColumnKind::bigint || t.kind == ColumnKind::smallint);
}

// An auto-increment id is SQLite's INTEGER whatever integer type the model gives it.
bool same_column_type(const Column& a, const Column& b) {
    if (a.auto_increment && b.auto_increment && integral(a.type) && integral(b.type) &&
        (a.type.kind == ColumnKind::integer || b.type.kind == ColumnKind::integer))
        return true;
    return same_type(a.type, b.type);
}

// PostgreSQL's own name for a primary key is no name at all.
std::string primary_key_name(const Table& t) {
    return t.primary_key_name == t.name + "_pkey" ? "" : t.primary_key_name;
}

std::vector<std::string> index_keys(const Index& i) {
    std::vector<std::string> out;
    for (const auto& c : i.columns)
        out.push_back(index_key(c).normalized());
    return out;
}

bool same_index(const Index& a, const Index& b) {
    return a.unique == b.unique && index_keys(a) == index_keys(b) &&
           normalize_expression(a.where) == normalize_expression(b.where);
}

std::optional<std::string> generation(const Column& c) {
    return c.generated ? std::optional<std::string>(normalize_expression(*c.generated)) : std::nullopt;
}

// A computed column (identity, generated) has no default to compare.
std::optional<std::string> compared_default(const Column& c) {
    if (c.auto_increment || c.generated)
        return std::nullopt;
    return normalize_default(c.server_default, c.type.kind);
}

std::string column_sql(const Table& table, const Column& c) {
    auto out = fmt::format("{} {}", c.name, type_name(c.type));
    if (c.auto_increment)
        out += " AUTO INCREMENT";
    if (c.generated)
        out += fmt::format(" GENERATED AS ({})", *c.generated);
    if (!nullable(table, c))
        out += " NOT NULL";
    if (auto d = compared_default(c))
        out += " DEFAULT " + *d;
    return out;
}

class Differ {
public:
    Differ(const Schema& models, std::vector<Operation>& out)
        : m_models(models)
        , m_out(out) {}

    void add(OpKind kind, const Table& before, const Table& after, std::string subject, std::string owner,
             bool destructive = false) {
        Operation op{kind,
                     after.name.empty() ? before.name : after.name,
                     std::move(owner),
                     before,
                     after,
                     std::move(subject),
                     destructive,
                     ""};
        m_out.push_back(std::move(op));
    }

    void table(const Table& model, const Table& db) {
        auto owner = [&](const std::string& column = "") { return m_models.owner(model.name, column); };
        for (const auto& c : model.columns) {
            const auto* have = find_column(db, c.name);
            if (!have) {
                add(OpKind::add_column, db, model, c.name, owner(c.name));
                continue;
            }
            bool type_differs = !same_column_type(c, *have);
            bool null_differs = nullable(model, c) != nullable(db, *have);
            bool default_differs = compared_default(c) != compared_default(*have);
            bool computed_differs = c.auto_increment != have->auto_increment || generation(c) != generation(*have);
            if (type_differs || null_differs || default_differs || computed_differs)
                add(OpKind::alter_column, db, model, c.name, owner(c.name),
                    type_differs && !widens_or_keeps(have->type, c.type));
        }
        for (const auto& c : db.columns)
            if (!find_column(model, c.name))
                add(OpKind::drop_column, db, model, c.name, m_models.owner(model.name), true);
        if (model.primary_key != db.primary_key ||
            (!model.primary_key.empty() && primary_key_name(model) != primary_key_name(db)))
            add(OpKind::alter_primary_key, db, model, "primary key", owner());
        indexes(model, db);
        uniques(model, db, owner());
        foreign_keys(model, db);
        checks(model, db, owner());
    }

    // A new table: its owner's revision creates it with the owner's columns, indexes and keys;
    // what other plugins add to it goes into their revisions, as added to an existing table, so
    // that each plugin's branch holds what it declares.
    void create(const Table& model) {
        auto owner = m_models.owner(model.name);
        Table created = model;
        std::erase_if(created.columns, [&](auto& c) { return m_models.owner(model.name, c.name) != owner; });
        std::erase_if(created.indexes, [&](auto& i) { return index_owner(model, i) != owner; });
        std::erase_if(created.foreign_keys,
                      [&](auto& f) { return m_models.owner(model.name, f.columns.front()) != owner; });
        add(OpKind::create_table, Table{}, created, model.name, owner);
        if (created.columns.size() == model.columns.size() && created.indexes.size() == model.indexes.size() &&
            created.foreign_keys.size() == model.foreign_keys.size())
            return;
        // Compared as reflected after its creation: defaults in their normal form.
        for (auto& c : created.columns)
            c.server_default = normalize_default(c.server_default, c.type.kind);
        table(model, created);
    }

    void indexes(const Table& model, const Table& db) {
        for (const auto& i : model.indexes) {
            auto it =
                std::find_if(db.indexes.begin(), db.indexes.end(), [&](const Index& d) { return d.name == i.name; });
            if (it != db.indexes.end() && same_index(*it, i))
                continue;
            if (it != db.indexes.end())
                add(OpKind::drop_index, db, model, i.name, index_owner(model, i));
            add(OpKind::create_index, db, model, i.name, index_owner(model, i));
        }
        for (const auto& d : db.indexes)
            if (std::none_of(model.indexes.begin(), model.indexes.end(),
                             [&](const Index& i) { return i.name == d.name; }))
                add(OpKind::drop_index, db, model, d.name, index_owner(model, d));
    }

    // An index on columns a plugin added to another's table belongs to that plugin.
    std::string index_owner(const Table& model, const Index& index) {
        for (const auto& column : index.columns) {
            auto o = m_models.owner(model.name, column);
            if (o != m_models.owner(model.name))
                return o;
        }
        return m_models.owner(model.name);
    }

    void uniques(const Table& model, const Table& db, const std::string& owner) {
        // SQLite forgets unique constraints' names: compare by columns. A unique constraint on the
        // primary key's columns adds nothing, and PostgreSQL's CREATE TABLE silently leaves it
        // out: neither side counts it.
        auto redundant = [](const Table& t, const UniqueConstraint& u) { return u.columns == t.primary_key; };
        for (const auto& u : model.uniques)
            if (!redundant(model, u) && std::none_of(db.uniques.begin(), db.uniques.end(),
                                                     [&](const auto& d) { return d.columns == u.columns; }))
                add(OpKind::add_unique, db, model, u.name, owner);
        for (const auto& d : db.uniques)
            if (!redundant(db, d) && std::none_of(model.uniques.begin(), model.uniques.end(),
                                                  [&](const auto& u) { return d.columns == u.columns; }))
                add(OpKind::drop_unique, db, model, d.name, owner);
    }

    void foreign_keys(const Table& model, const Table& db) {
        // SQLite forgets foreign keys' names too: compare by content.
        for (const auto& f : model.foreign_keys)
            if (std::none_of(db.foreign_keys.begin(), db.foreign_keys.end(),
                             [&](const auto& d) { return same_foreign_key(d, f); }))
                add(OpKind::add_foreign_key, db, model, f.name, m_models.owner(model.name, f.columns.front()));
        for (const auto& d : db.foreign_keys)
            if (std::none_of(model.foreign_keys.begin(), model.foreign_keys.end(),
                             [&](const auto& f) { return same_foreign_key(d, f); }))
                add(OpKind::drop_foreign_key, db, model, foreign_key_subject(d),
                    m_models.owner(model.name, d.columns.front()));
    }

    void checks(const Table& model, const Table& db, const std::string& owner) {
        // By name: databases rewrite expressions (PostgreSQL adds parentheses and casts).
        for (const auto& c : model.checks)
            if (std::none_of(db.checks.begin(), db.checks.end(), [&](const auto& d) { return d.name == c.name; }))
                add(OpKind::add_check, db, model, c.name, owner);
        for (const auto& d : db.checks)
            if (std::none_of(model.checks.begin(), model.checks.end(), [&](const auto& c) { return d.name == c.name; }))
                add(OpKind::drop_check, db, model, d.name, owner);
    }

private:
    const Schema& m_models;
    std::vector<Operation>& m_out;
};

void flag_renames(std::vector<Operation>& ops) {
    for (auto& added : ops) {
        if (added.kind != OpKind::add_column)
            continue;
        const auto* a = find_column(added.after, added.subject);
        for (const auto& dropped : ops) {
            if (dropped.kind != OpKind::drop_column || dropped.table != added.table)
                continue;
            const auto* d = find_column(dropped.before, dropped.subject);
            if (a && d && same_column_type(*a, *d)) {
                added.rename_from = dropped.subject;
                break;
            }
        }
    }
}

} // namespace

bool same_foreign_key(const ForeignKey& a, const ForeignKey& b) {
    return (a.name.empty() || b.name.empty() || a.name == b.name) && a.columns == b.columns &&
           a.referred_table == b.referred_table && a.referred_columns == b.referred_columns &&
           a.on_delete == b.on_delete && a.on_update == b.on_update && a.deferrable == b.deferrable &&
           a.initially_deferred == b.initially_deferred;
}

std::string foreign_key_subject(const ForeignKey& key) {
    return key.name.empty() ? text::join(key.columns, ",") : key.name;
}

const char* Operation::code() const {
    switch (kind) {
    case OpKind::create_table:
        return "create_table";
    case OpKind::drop_table:
        return "drop_table";
    case OpKind::add_column:
        return "add_column";
    case OpKind::drop_column:
        return "drop_column";
    case OpKind::alter_column:
        return "alter_column";
    case OpKind::alter_primary_key:
        return "alter_primary_key";
    case OpKind::create_index:
        return "create_index";
    case OpKind::drop_index:
        return "drop_index";
    case OpKind::add_unique:
        return "add_unique";
    case OpKind::drop_unique:
        return "drop_unique";
    case OpKind::add_foreign_key:
        return "add_foreign_key";
    case OpKind::drop_foreign_key:
        return "drop_foreign_key";
    case OpKind::add_check:
        return "add_check";
    case OpKind::drop_check:
        return "drop_check";
    }
    return "";
}

std::string Operation::describe() const {
    auto column = [&](const Table& t) {
        const auto* c = find_column(t, subject);
        return c ? column_sql(t, *c) : subject;
    };
    std::string text;
    switch (kind) {
    case OpKind::create_table:
        text = fmt::format("create table {} ({} columns)", table, after.columns.size());
        break;
    case OpKind::drop_table:
        text = fmt::format("drop table {} (its rows are lost)", table);
        break;
    case OpKind::add_column:
        text = fmt::format("add column {}.{}", table, column(after));
        break;
    case OpKind::drop_column:
        text = fmt::format("drop column {}.{} (its data is lost)", table, subject);
        break;
    case OpKind::alter_column:
        text = fmt::format("alter column {}.{} -> {}{}", table, column(before), column(after),
                           destructive ? " (narrowing: data may not fit)" : "");
        break;
    case OpKind::alter_primary_key:
        text = fmt::format("primary key of {}: ({}) -> ({})", table, text::join(before.primary_key, ", "),
                           text::join(after.primary_key, ", "));
        break;
    case OpKind::create_index:
        text = fmt::format("create index {} on {}", subject, table);
        break;
    case OpKind::drop_index:
        text = fmt::format("drop index {} on {}", subject, table);
        break;
    case OpKind::add_unique:
        text = fmt::format("add unique constraint {} on {}", subject, table);
        break;
    case OpKind::drop_unique:
        text = fmt::format("drop unique constraint {} on {}", subject, table);
        break;
    case OpKind::add_foreign_key:
        text = fmt::format("add foreign key {} on {}", subject, table);
        break;
    case OpKind::drop_foreign_key:
        text = fmt::format("drop foreign key {} on {}", subject, table);
        break;
    case OpKind::add_check:
        text = fmt::format("add check constraint {} on {}", subject, table);
        break;
    case OpKind::drop_check:
        text = fmt::format("drop check constraint {} on {}", subject, table);
        break;
    }
    if (!rename_from.empty())
        text += fmt::format(" (possibly a rename of {})", rename_from);
    return text;
}

std::vector<Operation> diff(const Schema& models, const Schema& database, UnownedTables unowned) {
    std::vector<Operation> ops;
    Differ differ(models, ops);
    for (const auto& model : models.tables) {
        if (const auto* db = database.find(model.name))
            differ.table(model, *db);
        else
            differ.create(model);
    }
    if (unowned == UnownedTables::drop)
        for (const auto& db : database.tables)
            if (!models.find(db.name))
                differ.add(OpKind::drop_table, db, Table{}, db.name, "", true);
    flag_renames(ops);
    return ops;
}

} // namespace trellis
