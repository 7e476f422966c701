#include "schema/sqlite_rebuild.hpp"

#include "schema/ddl.hpp"
#include "schema/expression.hpp"
#include "schema/identifier.hpp"
#include "schema/types.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <set>

namespace trellis {

namespace {

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

// The words of an SQL text, quoted names among them: what tells whether it names a table.
std::vector<std::string> words(const std::string& sql) {
    std::vector<std::string> out;
    std::string word;
    char quote = 0;
    for (char c : sql) {
        if (quote) {
            word += c;
            if (c == quote || (quote == '[' && c == ']')) {
                out.push_back(word);
                word.clear();
                quote = 0;
            }
        } else if (c == '"' || c == '`' || c == '[') {
            quote = c;
            word = std::string(1, c);
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
            word += c;
        } else if (!word.empty()) {
            out.push_back(word);
            word.clear();
        }
    }
    if (!word.empty())
        out.push_back(word);
    return out;
}

} // namespace

std::vector<const SchemaObject*> dependents(const std::string& table, const std::vector<SchemaObject>& objects,
                                            Dialect dialect) {
    std::set<std::string> names{text::to_lower(table)};
    std::vector<const SchemaObject*> out;
    for (bool grew = true; grew;) {
        grew = false;
        for (const auto& o : objects) {
            if (o.dialect != dialect || std::find(out.begin(), out.end(), &o) != out.end())
                continue;
            auto w = words(o.sql);
            bool names_one = names.count(text::to_lower(o.table)) || std::any_of(w.begin(), w.end(), [&](auto& x) {
                                 return names.count(text::to_lower(unquote(x)));
                             });
            if (names_one) {
                out.push_back(&o);
                names.insert(text::to_lower(o.name));
                grew = true;
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool sqlite_adds(const Table& table, const Column& c) {
    bool unique = std::any_of(table.uniques.begin(), table.uniques.end(), [&](const auto& u) {
        return std::find(u.columns.begin(), u.columns.end(), c.name) != u.columns.end();
    });
    return (c.nullable || c.server_default) && (!c.server_default || constant_default(*c.server_default)) &&
           !in_primary_key(table, c.name) && !unique && !c.generated && !c.auto_increment;
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

bool sqlite_rebuilds(const std::vector<Operation>& operations, const Table& before) {
    return std::any_of(operations.begin(), operations.end(), [&](auto& o) { return !sqlite_alters(o, before); });
}

std::string rebuild(const Table& from, const Table& to, const std::vector<SchemaObject>& objects) {
    auto temporary = "_trellis_new_" + to.name;
    std::vector<std::string> targets, sources;
    std::string out = "-- SQLite cannot ALTER this: the table is rebuilt, keeping its rows.\n";
    std::string notes;
    for (const auto& c : to.columns) {
        if (c.generated)
            continue; // computed by the table itself
        const auto* old = find_column(from, c.name);
        bool not_null = !c.nullable || in_primary_key(to, c.name);
        auto fill = fill_value(to, c);
        targets.push_back(quote(c.name));
        if (not_null && !fill && (!old || old->nullable))
            notes += fmt::format("-- TODO: {}.{} is NOT NULL and part of a foreign key: trellis does not invent a "
                                 "reference for the rows\n-- there. Fill it first (an UPDATE before this rebuild); "
                                 "as written the copy fails while a row has none.\n",
                                 to.name, c.name);
        // A new column: rows already there get its default, as ADD COLUMN gives them.
        if (!old || old->generated)
            sources.push_back((not_null || c.server_default) && fill ? *fill : "NULL");
        else if (not_null && old->nullable && !in_primary_key(from, c.name) && fill)
            sources.push_back(fmt::format("COALESCE({}, {})", quote(c.name), *fill));
        else
            sources.push_back(quote(c.name));
        if (old)
            out += narrowing_guard(from.name, *old, c.type, Dialect::sqlite);
    }
    auto kept = dependents(from.name, objects, Dialect::sqlite);
    for (auto it = kept.rbegin(); it != kept.rend(); ++it)
        out += fmt::format("DROP {} IF EXISTS {};\n", (*it)->kind == "view" ? "VIEW" : "TRIGGER", quote((*it)->name));
    out += notes + create_table_body(to, temporary, Dialect::sqlite);
    out += fmt::format("INSERT INTO {} ({}) SELECT {} FROM {};\n", quote(temporary), text::join(targets, ", "),
                       text::join(sources, ", "), quote(from.name));
    out += fmt::format("DROP TABLE {};\nALTER TABLE {} RENAME TO {};\n", quote(from.name), quote(temporary),
                       quote(to.name));
    for (const auto& i : to.indexes)
        out += index_sql(to.name, i);
    for (const auto* o : kept)
        out += o->sql + ";\n";
    if (!to.foreign_keys.empty())
        out += foreign_key_guard(to);
    return out;
}

} // namespace trellis
