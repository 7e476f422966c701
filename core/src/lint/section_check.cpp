#include "lint/section_check.hpp"

#include "lint/long_names.hpp"
#include "lint/pg_rules.hpp"
#include "lint/rebuild_check.hpp"
#include "lint/table_object.hpp"
#include "lint/tree_changes.hpp"
#include "schema/types.hpp"
#include "sql/tokens.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>

namespace trellis::lint {

using namespace sql;

namespace {

class SectionRun {
public:
    SectionRun(KnownSchema& schema, const SectionContext& context)
        : m_schema(schema)
        , m_context(context) {}

    // Whether `table` may hold rows now.
    bool has_rows(const std::string& table) { return m_objects[object(table)].has_rows; }
    std::string column_type(const std::string& table, const std::string& column) {
        auto* c = m_objects[object(table)].column(column);
        return c ? c->type : "";
    }
    void report_at(std::size_t statement, std::string code, std::string message, std::string hint = "") {
        m_findings.push_back({std::move(code), statement, std::move(message), std::move(hint)});
    }
    bool proven_not_null(const std::string& table, const std::string& column) {
        return m_objects[object(table)].shape.proven_not_null.contains(key(column));
    }
    bool not_null(const std::string& table, const std::string& column) {
        auto* c = m_objects[object(table)].column(column);
        return c && c->not_null;
    }
    void backfill(const std::string& table, const std::string& column) {
        m_backfills.emplace(object(table), key(column));
    }

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
        auto t = table_object(c.table, c.columns, c.columns_known, true, false, true);
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

    void on(const DropColumn& d) {
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

    void on(const AlterType& a) {
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

    void on(const SetNotNull& s) {
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
        if (auto* column = t.column(r.from))
            t.rename_column(*column, r.to);
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
    void on(const InsertRows& i) { m_objects[object(i.table)].has_rows = true; }

    void on(const NotNullCheck& c) {
        auto& t = m_objects[object(c.table)];
        t.dirty = true;
        if (c.valid)
            prove(c.table, c.column);
        else
            t.shape.not_null_checks[key(c.constraint)] = c.column;
    }
    void on(const ValidateConstraint& v) {
        auto& checks = m_objects[object(v.table)].shape.not_null_checks;
        if (auto it = checks.find(key(v.constraint)); it != checks.end())
            prove(v.table, std::string(it->second));
    }
    // A valid CHECK (col IS NOT NULL): no NULL left, so neither T202 nor SET NOT NULL's scan.
    void prove(const std::string& table, const std::string& column) {
        m_objects[object(table)].shape.proven_not_null.insert(key(column));
        backfill(table, column);
    }

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
        return m_added_index.contains({object, key(column)});
    }

    bool backfilled(int object, std::string_view column) const {
        if (m_backfills.contains({object, key(column)}))
            return true;
        return m_added_with_default.contains({object, key(column)});
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
            if (rebuilt != m_copies.end()) {
                if (t.has_rows)
                    check_rebuild(*rebuilt, drop.object);
            } else if (!t.created)
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
        return trellis::same_family(trellis::column_type(a.type), trellis::column_type(b.type));
    }

    void pair_drops_with_adds() {
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
            if (bounded(trellis::column_type(to)))
                report("T204", fmt::format("changes {}.{} to {}: its earlier type is not in the revisions read, and "
                                           "values that do not fit make it fail",
                                           table, column, to));
            return;
        }
        if (auto why = narrowing(from, to))
            report("T204", fmt::format("changes {}.{} from {} to {}: {}", table, column, from, to, *why));
    }

    // --- output -----------------------------------------------------------------------------

    void report(std::string code, std::string message) { report_at(m_statement, std::move(code), std::move(message)); }

    void write_back() {
        for (const auto& [name, i] : m_names) {
            if (i < 0)
                m_schema.erase(name);
            else if (m_objects[i].dirty) {
                auto& shape = m_schema[name] = m_objects[i].shape;
                shape.fresh = m_context.in_run && !m_objects[i].has_rows;
            }
        }
    }

    KnownSchema& m_schema;
    const SectionContext& m_context;
    std::size_t m_statement = 0;
    std::vector<TableObject> m_objects;
    std::unordered_map<std::string, int> m_names; // by key(name); -1: dropped or renamed away
    std::vector<CopyEvent> m_copies;
    std::vector<DropEvent> m_drops;
    std::vector<RenameEvent> m_renames;
    std::vector<ColumnEvent> m_added, m_dropped;
    std::map<std::pair<int, std::string>, std::size_t> m_added_index; // (object, key(column)) → its last add
    std::set<std::pair<int, std::string>> m_added_with_default;
    std::set<std::pair<int, std::string>> m_backfills; // (object, key(column)) set by an UPDATE
    std::vector<SectionFinding> m_findings;
};

} // namespace

std::vector<SectionFinding> check_section(const std::vector<Statement>& statements, KnownSchema& schema,
                                          const SectionContext& context) {
    SectionRun run(schema, context);
    PgFacts facts{
        context.pg_version,
        context.transactional,
        [&](const std::string& table) { return run.has_rows(table); },
        [&](const std::string& table, const std::string& column) { return run.column_type(table, column); },
        [&](const std::string& table, const std::string& column) { return run.not_null(table, column); },
        [&](const std::string& table, const std::string& column) { return run.proven_not_null(table, column); }};
    PgRules pg(std::move(facts));
    std::optional<std::size_t> open_at; // the BEGIN a non-transactional revision has not ended
    for (std::size_t i = 0; i < statements.size(); ++i) {
        if (!statements[i].call.empty())
            continue;
        // PostgreSQL's rules read the tables as they were before the statement; their findings
        // follow the token rules' ones for the statement.
        std::vector<std::pair<std::string, std::string>> pg_found;
        if (context.trees)
            for (const auto* tree : (*context.trees)[i]) {
                bool was_open = pg.transaction_open();
                pg.check(*tree, [&](std::string code, std::string message) {
                    pg_found.emplace_back(std::move(code), std::move(message));
                });
                if (pg.transaction_open() != was_open)
                    open_at = pg.transaction_open() ? std::optional(i) : std::nullopt;
            }
        auto tokens = tokenize(statements[i].sql, context.quoting);
        if (context.trees)
            if (auto why = long_name((*context.trees)[i], tokens))
                run.report_at(i, "T604", std::move(*why));
        // The tables and columns a statement changes: from its parse tree when PostgreSQL's
        // parser read it, from its tokens on SQLite and when the parser rejected it.
        if (context.trees && !(*context.trees)[i].empty()) {
            for (const auto* tree : (*context.trees)[i])
                for (const auto& change : tree_changes(*tree))
                    run.apply(i, change);
        } else {
            for (const auto& change : parse_changes(tokens))
                run.apply(i, change);
        }
        for (auto& [code, message] : pg_found)
            run.report_at(i, std::move(code), std::move(message));
    }
    if (open_at)
        run.report_at(*open_at, "T602",
                      "BEGIN is never ended by COMMIT or ROLLBACK: the revision ends with its transaction still open, "
                      "and what it did after BEGIN is not committed when trellis records it");
    return run.finish();
}

} // namespace trellis::lint
