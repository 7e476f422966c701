#include "schema/schema.hpp"

#include "schema/expression.hpp"
#include "schema/identifier.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fmt/format.h>

namespace trellis {

const Table* Schema::find(std::string_view name) const {
    for (const auto& t : tables)
        if (t.name == name)
            return &t;
    return nullptr;
}

Table* Schema::find(std::string_view name) {
    return const_cast<Table*>(static_cast<const Schema*>(this)->find(name));
}

std::string Schema::owner(const std::string& table, const std::string& column) const {
    if (!column.empty())
        if (auto it = owners.find(table + "." + column); it != owners.end())
            return it->second;
    auto it = owners.find(table);
    return it == owners.end() ? "" : it->second;
}

void Schema::sort() {
    std::sort(tables.begin(), tables.end(), [](const Table& a, const Table& b) { return a.name < b.name; });
}

const Column* find_column(const Table& table, std::string_view name) {
    for (const auto& c : table.columns)
        if (c.name == name)
            return &c;
    return nullptr;
}

bool in_primary_key(const Table& table, std::string_view column) {
    return std::find(table.primary_key.begin(), table.primary_key.end(), column) != table.primary_key.end();
}

bool in_foreign_key(const Table& table, std::string_view column) {
    return std::any_of(table.foreign_keys.begin(), table.foreign_keys.end(), [&](const ForeignKey& f) {
        return std::find(f.columns.begin(), f.columns.end(), column) != f.columns.end();
    });
}

IndexKey index_key(std::string_view entry) {
    IndexKey key;
    auto s = std::string(text::trim(entry));
    auto ends = [&](std::string_view word) {
        return s.size() > word.size() && text::to_lower(std::string_view(s).substr(s.size() - word.size())) == word;
    };
    if (ends(" desc")) {
        key.descending = true;
        s = std::string(text::trim(s.substr(0, s.size() - 5)));
    } else if (ends(" asc")) {
        s = std::string(text::trim(s.substr(0, s.size() - 4)));
    }
    key.expression = s.find('(') != std::string::npos;
    key.text = key.expression ? plain_expression(s) : unquote(s);
    return key;
}

std::string IndexKey::entry() const {
    return (expression ? "(" + text + ")" : text) + (descending ? " DESC" : "");
}

std::string IndexKey::normalized() const {
    return (expression ? normalize_expression(text) : text) + (descending ? " desc" : "");
}

Schema schema_from_models(const std::vector<OwnedModels>& models) {
    Schema schema;
    for (const auto& owned : models)
        for (const auto& table : owned.models->tables) {
            if (schema.find(table.name))
                throw input_error("table `{}` is declared by plugin `{}` and by plugin `{}`", table.name,
                                  schema.owner(table.name), owned.owner);
            schema.tables.push_back(table);
            schema.owners[table.name] = owned.owner;
            for (const auto& column : table.columns)
                schema.owners[table.name + "." + column.name] = owned.owner;
        }
    for (const auto& owned : models)
        for (const auto& extension : owned.models->extensions) {
            auto* table = schema.find(extension.table);
            if (!table)
                throw input_error("plugin `{}` adds columns to table `{}`, which no loaded plugin declares",
                                  owned.owner, extension.table);
            for (const auto& column : extension.columns) {
                auto key = extension.table + "." + column.name;
                if (schema.owners.count(key))
                    throw input_error("column `{}` is declared by plugin `{}` and by plugin `{}`", key,
                                      schema.owners[key], owned.owner);
                table->columns.push_back(column);
                schema.owners[key] = owned.owner;
            }
            table->indexes.insert(table->indexes.end(), extension.indexes.begin(), extension.indexes.end());
            table->foreign_keys.insert(table->foreign_keys.end(), extension.foreign_keys.begin(),
                                       extension.foreign_keys.end());
        }
    schema.sort();
    return schema;
}

std::string action_sql(ReferentialAction action) {
    switch (action) {
    case ReferentialAction::no_action:
        return "NO ACTION";
    case ReferentialAction::restrict:
        return "RESTRICT";
    case ReferentialAction::cascade:
        return "CASCADE";
    case ReferentialAction::set_null:
        return "SET NULL";
    case ReferentialAction::set_default:
        return "SET DEFAULT";
    }
    return "NO ACTION";
}

ReferentialAction parse_action(std::string_view text_value) {
    auto s = text::to_lower(text::trim(text_value));
    if (s == "restrict" || s == "r")
        return ReferentialAction::restrict;
    if (s == "cascade" || s == "c")
        return ReferentialAction::cascade;
    if (s == "set null" || s == "n")
        return ReferentialAction::set_null;
    if (s == "set default" || s == "d")
        return ReferentialAction::set_default;
    return ReferentialAction::no_action;
}

} // namespace trellis
