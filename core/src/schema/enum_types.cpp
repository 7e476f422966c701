#include "schema/enum_types.hpp"

#include "schema/ddl.hpp"
#include "schema/expression.hpp"
#include "schema/identifier.hpp"
#include "schema/types.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trellis {

namespace {

using Labels = std::vector<std::string>;

std::string key_of(std::string_view spelling) {
    return text::to_lower(unquote(spelling));
}

bool has(const Labels& labels, const std::string& label) {
    return std::find(labels.begin(), labels.end(), label) != labels.end();
}

std::string labels_sql(const Labels& labels) {
    std::vector<std::string> out;
    for (const auto& l : labels)
        out.push_back(sql_string(l));
    return text::join(out, ", ");
}

// A column of a type trellis does not model named `key`: an enum reflected without its labels.
bool spelled_in(const Schema& schema, const std::string& key) {
    return std::any_of(schema.tables.begin(), schema.tables.end(), [&](const Table& t) {
        return std::any_of(t.columns.begin(), t.columns.end(), [&](const Column& c) {
            return c.type.kind == ColumnKind::other && key_of(c.type.spelling) == key;
        });
    });
}

// `from` with the labels of `to` it lacks, each after the label it follows in `to`.
Labels merged(const Labels& from, const Labels& to) {
    auto out = from;
    std::string previous;
    for (const auto& label : to) {
        if (!has(out, label)) {
            auto at = previous.empty() ? out.begin() : std::find(out.begin(), out.end(), previous) + 1;
            out.insert(at, label);
        }
        previous = label;
    }
    return out;
}

// Whether `to` is `from` with labels added, the old ones kept in their order.
bool only_adds(const Labels& from, const Labels& to) {
    std::size_t i = 0;
    for (const auto& label : to)
        if (i < from.size() && from[i] == label)
            ++i;
    return i == from.size();
}

std::string add_values(const std::string& name, const Labels& from, const Labels& to) {
    std::string out;
    auto current = from;
    std::string previous;
    for (const auto& label : to) {
        if (!has(current, label)) {
            auto where = !previous.empty()  ? " AFTER " + sql_string(previous)
                         : !current.empty() ? " BEFORE " + sql_string(current.front())
                                            : std::string();
            out += fmt::format("ALTER TYPE {} ADD VALUE {}{};\n", quote(name), sql_string(label), where);
            current.insert(previous.empty() ? current.begin() : std::find(current.begin(), current.end(), previous) + 1,
                           label);
        }
        previous = label;
    }
    return out;
}

// The type made again with `to`'s labels and each column of `tables` that uses it converted; a
// guard first stops the revision while a row holds a label `to` lacks.
std::string remake(const EnumType& type, const Labels& from, const Labels& to, const std::vector<Table>& tables) {
    Labels removed;
    for (const auto& label : from)
        if (!has(to, label))
            removed.push_back(label);
    auto out = fmt::format("-- {}: {}. PostgreSQL cannot drop or move a label, so the type is made again and its\n"
                           "-- columns converted; while a row holds a label it no longer has, this fails (trellis "
                           "never cuts data).\n",
                           type.name, removed.empty() ? "labels reordered" : "labels removed: " + labels_sql(removed));
    auto target = types::enumeration(type.name, to);
    auto old = quote(type.name + "_trellis_old");
    std::string convert;
    for (const auto& t : tables)
        for (const auto& c : t.columns) {
            if (c.type.kind != ColumnKind::enumeration || key_of(c.type.spelling) != key_of(type.name))
                continue;
            auto held = c; // the labels the column holds at this moment
            held.type.values = from;
            out += narrowing_guard(t.name, held, target, Dialect::postgresql);
            auto column = fmt::format("ALTER TABLE {} ALTER COLUMN {}", quote(t.name), quote(c.name));
            auto as = quote(type.name) + (c.type.array ? "[]" : "");
            if (c.server_default)
                convert += column + " DROP DEFAULT;\n";
            convert += fmt::format("{} TYPE {} USING CAST(CAST({} AS TEXT{}) AS {});\n", column, as, quote(c.name),
                                   c.type.array ? "[]" : "", as);
            if (c.server_default)
                convert += fmt::format("{} SET DEFAULT {};\n", column, *c.server_default);
        }
    return out + fmt::format("ALTER TYPE {} RENAME TO {};\n", quote(type.name), old) +
           create_type_sql(EnumType{type.name, to}) + convert + fmt::format("DROP TYPE {};\n", old);
}

// `from` -> `to` at a moment when the columns are those of `tables`; `text` is what else the
// section runs, in the same transaction.
std::string change(const EnumType& type, const Labels& from, const Labels& to, const std::vector<Table>& tables,
                   const std::string& text) {
    if (from == to)
        return "";
    bool used = std::any_of(to.begin(), to.end(), [&](const std::string& label) {
        return !has(from, label) && text.find(sql_string(label)) != std::string::npos;
    });
    if (only_adds(from, to) && !used)
        return add_values(type.name, from, to);
    return remake(type, from, to, tables);
}

} // namespace

std::map<std::string, EnumType> enum_types(const std::vector<Table>& tables) {
    std::map<std::string, EnumType> out;
    for (const auto& t : tables)
        for (const auto& c : t.columns) {
            if (c.type.kind != ColumnKind::enumeration)
                continue;
            auto& type = out[key_of(c.type.spelling)];
            if (type.name.empty())
                type.name = unquote(c.type.spelling);
            if (type.labels.empty())
                type.labels = c.type.values;
        }
    return out;
}

std::string create_type_sql(const EnumType& type) {
    return fmt::format("CREATE TYPE {} AS ENUM ({});\n", quote(type.name), labels_sql(type.labels));
}

std::string drop_type_sql(const EnumType& type) {
    return fmt::format("DROP TYPE {};\n", quote(type.name));
}

EnumChanges enum_changes(const Schema& before, const Schema& after, const std::string& upgrade_text,
                         const std::string& downgrade_text) {
    auto was = enum_types(before.tables);
    auto now = enum_types(after.tables);
    EnumChanges out;
    for (const auto& [key, type] : now) {
        auto it = was.find(key);
        if (it == was.end()) {
            if (!spelled_in(before, key)) {
                out.first_up += create_type_sql(type);
                out.first_down = drop_type_sql(type) + out.first_down;
            }
            continue;
        }
        const auto& old = it->second.labels;
        if (old.empty() || type.labels.empty() || old == type.labels)
            continue;
        // Added labels first, so the revision's statements can use them; removed and moved ones
        // last, once nothing the revision changes uses them.
        auto both = merged(old, type.labels);
        out.first_up += change(type, old, both, before.tables, upgrade_text);
        out.first_down = change(type, both, old, before.tables, downgrade_text) + out.first_down;
        out.last_up += change(type, both, type.labels, after.tables, upgrade_text);
        out.last_down = change(type, type.labels, both, after.tables, downgrade_text) + out.last_down;
    }
    for (const auto& [key, type] : was)
        if (!now.count(key) && !spelled_in(after, key)) {
            out.last_up += drop_type_sql(type);
            out.last_down = create_type_sql(type) + out.last_down;
        }
    return out;
}

} // namespace trellis
