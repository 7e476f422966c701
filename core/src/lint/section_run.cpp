// A section's statements run one by one against the tables (declared in lint/section_run.hpp):
// each change moves the table state on and reports what only the statement itself tells.
#include "lint/section_run.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>

namespace trellis::lint {

using namespace sql;

namespace {

// The column of a constraint the revisions read never defined, named as the NOT NULL helper is
// by convention (`<column>_not_null`, `<table>_<column>_not_null`): an earlier revision, not
// read, added it as CHECK (column IS NOT NULL) NOT VALID. A table the revisions read created
// has no such constraint: its every constraint was read.
std::optional<std::string> conventional_not_null(const TableShape& shape, std::string_view constraint) {
    constexpr std::string_view k_suffix = "_not_null";
    auto name = key(constraint);
    if (shape.complete || !name.ends_with(k_suffix) || name.size() == k_suffix.size())
        return std::nullopt;
    auto stem = name.substr(0, name.size() - k_suffix.size());
    auto table = key(shape.name) + "_";
    if (stem.starts_with(table))
        return stem.size() > table.size() ? std::optional(stem.substr(table.size())) : std::nullopt;
    return stem + "_" == table ? std::nullopt : std::optional(stem); // `<table>_not_null` names no column
}

} // namespace

std::vector<SectionFinding> SectionRun::finish() {
    resolve_drops();
    resolve_renames();
    pair_drops_with_adds();
    write_back();
    std::stable_sort(m_findings.begin(), m_findings.end(),
                     [](const auto& a, const auto& b) { return a.statement < b.statement; });
    return std::move(m_findings);
}

void SectionRun::on(const CreateTable& c) {
    if (c.if_not_exists && exists(c.table))
        return;
    auto t = table_object(c.table, c.columns, c.columns_known, true, false, true);
    int i = add(std::move(t));
    if (!c.sources.empty())
        copy(i, CopyRows{c.table, {}, {}, c.sources});
}

void SectionRun::on(const DropTable& d) {
    for (const auto& table : d.tables) {
        int i = object(table);
        m_names[key(table)] = -1;
        m_drops.push_back({m_statement, i});
    }
}

void SectionRun::on(const AddColumn& a) {
    int i = object(a.table);
    auto& t = m_objects[i];
    if (t.has_rows && a.column.not_null && !a.column.has_default)
        report("T201", fmt::format("adds {}.{} NOT NULL without a default: the rows already in {} have no value "
                                   "for it",
                                   t.shape.name, a.column.name, t.shape.name));
    if (auto* old = t.column(a.column.name))
        *old = a.column;
    else
        t.add_column(a.column);
    t.dirty = true;
    m_added_index[{i, key(a.column.name)}] = m_added.size();
    if (a.column.has_default)
        m_added_with_default.emplace(i, key(a.column.name));
    m_added.push_back({m_statement, i, a.column});
}

void SectionRun::on(const DropColumn& d) {
    int i = object(d.table);
    auto& t = m_objects[i];
    auto* column = t.column(d.column);
    bool added_here = added_in_section(i, d.column);
    ColumnDef gone;
    gone.name = d.column;
    if (column)
        gone = *column;
    t.erase_column(d.column);
    t.dirty = true;
    if (added_here)
        return; // it held nothing but its default
    if (t.has_rows)
        report("T102", fmt::format("drops column {}.{} and the data in it", t.shape.name, d.column));
    m_dropped.push_back({m_statement, i, gone});
}

void SectionRun::on(const AlterType& a) {
    int i = object(a.table);
    auto& t = m_objects[i];
    auto* column = t.column(a.column);
    if (t.has_rows && !added_in_section(i, a.column))
        check_type_change(t.shape.name, a.column, column ? column->type : "", a.type);
    if (!column)
        t.add_column({a.column, a.type});
    else
        column->type = a.type;
    t.dirty = true;
}

void SectionRun::on(const SetNotNull& s) {
    int i = object(s.table);
    auto& t = m_objects[i];
    auto* column = t.column(s.column);
    bool already = column && column->not_null;
    if (t.has_rows && !already && !backfilled(i, s.column))
        report("T202",
               fmt::format("makes {}.{} NOT NULL: a row where it is NULL makes this fail", t.shape.name, s.column));
    if (column)
        column->not_null = true;
    t.dirty = true;
}

void SectionRun::on(const RenameTable& r) {
    int i = object(r.from);
    m_names[key(r.from)] = -1;
    m_names[key(r.to)] = i;
    m_objects[i].shape.name = r.to;
    m_objects[i].dirty = true;
    m_renames.push_back({m_statement, i, r.from, r.to});
}

void SectionRun::on(const RenameColumn& r) {
    auto& t = m_objects[object(r.table)];
    if (!t.created)
        report("T301", fmt::format("renames column {}.{} to {}: code that still uses the old name breaks", t.shape.name,
                                   r.from, r.to));
    if (auto* column = t.column(r.from))
        t.rename_column(*column, r.to);
    t.dirty = true;
}

void SectionRun::on(const AddUnique& u) {
    int i = object(u.table);
    auto& t = m_objects[i];
    auto signature = fmt::format("{} ({})", u.what, u.columns);
    bool rebuilt_with_it = std::any_of(m_copies.begin(), m_copies.end(), [&](const CopyEvent& c) {
        return c.target == i && std::any_of(c.sources.begin(), c.sources.end(), [&](const auto& source) {
                   const auto& had = source.second.uniques;
                   return std::find(had.begin(), had.end(), signature) != had.end();
               });
    });
    if (std::find(t.shape.uniques.begin(), t.shape.uniques.end(), signature) == t.shape.uniques.end())
        t.shape.uniques.push_back(signature);
    t.dirty = true;
    if (t.has_rows && !rebuilt_with_it)
        report("T203", fmt::format("adds {} on {} ({}) over existing rows: duplicate values{} make it fail", u.what,
                                   t.shape.name, u.columns,
                                   u.what.find("primary key") != std::string::npos ? " or NULLs" : ""));
}

void SectionRun::on(const NotNullCheck& c) {
    auto& t = m_objects[object(c.table)];
    t.dirty = true;
    if (c.valid)
        prove(c.table, c.column);
    else
        t.shape.not_null_checks[key(c.constraint)] = c.column;
}

void SectionRun::on(const ValidateConstraint& v) {
    const auto& shape = m_objects[object(v.table)].shape;
    if (auto it = shape.not_null_checks.find(key(v.constraint)); it != shape.not_null_checks.end())
        prove(v.table, std::string(it->second));
    else if (auto column = conventional_not_null(shape, v.constraint))
        prove(v.table, *column);
}

void SectionRun::prove(const std::string& table, const std::string& column) {
    m_objects[object(table)].shape.proven_not_null.insert(key(column));
    backfill(table, column);
}

void SectionRun::on(const SetColumns& s) {
    int i = object(s.table);
    for (const auto& column : s.columns)
        m_backfills.emplace(i, key(column));
}

int SectionRun::add(TableObject t) {
    m_objects.push_back(std::move(t));
    int i = static_cast<int>(m_objects.size()) - 1;
    m_names[key(m_objects[i].shape.name)] = i;
    return i;
}

bool SectionRun::exists(const std::string& name) const {
    auto it = m_names.find(key(name));
    return it != m_names.end() ? it->second >= 0 : m_schema.contains(key(name));
}

int SectionRun::object(const std::string& name) {
    auto k = key(name);
    auto it = m_names.find(k);
    if (it != m_names.end() && it->second >= 0)
        return it->second;
    auto t = table_object(name, {}, false, false, true, false);
    if (auto known = m_schema.find(k); known != m_schema.end() && it == m_names.end()) {
        // Borrowed, not copied (a table can have many columns): write_back() returns it.
        t.shape = std::move(known->second);
        t.dirty = true;
        t.has_rows = !t.shape.fresh;
    }
    if (t.has_rows && it == m_names.end() && m_context.known_empty && m_context.known_empty(name))
        t.has_rows = false;
    t.dirty = t.dirty || it != m_names.end(); // used after a DROP: the SQL says it exists again
    return add(std::move(t));
}

void SectionRun::copy(int target, const CopyRows& rows) {
    CopyEvent event{m_statement, target, rows, m_objects[target].shape, {}};
    for (const auto& name : rows.sources) {
        int s = object(name);
        if (s == target ||
            std::any_of(event.sources.begin(), event.sources.end(), [&](auto& p) { return p.first == s; }))
            continue;
        event.sources.emplace_back(s, m_objects[s].shape);
        if (m_objects[s].has_rows)
            m_objects[target].has_rows = true;
    }
    m_copies.push_back(std::move(event));
}

bool SectionRun::added_in_section(int object, std::string_view column) const {
    return m_added_index.contains({object, key(column)});
}

bool SectionRun::backfilled(int object, std::string_view column) const {
    if (m_backfills.contains({object, key(column)}))
        return true;
    return m_added_with_default.contains({object, key(column)});
}

bool SectionRun::named(int object, const std::string& name) const {
    auto it = m_names.find(key(name));
    return it != m_names.end() && it->second == object;
}

void SectionRun::write_back() {
    for (const auto& [name, i] : m_names) {
        if (i < 0)
            m_schema.erase(name);
        else if (m_objects[i].dirty) {
            auto& shape = m_schema[name] = m_objects[i].shape;
            shape.fresh = m_context.in_run && !m_objects[i].has_rows;
        }
    }
}

} // namespace trellis::lint
