#include "commands/ownership.hpp"

#include "plugin/loader.hpp"
#include "revision/sql_split.hpp"
#include "schema/constraint_names.hpp"
#include "schema/ddl_read.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trellis {

namespace {

std::string key(const std::string& name) {
    return text::to_lower(name);
}

std::string lookup(const std::map<std::string, std::string>& map, const std::string& name) {
    auto it = map.find(key(name));
    return it == map.end() ? "" : it->second;
}

// A constraint's name as the database knows it: a check written without one gets PostgreSQL's.
std::string check_name(const std::string& table, const ConstraintFound& constraint,
                       const std::vector<std::string>& table_columns) {
    if (!constraint.name.empty() || constraint.kind != "check")
        return constraint.name;
    return default_check_name(table, constraint.expression, table_columns);
}

} // namespace

Ownership::Ownership(const Graph& graph, const std::vector<LoadedPlugin>& plugins,
                     const std::vector<std::string>& applied, const std::vector<int>& gone) {
    for (const auto& branch : graph.branches()) {
        auto plugin = std::find_if(plugins.begin(), plugins.end(),
                                   [&](const LoadedPlugin& p) { return p.descriptor.name == branch.label(); });
        if (plugin != plugins.end())
            m_kinds[branch.label()] = plugin->has_models() ? OwnerKind::modelled : OwnerKind::sql_only;
        else // a branch the config declares has a version path; one only the ledger knows has none
            m_kinds[branch.label()] = branch.spec.version_path.empty() ? OwnerKind::gone : OwnerKind::sql_only;
    }
    std::vector<bool> done(graph.size(), false);
    auto visit = [&](int i) {
        if (!done[i])
            read(graph.revision(i), graph.branch(graph.branch_of(i)).label(),
                 std::binary_search(gone.begin(), gone.end(), i));
        done[i] = true;
    };
    for (const auto& id : applied)
        if (auto i = graph.find(id))
            visit(*i);
    for (int i : graph.order())
        visit(i);
}

void Ownership::read(const Revision& revision, const std::string& branch, bool file_gone) {
    SqlFound found;
    // A revision whose file is gone kept only its downgrade: what it drops, it had created.
    auto wanted = file_gone ? SectionKind::downgrade : SectionKind::upgrade;
    // Every dialect's section: a SQLite rebuild says less than PostgreSQL's ALTER of one change.
    for (const auto& section : revision.sections)
        if (section.kind == wanted)
            // The generic section as PostgreSQL reads it: what it creates is the same either way.
            for (const auto& statement : split_statements(section, "postgresql"))
                if (statement.call.empty())
                    read_statement(statement.sql, file_gone, found);
    auto final_name = [&](const std::string& table) {
        auto it = found.renamed.find(table);
        return it == found.renamed.end() ? table : it->second;
    };
    for (const auto& t : found.tables) {
        // A rebuild drops the table and renames the new one into its place: it made nothing.
        bool rebuilt = std::any_of(found.renamed.begin(), found.renamed.end(),
                                   [&](const auto& rename) { return key(rename.second) == key(t); });
        if (!rebuilt)
            m_tables.emplace(key(t), branch);
    }
    for (const auto& [table, created] : found.created) {
        auto name = key(final_name(table));
        auto& known = m_known_columns[name];
        for (const auto& c : created.columns)
            if (std::find(known.begin(), known.end(), key(c)) == known.end())
                known.push_back(key(c));
    }
    for (const auto& c : found.columns) {
        m_columns.emplace(key(c), branch);
        auto dot = c.find('.');
        m_known_columns[key(c.substr(0, dot))].push_back(key(c.substr(dot + 1)));
    }
    for (const auto& i : found.indexes)
        m_indexes.emplace(key(i), branch);
    if (file_gone) {
        // What the stored downgrade drops by name; what a rebuild it stored leaves out.
        for (const auto& k : found.constraints)
            m_constraints.emplace(key(k.table) + "|" + key(k.name), branch);
        for (const auto& [from, to] : found.renamed)
            if (auto it = found.created.find(from); it != found.created.end()) {
                Rebuild r{key(to), {}, {}, branch};
                for (const auto& c : it->second.columns)
                    r.columns.push_back(key(c));
                for (const auto& k : it->second.constraints)
                    for (auto& keys : constraint_keys(to, k.kind, check_name(to, k, r.columns), k.columns))
                        r.constraints.push_back(keys);
                m_rebuilt.push_back(std::move(r));
            }
        return;
    }
    for (const auto& [table, created] : found.created)
        for (const auto& k : created.constraints)
            claim(final_name(table), k, branch, found.renamed.count(table) > 0);
    for (const auto& k : found.constraints)
        claim(k.table, k, branch, false);
}

std::vector<std::string> Ownership::constraint_keys(const std::string& table, const std::string& kind,
                                                    const std::string& name,
                                                    const std::vector<std::string>& columns) const {
    std::vector<std::string> lowered;
    for (const auto& c : columns)
        lowered.push_back(key(c));
    auto written = name;
    if (written.empty() && kind == "foreign")
        written = default_key_name(table, columns, "fkey");
    else if (written.empty() && kind == "unique")
        written = default_key_name(table, columns, "key");
    std::vector<std::string> out;
    if (!written.empty())
        out.push_back(key(table) + "|" + key(written));
    if ((kind == "foreign" || kind == "unique") && !columns.empty())
        out.push_back(fmt::format("{}|{}|{}", key(table), kind, text::join(lowered, ",")));
    return out;
}

std::string Ownership::lookup_constraint(const std::vector<std::string>& keys) const {
    for (const auto& k : keys)
        if (auto it = m_constraints.find(k); it != m_constraints.end())
            return it->second;
    return "";
}

void Ownership::claim(const std::string& table, const ConstraintFound& constraint, const std::string& branch,
                      bool rebuild) {
    auto it = m_known_columns.find(key(table));
    auto name = check_name(table, constraint, it == m_known_columns.end() ? std::vector<std::string>{} : it->second);
    auto keys = constraint_keys(table, constraint.kind, name, constraint.columns);
    if (keys.empty() || !lookup_constraint(keys).empty())
        return;
    auto owner = rebuild ? rebuilt_without(keys, table) : "";
    for (const auto& k : keys)
        m_constraints.emplace(k, owner.empty() ? branch : owner);
}

std::string Ownership::rebuilt_without(const std::string& table, const std::string& column) const {
    for (const auto& r : m_rebuilt)
        if (r.table == key(table) && std::find(r.columns.begin(), r.columns.end(), key(column)) == r.columns.end())
            return r.branch;
    return "";
}

std::string Ownership::rebuilt_without(const std::vector<std::string>& keys, const std::string& table) const {
    for (const auto& r : m_rebuilt)
        if (r.table == key(table) && std::none_of(keys.begin(), keys.end(), [&](const std::string& k) {
                return std::find(r.constraints.begin(), r.constraints.end(), k) != r.constraints.end();
            }))
            return r.branch;
    return "";
}

std::string Ownership::table_origin(const std::string& table) const {
    return lookup(m_tables, table);
}

std::string Ownership::column_origin(const std::string& table, const std::string& column) const {
    return lookup(m_columns, table + "." + column);
}

std::string Ownership::index_origin(const std::string& index) const {
    return lookup(m_indexes, index);
}

std::string Ownership::constraint_origin(const std::string& table, const std::string& kind, const std::string& name,
                                         const std::vector<std::string>& columns) const {
    auto keys = constraint_keys(table, kind, name, columns);
    auto origin = lookup_constraint(keys);
    return origin.empty() ? rebuilt_without(keys, table) : origin;
}

OwnerKind Ownership::kind(const std::string& branch) const {
    auto it = m_kinds.find(branch);
    return it == m_kinds.end() ? OwnerKind::gone : it->second;
}

namespace {

// The columns an index, key or constraint that an operation drops is on.
std::vector<std::string> columns_of(const Operation& op) {
    if (op.kind == OpKind::drop_index)
        for (const auto& i : op.before.indexes)
            if (i.name == op.subject)
                return i.columns;
    if (op.kind == OpKind::drop_foreign_key)
        for (const auto& f : op.before.foreign_keys)
            if ((f.name.empty() ? text::join(f.columns, ",") : f.name) == op.subject)
                return f.columns;
    if (op.kind == OpKind::drop_unique)
        for (const auto& u : op.before.uniques)
            if (u.name == op.subject)
                return u.columns;
    if (op.kind == OpKind::drop_check)
        for (const auto& c : op.before.checks)
            if (c.name == op.subject) {
                std::vector<std::string> columns;
                for (const auto& column : op.before.columns)
                    columns.push_back(column.name);
                return check_columns(c.expression, columns);
            }
    return {};
}

// What a drop is about, for `left alone: ...`.
std::string what(const Operation& op) {
    switch (op.kind) {
    case OpKind::drop_table:
        return "table " + op.table;
    case OpKind::drop_column:
        return fmt::format("column {}.{}", op.table, op.subject);
    case OpKind::drop_index:
        return fmt::format("index {} on {}", op.subject, op.table);
    case OpKind::drop_foreign_key:
        return fmt::format("foreign key {} on {}", op.subject, op.table);
    case OpKind::drop_unique:
        return fmt::format("unique constraint {} on {}", op.subject, op.table);
    case OpKind::drop_check:
        return fmt::format("check constraint {} on {}", op.subject, op.table);
    default:
        return fmt::format("{} on {}", op.subject, op.table);
    }
}

} // namespace

void Ownership::leave_alone(std::vector<Operation>& operations, std::vector<Kept>& kept,
                            std::vector<std::string>& unowned) const {
    // First the tables and columns, then what sits on those columns.
    std::map<std::string, std::string> columns; // "table.column" -> the branch that created it
    std::erase_if(operations, [&](Operation& op) {
        std::string origin;
        if (op.kind == OpKind::drop_table) {
            origin = table_origin(op.table);
            if (origin.empty()) {
                unowned.push_back(op.table);
                return true;
            }
        } else if (op.kind == OpKind::drop_column) {
            origin = column_origin(op.table, op.subject);
            // A gone plugin's downgrade that rebuilds the table without the column had added it.
            if (origin.empty())
                origin = rebuilt_without(op.table, op.subject);
            // Whoever drops the column drops what sits on it, in the same revision.
            columns[op.table + "." + op.subject] = origin.empty() ? op.owner : origin;
        } else if (op.kind == OpKind::drop_index) {
            origin = index_origin(op.subject);
        } else if (op.kind == OpKind::drop_foreign_key || op.kind == OpKind::drop_unique ||
                   op.kind == OpKind::drop_check) {
            auto kind = op.kind == OpKind::drop_foreign_key ? "foreign"
                        : op.kind == OpKind::drop_unique    ? "unique"
                                                            : "check";
            origin = constraint_origin(op.table, kind, op.subject, columns_of(op));
        }
        if (origin.empty())
            return false;
        if (kind(origin) == OwnerKind::modelled) {
            op.owner = origin;
            return false;
        }
        kept.push_back({origin, kind(origin), what(op), op.table});
        return true;
    });
    std::erase_if(operations, [&](Operation& op) {
        for (const auto& column : columns_of(op)) {
            auto it = columns.find(op.table + "." + column);
            if (it == columns.end() || it->second.empty())
                continue;
            if (kind(it->second) == OwnerKind::modelled) {
                // An index or key on a column that goes away goes with it, in the same revision.
                op.owner = it->second;
                return false;
            }
            kept.push_back({it->second, kind(it->second), what(op), op.table});
            return true;
        }
        return false;
    });
}

std::vector<std::string> gone_notes(const std::vector<Kept>& kept) {
    // What a gone plugin created is named, so that nobody mistakes it for another plugin's; what
    // branches without models own is simply theirs.
    std::map<std::string, std::vector<std::string>> gone;
    for (const auto& k : kept)
        if (k.kind == OwnerKind::gone)
            gone[k.owner].push_back(k.what);
    std::vector<std::string> out;
    for (const auto& [plugin, what] : gone)
        out.push_back(fmt::format("note: left alone, created by plugin `{}`, which is gone (its library is not "
                                  "loaded, its revisions are applied): {}; `trellis downgrade {}@base` uninstalls it",
                                  plugin, text::join(what, ", "), plugin));
    return out;
}

} // namespace trellis
