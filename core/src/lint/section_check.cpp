#include "lint/section_check.hpp"

#include "lint/column_type.hpp"
#include "lint/rebuild_check.hpp"
#include "lint/sql_tokens.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <set>

namespace trellis::lint {

namespace {

// A table while the section runs. A rename keeps the object; DROP and CREATE make another one.
struct TableObject {
    std::string original_name; // its name when the section first met it
    TableShape shape;          // shape.name is its name now
    bool created = false;      // by this section
    bool has_rows = true;      // may hold rows: it existed before, or rows were copied from such a table
    bool dirty = false;        // the section changed it: the schema learns the new shape
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

ColumnDef* find_column(TableShape& shape, std::string_view name) {
    auto it =
        std::find_if(shape.columns.begin(), shape.columns.end(), [&](auto& c) { return same_name(c.name, name); });
    return it == shape.columns.end() ? nullptr : &*it;
}

class SectionRun {
public:
    explicit SectionRun(KnownSchema& schema)
        : m_schema(schema) {}

    void apply(std::size_t statement, const Change& change) {
        m_statement = statement;
        std::visit([this](const auto& c) { on(c); }, change);
    }

    std::vector<SectionFinding> finish() {
        resolve_drops();
        resolve_renames();
        pair_drops_with_adds();
        write_back();
        std::stable_sort(m_findings.begin(), m_findings.end(),
                         [](const auto& a, const auto& b) { return a.statement < b.statement; });
        return std::move(m_findings);
    }

private:
    // --- the statements ---------------------------------------------------------------------

    void on(const CreateTable& c) {
        if (c.if_not_exists && exists(c.table))
            return;
        TableObject t{c.table, {c.table, c.columns, c.columns_known}, true, false, true};
        int i = add(std::move(t));
        if (!c.sources.empty())
            copy(i, CopyRows{c.table, {}, {}, c.sources});
    }

    void on(const DropTable& d) {
        for (const auto& table : d.tables) {
            int i = object(table);
            m_names[key(table)] = -1;
            m_drops.push_back({m_statement, i});
        }
    }

    void on(const AddColumn& a) {
        int i = object(a.table);
        auto& t = m_objects[i];
        if (t.has_rows && a.column.not_null && !a.column.has_default)
            report("T201", fmt::format("adds {}.{} NOT NULL without a default: the rows already in {} have no value "
                                       "for it",
                                       t.shape.name, a.column.name, t.shape.name));
        if (auto* old = find_column(t.shape, a.column.name))
            *old = a.column;
        else
            t.shape.columns.push_back(a.column);
        t.dirty = true;
        m_added.push_back({m_statement, i, a.column});
    }

    void on(const DropColumn& d) {
        int i = object(d.table);
        auto& t = m_objects[i];
        auto* column = find_column(t.shape, d.column);
        bool added_here = added_in_section(i, d.column);
        ColumnDef gone;
        gone.name = d.column;
        if (column)
            gone = *column;
        std::erase_if(t.shape.columns, [&](auto& c) { return same_name(c.name, d.column); });
        t.dirty = true;
        if (added_here)
            return; // it held nothing but its default
        if (t.has_rows)
            report("T102", fmt::format("drops column {}.{} and the data in it", t.shape.name, d.column));
        m_dropped.push_back({m_statement, i, gone});
    }

    void on(const AlterType& a) {
        int i = object(a.table);
        auto& t = m_objects[i];
        auto* column = find_column(t.shape, a.column);
        if (t.has_rows && !added_in_section(i, a.column))
            check_type_change(t.shape.name, a.column, column ? column->type : "", a.type);
        if (!column)
            t.shape.columns.push_back({a.column, a.type});
        else
            column->type = a.type;
        t.dirty = true;
    }

    void on(const SetNotNull& s) {
        int i = object(s.table);
        auto& t = m_objects[i];
        auto* column = find_column(t.shape, s.column);
        bool already = column && column->not_null;
        if (t.has_rows && !already && !backfilled(i, s.column))
            report("T202",
                   fmt::format("makes {}.{} NOT NULL: a row where it is NULL makes this fail", t.shape.name, s.column));
        if (column)
            column->not_null = true;
        t.dirty = true;
    }

    void on(const RenameTable& r) {
        int i = object(r.from);
        m_names[key(r.from)] = -1;
        m_names[key(r.to)] = i;
        m_objects[i].shape.name = r.to;
        m_objects[i].dirty = true;
        m_renames.push_back({m_statement, i, r.from, r.to});
    }

    void on(const RenameColumn& r) {
        auto& t = m_objects[object(r.table)];
        if (!t.created)
            report("T301", fmt::format("renames column {}.{} to {}: code that still uses the old name breaks",
                                       t.shape.name, r.from, r.to));
        if (auto* column = find_column(t.shape, r.from))
            column->name = r.to;
        t.dirty = true;
    }

    void on(const AddUnique& u) {
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

    void on(const CopyRows& c) { copy(object(c.target), c); }

    void on(const SetColumns& s) {
        int i = object(s.table);
        for (const auto& column : s.columns)
            m_backfills.emplace(i, key(column));
    }

    // --- tables -----------------------------------------------------------------------------

    int add(TableObject t) {
        m_objects.push_back(std::move(t));
        int i = static_cast<int>(m_objects.size()) - 1;
        m_names[key(m_objects[i].shape.name)] = i;
        return i;
    }

    bool exists(const std::string& name) const {
        auto it = m_names.find(key(name));
        return it != m_names.end() ? it->second >= 0 : m_schema.contains(key(name));
    }

    // The live table called `name`. One the section has not met yet existed before it, with the
    // shape the earlier revisions gave it (if they did).
    int object(const std::string& name) {
        auto k = key(name);
        auto it = m_names.find(k);
        if (it != m_names.end() && it->second >= 0)
            return it->second;
        TableObject t{name, {name, {}, false}, false, true, false};
        if (auto known = m_schema.find(k); known != m_schema.end() && it == m_names.end()) {
            // Borrowed, not copied (a table can have many columns): write_back() returns it.
            t.shape = std::move(known->second);
            t.dirty = true;
        }
        t.dirty = t.dirty || it != m_names.end(); // used after a DROP: the SQL says it exists again
        return add(std::move(t));
    }

    void copy(int target, const CopyRows& rows) {
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

    bool added_in_section(int object, std::string_view column) const {
        return std::any_of(m_added.begin(), m_added.end(), [&](const ColumnEvent& e) {
            return e.object == object && same_name(e.column.name, column);
        });
    }

    bool backfilled(int object, std::string_view column) const {
        if (m_backfills.contains({object, key(column)}))
            return true;
        return std::any_of(m_added.begin(), m_added.end(), [&](const ColumnEvent& e) {
            return e.object == object && same_name(e.column.name, column) && e.column.has_default;
        });
    }

    bool named(int object, const std::string& name) const {
        auto it = m_names.find(key(name));
        return it != m_names.end() && it->second == object;
    }

    // --- the rules that need the whole section ---------------------------------------------

    // A dropped table whose rows were copied into the table that now has its name was rebuilt.
    void resolve_drops() {
        for (const auto& drop : m_drops) {
            const auto& t = m_objects[drop.object];
            auto rebuilt = std::find_if(m_copies.begin(), m_copies.end(), [&](const CopyEvent& c) {
                return named(c.target, t.original_name) &&
                       std::any_of(c.sources.begin(), c.sources.end(), [&](auto& s) { return s.first == drop.object; });
            });
            if (rebuilt != m_copies.end())
                check_rebuild(*rebuilt, drop.object);
            else if (!t.created)
                report_at(drop.statement, "T101", fmt::format("drops table {} and every row in it", t.shape.name));
        }
    }

    // Renaming a table this section created, or one whose old name a new table takes again, breaks no reader.
    void resolve_renames() {
        for (const auto& r : m_renames) {
            auto now = m_names.find(key(r.from));
            if (m_objects[r.object].created || (now != m_names.end() && now->second >= 0))
                continue;
            report_at(r.statement, "T301",
                      fmt::format("renames table {} to {}: code that still uses the old name breaks", r.from, r.to));
        }
    }

    static bool same_family(const ColumnDef& a, const ColumnDef& b) {
        if (a.type.empty() || b.type.empty())
            return true;
        auto ta = classify(a.type), tb = classify(b.type);
        return ta.family == tb.family && (ta.family != TypeFamily::other || ta.text == tb.text);
    }

    void pair_drops_with_adds() {
        std::vector<bool> paired(m_added.size(), false);
        for (const auto& dropped : m_dropped) {
            const auto& t = m_objects[dropped.object];
            if (t.created)
                continue;
            for (std::size_t j = 0; j < m_added.size(); ++j) {
                const auto& added = m_added[j];
                if (paired[j] || added.object != dropped.object || same_name(added.column.name, dropped.column.name) ||
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

    void check_rebuild(const CopyEvent& copy, int old_object) {
        auto old =
            std::find_if(copy.sources.begin(), copy.sources.end(), [&](auto& s) { return s.first == old_object; });
        Rebuild rebuild{copy.statement, m_objects[copy.target].shape.name,
                        old->second,    copy.target_shape,
                        copy.rows,      [&](std::string_view column) { return backfilled(old_object, column); }};
        for (auto& finding : lint::check_rebuild(rebuild))
            m_findings.push_back(std::move(finding));
    }

    void check_type_change(const std::string& table, const std::string& column, const std::string& from,
                           const std::string& to) {
        if (from.empty()) {
            if (bounded(classify(to)))
                report("T204", fmt::format("changes {}.{} to {}: its earlier type is not in the revisions read, and "
                                           "values that do not fit make it fail",
                                           table, column, to));
            return;
        }
        if (auto why = narrowing(classify(from), classify(to)))
            report("T204", fmt::format("changes {}.{} from {} to {}: {}", table, column, from, to, *why));
    }

    // --- output -----------------------------------------------------------------------------

    void report(std::string code, std::string message) { report_at(m_statement, std::move(code), std::move(message)); }
    void report_at(std::size_t statement, std::string code, std::string message, std::string hint = "") {
        m_findings.push_back({std::move(code), statement, std::move(message), std::move(hint)});
    }

    void write_back() {
        for (const auto& [name, i] : m_names) {
            if (i < 0)
                m_schema.erase(name);
            else if (m_objects[i].dirty)
                m_schema[name] = m_objects[i].shape;
        }
    }

    KnownSchema& m_schema;
    std::size_t m_statement = 0;
    std::vector<TableObject> m_objects;
    std::unordered_map<std::string, int> m_names; // by key(name); -1: dropped or renamed away
    std::vector<CopyEvent> m_copies;
    std::vector<DropEvent> m_drops;
    std::vector<RenameEvent> m_renames;
    std::vector<ColumnEvent> m_added, m_dropped;
    std::set<std::pair<int, std::string>> m_backfills; // (object, key(column)) set by an UPDATE
    std::vector<SectionFinding> m_findings;
};

} // namespace

std::vector<SectionFinding> check_section(const std::vector<Statement>& statements, KnownSchema& schema) {
    SectionRun run(schema);
    for (std::size_t i = 0; i < statements.size(); ++i)
        if (statements[i].call.empty())
            for (const auto& change : parse_changes(statements[i].sql))
                run.apply(i, change);
    return run.finish();
}

} // namespace trellis::lint
