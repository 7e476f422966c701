// The rules of a section that need all of it, or the types a change moves between: tables
// dropped (T101) unless rebuilt, renamed (T301), a column dropped and another added (T302), a
// rebuild's columns (lint/rebuild_check.hpp), a column's type narrowed (T204, schema/types.hpp).
#include "lint/rebuild_check.hpp"
#include "lint/section_run.hpp"
#include "schema/types.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trellis::lint {

using namespace sql;

void SectionRun::resolve_drops() {
    for (const auto& drop : m_drops) {
        const auto& t = m_objects[drop.object];
        auto rebuilt = std::find_if(m_copies.begin(), m_copies.end(), [&](const CopyEvent& c) {
            return named(c.target, t.original_name) &&
                   std::any_of(c.sources.begin(), c.sources.end(), [&](auto& s) { return s.first == drop.object; });
        });
        if (rebuilt != m_copies.end()) {
            if (t.has_rows)
                check_rebuild(*rebuilt, drop.object);
        } else if (!t.created)
            report_at(drop.statement, "T101", fmt::format("drops table {} and every row in it", t.shape.name));
    }
}

void SectionRun::resolve_renames() {
    for (const auto& r : m_renames) {
        auto now = m_names.find(key(r.from));
        if (m_objects[r.object].created || (now != m_names.end() && now->second >= 0))
            continue;
        report_at(r.statement, "T301",
                  fmt::format("renames table {} to {}: code that still uses the old name breaks", r.from, r.to));
    }
}

bool SectionRun::same_family(const ColumnDef& a, const ColumnDef& b) {
    if (a.type.empty() || b.type.empty())
        return true;
    return trellis::same_family(trellis::column_type(a.type), trellis::column_type(b.type));
}

void SectionRun::pair_drops_with_adds() {
    if (m_dropped.empty())
        return;
    std::unordered_map<int, std::vector<std::size_t>> added_to; // by object, in order
    for (std::size_t j = 0; j < m_added.size(); ++j)
        added_to[m_added[j].object].push_back(j);
    std::vector<bool> paired(m_added.size(), false);
    for (const auto& dropped : m_dropped) {
        const auto& t = m_objects[dropped.object];
        if (t.created)
            continue;
        for (std::size_t j : added_to[dropped.object]) {
            const auto& added = m_added[j];
            if (paired[j] || same_name(added.column.name, dropped.column.name) ||
                !same_family(dropped.column, added.column))
                continue;
            paired[j] = true;
            report_at(dropped.statement, "T302",
                      fmt::format("drops {0}.{1} and adds {0}.{2} in the same revision: if this is a rename, the "
                                  "data in {1} is lost",
                                  t.shape.name, dropped.column.name, added.column.name),
                      fmt::format("To rename, write `ALTER TABLE {} RENAME COLUMN {} TO {};` instead of the DROP "
                                  "and the ADD: it keeps the data.",
                                  t.shape.name, dropped.column.name, added.column.name));
            break;
        }
    }
}

void SectionRun::check_rebuild(const CopyEvent& copy, int old_object) {
    auto old = std::find_if(copy.sources.begin(), copy.sources.end(), [&](auto& s) { return s.first == old_object; });
    Rebuild rebuild{copy.statement, m_objects[copy.target].shape.name,
                    old->second,    copy.target_shape,
                    copy.rows,      [&](std::string_view column) { return backfilled(old_object, column); }};
    for (auto& finding : lint::check_rebuild(rebuild))
        m_findings.push_back(std::move(finding));
}

void SectionRun::check_type_change(const std::string& table, const std::string& column, const std::string& from,
                                   const std::string& to) {
    if (from.empty()) {
        if (bounded(trellis::column_type(to)))
            report("T204", fmt::format("changes {}.{} to {}: its earlier type is not in the revisions read, and "
                                       "values that do not fit make it fail",
                                       table, column, to));
        return;
    }
    if (auto why = narrowing(from, to))
        report("T204", fmt::format("changes {}.{} from {} to {}: {}", table, column, from, to, *why));
}

} // namespace trellis::lint
