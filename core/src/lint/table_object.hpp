// A table while a section runs (lint/section_check.hpp): its shape, whether it may hold rows,
// and a column index so that thousands of ALTERs on one wide table stay linear; and the events
// of a section that the rules over the whole section read at its end.
#pragma once

#include "lint/section_check.hpp"
#include "sql/tokens.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace trellis::lint {

// A table while the section runs. A rename keeps the object; DROP and CREATE make another one.
struct TableObject {
    std::string original_name; // its name when the section first met it
    TableShape shape;          // shape.name is its name now
    bool created = false;      // by this section
    bool has_rows = true;      // may hold rows: it existed before, or rows were copied from such a table
    bool dirty = false;        // the section changed it: the schema learns the new shape
    // sql::key(column name) → position in shape.columns, built on the first look-up of a wide table so
    // that a section of thousands of ALTERs on one table stays linear; dropped when a column goes.
    std::unordered_map<std::string, std::size_t> index;
    bool indexed = false;

    ColumnDef* column(std::string_view name) {
        if (shape.columns.size() < 16) {
            auto it = std::find_if(shape.columns.begin(), shape.columns.end(),
                                   [&](auto& c) { return sql::same_name(c.name, name); });
            return it == shape.columns.end() ? nullptr : &*it;
        }
        if (!indexed) {
            index.clear();
            for (std::size_t i = 0; i < shape.columns.size(); ++i)
                index.emplace(sql::key(shape.columns[i].name), i);
            indexed = true;
        }
        auto it = index.find(sql::key(name));
        return it == index.end() ? nullptr : &shape.columns[it->second];
    }
    void add_column(ColumnDef c) {
        if (indexed)
            index.emplace(sql::key(c.name), shape.columns.size());
        shape.columns.push_back(std::move(c));
    }
    void erase_column(std::string_view name) {
        std::erase_if(shape.columns, [&](auto& c) { return sql::same_name(c.name, name); });
        indexed = false;
    }
    void rename_column(ColumnDef& c, const std::string& to) {
        if (indexed) {
            auto position = index[sql::key(c.name)];
            index.erase(sql::key(c.name));
            index[sql::key(to)] = position;
        }
        c.name = to;
    }
};

struct CopyEvent {
    std::size_t statement;
    int target;
    CopyRows rows;
    TableShape target_shape; // as the copy found them
    std::vector<std::pair<int, TableShape>> sources;
};
struct DropEvent {
    std::size_t statement;
    int object;
};
struct RenameEvent {
    std::size_t statement;
    int object;
    std::string from, to;
};
struct ColumnEvent {
    std::size_t statement;
    int object;
    ColumnDef column;
};

inline TableObject table_object(const std::string& name, std::vector<ColumnDef> columns, bool complete, bool created,
                                bool has_rows, bool dirty) {
    TableObject t;
    t.original_name = name;
    t.shape.name = name;
    t.shape.columns = std::move(columns);
    t.shape.complete = complete;
    t.created = created;
    t.has_rows = has_rows;
    t.dirty = dirty;
    return t;
}

} // namespace trellis::lint
