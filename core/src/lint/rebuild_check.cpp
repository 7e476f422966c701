#include "lint/rebuild_check.hpp"

#include "schema/types.hpp"
#include "sql/tokens.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <set>

namespace trellis::lint {

using namespace sql;

namespace {

bool copies_everything(const CopyRows& rows) {
    return rows.items.empty() || (rows.items.size() == 1 && rows.items[0].star);
}

const ColumnDef* find_column(const TableShape& shape, std::string_view name) {
    auto it =
        std::find_if(shape.columns.begin(), shape.columns.end(), [&](auto& c) { return same_name(c.name, name); });
    return it == shape.columns.end() ? nullptr : &*it;
}

// Where column `index` of the new table takes its value in the copy's select list; nullopt when
// the INSERT leaves it out.
std::optional<std::size_t> position_in_copy(const CopyRows& rows, std::size_t index, const std::string& name) {
    if (rows.target_columns.empty())
        return index;
    for (std::size_t p = 0; p < rows.target_columns.size(); ++p)
        if (same_name(rows.target_columns[p], name))
            return p;
    return std::nullopt;
}

class RebuildCheck {
public:
    explicit RebuildCheck(const Rebuild& rebuild)
        : m_r(rebuild)
        , m_everything(copies_everything(rebuild.rows)) {}

    std::vector<SectionFinding> run() {
        if (!m_r.before.complete || !m_r.after.complete)
            return {};
        check_dropped_columns();
        for (std::size_t j = 0; j < m_r.after.columns.size(); ++j)
            check_column(m_r.after.columns[j], j);
        return std::move(m_findings);
    }

private:
    // A column of the old table that no select expression reads is gone with the old table.
    void check_dropped_columns() {
        std::set<std::string> carried;
        for (const auto& column : m_r.before.columns)
            if (m_everything)
                carried.insert(key(column.name));
        for (const auto& item : m_r.rows.items)
            for (const auto& column : item.columns)
                carried.insert(key(column));
        for (const auto& column : m_r.before.columns)
            if (!carried.contains(key(column.name)))
                report("T102", fmt::format("the rebuild of {} does not copy column {}: the data in it is dropped",
                                           m_r.table, column.name));
    }

    // The old column a new column is copied from, when the select list names it plainly.
    const ColumnDef* source_of(std::size_t position) const {
        if (m_everything)
            return position < m_r.before.columns.size() ? &m_r.before.columns[position] : nullptr;
        const auto& item = m_r.rows.items[position];
        return item.bare ? find_column(m_r.before, item.columns[0]) : nullptr;
    }

    void check_column(const ColumnDef& column, std::size_t index) {
        auto position = position_in_copy(m_r.rows, index, column.name);
        if (!position || (!m_everything && *position >= m_r.rows.items.size())) {
            if (!m_everything && column.not_null && !column.has_default && !column.primary_key)
                report("T201", fmt::format("the rebuild of {} gives the new column {} no value, and it is NOT NULL "
                                           "without a default",
                                           m_r.table, column.name));
            return;
        }
        const auto* source = source_of(*position);
        if (!source)
            return; // an expression (COALESCE, a CASE, a literal) fills it
        if (!same_name(source->name, column.name))
            report("T301", fmt::format("the rebuild of {} renames column {} to {}: code that still uses the old name "
                                       "breaks",
                                       m_r.table, source->name, column.name));
        if (!source->not_null && column.not_null && !m_r.backfilled(source->name))
            report("T202",
                   fmt::format("the rebuild of {} makes {} NOT NULL: a row where it is NULL makes the copy fail",
                               m_r.table, column.name));
        if (auto why = narrowing(source->type, column.type))
            report("T204", fmt::format("the rebuild of {} changes {} from {} to {}: {}", m_r.table, column.name,
                                       source->type, column.type, *why));
    }

    void report(std::string code, std::string message) {
        m_findings.push_back({std::move(code), m_r.statement, std::move(message), ""});
    }

    const Rebuild& m_r;
    bool m_everything;
    std::vector<SectionFinding> m_findings;
};

} // namespace

std::vector<SectionFinding> check_rebuild(const Rebuild& rebuild) {
    return RebuildCheck(rebuild).run();
}

} // namespace trellis::lint
